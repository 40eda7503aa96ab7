/**
 * Cameras at full rate: three replayed 1280x720 cameras (the demo footage,
 * looped) at 15 fps each through the real recognizer, for a set time (default
 * 10 minutes: `npm run bench -- cameras --seconds 600`), then the same with
 * one of the three replaced by a network camera on 127.0.0.1 that accepts and
 * never sends. Prints frames read per second per camera, frames dropped
 * (latest frame wins), frame-to-read and frame-to-alert p50/p95, and the
 * engine's RSS at start and end. Every read is matched in the same call that
 * stores it, so frame-to-read is also the time to the alert decision; the demo
 * list alerts once per plate per five minutes, so there are few alerts.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../src/main/engine/engine.js';
import { importHotListCsv } from '../src/main/engine/hotlist/index.js';
import { createRecognizer } from '../src/main/engine/recognition/index.js';
import type { Recognizer } from '../src/main/engine/recognition/recognizer.js';
import { projectRoot } from '../src/main/engine/paths.js';

function percentile(values: readonly number[], p: number): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(0);
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function hungCamera(): Promise<{ url: string; close: () => void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/video.mjpg`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

async function run(label: string, recognizer: Recognizer, seconds: number, hung: string | null): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-bench-cameras-'));
  const engine = new Engine({ dbFile: path.join(dir, 'lpr.sqlite'), recognizer });
  await importHotListCsv(engine.db, path.join(projectRoot(), 'demo', 'hotlist.csv'), { list: 'demo' });
  const readMs: number[] = [];
  const alertMs: number[] = [];
  engine.on('read', (read) => readMs.push(Date.now() - read.capturedAt));
  engine.on('alert', (alert) => alertMs.push(Date.now() - alert.read.capturedAt));
  const footage = path.join(projectRoot(), 'demo', 'footage');
  const ids = ['front', 'left', 'right'];
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 1000);
  for (const id of ids) {
    const source = hung && id === 'right' ? hung : footage;
    engine.startCamera({ id, name: id, source, fps: 15, loop: true });
  }
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (Date.now() - started) / 1000;
  const cameras = engine.status().cameras;
  const rssEnd = process.memoryUsage().rss;
  clearInterval(sampler);
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`cameras (${label}), ${elapsed.toFixed(0)} s, recognizer ${recognizer.name}:`);
  for (const c of cameras) {
    console.log(`  ${c.id.padEnd(6)} ${c.state.padEnd(12)} ${(c.framesRead / elapsed).toFixed(1).padStart(5)} frames/s read, ${c.framesDropped} dropped of ${c.framesRead}${c.lastError ? ` (${c.lastError})` : ''}`);
  }
  console.log(`  frame-to-read (= alert decision) ms: p50 ${percentile(readMs, 50)}, p95 ${percentile(readMs, 95)} over ${readMs.length} reads`);
  console.log(`  frame-to-alert ms: p50 ${percentile(alertMs, 50)}, p95 ${percentile(alertMs, 95)} over ${alertMs.length} alerts`);
  console.log(`  engine RSS: start ${mib(rssStart)}, end ${mib(rssEnd)}, peak ${mib(rssPeak)}`);
}

export async function benchCameras(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--seconds');
  const seconds = at >= 0 ? Number(argv[at + 1]) : 600;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`--seconds must be a positive number, got "${argv[at + 1]}"`);
  const recognizer = await createRecognizer({ threads: 1 });
  try {
    await run('3 x 1280x720 at 15 fps', recognizer, seconds, null);
    const hung = await hungCamera();
    try {
      await run('2 at 15 fps + 1 hung network camera', recognizer, seconds, hung.url);
    } finally {
      hung.close();
    }
  } finally {
    await recognizer.dispose();
  }
}
