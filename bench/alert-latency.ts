/**
 * Frame-to-alert latency: the engine plays the demo footage with the demo hot
 * list and records, for every alert, the time from the capture of the frame
 * that completed the read to the alert event leaving the engine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../src/main/engine/engine.js';
import { newRawKey } from '../src/main/engine/store/key.js';
import { importHotListCsv } from '../src/main/engine/hotlist/index.js';
import { createRecognizer } from '../src/main/engine/recognition/index.js';
import { projectRoot } from '../src/main/engine/paths.js';

export async function benchAlertLatency(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-bench-'));
  const recognizer = await createRecognizer({ threads: 1 });
  const engine = new Engine({ dbFile: path.join(dir, 'lpr.sqlite'), dbKey: newRawKey(), recognizer });
  await importHotListCsv(engine.db, path.join(projectRoot(), 'demo', 'hotlist.csv'), { list: 'demo' });
  const latencies: number[] = [];
  engine.on('alert', (alert) => latencies.push(Date.now() - alert.read.capturedAt));
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 200);
  engine.startCamera({ id: 'bench', name: 'bench', source: path.join(projectRoot(), 'demo', 'footage'), fps: 8 });
  await engine.camerasDone();
  clearInterval(sampler);
  const frames = engine.status().cameras[0]?.framesRead ?? 0;
  await engine.close();
  await recognizer.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`alert latency: ${latencies.length} alert(s) over ${frames} demo frames at 8 fps; frame-to-alert ms: ${latencies.map((l) => l.toFixed(0)).join(', ') || 'none'}`);
  console.log(`  peak RSS during the run ${(Math.max(...rss) / 2 ** 20).toFixed(0)} MiB`);
}
