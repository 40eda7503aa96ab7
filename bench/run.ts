/**
 * `npm run bench`: every benchmark, printing its figures. Pass names to run
 * some of them: `npm run bench -- hotlist recognition latency`; `recognition --set eu` reads
 * the eu scenes instead of us-dev.
 */
import { benchAlertLatency } from './alert-latency.js';
import { benchCameras } from './cameras.js';
import { benchHotList } from './hotlist.js';
import { benchOpencvAllocator } from './opencv-allocator.js';
import { benchRecognition } from './recognition.js';
import { benchRetention } from './retention.js';
import { benchStorage } from './storage.js';
import { benchTiles } from './tiles.js';

const all: Record<string, () => Promise<void>> = {
  recognition: () => benchRecognition(process.argv.slice(2)),
  latency: benchAlertLatency,
  hotlist: benchHotList,
  retention: benchRetention,
  cameras: () => benchCameras(process.argv.slice(2)),
  storage: benchStorage,
  tiles: benchTiles,
  'opencv-allocator': () => benchOpencvAllocator(process.argv.slice(2)),
};

/** Flags that take a value (the value is not a benchmark's name). */
const VALUED = new Set(['--seconds', '--set']);
const wanted = process.argv.slice(2).filter((a, i, all) => !a.startsWith('-') && !VALUED.has(all[i - 1] ?? ''));
// The cameras benchmark runs 2 x 10 minutes by default, and the allocator one provokes a crash: only when named.
const everyday = Object.keys(all).filter((name) => name !== 'cameras' && name !== 'opencv-allocator');
for (const name of wanted.length > 0 ? wanted : everyday) {
  const bench = all[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}" (known: ${Object.keys(all).join(', ')})`);
    process.exit(2);
  }
  await bench();
}
