/**
 * Live tiles benchmark: what the screens' live pictures cost the engine's
 * thread per camera, on 1280x720 frames of the demo footage. The equipment
 * check measures one frame a second per camera; a tile is encoded at most
 * once per camera per interval (500 ms), however many screens ask. Figures
 * are printed, never asserted; the load average is printed beside them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Mat } from '@u4/opencv4nodejs';
import cv from '../src/main/engine/opencv.js';
import { projectRoot } from '../src/main/engine/paths.js';
import { measureFrame } from '../src/main/engine/camera/equipment.js';
import { FrameTiles } from '../src/main/engine/camera/live.js';

const ROUNDS = 200;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function frames(): Mat[] {
  const dir = path.join(projectRoot(), 'demo', 'footage');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort() : [];
  const images = files.slice(0, 12).map((f) => cv.imread(path.join(dir, f)));
  const sized = images.map((m) => (m.cols === 1280 && m.rows === 720 ? m : m.resize(720, 1280)));
  return sized.length > 0 ? sized : [new cv.Mat(720, 1280, cv.CV_8UC3, [90, 95, 100])];
}

export async function benchTiles(): Promise<void> {
  const images = frames();
  const measureMs: number[] = [];
  let previous: Mat | null = null;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const { grey } = measureFrame(images[i % images.length]!, previous);
    measureMs.push(performance.now() - t0);
    previous?.release();
    previous = grey;
  }
  let now = 0;
  const tiles = new FrameTiles(() => now);
  const encodeMs: number[] = [];
  const bytes: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    now += 1000;
    const t0 = performance.now();
    const tile = tiles.tile('front', { image: images[i % images.length]!, capturedAt: i });
    encodeMs.push(performance.now() - t0);
    bytes.push(tile!.image.length);
  }
  const load = os.loadavg()[0]!.toFixed(1);
  console.log(`tiles: ${images.length} frames 1280x720 from demo/footage, ${ROUNDS} rounds (load ${load})`);
  console.log(`  equipment sample (grey 320 px, contrast, blown-out share, sharpness, change): p50 ${percentile(measureMs, 50).toFixed(2)} ms, p95 ${percentile(measureMs, 95).toFixed(2)} ms, once a second per camera`);
  console.log(`  tile encode (320 px JPEG, quality 60): p50 ${percentile(encodeMs, 50).toFixed(2)} ms, p95 ${percentile(encodeMs, 95).toFixed(2)} ms, at most twice a second per camera`);
  console.log(`  tile size: p50 ${(percentile(bytes, 50) / 1024).toFixed(1)} kB as a data: URL`);
}
