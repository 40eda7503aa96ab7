#!/usr/bin/env node
// Prints the README's accuracy table: the project's models on the default path
// (auto: one network, the ensemble for unsure plates), the fast path alone and
// thorough, and the PaddleOCR baseline, on each annotated set in
// ../shared/data/plates, on the held-out ("val") split and on the whole set,
// one inference thread. "Look-alikes folded" counts a best reading that differs
// from the annotation only in OCR look-alikes (0/O, 8/B, ...), as the hot lists
// match it.
// A second table scores the held-out split with the annotation errata
// (bench/annotation-errata.json: annotations their image contradicts) applied,
// for the sets they touch.
//   node scripts/accuracy-table.js [DATA_DIR]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const data = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'data', 'plates'));
if (!fs.existsSync(data)) {
  console.error(`no annotated data at ${data}`);
  process.exit(2);
}

const errataFile = path.join(root, 'bench', 'annotation-errata.json');

function evaluate(set, engine, effort, split, more = []) {
  const out = execFileSync(process.execPath, [path.join(root, 'bin', 'lpr.js'), 'eval', path.join(data, set), '--engine', engine, '--effort', effort, '--split', split, '--threads', '1', '--json', ...more], {
    env: { ...process.env, LPR_LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop());
}

const pct = (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
console.log('| set | split | images | engine | exact top-1 | exact top-5 | top-1, look-alikes folded | state right | median ms/image |');
console.log('|---|---|---|---|---|---|---|---|---|');
const readers = [
  ['project', 'auto', 'this project, default (auto)'],
  ['project', 'fast', 'this project, fast only'],
  ['project', 'thorough', 'this project, thorough'],
  ['paddle', 'fast', 'PaddleOCR baseline'],
];
for (const set of ['us-dev', 'us-crops', 'eu']) {
  if (!fs.existsSync(path.join(data, set))) continue;
  for (const split of ['val', 'all']) {
    for (const [engine, effort, label] of readers) {
      const r = evaluate(set, engine, effort, split);
      console.log(`| ${set} | ${split} | ${r.images} | ${label} | ${pct(r.exactTop1)} | ${pct(r.exactTop5)} | ${pct(r.foldedTop1)} | ${pct(r.stateRightOfGiven)} | ${r.medianMs} |`);
    }
  }
}

const errata = JSON.parse(fs.readFileSync(errataFile, 'utf8'));
const touched = [...new Set(errata.map((e) => e.set))].filter((set) => fs.existsSync(path.join(data, set)));
if (touched.length > 0) {
  console.log('');
  console.log(`Held-out split with the annotation errata applied (${path.relative(root, errataFile)}):`);
  console.log('');
  console.log('| set | errata applied | engine | exact top-1 | exact top-5 | top-1, look-alikes folded |');
  console.log('|---|---|---|---|---|---|');
  for (const set of touched) {
    for (const [engine, effort, label] of readers) {
      const r = evaluate(set, engine, effort, 'val', ['--errata', errataFile]);
      console.log(`| ${set} | ${r.errataApplied} of ${r.plates} | ${label} | ${pct(r.exactTop1)} | ${pct(r.exactTop5)} | ${pct(r.foldedTop1)} |`);
    }
  }
}
