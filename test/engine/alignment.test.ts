/**
 * The alignment check (B.2) on generated reads and GPS speeds: plates read
 * only at one edge of the picture, or none through a long drive at speed
 * while the other cameras read, make a camera misaligned; a slow drive, a
 * lost fix, a quiet road or a camera that is not live do not.
 */
import { describe, expect, it } from 'vitest';
import { AlignmentWatch, DEFAULT_ALIGNMENT_LIMITS, edgeOf } from '../../src/main/engine/camera/alignment.js';
import { failureNotices } from '../../src/renderer/lib/failures.js';
import type { CameraStatus, EngineStatus } from '../../src/shared/contract.js';

const W = 1280;
const H = 720;
const MIDDLE: [number, number, number, number] = [560, 330, 160, 60];
const LEFT: [number, number, number, number] = [10, 330, 160, 60];
const BOTTOM: [number, number, number, number] = [560, 650, 160, 60];

/** Speed samples every 5 s from `from` for `minutes`, both cameras live unless said. */
function drive(watch: AlignmentWatch, from: number, minutes: number, speedKmh: number | null, live = ['front', 'left'], during?: (at: number) => void): number {
  let at = from;
  for (; at <= from + minutes * 60_000; at += 5000) {
    watch.observeSpeed(at, speedKmh, live);
    during?.(at);
  }
  return at;
}

describe('where in the picture plates are read', () => {
  it('names the edge a box touches, the nearest one if several', () => {
    expect(edgeOf(MIDDLE, W, H, 0.06)).toBeNull();
    expect(edgeOf(LEFT, W, H, 0.06)).toBe('left');
    expect(edgeOf(BOTTOM, W, H, 0.06)).toBe('bottom');
    expect(edgeOf([1100, 0, 80, 40], W, H, 0.06)).toBe('top');
    expect(edgeOf([1200, 0, 80, 40], W, H, 0.06), 'a corner: either edge').toMatch(/^(top|right)$/);
    expect(edgeOf([1130, 300, 140, 60], W, H, 0.06)).toBe('right');
  });

  it('finds a camera whose plates all sit at one edge, and says which way to move it', () => {
    const watch = new AlignmentWatch();
    for (let i = 0; i < DEFAULT_ALIGNMENT_LIMITS.minReads - 1; i++) watch.observeRead('left', LEFT, W, H);
    expect(watch.misaligned('left'), 'too few reads to tell').toBeNull();
    watch.observeRead('left', LEFT, W, H);
    expect(watch.misaligned('left')).toBe('plates are seen only at the left edge of the picture (8 of its last 8 reads): turn it to the left');
    // Reads back in the middle (the mount was fixed) clear it.
    for (let i = 0; i < 4; i++) watch.observeRead('left', MIDDLE, W, H);
    expect(watch.misaligned('left')).toBeNull();
  });

  it('does not blame a camera whose plates are spread over the picture', () => {
    const watch = new AlignmentWatch();
    for (let i = 0; i < 20; i++) watch.observeRead('front', i % 3 === 0 ? BOTTOM : MIDDLE, W, H);
    expect(watch.misaligned('front')).toBeNull();
  });
});

describe('a camera that reads nothing while the car drives', () => {
  it('is misaligned after ten minutes at speed while the other camera reads', () => {
    const watch = new AlignmentWatch();
    let reads = 0;
    drive(watch, 0, 9, 60, ['front', 'left'], (at) => {
      if (at % 30_000 === 0) {
        watch.observeRead('front', MIDDLE, W, H);
        reads++;
      }
    });
    expect(reads).toBeGreaterThanOrEqual(DEFAULT_ALIGNMENT_LIMITS.othersRead);
    expect(watch.misaligned('left'), 'nine minutes is not yet ten').toBeNull();
    drive(watch, 9 * 60_000 + 5000, 1.5, 60, ['front', 'left'], (at) => at % 30_000 === 0 && watch.observeRead('front', MIDDLE, W, H));
    expect(watch.misaligned('left')).toMatch(/^no plate read in 1[01] minutes of driving at speed while the other cameras read \d+: check where it points$/);
    expect(watch.misaligned('front')).toBeNull();
    // One read of its own and it is trusted again.
    watch.observeRead('left', MIDDLE, W, H);
    expect(watch.misaligned('left')).toBeNull();
  });

  it('is not blamed in slow traffic, without a fix, on a quiet road, or while it was not live', () => {
    const reading = (watch: AlignmentWatch) => (at: number) => at % 30_000 === 0 && watch.observeRead('front', MIDDLE, W, H);
    const slow = new AlignmentWatch();
    drive(slow, 0, 20, 20, ['front', 'left'], reading(slow));
    expect(slow.misaligned('left')).toBeNull();

    const noFix = new AlignmentWatch();
    drive(noFix, 0, 20, null, ['front', 'left'], reading(noFix));
    expect(noFix.misaligned('left')).toBeNull();

    const quiet = new AlignmentWatch();
    drive(quiet, 0, 20, 80);
    expect(quiet.misaligned('left'), 'nobody read anything: an empty road, not a bad camera').toBeNull();

    const failed = new AlignmentWatch();
    drive(failed, 0, 20, 80, ['front'], reading(failed));
    expect(failed.misaligned('left')).toBeNull();
  });

  it('counts a long gap between speed samples (a lost fix) as a few seconds, not as driving', () => {
    const watch = new AlignmentWatch();
    for (let i = 0; i < 12; i++) watch.observeRead('front', MIDDLE, W, H);
    watch.observeSpeed(0, 70, ['front', 'left']);
    watch.observeSpeed(30 * 60_000, 70, ['front', 'left']);
    expect(watch.misaligned('left')).toBeNull();
  });
});

describe("the officer's notice", () => {
  it('says in plain words that a live camera may point the wrong way', () => {
    const camera: CameraStatus = {
      id: 'left', name: 'Left', state: 'live', fps: 15, framesRead: 100, framesDropped: 0, lastFrameAt: 1, fault: null, nextRetryAt: null, outOfServiceReason: null,
      misaligned: 'plates are seen only at the left edge of the picture (8 of its last 8 reads): turn it to the left',
    };
    const status = { cameras: [camera], hotLists: [], gps: null, gpsReceiver: false } as unknown as EngineStatus;
    const notice = failureNotices(status, 0).find((n) => n.id === 'camera:left');
    expect(notice).toMatchObject({ severity: 'warn', title: 'Left camera may be pointing the wrong way', reason: expect.stringContaining('turn it to the left') });
    expect(notice!.reason + notice!.action).not.toMatch(/B\.2|policy/);
  });
});
