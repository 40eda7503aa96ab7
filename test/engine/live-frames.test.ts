/**
 * The live tiles' channel (cameras.frames) against the real engine, with
 * folder cameras of generated frames: a street scene that moves (its tile is
 * a small JPEG of the newest frame, its picture judged ok), a black one
 * (judged black, as the equipment check of B.2 says), a frozen one, and a
 * folder that does not exist (failed, no picture). A tile is encoded at most
 * once per camera per interval however often it is asked for, and only the
 * car's people, signed in, may ask.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mat } from '@u4/opencv4nodejs';
import type { CameraFrame } from '../../src/shared/contract.js';
import { cameraCheck } from '../../src/shared/equipment.js';
import { Engine } from '../../src/main/engine/engine.js';
import { inThreadGrabber } from '../../src/main/engine/camera/grabber.js';
import { EquipmentWatch, FrameTiles } from '../../src/main/engine/camera/live.js';
import { addUser } from '../../src/main/engine/governance/users.js';
import type { Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import type { Connection } from '../../src/main/engine/session/connection.js';
import cv from '../../src/main/engine/opencv.js';
import { renderPlateScene } from '../helpers/images.js';

const W = 640;
const H = 360;

const idle: Recognizer = {
  name: 'none',
  recognize: async () => ({ plates: [], timings: { detectMs: 0, ocrMs: 0 } }),
  dispose: async () => {},
};

/** A street-like scene with clutter, shifted `i` steps to the right (the car moves). */
function scene(i: number): Mat {
  const frame = renderPlateScene('ABC123', W, H).copy();
  let seed = 7;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  for (let k = 0; k < 40; k++) {
    const shade = 40 + rand(180);
    frame.drawRectangle(new cv.Rect(rand(W - 40), rand(Math.round(H * 0.45)), 10 + rand(60), 10 + rand(60)), new cv.Vec3(shade, shade, shade), -1);
  }
  const shifted = new cv.Mat(H, W, cv.CV_8UC3, [90, 95, 100]);
  frame.getRegion(new cv.Rect(0, 0, W - i * 12, H)).copyTo(shifted.getRegion(new cv.Rect(i * 12, 0, W - i * 12, H)));
  return shifted;
}

let dir: string;
let engine: Engine;

function folder(name: string, frames: number, make: (i: number) => Mat): string {
  const out = path.join(dir, name);
  fs.mkdirSync(out);
  for (let i = 0; i < frames; i++) cv.imwrite(path.join(out, `f${String(i).padStart(3, '0')}.png`), make(i));
  return out;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-live-frames-'));
  engine = new Engine({
    dbFile: path.join(dir, 'lpr.sqlite'),
    recognizer: idle,
    grabber: inThreadGrabber,
    equipment: { sampleMs: 100, minSamples: 3 },
    // Long enough that a tile asked for twice in a test is the same encoding.
    frameTiles: { intervalMs: 1500 },
  });
  addUser(engine.db, { id: 'ofc1', name: 'Ofc. One', role: 'officer', trained: true, pin: '135790' }, null);
  engine.startCamera({ id: 'front', name: 'Front', source: folder('street', 12, scene), fps: 10, loop: true });
  engine.startCamera({ id: 'rear', name: 'Rear', source: folder('black', 4, () => new cv.Mat(H, W, cv.CV_8UC3, [2, 2, 2])), fps: 10, loop: true });
  engine.startCamera({ id: 'left', name: 'Left', source: folder('frozen', 4, () => scene(3)), fps: 10, loop: true });
  engine.startCamera({ id: 'right', name: 'Right', source: path.join(dir, 'no-such-folder'), fps: 10 });
});

afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function signedIn(): Promise<Connection> {
  const screen = engine.connect(() => undefined);
  expect(await screen.invoke('session.login', { userId: 'ofc1', pin: '135790' })).toMatchObject({ ok: true });
  return screen;
}

async function frames(screen: Connection): Promise<Record<string, CameraFrame>> {
  const result = await screen.invoke('cameras.frames', {});
  if (!result.ok) throw new Error(result.error);
  return Object.fromEntries((result.value as CameraFrame[]).map((f) => [f.camera.id, f]));
}

/** Asks until `ready` holds (the cameras start and get judged in their own time). */
async function framesWhen(screen: Connection, ready: (f: Record<string, CameraFrame>) => boolean): Promise<Record<string, CameraFrame>> {
  let last: Record<string, CameraFrame> = {};
  await expect
    .poll(async () => ready((last = await frames(screen))), { timeout: 60_000, interval: 200 })
    .toBe(true);
  return last;
}

describe('cameras.frames', () => {
  it('returns the newest frame of a live camera as a small JPEG with its time, state and picture verdict', async () => {
    const screen = await signedIn();
    const all = await framesWhen(screen, (f) => f.front?.camera.equipment?.verdict === 'ok' && f.front.image !== null);
    const front = all.front!;
    expect(front.camera).toMatchObject({ id: 'front', name: 'Front', state: 'live' });
    expect(front.image).toMatch(/^data:image\/jpeg;base64,/);
    const jpeg = cv.imdecode(Buffer.from(front.image!.slice('data:image/jpeg;base64,'.length), 'base64'));
    expect([jpeg.cols, jpeg.rows]).toEqual([320, 180]);
    expect([front.width, front.height]).toEqual([320, 180]);
    // Small enough to send every second: a 320 px JPEG at quality 60.
    expect(front.image!.length).toBeLessThan(40_000);
    expect(front.capturedAt).toEqual(expect.any(Number));
    expect(front.camera.lastFrameAt).toBeGreaterThanOrEqual(front.capturedAt!);
    expect(cameraCheck(front.camera)).toMatchObject({ kind: 'ok', words: 'OK', severity: 'good' });
    // A larger view asks for a larger picture; the tiles' stays as it was.
    const large = await screen.invoke('cameras.frames', { width: 640 });
    expect(large).toMatchObject({ ok: true, value: expect.arrayContaining([expect.objectContaining({ camera: expect.objectContaining({ id: 'front' }), width: 640, height: 360 })]) });
    expect(await screen.invoke('cameras.frames', { width: 5000 })).toMatchObject({ ok: false, error: expect.stringContaining('cameras.frames: width') });
    screen.close();
  });

  it('judges a black camera and a frozen one, and gives a failed camera its state and no picture', async () => {
    const screen = await signedIn();
    const all = await framesWhen(
      screen,
      (f) => f.rear?.camera.equipment?.verdict === 'black' && f.left?.camera.equipment?.verdict === 'frozen' && f.right?.camera.state === 'failed',
    );
    expect(all.rear!.image).toMatch(/^data:image\/jpeg;base64,/);
    expect(cameraCheck(all.rear!.camera)).toMatchObject({ kind: 'no-picture', words: 'No picture', severity: 'bad' });
    expect(cameraCheck(all.left!.camera)).toMatchObject({ kind: 'frozen', words: 'Frozen', severity: 'bad' });
    expect(all.right).toMatchObject({ image: null, capturedAt: null, camera: { state: 'failed', equipment: null } });
    expect(all.right!.camera.fault).toMatchObject({ kind: 'missing', detail: expect.stringContaining('no-such-folder') });
    expect(cameraCheck(all.right!.camera)).toMatchObject({ kind: 'no-picture', severity: 'bad' });
    // The same verdicts reach every screen's status (the banners).
    const status = await screen.invoke('status.get', {});
    expect(status).toMatchObject({ ok: true, value: { cameras: expect.arrayContaining([expect.objectContaining({ id: 'rear', equipment: expect.objectContaining({ verdict: 'black' }) })]) } });
    screen.close();
  });

  it('encodes a camera at most once per interval, however many screens ask', async () => {
    const first = await signedIn();
    const second = await signedIn();
    const a = await framesWhen(first, (f) => f.front?.image !== null);
    const b = (await frames(second)).front!;
    // The camera moved on meanwhile (10 fps), the tile did not: it was not encoded again.
    expect(b.image).toBe(a.front!.image);
    expect(b.capturedAt).toBe(a.front!.capturedAt);
    // After the interval the newest frame is encoded.
    const later = await framesWhen(second, (f) => f.front !== undefined && f.front.capturedAt !== a.front!.capturedAt);
    expect(later.front!.capturedAt).toBeGreaterThan(a.front!.capturedAt!);
    first.close();
    second.close();
  });

  it('is refused before sign-in', async () => {
    const screen = engine.connect(() => undefined);
    expect(await screen.invoke('cameras.frames', {})).toEqual({ ok: false, error: 'cameras.frames: sign in first' });
    screen.close();
  });
});

describe('the pieces', () => {
  it('FrameTiles keeps its encoding for the interval and for the same frame', () => {
    let now = 1000;
    const tiles = new FrameTiles(() => now, { width: 160, quality: 60, intervalMs: 500 });
    const image = scene(0);
    const first = tiles.tile('front', { image, capturedAt: 1 })!;
    expect([first.width, first.height]).toEqual([160, 90]);
    expect(tiles.tile('front', { image: scene(1), capturedAt: 2 })).toBe(first);
    now += 600;
    const second = tiles.tile('front', { image: scene(1), capturedAt: 2 })!;
    expect(second.capturedAt).toBe(2);
    now += 600;
    expect(tiles.tile('front', { image: scene(1), capturedAt: 2 }), 'the same frame is not encoded again').toBe(second);
    expect(tiles.encoded).toBe(2);
    expect(tiles.tile('front', null)).toBeNull();
  });

  it('EquipmentWatch judges after a few samples, forgets a camera that sends nothing, and tells only changes', () => {
    const watch = new EquipmentWatch({ window: 6, minSamples: 3 });
    expect(watch.sample('front', { image: scene(0), capturedAt: 1 }, 10)).toBe(false);
    expect(watch.sample('front', { image: scene(0), capturedAt: 1 }, 11), 'the same frame is measured once').toBe(false);
    expect(watch.sample('front', { image: scene(1), capturedAt: 2 }, 12)).toBe(false);
    expect(watch.sample('front', { image: scene(2), capturedAt: 3 }, 13)).toBe(true);
    expect(watch.check('front')).toMatchObject({ verdict: 'ok', frames: 3, since: 13 });
    expect(watch.sample('front', { image: scene(3), capturedAt: 4 }, 14)).toBe(false);
    expect(watch.check('front')).toMatchObject({ verdict: 'ok', frames: 4, since: 13 });
    expect(watch.sample('front', null, 15)).toBe(true);
    expect(watch.check('front')).toBeNull();
  });
});
