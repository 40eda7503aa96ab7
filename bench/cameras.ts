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
import { newRawKey } from '../src/main/engine/store/key.js';

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

/** Percentiles of one stage, "p50/p95/max". */
function spread(values: readonly number[]): string {
  if (values.length === 0) return '-';
  return `${percentile(values, 50)}/${percentile(values, 95)}/${Math.max(...values).toFixed(0)}`;
}

const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');

async function run(label: string, recognizer: Recognizer, seconds: number, hung: string | null): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-bench-cameras-'));
  const stages = { grab: [] as number[], queue: [] as number[], turnWait: [] as number[], detect: [] as number[], ocr: [] as number[], store: [] as number[] };
  const readMs: number[] = [];
  const alertMs: number[] = [];
  const recognitions = new Map<string, number>();
  // Reads and alerts are raised inside the frame's own pipeline step, before its timings arrive:
  // each is timed from the capture of the frame that raised it.
  let readsPending: number[] = [];
  let alertsPending: number[] = [];
  const engine = new Engine({
    dbFile: path.join(dir, 'lpr.sqlite'),
    dbKey: newRawKey(),
    recognizer,
    onFrame: (t) => {
      stages.grab.push(t.grabMs);
      stages.queue.push(t.queueMs);
      stages.turnWait.push(t.turnWaitMs);
      stages.detect.push(t.detectMs);
      stages.ocr.push(t.ocrMs);
      if (t.reads > 0) stages.store.push(t.storeMs);
      recognitions.set(t.cameraId, (recognitions.get(t.cameraId) ?? 0) + 1);
      for (const at of readsPending) readMs.push(at - t.capturedAt);
      for (const at of alertsPending) alertMs.push(at - t.capturedAt);
      readsPending = [];
      alertsPending = [];
    },
  });
  await importHotListCsv(engine.db, path.join(projectRoot(), 'demo', 'hotlist.csv'), { list: 'demo' });
  engine.on('read', () => readsPending.push(Date.now()));
  engine.on('alert', () => alertsPending.push(Date.now()));
  const footage = path.join(projectRoot(), 'demo', 'footage');
  const ids = ['front', 'left', 'right'];
  const loadStart = load();
  const rss: { at: number; bytes: number }[] = [];
  const started = Date.now();
  const sample = (): void => void rss.push({ at: (Date.now() - started) / 1000, bytes: process.memoryUsage().rss });
  sample();
  const sampler = setInterval(sample, 1000);
  for (const id of ids) {
    const source = hung && id === 'right' ? hung : footage;
    engine.startCamera({ id, name: id, source, fps: 15, loop: true });
  }
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (Date.now() - started) / 1000;
  const cameras = engine.status().cameras;
  sample();
  clearInterval(sampler);
  const loadEnd = load();
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`cameras (${label}), ${elapsed.toFixed(0)} s, recognizer ${recognizer.name}; load average ${loadStart} at start, ${loadEnd} at end:`);
  for (const c of cameras) {
    const recognized = recognitions.get(c.id) ?? 0;
    console.log(
      `  ${c.id.padEnd(6)} ${c.state.padEnd(12)} ${(c.framesRead / elapsed).toFixed(1).padStart(5)} frames/s grabbed, ` +
        `${(recognized / elapsed).toFixed(1)} recognized, ${c.framesDropped} dropped of ${c.framesRead}${c.fault ? ` (${c.fault.kind}: ${c.fault.detail})` : ''}`,
    );
  }
  console.log(`  frame-to-read (= alert decision) ms: p50 ${percentile(readMs, 50)}, p95 ${percentile(readMs, 95)} over ${readMs.length} reads`);
  console.log(`  frame-to-alert ms: p50 ${percentile(alertMs, 50)}, p95 ${percentile(alertMs, 95)} over ${alertMs.length} alerts`);
  console.log(
    `  stages ms p50/p95/max: grab (capture to arrival) ${spread(stages.grab)}, queue (arrival to recognition) ${spread(stages.queue)}, ` +
      `detect ${spread(stages.detect)}, OCR ${spread(stages.ocr)}, track+store+match ${spread(stages.store)}; turn wait before asking ${spread(stages.turnWait)}`,
  );
  const step = Math.max(1, Math.floor(rss.length / 10));
  const curve = rss.filter((_, i) => i % step === 0 || i === rss.length - 1).map((r) => `${r.at.toFixed(0)}s ${mib(r.bytes)}`);
  const peak = Math.max(...rss.map((r) => r.bytes));
  console.log(`  engine RSS: start ${mib(rss[0]!.bytes)}, end ${mib(rss.at(-1)!.bytes)}, peak ${mib(peak)}; over time: ${curve.join(', ')}`);
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
