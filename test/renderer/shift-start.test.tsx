// @vitest-environment jsdom
/**
 * The shift-start screen (B.2 equipment check, C.3 shift-start sync) after
 * sign-in: each camera's live tile with its verdict in plain words, the GPS
 * fix, each list's age with the sync's progress and a failed or stale list in
 * red; "Start patrol" goes on with the problems left as banners; the patrol
 * screen's camera strip opens a camera large and opens this screen again,
 * and a reload comes back to it.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App.js';
import { resetAllStores, useSessionStore } from '../../src/renderer/stores/index.js';
import type { CameraStatus } from '../../src/shared/contract.js';
import { FakeEngine, NOW, makeStatus } from './fake-engine.js';
import { installRendererHooks, startPatrol } from './setup.js';

installRendererHooks();

function camera(overrides: Partial<CameraStatus> & Pick<CameraStatus, 'id' | 'name'>): CameraStatus {
  return { state: 'live', fps: 9.6, framesRead: 500, framesDropped: 0, lastFrameAt: NOW - 200, fault: null, nextRetryAt: null, outOfServiceReason: null, ...overrides };
}

/** A car with one good camera, one reconnecting, one too dark, one out of service; a fresh list, a failed one and a stale one. */
function carAtShiftStart(): FakeEngine {
  const engine = new FakeEngine();
  engine.status = makeStatus({
    cameras: [
      camera({ id: 'front', name: 'Front', equipment: { verdict: 'ok', detail: '', frames: 8, since: NOW - 5000 } }),
      camera({ id: 'rear', name: 'Rear', state: 'failed', fps: 0, fault: { kind: 'ended', detail: 'camera rear: /dev/video2 stopped sending frames', seconds: null }, nextRetryAt: NOW + 4000 }),
      camera({ id: 'left', name: 'Left', equipment: { verdict: 'dark', detail: 'mean level 20', frames: 8, since: NOW - 5000 } }),
      camera({ id: 'right', name: 'Right', state: 'out-of-service', fps: 0, outOfServiceReason: 'lens cracked' }),
    ],
    hotLists: [
      { name: 'NCIC', entries: 120_000, updatedAt: NOW - 2 * 3_600_000, stale: false, kind: 'imported', fault: null },
      { name: 'DMV', entries: 3_400, updatedAt: NOW - 30 * 3_600_000, stale: true, staleAfterMs: 24 * 3_600_000, kind: 'imported', fault: null },
      {
        name: 'LOCAL',
        entries: 12,
        updatedAt: NOW - 5 * 3_600_000,
        stale: true,
        kind: 'imported',
        fault: { kind: 'unreachable', detail: 'https://lists.example/local.csv: no data from the server (timed out); the previous list stays in force', at: NOW - 60_000, status: null, line: null },
      },
    ],
    gps: { lat: 42.3601, lon: -71.0589, accuracyM: 4, speedKmh: 0, quality: 'dgps', satellites: 9 },
    gpsReceiver: true,
  });
  return engine;
}

function signIn(): void {
  fireEvent.change(screen.getByTestId('login-user'), { target: { value: '1234' } });
  fireEvent.change(screen.getByTestId('login-pin'), { target: { value: '4321' } });
  fireEvent.click(screen.getByTestId('login-submit'));
}

async function atShiftStart(engine: FakeEngine): Promise<HTMLElement> {
  render(<App api={engine} />);
  await screen.findByTestId('login-user');
  signIn();
  return screen.findByTestId('shift-start');
}

function tile(id: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`[data-testid="camera-tile"][data-camera="${id}"]`);
  if (!found) throw new Error(`no tile for camera ${id}`);
  return found;
}

function listRow(name: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`[data-testid="shift-start-list"][data-list="${name}"]`);
  if (!found) throw new Error(`no row for list ${name}`);
  return found;
}

describe('the shift-start screen', () => {
  it('shows each camera live with its verdict in plain words and what to do', async () => {
    const engine = carAtShiftStart();
    await atShiftStart(engine);
    // The picture comes from the engine's frames channel, asked again about once a second.
    await waitFor(() => expect(within(tile('front')).getByTestId('camera-tile-image').getAttribute('src')).toContain('#camera-front'));
    expect(engine.callsTo('cameras.frames').length).toBeGreaterThanOrEqual(1);
    const verdicts = Object.fromEntries(['front', 'rear', 'left', 'right'].map((id) => [id, within(tile(id)).getByTestId('camera-tile-verdict').textContent]));
    expect(verdicts).toEqual({ front: 'OK', rear: 'Reconnecting', left: 'Too dark', right: 'Out of service' });
    expect(within(tile('rear')).queryByTestId('camera-tile-image')).toBeNull();
    expect(within(tile('rear')).getByTestId('camera-tile-action').textContent).toContain('check its cable and power');
    expect(within(tile('left')).getByTestId('camera-tile-action').textContent).toContain('Check nothing covers the lens');
    expect(tile('right').textContent).toContain('lens cracked');
    // No clause numbers and no bare codes face the officer.
    expect(screen.getByTestId('shift-start').textContent).not.toMatch(/B\.2|C\.3|5\.04|no-signal|out-of-service/);
    await waitFor(() => expect(engine.callsTo('cameras.frames').length).toBeGreaterThanOrEqual(2), { timeout: 3000 });
  });

  it('shows the GPS fix, or no fix with what to do', async () => {
    const engine = carAtShiftStart();
    await atShiftStart(engine);
    const gps = screen.getByTestId('shift-start-gps');
    expect(gps.textContent).toContain('Corrected GPS fix');
    expect(gps.textContent).toContain('9 satellites');
    expect(gps.textContent).toContain('0 km/h');
    engine.emit('status', { ...engine.status, gps: null });
    expect(screen.getByTestId('shift-start-gps-none').textContent).toBe('No fix');
    expect(screen.getByTestId('shift-start-gps').textContent).toContain('check the GPS antenna');
  });

  it('shows each list with its age, the sync progress, and a failed or stale list in red', async () => {
    const engine = carAtShiftStart();
    await atShiftStart(engine);
    expect(within(listRow('NCIC')).getByTestId('shift-start-list-age').textContent).toBe('data 2 h 00 min old');
    expect(listRow('NCIC').dataset.bad).toBeUndefined();
    expect(listRow('DMV').dataset.bad).toBe('true');
    expect(within(listRow('DMV')).getByTestId('shift-start-list-stale').textContent).toBe(
      'Out of date: Its data is 30 h old, over the 24 h limit. Check a hit on it with dispatch before acting.',
    );
    expect(listRow('LOCAL').dataset.bad).toBe('true');
    expect(within(listRow('LOCAL')).getByTestId('shift-start-list-error').textContent).toBe(
      "Sync failed: The list's server could not be reached. The older copy stays in use: check a hit on it with dispatch.",
    );
    // The server's address is for the administrator's eyes.
    expect(within(listRow('LOCAL')).queryByTestId('shift-start-list-detail')).toBeNull();
    // The sync the sign-in started reports its progress per list.
    engine.emit('hotListSync', { list: 'NCIC', phase: 'import', fraction: 0.4, message: 'import: 48000 lines' });
    const bar = within(listRow('NCIC')).getByRole('progressbar') as HTMLProgressElement;
    expect(bar.value).toBe(40);
    const fault = { kind: 'bad-format', detail: '/media/usb0/ncic.txt:48001: the file ends in the middle of a record', at: NOW, status: null, line: 48001 } as const;
    engine.emit('hotListSync', { list: 'NCIC', phase: 'failed', fraction: null, message: 'The new file is damaged or in the wrong format (line 48001), so it was not taken.', fault });
    expect(listRow('NCIC').dataset.bad).toBe('true');
    expect(within(listRow('NCIC')).getByTestId('shift-start-list-error').textContent).toContain('damaged or in the wrong format (line 48001)');
    expect(within(listRow('NCIC')).getByTestId('shift-start-list-error').textContent).not.toContain('/media/usb0');
    fireEvent.click(screen.getByTestId('shift-start-sync'));
    await waitFor(() => expect(engine.callsTo('hotlists.sync')).toHaveLength(1));
    // The administrator sees the engine's details under the words.
    act(() => useSessionStore.getState().signedIn({ id: 'chief', name: 'Chief Ortiz', role: 'administrator' }));
    expect(within(listRow('LOCAL')).getByTestId('shift-start-list-detail').textContent).toBe(
      'Details: https://lists.example/local.csv: no data from the server (timed out); the previous list stays in force',
    );
  });

  it('goes on to patrol with the problems still shown as banners; the strip opens a camera large and this screen again', async () => {
    const engine = carAtShiftStart();
    await atShiftStart(engine);
    expect(screen.getByTestId('shift-start-summary').textContent).toMatch(/^\d+ problems: /);
    // The screen says it all itself: no banners over it.
    expect(screen.queryByTestId('failure-banners')).toBeNull();
    await startPatrol();
    const banners = screen.getAllByTestId('failure-banner').map((b) => b.dataset.failure);
    expect(banners).toEqual(expect.arrayContaining(['camera:rear']));
    fireEvent.click(screen.getByTestId('failure-more'));
    expect(screen.getAllByTestId('failure-banner').map((b) => b.dataset.failure)).toEqual(expect.arrayContaining(['camera:rear', 'camera:left', 'hotlist:DMV', 'hotlist:LOCAL']));
    expect(document.querySelector('[data-failure="camera:left"]')!.textContent).toContain('too dark');

    const strip = screen.getByTestId('camera-strip');
    expect(within(strip).getAllByTestId('camera-tile').map((t) => t.dataset.verdict)).toEqual(['ok', 'reconnecting', 'dark', 'out-of-service']);
    await waitFor(() => expect(within(strip).getAllByTestId('camera-tile-image')).toHaveLength(2));
    fireEvent.click(within(tile('front')).getByTestId('camera-tile-open'));
    const large = screen.getByTestId('camera-large');
    expect(within(large).getByTestId('camera-tile-verdict').textContent).toBe('OK');
    expect(within(large).getByTestId('camera-tile-image').getAttribute('src')).toContain('#camera-front');
    fireEvent.click(screen.getByTestId('camera-large-close'));
    expect(screen.queryByTestId('camera-large')).toBeNull();

    fireEvent.click(screen.getByTestId('shift-start-open'));
    await screen.findByTestId('shift-start');
  });

  it('takes a camera out of service from its tile, with a reason', async () => {
    const engine = carAtShiftStart();
    engine.handle('cameras.service', ({ cameraId, inService, reason }) => {
      const changed = { ...engine.status.cameras.find((c) => c.id === cameraId)!, state: inService ? ('live' as const) : ('out-of-service' as const), outOfServiceReason: inService ? null : reason };
      engine.status = { ...engine.status, cameras: engine.status.cameras.map((c) => (c.id === cameraId ? changed : c)) };
      return { ok: true, value: changed };
    });
    await atShiftStart(engine);
    fireEvent.click(within(tile('left')).getByTestId('camera-tile-service'));
    fireEvent.change(within(tile('left')).getByTestId('camera-service-reason'), { target: { value: 'lens fogged inside' } });
    fireEvent.click(within(tile('left')).getByTestId('camera-service-submit'));
    await waitFor(() => expect(engine.callsTo('cameras.service')).toEqual([{ cameraId: 'left', inService: false, reason: 'lens fogged inside' }]));
    engine.emit('status', engine.status);
    await waitFor(() => expect(within(tile('left')).getByTestId('camera-tile-verdict').textContent).toBe('Out of service'));
  });

  it('comes back after a reload, and not once the officer started patrol', async () => {
    const engine = carAtShiftStart();
    await atShiftStart(engine);
    cleanup();
    resetAllStores();
    render(<App api={engine} />);
    await screen.findByTestId('shift-start');
    await startPatrol();
    cleanup();
    resetAllStores();
    render(<App api={engine} />);
    await screen.findByTestId('patrol-view');
    expect(screen.queryByTestId('shift-start')).toBeNull();
  });
});
