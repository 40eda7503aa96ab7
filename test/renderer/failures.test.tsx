// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CameraStatus, EngineStatus } from '../../src/shared/contract.js';
import { CAMERA_FAULT_KINDS, type CameraFaultKind } from '../../src/shared/equipment.js';
import { HOTLIST_FAULT_KINDS, type HotListFaultKind } from '../../src/shared/hotlists.js';
import { formatDayTime } from '../../src/renderer/lib/format.js';
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
    const refused = { kind: 'unreachable', detail: 'https://lists.example/ncic: connect ECONNREFUSED 10.0.0.9:443', at: NOW - 600_000, status: null, line: null } as const;
    engine.status = healthy({
      hotLists: [
        { name: 'NCIC', entries: 10, updatedAt: NOW - 2 * 3_600_000, stale: true, staleAfterMs: 24 * 3_600_000, kind: 'imported', fault: refused },
        { name: 'LOCAL', entries: 3, updatedAt: NOW - 30 * 3_600_000, stale: true, staleAfterMs: 24 * 3_600_000, kind: 'imported', fault: null },
      ],
    });
    await renderSignedIn(engine);
    const failed = banner('hotlist:NCIC')!;
    expect(failed.querySelector('.failure-title')!.textContent).toBe('NCIC list could not be updated');
    expect(failed.querySelector('.failure-reason')!.textContent).toBe("The list's server could not be reached.");
    expect(failed.querySelector('.failure-action')!.textContent).toContain(`The copy from ${formatDayTime(NOW - 2 * 3_600_000, NOW)} is in force`);
    expect(failed.textContent).not.toContain('lists.example');
    expect(failed.textContent).not.toContain('ECONNREFUSED');
    const stale = banner('hotlist:LOCAL')!;
    expect(stale.querySelector('.failure-title')!.textContent).toBe('LOCAL list is out of date');
    expect(stale.querySelector('.failure-reason')!.textContent).toBe('Its data is 30 h old, over the 24 h limit.');
    fireEvent.click(stale.querySelector('[data-testid="banner-sync"]')!);
    await waitFor(() => expect(engine.calls.some((c) => c.channel === 'hotlists.sync')).toBe(true));
  });

  it('say a list never synced, and one whose first sync failed, has no copy on the car', async () => {
    const engine = new FakeEngine();
    const missing = { kind: 'missing', detail: '/media/unit12/usb0/county.csv: no such file (is the USB stick or share mounted?)', at: NOW, status: null, line: null } as const;
    engine.status = healthy({
      hotLists: [
        { name: 'County', entries: 0, updatedAt: null, stale: true, staleAfterMs: 24 * 3_600_000, kind: 'imported', fault: missing },
        { name: 'State', entries: 0, updatedAt: null, stale: true, staleAfterMs: 24 * 3_600_000, kind: 'imported', fault: null },
      ],
    });
    await renderSignedIn(engine);
    const county = banner('hotlist:County')!;
    expect(county.querySelector('.failure-title')!.textContent).toBe('County list could not be loaded');
    expect(county.querySelector('.failure-reason')!.textContent).toBe(
      'The list file is missing: the USB stick or network share may not be connected. There is no copy of it on the car: reads are not checked against it.',
    );
    expect(county.textContent).not.toContain('/media');
    expect(county.textContent).not.toContain('county.csv');
    const state = banner('hotlist:State')!;
    expect(state.querySelector('.failure-title')!.textContent).toBe('State list has never been synced');
    expect(state.querySelector('.failure-action')!.textContent).toBe('Sync it before patrol.');
  });

  it("give each kind of hot-list fault its own words, never the engine's detail", async () => {
    const engine = new FakeEngine();
    engine.status = healthy();
    await renderSignedIn(engine);
    // What the engine's detail can hold: a path with the operator's folders, an address with a password, library wording.
    const detail = '/home/unit12/lists/county.csv:17: https://admin:secret@lists.example/county.csv SqliteError: database or disk is full';
    const copy = formatDayTime(NOW - 3 * 3_600_000, NOW);
    const expected: Record<HotListFaultKind, { reason: string; action: string }> = {
      missing: { reason: 'The list file is missing: the USB stick or network share may not be connected.', action: 'Connect it and sync again.' },
      unreachable: { reason: "The list's server could not be reached.", action: 'Sync again when the network is back.' },
      refused: { reason: "The list's server refused the download (HTTP 404).", action: 'Sync again later.' },
      insecure: { reason: "The connection to the list's server is not secure, so the list was not taken.", action: 'Call the administrator.' },
      'bad-format': { reason: 'The new file is damaged or in the wrong format (line 17), so it was not taken.', action: 'the agency has to send the list again' },
      empty: { reason: 'The new file has no entries (an incomplete download?), so it was not taken.', action: 'Sync again.' },
      integrity: { reason: 'The new file failed its integrity check (damaged or altered), so it was not taken.', action: 'the agency has to send the list again' },
      storage: { reason: "The car's storage could not take the new list in.", action: 'Restart the reader and sync again' },
      unexpected: { reason: 'The reader met an error while updating it.', action: 'Sync again.' },
    };
    expect(Object.keys(expected).sort()).toEqual([...HOTLIST_FAULT_KINDS].sort());
    for (const kind of HOTLIST_FAULT_KINDS) {
      const fault = { kind, detail, at: NOW - 60_000, status: kind === 'refused' ? 404 : null, line: kind === 'bad-format' ? 17 : null };
      engine.emit('status', healthy({ hotLists: [{ name: 'County', entries: 5, updatedAt: NOW - 3 * 3_600_000, stale: true, staleAfterMs: 24 * 3_600_000, kind: 'imported', fault }] }));
      const shown = banner('hotlist:County')!;
      expect(shown.querySelector('.failure-title')!.textContent, kind).toBe('County list could not be updated');
      expect(shown.querySelector('.failure-reason')!.textContent, kind).toBe(expected[kind].reason);
      expect(shown.querySelector('.failure-action')!.textContent, kind).toContain(`The copy from ${copy} is in force`);
      expect(shown.querySelector('.failure-action')!.textContent, kind).toContain(expected[kind].action);
      for (const raw of ['/home/unit12', 'county.csv', 'https://', 'secret', 'SqliteError']) expect(shown.textContent, `${kind}: ${raw}`).not.toContain(raw);
      expect(shown.querySelector('[data-testid="failure-detail"]'), kind).toBeNull();
    }
  });

  it("show a list's failure details to the administrator only", async () => {
    const engine = new FakeEngine();
    const detail = 'https://lists.example/county.csv: server answered HTTP 403 Forbidden';
    engine.status = healthy({
      hotLists: [{ name: 'County', entries: 5, updatedAt: NOW - 3_600_000, stale: true, kind: 'imported', fault: { kind: 'refused', detail, at: NOW, status: 403, line: null } }],
    });
    await renderSignedIn(engine);
    expect(banner('hotlist:County')!.textContent).not.toContain('lists.example');
    expect(screen.queryByTestId('failure-detail')).toBeNull();
    act(() => useSessionStore.getState().signedIn({ id: 'chief', name: 'Chief Ortiz', role: 'administrator' }));
    expect(within(banner('hotlist:County')!).getByTestId('failure-detail').textContent).toBe(`Details: ${detail}`);
    expect(banner('hotlist:County')!.querySelector('.failure-reason')!.textContent).toBe("The list's server refused the download (HTTP 403).");
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
