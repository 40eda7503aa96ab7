/**
 * `npm run bench`: every benchmark, printing its figures. Pass names to run
 * some of them: `npm run bench -- hotlist recognition latency`.
 */
import { benchAlertLatency } from './alert-latency.js';
import { benchHotList } from './hotlist.js';
import { benchRecognition } from './recognition.js';
import { benchRetention } from './retention.js';

const all: Record<string, () => Promise<void>> = {
  recognition: () => benchRecognition(),
  latency: benchAlertLatency,
  hotlist: benchHotList,
  retention: benchRetention,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted.length > 0 ? wanted : Object.keys(all)) {
  const bench = all[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}" (known: ${Object.keys(all).join(', ')})`);
    process.exit(2);
  }
  await bench();
}
