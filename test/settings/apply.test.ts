/**
 * The settings screen's engine side: a saved change restarts only the cameras
 * it touches, reopens the GPS receiver, is written to the file and audited
 * value by value; the preview grabs a frame of an entered source (turned by
 * its rotation) in a process of its own, uses a running camera's own frames
 * when the source is the same, and a source that never answers is reported
 * while the engine goes on answering. Needs the built grabber process
 * (`npm run build:node`; `npm test` builds).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hungCamera } from '../helpers/mjpeg.js';
import { cameraSettingsSchema, carSettingsSchema, settingsChanges, type CarSettings, type CameraSettingsInput } from '../../src/shared/settings.js';
import { Engine } from '../../src/main/engine/engine.js';
import { grabberProcessFile } from '../../src/main/engine/camera/grabber.js';
import { CameraPreviews } from '../../src/main/engine/camera/preview.js';
import { auditTrail } from '../../src/main/engine/governance/audit.js';
import { addUser } from '../../src/main/engine/governance/users.js';
import type { GpsSource } from '../../src/main/engine/gps/gps.js';
import type { Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import { applyCarSettings } from '../../src/main/engine/settings/apply.js';
import { cameraConfigOf } from '../../src/main/engine/start.js';
import cv from '../../src/main/engine/opencv.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A few 320x240 frames (wider than tall, so a quarter turn shows). */
function folderOfFrames(count = 4): string {
  const dir = tempDir('lpr-settings-frames-');
  for (let i = 0; i < count; i++) {
    const frame = new cv.Mat(240, 320, cv.CV_8UC3, [60 + i * 10, 90, 120]);
    frame.drawRectangle(new cv.Rect(20, 20, 80, 40), new cv.Vec3(255, 255, 255), -1);
    cv.imwrite(path.join(dir, `f${i}.png`), frame);
  }
  return dir;
}

const idle: Recognizer = { name: 'idle', recognize: async () => ({ plates: [], timings: { detectMs: 0, ocrMs: 0 } }), dispose: async () => {} };

/** A camera that accepts and never sends (test/helpers/mjpeg.ts), closed after the test. */
async function hungCameraUrl(): Promise<string> {
  const camera = await hungCamera();
  cleanups.push(camera.close);
  return camera.url;
}

function camera(id: string, source: string, more: Partial<CameraSettingsInput> = {}): CameraSettingsInput {
  return { id, name: `Camera ${id}`, position: 'front', source, fps: 10, loop: true, ...more };
}

/** An engine running the cameras of a settings file, with an administrator signed in on a screen. */
async function carWith(settings: CarSettings) {
  const dir = tempDir('lpr-settings-car-');
  const file = path.join(dir, 'settings.json');
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  const engine = new Engine({ dbFile: path.join(dir, 'lpr.sqlite'), recognizer: idle, carSettings: { file, current: settings } });
  cleanups.push(() => engine.close());
  for (const c of settings.cameras) engine.startCamera(cameraConfigOf(c));
  addUser(engine.db, { id: 'admin', name: 'Admin', role: 'administrator', trained: true, pin: '975310' }, null);
  const screen = engine.connect(() => undefined);
  cleanups.push(() => screen.close());
  expect(await screen.invoke('session.login', { userId: 'admin', pin: '975310' })).toMatchObject({ ok: true });
  return { engine, screen, file };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(condition(), what).toBe(true);
}

describe('settings changes', () => {
  it('are listed value by value, cameras by id', () => {
    const before = carSettingsSchema.parse({ cameras: [camera('a', '/x'), camera('b', '/y')], gps: { device: '/dev/ttyUSB0' } });
    const after = carSettingsSchema.parse({
      cameras: [camera('b', '/y', { rotation: 180 }), camera('c', '/z')],
      gps: { device: '/dev/ttyUSB0', baud: 9600 },
      screen: { lockAfterMinutes: 5 },
    });
    expect(settingsChanges(before, after)).toEqual([
      { key: 'cameras.a', before: before.cameras[0], after: null },
      { key: 'cameras.b.rotation', before: 0, after: 180 },
      { key: 'cameras.c', before: null, after: after.cameras[1] },
      { key: 'gps.baud', before: 4800, after: 9600 },
      { key: 'screen.lockAfterMinutes', before: 10, after: 5 },
    ]);
    expect(settingsChanges(after, after)).toEqual([]);
  });
});

describe('applying saved settings to the running engine', () => {
  it('restarts only the camera that changed, saves the file and audits each value changed', async () => {
    expect(grabberProcessFile(), 'the grabber process must be built (npm run build:node)').not.toBeNull();
    const frames = folderOfFrames();
    const settings = carSettingsSchema.parse({ cameras: [camera('a', frames), camera('b', frames)] });
    const { engine, screen, file } = await carWith(settings);
    const a = engine.camera('a');
    const b = engine.camera('b');
    const next = { ...settings, cameras: [settings.cameras[0]!, { ...settings.cameras[1]!, rotation: 180 }] };
    const saved = await screen.invoke('settings.update', { settings: next, reason: 'camera b remounted upside down' });
    expect(saved).toMatchObject({ ok: true, value: { camerasStarted: ['b'], camerasStopped: [], gpsReopened: false, restartNeeded: [] } });
    expect(engine.camera('a')).toBe(a);
    expect(engine.camera('b')).not.toBe(b);
    expect(engine.camera('b')!.config).toMatchObject({ id: 'b', rotation: 180 });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).cameras[1].rotation).toBe(180);
    const row = auditTrail(engine.db).find((r) => r.action === 'settings.change');
    expect(row).toMatchObject({ userId: 'admin' });
    expect(row!.detail).toMatchObject({
      reason: 'camera b remounted upside down',
      changed: ['cameras.b.rotation'],
      before: { 'cameras.b.rotation': 0 },
      after: { 'cameras.b.rotation': 180 },
    });

    // A camera taken off the car stops and leaves the status; the other keeps running.
    const removed = await screen.invoke('settings.update', { settings: { ...next, cameras: [next.cameras[1]!] }, reason: 'camera a taken off' });
    expect(removed).toMatchObject({ ok: true, value: { camerasStarted: [], camerasStopped: ['a'] } });
    expect(engine.status().cameras.map((c) => c.id)).toEqual(['b']);

    // A camera the settings do not name (the demo's, a command-line override) is left running.
    engine.startCamera({ id: 'demo-front', name: 'Demo', source: frames, fps: 5, loop: true });
    const demo = engine.camera('demo-front');
    const renamed = await screen.invoke('settings.update', { settings: { ...next, cameras: [{ ...next.cameras[1]!, name: 'Rear' }] }, reason: 'camera b renamed' });
    expect(renamed).toMatchObject({ ok: true, value: { camerasStarted: ['b'], camerasStopped: [] } });
    expect(engine.camera('demo-front')).toBe(demo);

    // A bad change is refused by the same rule the file is checked with, naming the field; nothing is written.
    const text = fs.readFileSync(file, 'utf8');
    const bad = await screen.invoke('settings.update', { settings: { ...next, cameras: [{ ...next.cameras[1]!, name: 'Rear', fps: -1 }] }, reason: 'typo' });
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/cameras\.0\.fps/) });
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it('opens the new GPS receiver in place of the old and names what needs a restart', async () => {
    const settings = carSettingsSchema.parse({});
    const { engine } = await carWith(settings);
    const opened: string[] = [];
    const closed: string[] = [];
    const fakeGps = async (device: string, baud: number): Promise<GpsSource> => {
      opened.push(`${device}@${baud}`);
      return { current: () => null, close: async () => void closed.push(device) };
    };
    const withGps = carSettingsSchema.parse({ gps: { device: '/dev/ttyUSB0', baud: 9600 } });
    expect(await applyCarSettings(engine, settings, withGps, fakeGps)).toMatchObject({ gpsReopened: true, restartNeeded: [] });
    expect(opened).toEqual(['/dev/ttyUSB0@9600']);
    expect(engine.status().gpsReceiver).toBe(true);
    const moved = carSettingsSchema.parse({ gps: { device: '/dev/ttyACM0', baud: 9600 }, recognition: { engine: 'paddle' } });
    expect(await applyCarSettings(engine, withGps, moved, fakeGps)).toMatchObject({ gpsReopened: true, restartNeeded: ['the recognizer'] });
    expect(closed).toEqual(['/dev/ttyUSB0']);
    expect(await applyCarSettings(engine, moved, { ...moved, gps: null }, fakeGps)).toMatchObject({ gpsReopened: true });
    expect(closed).toEqual(['/dev/ttyUSB0', '/dev/ttyACM0']);
    expect(engine.status().gpsReceiver).toBe(false);
    expect(engine.carSettings.current.gps).toBeNull();
  });
});

describe('camera preview', () => {
  it('grabs a frame of the entered source turned by its rotation, and keeps that source open while asked again', async () => {
    expect(grabberProcessFile(), 'the grabber process must be built (npm run build:node)').not.toBeNull();
    const frames = folderOfFrames();
    const { screen, engine } = await carWith(carSettingsSchema.parse({}));
    const turned = await screen.invoke('settings.preview', { camera: camera('new', frames, { rotation: 90 }) });
    expect(turned).toMatchObject({ ok: true, value: { from: 'source', width: 240, height: 320, image: expect.stringMatching(/^data:image\/jpeg;base64,/) } });
    const again = await screen.invoke('settings.preview', { camera: camera('new', frames, { rotation: 90 }) });
    expect(again).toMatchObject({ ok: true, value: { from: 'source', width: 240, height: 320 } });
    expect(engine.previews.openCount).toBe(1);
    // Another rotation of the same camera replaces its preview source.
    const upright = await screen.invoke('settings.preview', { camera: camera('new', frames, { rotation: 0 }) });
    expect(upright).toMatchObject({ ok: true, value: { width: 320, height: 240 } });
    expect(engine.previews.openCount).toBe(1);
    // A source that does not exist is refused by name.
    const missing = await screen.invoke('settings.preview', { camera: camera('new', path.join(frames, 'none.mp4')) });
    expect(missing).toMatchObject({ ok: false, error: expect.stringContaining('none.mp4') });
  });

  it("shows a running camera's own frames when the source is the same, turned by the difference in rotation", async () => {
    expect(grabberProcessFile(), 'the grabber process must be built (npm run build:node)').not.toBeNull();
    const frames = folderOfFrames();
    const { screen, engine } = await carWith(carSettingsSchema.parse({ cameras: [camera('front', frames)] }));
    await until('the front camera is live', () => engine.camera('front')!.latestFrame !== null);
    const same = await screen.invoke('settings.preview', { camera: camera('front', frames) });
    expect(same).toMatchObject({ ok: true, value: { from: 'running', width: 320, height: 240 } });
    const turned = await screen.invoke('settings.preview', { camera: camera('front', frames, { rotation: 270 }) });
    expect(turned).toMatchObject({ ok: true, value: { from: 'running', width: 240, height: 320 } });
    expect(engine.previews.openCount).toBe(0);
  });

  it('reports a source that never sends, while the engine keeps answering', async () => {
    expect(grabberProcessFile(), 'the grabber process must be built (npm run build:node)').not.toBeNull();
    const hung = await hungCameraUrl();
    const { screen } = await carWith(carSettingsSchema.parse({}));
    const previews = new CameraPreviews(Date.now, { timeoutMs: 4000 });
    cleanups.push(() => previews.close());
    let settled = false;
    const preview = previews.take(cameraSettingsSchema.parse(camera('ip', hung)), undefined).finally(() => (settled = true));
    preview.catch(() => undefined);
    // The engine answers while the preview waits on the silent source.
    const status = await screen.invoke('status.get', {});
    expect(status.ok).toBe(true);
    expect(settled).toBe(false);
    await expect(preview).rejects.toThrow(new RegExp(`camera ip: ${hung.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} (did not open|no frame)`));
    expect(previews.openCount).toBe(0);
  });
});
