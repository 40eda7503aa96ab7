// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CameraStatus, EngineStatus } from '../../src/shared/contract.js';
import { CAMERA_FAULT_KINDS, type CameraFaultKind } from '../../src/shared/equipment.js';
import { useSessionStore } from '../../src/renderer/stores/index.js';
import { FakeEngine, NOW, OFFICER, makeAlert, makeStatus } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const front = (over: Partial<CameraStatus> = {}): CameraStatus => ({
  id: 'front', name: 'Front', state: 'live', fps: 15, framesRead: 100, framesDropped: 0, lastFrameAt: NOW, fault: null, nextRetryAt: null, outOfServiceReason: null, ...over,
});

const healthy = (over: Partial<EngineStatus> = {}): EngineStatus =>
  makeStatus({ user: OFFICER, cameras: [front()], gpsReceiver: true, ...over });

function banner(id: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-failure="${id}"]`);
}

describe('failure banners', () => {
  it('show nothing while everything works', async () => {
    const engine = new FakeEngine();
    engine.status = healthy();
    await renderSignedIn(engine);
    expect(screen.queryByTestId('failure-banners')).toBeNull();
  });

  it('name a failed camera with why in plain words and what to do, and clear when it is back', async () => {
    const engine = new FakeEngine();
    engine.status = healthy();
    await renderSignedIn(engine);
    const detail = 'camera front: cannot open video /dev/video0: VideoCapture::New - failed to open capture';
    engine.emit('status', healthy({ cameras: [front({ state: 'failed', fault: { kind: 'unreachable', detail, seconds: null } })] }));
    const failed = banner('camera:front')!;
    expect(failed.textContent).toContain('Front camera cannot be reached');
    expect(failed.textContent).toContain('It could not be reached.');
    expect(failed.textContent).toContain('Check its cable and power');
    expect(failed.textContent).not.toContain('/dev/video0');
    expect(failed.textContent).not.toContain('VideoCapture');
    engine.emit('status', healthy());
    expect(banner('camera:front')).toBeNull();
  });

  it('say a camera is reconnecting, why, and the time to the next try', async () => {
    const engine = new FakeEngine();
    const ended = { kind: 'ended', detail: 'camera front: rtsp://10.0.0.7/stream stopped sending frames', seconds: null } as const;
    engine.status = healthy({ cameras: [front({ state: 'reconnecting', fault: ended, nextRetryAt: NOW + 4_000 })] });
    await renderSignedIn(engine);
    const text = banner('camera:front')!.textContent ?? '';
    expect(text).toContain('Front camera lost: reconnecting');
    expect(text).toContain('It stopped sending pictures. Its picture stream ended. Next try in 4 s.');
    expect(text).toContain('check its cable and power');
    expect(text).not.toContain('rtsp://');
    engine.emit('status', healthy({ cameras: [front({ state: 'starting', fault: ended, nextRetryAt: null })] }));
    expect(banner('camera:front')!.textContent).toContain('Trying now');
  });

  it("give each kind of camera fault its own words, never the engine's detail", async () => {
    const engine = new FakeEngine();
    engine.status = healthy();
    await renderSignedIn(engine);
    // What the engine's detail can hold: a path with the operator's folders, a stream address with a password, library wording.
    const detail = 'camera front: /home/unit12/footage/front.mp4 rtsp://admin:secret@10.0.0.7/stream VideoCapture::New - failed to open capture (exit code 1)';
    const expected: Record<CameraFaultKind, { title: string; reason: string; action: string }> = {
      missing: { title: 'Front camera has no video source', reason: 'The video its settings name is not there.', action: 'Call the administrator' },
      unreachable: { title: 'Front camera cannot be reached', reason: 'It could not be reached.', action: 'Check its cable and power' },
      'no-answer': { title: 'Front camera does not answer', reason: 'It did not answer within 20 s.', action: 'Check its cable and power' },
      stalled: { title: 'Front camera sends no picture', reason: 'No picture came for 3 s.', action: 'Check its cable and power' },
      ended: { title: 'Front camera has stopped', reason: 'Its picture stream ended.', action: 'Restart the reader' },
      undecodable: { title: 'Front camera pictures cannot be read', reason: 'Its pictures could not be read.', action: 'Call the administrator' },
      'grabber-died': { title: 'Front camera has failed', reason: 'The part of the reader that takes its pictures stopped.', action: 'if it happens again, call the administrator' },
      unexpected: { title: 'Front camera has failed', reason: 'The reader met an error with this camera.', action: 'if it happens again, call the administrator' },
    };
    expect(Object.keys(expected).sort()).toEqual([...CAMERA_FAULT_KINDS].sort());
    const seconds: Partial<Record<CameraFaultKind, number>> = { 'no-answer': 20, stalled: 3 };
    for (const kind of CAMERA_FAULT_KINDS) {
      engine.emit('status', healthy({ cameras: [front({ state: 'failed', fault: { kind, detail, seconds: seconds[kind] ?? null } })] }));
      const shown = banner('camera:front')!;
      const words = expected[kind];
      expect(shown.querySelector('.failure-title')!.textContent, kind).toBe(words.title);
      expect(shown.querySelector('.failure-reason')!.textContent, kind).toBe(words.reason);
      expect(shown.querySelector('.failure-action')!.textContent, kind).toContain(words.action);
      expect(shown.querySelector('.failure-action')!.textContent, kind).toContain('Plates this camera sees are not being read.');
      for (const raw of ['/home/unit12', 'front.mp4', 'rtsp://', 'secret', 'VideoCapture', 'exit code']) expect(shown.textContent, `${kind}: ${raw}`).not.toContain(raw);
    }
  });

  it("keep the engine's detail for the administrator's eyes in the camera's panel", async () => {
    const engine = new FakeEngine();
    const detail = 'camera front: /srv/cams/front.mp4 did not open within 20 s';
    engine.status = healthy({ cameras: [front({ state: 'failed', fault: { kind: 'no-answer', detail, seconds: 20 } })] });
    await renderSignedIn(engine);
    fireEvent.click(screen.getAllByTestId('camera-state')[0]!);
    expect(screen.getByTestId('camera-service-fault').textContent).toBe('It did not answer within 20 s.');
    expect(screen.queryByTestId('camera-service-detail')).toBeNull();
    act(() => useSessionStore.getState().signedIn({ id: 'chief', name: 'Chief Ortiz', role: 'administrator' }));
    expect(screen.getByTestId('camera-service-detail').textContent).toBe(`Details: ${detail}`);
    expect(banner('camera:front')!.textContent).not.toContain('/srv/cams');
  });

  it('do not let an empty feed look normal when no camera works', async () => {
    const engine = new FakeEngine();
    engine.reads = [];
    engine.status = healthy({ cameras: [front({ state: 'stopped', fault: null })] });
    await renderSignedIn(engine);
    expect(banner('camera:front')!.textContent).toContain('Front camera has stopped');
    expect(screen.getByTestId('reads-empty').textContent).toContain('No camera is working');
  });

  it('warn when the GPS receiver has no position, and not when none is attached', async () => {
    const engine = new FakeEngine();
    engine.status = healthy({ gps: null });
    await renderSignedIn(engine);
    expect(banner('gps')!.textContent).toContain('No GPS position');
    expect(banner('gps')!.textContent).toContain('saved without a location');
    engine.emit('status', healthy({ gps: null, gpsReceiver: false }));
    expect(banner('gps')).toBeNull();
  });

  it('show a list whose sync failed, and a stale list, with a sync button', async () => {
    const engine = new FakeEngine();
    engine.status = healthy({
      hotLists: [
        { name: 'NCIC', entries: 10, updatedAt: NOW - 2 * 3_600_000, stale: false, kind: 'imported', lastError: 'https://lists.example/ncic: connection refused' },
        { name: 'LOCAL', entries: 3, updatedAt: NOW - 30 * 3_600_000, stale: true, kind: 'imported', lastError: null },
      ],
    });
    await renderSignedIn(engine);
    const failed = banner('hotlist:NCIC')!;
    expect(failed.textContent).toContain('the last sync failed');
    expect(failed.textContent).toContain('connection refused');
    expect(failed.textContent).toContain('2 h 00 min ago is still in use');
    const stale = banner('hotlist:LOCAL')!;
    expect(stale.textContent).toContain('out of date');
    expect(stale.textContent).toContain('30 h');
    fireEvent.click(stale.querySelector('[data-testid="banner-sync"]')!);
    await waitFor(() => expect(engine.calls.some((c) => c.channel === 'hotlists.sync')).toBe(true));
  });

  it('stay on the alert screen too', async () => {
    const engine = new FakeEngine();
    engine.alerts = [makeAlert()];
    engine.status = healthy({ cameras: [front({ state: 'failed', fault: { kind: 'stalled', detail: 'camera front: /dev/video0 no frame for 3 s', seconds: 3 } })] });
    await renderSignedIn(engine);
    expect(screen.getByTestId('alert-screen')).toBeTruthy();
    expect(banner('camera:front')!.textContent).toContain('No picture came for 3 s.');
  });
});
