/**
 * The equipment check (B.2) on clips the test makes: a textured street-like
 * scene with a plate driving across it (ok), and the same made black, frozen,
 * blurred, dark and bright, plus a camera that never sends (no-signal). Each
 * clip gets its verdict from `lpr equipment check --json`, one line per camera.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mat } from '@u4/opencv4nodejs';
import { judgeFrames, measureFrame } from '../../src/main/engine/camera/equipment.js';
import cv from '../../src/main/engine/opencv.js';
import { lprBuilt, runLpr } from '../helpers/cli.js';
import { renderPlateScene } from '../helpers/images.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-equipment-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const W = 640;
const H = 360;
const FRAMES = 12;

/** A scene with clutter (buildings, road marks) and a plate that moves 12 px a frame. */
function scene(i: number): Mat {
  const frame = renderPlateScene('ABC123', W, H).copy();
  let seed = 7;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  for (let k = 0; k < 40; k++) {
    const x = rand(W - 40);
    const y = rand(Math.round(H * 0.45));
    const shade = 40 + rand(180);
    frame.drawRectangle(new cv.Rect(x, y, 10 + rand(60), 10 + rand(60)), new cv.Vec3(shade, shade, shade), -1);
  }
  const shifted = new cv.Mat(H, W, cv.CV_8UC3, [90, 95, 100]);
  frame.getRegion(new cv.Rect(0, 0, W - i * 12, H)).copyTo(shifted.getRegion(new cv.Rect(i * 12, 0, W - i * 12, H)));
  return shifted;
}

function writeClip(name: string, make: (i: number) => Mat): string {
  const file = path.join(dir, `${name}.avi`);
  const writer = new cv.VideoWriter(file, cv.VideoWriter.fourcc('MJPG'), 15, new cv.Size(W, H), true);
  for (let i = 0; i < FRAMES; i++) writer.write(make(i));
  writer.release();
  return file;
}

const clips: Record<string, string> = {};

beforeAll(() => {
  clips.good = writeClip('good', scene);
  clips.black = writeClip('black', () => new cv.Mat(H, W, cv.CV_8UC3, [2, 2, 2]));
  clips.frozen = writeClip('frozen', () => scene(3));
  clips.blurred = writeClip('blurred', (i) => scene(i).gaussianBlur(new cv.Size(31, 31), 12));
  clips.dark = writeClip('dark', (i) => scene(i).convertTo(cv.CV_8UC3, 0.25, 0));
  clips.bright = writeClip('bright', (i) => scene(i).convertTo(cv.CV_8UC3, 1, 190));
});

describe('equipment verdicts', () => {
  it('judges each generated clip by its frames', () => {
    for (const [name, file] of Object.entries(clips)) {
      const capture = new cv.VideoCapture(file);
      const measures = [];
      let previous: Mat | null = null;
      for (let frame = capture.read(); !frame.empty; frame = capture.read()) {
        const { measure, grey } = measureFrame(frame, previous);
        measures.push(measure);
        previous = grey;
      }
      capture.release();
      expect(measures.length, name).toBe(FRAMES);
      expect(judgeFrames(measures).verdict, `${name}: ${judgeFrames(measures).detail}`).toBe(name === 'good' ? 'ok' : name);
    }
    expect(judgeFrames([], 'camera x: cannot open video')).toEqual({ verdict: 'no-signal', detail: 'camera x: cannot open video', frames: 0 });
  });

  it.skipIf(!lprBuilt)('lpr equipment check --json: one line per camera, each verdict, a hung camera no-signal, exit 1 when any is not ok', async () => {
    const server = net.createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hung = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/video.mjpg`;
    try {
      const cameras = Object.entries(clips).flatMap(([name, file]) => ['--camera', `${name}=${file}`]);
      const result = await runLpr(['equipment', 'check', ...cameras, '--camera', `hung=${hung}`, '--camera', `gone=${path.join(dir, 'missing.avi')}`, '--timeout', '3', '--json']);
      expect(result.code, result.stderr).toBe(1);
      const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { camera: string; verdict: string; detail: string; frames: number });
      expect(lines.map((l) => [l.camera, l.verdict])).toEqual([
        ['good', 'ok'],
        ['black', 'black'],
        ['frozen', 'frozen'],
        ['blurred', 'blurred'],
        ['dark', 'dark'],
        ['bright', 'bright'],
        ['hung', 'no-signal'],
        ['gone', 'no-signal'],
      ]);
      expect(lines[6]!.detail).toMatch(/did not open within 3 s/);
      expect(lines[7]!.detail).toMatch(/missing\.avi does not exist/);
      const good = await runLpr(['equipment', 'check', '--camera', `front=${clips.good}`, '--json']);
      expect(good.code).toBe(0);
      expect(await runLpr(['equipment', 'check'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--camera ID=SOURCE/) });
    } finally {
      server.close();
    }
  });
});
