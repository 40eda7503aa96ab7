// @vitest-environment jsdom
/**
 * The administrator's Car tab: the car's settings loaded and edited, each bad
 * value named at its field by the same check the engine uses, a camera's
 * preview asked of the engine with the camera as entered (its rotation and
 * region shown), a region drawn on the preview, and a save that sends the
 * whole settings with a reason and says what the engine restarted.
 */
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App.js';
import { regionBetween } from '../../src/renderer/admin/CameraPreview.js';
import type { User } from '../../src/shared/contract.js';
import { carSettingsSchema, type CarSettings } from '../../src/shared/settings.js';
import { FakeEngine, PNG_DATA_URL } from './fake-engine.js';
import { installRendererHooks } from './setup.js';

installRendererHooks();

const ADMIN: User = { id: 'chief', name: 'Chief Ortiz', role: 'administrator' };

function carEngine(): { engine: FakeEngine; saved: () => CarSettings } {
  const engine = new FakeEngine();
  engine.status = { ...engine.status, user: ADMIN, channels: ['users.list', 'audit.list', 'settings.get', 'settings.update', 'settings.preview'] };
  let settings = carSettingsSchema.parse({
    cameras: [
      { id: 'front', name: 'Front', position: 'front', source: '/dev/video0', width: 1280, height: 720, fps: 15 },
      { id: 'rear', name: 'Rear', position: 'rear', source: 'rtsp://10.0.0.9/stream', roi: { x: 0, y: 0.4, w: 1, h: 0.6 } },
    ],
    gps: { device: '/dev/ttyUSB0', baud: 4800 },
  });
  engine.handle('users.list', () => ({ ok: true, value: [] }));
  engine.handle('settings.get', () => ({ ok: true, value: { settings, file: '/var/lib/lpr/settings.json' } }));
  engine.handle('settings.update', (request) => {
    // The engine checks with the same schema; the fake applies it as the engine would.
    settings = carSettingsSchema.parse(request.settings);
    return { ok: true, value: { settings, file: '/var/lib/lpr/settings.json', camerasStarted: ['rear'], camerasStopped: [], gpsReopened: false, restartNeeded: [] } };
  });
  engine.handle('settings.preview', ({ camera }) => {
    const turned = camera.rotation === 90 || camera.rotation === 270;
    return { ok: true, value: { image: PNG_DATA_URL, width: turned ? 720 : 1280, height: turned ? 1280 : 720, description: `video ${camera.source}`, from: 'source', capturedAt: 0 } };
  });
  return { engine, saved: () => settings };
}

async function openCarTab(engine: FakeEngine): Promise<void> {
  render(<App api={engine} />);
  await screen.findByTestId('patrol-view');
  fireEvent.click(screen.getByTestId('admin-open'));
  fireEvent.click(await screen.findByTestId('admin-tab-settings'));
  await screen.findByTestId('settings-camera-1');
}

describe("the car's settings tab", () => {
  it('names each bad value at its field with the engine’s own rule, and will not save until it is fixed', async () => {
    const { engine } = carEngine();
    await openCarTab(engine);
    const save = screen.getByTestId('settings-save') as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    fireEvent.change(screen.getByTestId('settings-camera-1-fps'), { target: { value: '-2' } });
    fireEvent.change(screen.getByTestId('settings-camera-1-id'), { target: { value: 'front' } });
    const problems = await screen.findByTestId('settings-problems');
    expect(problems.textContent).toMatch(/2 problems/);
    expect(problems.textContent).toContain('cameras.1.fps');
    expect(problems.textContent).toContain('cameras.1.id: camera id "front" is used twice');
    expect(screen.getByTestId('settings-camera-1-fps').getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(screen.getByTestId('settings-reason'), { target: { value: 'rear camera replaced' } });
    expect(save.disabled).toBe(true);

    fireEvent.change(screen.getByTestId('settings-camera-1-fps'), { target: { value: '25' } });
    fireEvent.change(screen.getByTestId('settings-camera-1-id'), { target: { value: 'rear' } });
    await waitFor(() => expect(screen.queryByTestId('settings-problems')).toBeNull());
    expect(screen.getByTestId('settings-changes').textContent).toMatch(/1 change:.*cameras\.rear\.fps 15 → 25/);
    expect(save.disabled).toBe(false);
  });

  it('previews the camera as entered, turned by its rotation, and takes a region drawn on the picture', async () => {
    const { engine } = carEngine();
    await openCarTab(engine);
    const card = screen.getByTestId('settings-camera-0');
    fireEvent.change(within(card).getByTestId('settings-camera-0-rotation'), { target: { value: '90' } });
    fireEvent.click(within(card).getByTestId('settings-camera-0-preview-toggle'));
    await within(card).findByTestId('settings-camera-0-preview-image');
    expect(engine.callsTo('settings.preview')[0]).toMatchObject({ camera: { id: 'front', source: '/dev/video0', rotation: 90, width: 1280, height: 720 } });
    expect(within(card).getByTestId('settings-camera-0-preview-caption').textContent).toBe('720×1280, turned 90°');
    expect(within(card).queryByTestId('settings-camera-0-preview-roi')).toBeNull();

    // Drag from a quarter of the way in to three quarters: jsdom lays nothing out, so give the picture a size.
    const picture = within(card).getByTestId('settings-camera-0-preview-image').parentElement!;
    picture.getBoundingClientRect = () => ({ left: 0, top: 0, width: 200, height: 400, right: 200, bottom: 400, x: 0, y: 0, toJSON: () => ({}) });
    fireEvent.pointerDown(picture, { clientX: 50, clientY: 100, pointerId: 1 });
    fireEvent.pointerMove(picture, { clientX: 150, clientY: 300, pointerId: 1 });
    fireEvent.pointerUp(picture, { clientX: 150, clientY: 300, pointerId: 1 });
    const roi = await within(card).findByTestId('settings-camera-0-preview-roi');
    expect(roi.style.left).toBe('25%');
    expect(roi.style.width).toBe('50%');
    expect((within(card).getByTestId('settings-camera-0-roi-y') as HTMLInputElement).value).toBe('25');
    expect((within(card).getByTestId('settings-camera-0-roi-h') as HTMLInputElement).value).toBe('50');
    fireEvent.click(within(card).getByTestId('settings-camera-0-preview-toggle'));
  });

  it('shows why a source gave no preview', async () => {
    const { engine } = carEngine();
    engine.handle('settings.preview', () => ({ ok: false, error: 'camera rear: rtsp://10.0.0.9/stream did not open within 10 s' }));
    await openCarTab(engine);
    fireEvent.click(screen.getByTestId('settings-camera-1-preview-toggle'));
    expect((await screen.findByTestId('settings-camera-1-preview-error')).textContent).toBe('No preview: camera rear: rtsp://10.0.0.9/stream did not open within 10 s');
  });

  it('saves the whole settings with the reason and says what the engine restarted', async () => {
    const { engine, saved } = carEngine();
    await openCarTab(engine);
    fireEvent.click(screen.getByTestId('settings-camera-1-roi-clear'));
    fireEvent.change(screen.getByTestId('settings-gps-baud'), { target: { value: '9600' } });
    fireEvent.change(screen.getByTestId('settings-lock-minutes'), { target: { value: '5' } });
    expect(screen.getByTestId('settings-changes').textContent).toMatch(/^3 changes:/);
    fireEvent.change(screen.getByTestId('settings-reason'), { target: { value: 'new receiver, rear camera re-aimed' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('settings-save'));
    });
    expect((await screen.findByTestId('settings-applied')).textContent).toBe('Saved. Cameras restarted: rear.');
    const [request] = engine.callsTo('settings.update');
    expect(request).toMatchObject({ reason: 'new receiver, rear camera re-aimed', settings: { gps: { baud: 9600 }, screen: { lockAfterMinutes: 5 } } });
    expect(saved().cameras[1]!.roi).toBeUndefined();
    expect(saved().cameras[0]).toMatchObject({ id: 'front', width: 1280 });
    expect((screen.getByTestId('settings-save') as HTMLButtonElement).disabled).toBe(true);
  });

  it('adds a camera with a free position and id', async () => {
    const { engine } = carEngine();
    await openCarTab(engine);
    fireEvent.click(screen.getByTestId('settings-add-camera'));
    const added = await screen.findByTestId('settings-camera-2');
    expect((within(added).getByTestId('settings-camera-2-id') as HTMLInputElement).value).toBe('left');
    // A new camera has no source yet: the check says so at the field.
    expect(screen.getByTestId('settings-problems').textContent).toContain('cameras.2.source');
  });
});

describe('a region drawn on the preview', () => {
  it('spans the two points whichever way it was dragged, inside the picture', () => {
    expect(regionBetween({ x: 0.8, y: 0.9 }, { x: 0.2, y: 0.3 })).toEqual({ x: 0.2, y: 0.3, w: 0.6, h: 0.6 });
    expect(regionBetween({ x: -0.2, y: 0.5 }, { x: 1.4, y: 0.5 })).toEqual({ x: 0, y: 0.5, w: 1, h: 0 });
  });
});
