// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CameraStatus, EngineStatus } from '../../src/shared/contract.js';
import { cameraFaultInWords } from '../../src/renderer/lib/failures.js';
import { FakeEngine, NOW, OFFICER, makeAlert, makeStatus } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const front = (over: Partial<CameraStatus> = {}): CameraStatus => ({
  id: 'front', name: 'Front', state: 'live', fps: 15, framesRead: 100, framesDropped: 0, lastFrameAt: NOW, lastError: null, nextRetryAt: null, outOfServiceReason: null, ...over,
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

  it('name a failed camera with its reason and what to do, and clear when it is back', async () => {
    const engine = new FakeEngine();
    engine.status = healthy();
    await renderSignedIn(engine);
    engine.emit('status', healthy({ cameras: [front({ state: 'failed', lastError: 'USB device /dev/video0 was unplugged' })] }));
    const failed = banner('camera:front')!;
    expect(failed.textContent).toContain('Front camera has failed');
    expect(failed.textContent).toContain('USB device /dev/video0 was unplugged');
    expect(failed.textContent).toContain('Check its cable and power');
    engine.emit('status', healthy());
    expect(banner('camera:front')).toBeNull();
  });

  it('say a camera is reconnecting, with the time to the next try', async () => {
    const engine = new FakeEngine();
    engine.status = healthy({ cameras: [front({ state: 'reconnecting', lastError: 'stream closed', nextRetryAt: NOW + 4_000 })] });
    await renderSignedIn(engine);
    const text = banner('camera:front')!.textContent ?? '';
    expect(text).toContain('Front camera lost: reconnecting');
    expect(text).toContain('Stream closed.');
    expect(text).toContain('Next try in 4 s');
    engine.emit('status', healthy({ cameras: [front({ state: 'starting', lastError: 'stream closed', nextRetryAt: null })] }));
    expect(banner('camera:front')!.textContent).toContain('Trying now');
  });

  it("put the engine's reason in plain words, without the camera's address", async () => {
    const engine = new FakeEngine();
    const url = 'http://10.0.0.7/video.mjpg';
    engine.status = healthy({ cameras: [front({ state: 'failed', lastError: `camera front: ${url} no frame for 3 s`, nextRetryAt: NOW + 2_000 })] });
    await renderSignedIn(engine);
    let text = banner('camera:front')!.textContent ?? '';
    expect(text).toContain('It stopped sending pictures. No picture came for 3 s. Next try in 2 s.');
    expect(text).not.toContain(url);
    const words = (lastError: string) => cameraFaultInWords({ id: 'front', lastError });
    expect(words(`camera front: ${url} stopped sending frames`)).toBe('Its picture stream ended.');
    expect(words(`camera front: ${url} did not open within 20 s`)).toBe('It did not answer within 20 s.');
    expect(words(`camera front: cannot open video ${url}: VideoCapture::New - failed to open capture`)).toBe('It could not be reached.');
    expect(words(`camera front: grabber process for ${url} stopped (SIGKILL)`)).toBe('The part of the reader that takes its pictures stopped.');
    expect(words('camera front: lens covered')).toBe('Lens covered.');
    engine.emit('status', healthy({ cameras: [front({ state: 'failed', lastError: `camera front: ${url} did not open within 20 s` })] }));
    text = banner('camera:front')!.textContent ?? '';
    expect(text).toContain('It did not answer within 20 s.');
  });

  it('do not let an empty feed look normal when no camera works', async () => {
    const engine = new FakeEngine();
    engine.reads = [];
    engine.status = healthy({ cameras: [front({ state: 'stopped', lastError: null })] });
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
    engine.status = healthy({ cameras: [front({ state: 'failed', lastError: 'no signal' })] });
    await renderSignedIn(engine);
    expect(screen.getByTestId('alert-screen')).toBeTruthy();
    expect(banner('camera:front')!.textContent).toContain('No signal.');
  });
});
