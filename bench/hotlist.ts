/**
 * Hot-list benchmark: generates a 5,000,000-line NCIC extract, imports it into
 * a fresh database (time and peak RSS), then puts the same rows into another
 * fresh database the plainest way (prepared INSERTs in 100,000-row
 * transactions, then one index on the lookup key) and prints the ratio of the
 * two (goal: the import within 2.5x). It then times the matching of reads with
 * OCR candidates against the 5 M entries (p50/p99). Figures are printed, never
 * asserted. It then imports the same file again, replacing the 5 M entries, as a
 * shift-start sync does. LPR_BENCH_HOTLIST_LINES changes the size,
 * LPR_BENCH_HOTLIST_REPLACE=0 skips the re-import, LPR_BENCH_DIR sets the folder.
 * CPU seconds and the load average are printed too: on a shared machine the
 * wall-clock time depends on what else runs.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/main/engine/store/db.js';
import { newRawKey } from '../src/main/engine/store/key.js';
import { createHotListMatcher, importHotListNcic, NCIC_CODES, type ReadToMatch } from '../src/main/engine/hotlist/index.js';
import { foldPlate } from '../src/main/engine/hotlist/plate.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const STATES = ['CA', 'NV', 'AZ', 'OR', 'WA', 'TX', 'NY', 'FL', 'IL', 'OH', 'PA', 'GA', 'MI', 'NC', 'NJ', 'VA'];
const CODES = Object.keys(NCIC_CODES);
const PLATE_SPACE = 36 ** 7;
// Multiplying by a number coprime to 36 permutes 0..36^7-1, so plates are unique.
const STRIDE = 1_000_003;

/** The i-th generated plate: 7 characters, unique for i < 36^7. */
export function benchPlate(i: number): string {
  let v = (i * STRIDE) % PLATE_SPACE;
  let out = '';
  for (let k = 0; k < 7; k++) {
    out = ALPHABET[v % 36]! + out;
    v = Math.floor(v / 36);
  }
  return out;
}

export function benchNcicLine(i: number): string {
  const code = CODES[i % CODES.length]!;
  const state = STATES[(i >>> 4) % STATES.length]!;
  const plate = benchPlate(i);
  return `${code}${String(i).padStart(9, '0')}LA0570200201905${String((i % 28) + 1).padStart(2, '0')}${plate.padEnd(10, ' ')}${state}2009MC2009YAMACYLMCBLK`;
}

/** The row the importer stores for line i, built directly (no file, no parsing, no checks). */
function benchRow(i: number): [number, string, string, string, string, string, number, null, number, string] {
  const code = CODES[i % CODES.length]!;
  const plate = benchPlate(i);
  const day = String((i % 28) + 1).padStart(2, '0');
  return [i + 1, plate, STATES[(i >>> 4) % STATES.length]!, code, `2009 YAMA CYL BLK; tag 2009; since 2019-05-${day}`,
    foldPlate(plate), 0, null, i + 2, `${code}${String(i).padStart(9, '0')}`];
}

/**
 * The baseline: the same rows into a table of the same shape, prepared INSERTs
 * in 100,000-row transactions, then one index on the lookup key. Seconds.
 */
function plainInsert(file: string, lines: number): number {
  const db = openDatabase(file, undefined, { key: newRawKey() });
  try {
    const t0 = performance.now();
    db.exec(`CREATE TABLE plain (id INTEGER PRIMARY KEY, plate TEXT NOT NULL, state TEXT NOT NULL, list_code TEXT NOT NULL,
      description TEXT NOT NULL, lookup_key TEXT NOT NULL, pattern INTEGER NOT NULL, expires_at INTEGER, source_line INTEGER NOT NULL,
      record_number TEXT) STRICT`);
    const insert = db.prepare('INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const batch = db.transaction((start: number, end: number) => {
      for (let i = start; i < end; i++) insert.run(...benchRow(i));
    });
    for (let start = 0; start < lines; start += 100_000) batch(start, Math.min(lines, start + 100_000));
    db.exec('CREATE INDEX plain_key ON plain (lookup_key)');
    return (performance.now() - t0) / 1000;
  } finally {
    db.close();
  }
}

export async function generateNcicExtract(file: string, lines: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('NCIC VEHICLE EXTRACT (generated for the benchmark)\n');
  const batch = 20_000;
  for (let start = 0; start < lines; start += batch) {
    let text = '';
    const end = Math.min(lines, start + batch);
    for (let i = start; i < end; i++) text += benchNcicLine(i) + '\n';
    await write(text);
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function lookAlikeOf(plate: string, rand: () => number): string {
  const swaps: Record<string, string> = { '0': 'O', O: '0', '1': 'I', I: '1', '8': 'B', B: '8', '5': 'S', S: '5', '2': 'Z', Z: '2', '6': 'G', G: '6', D: '0', Q: '0', L: '1', T: '1' };
  const chars = [...plate];
  const at = chars.findIndex((c) => swaps[c] !== undefined);
  if (at >= 0 && rand() < 0.8) chars[at] = swaps[chars[at]!]!;
  return chars.join('');
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
const load = () => os.loadavg()[0]!.toFixed(1);

export async function benchHotList(): Promise<void> {
  const lines = Number(process.env.LPR_BENCH_HOTLIST_LINES ?? 5_000_000);
  const dir = fs.mkdtempSync(path.join(process.env.LPR_BENCH_DIR ?? os.tmpdir(), 'lpr-bench-hotlist-'));
  try {
    const file = path.join(dir, 'ncic.txt');
    const g0 = performance.now();
    await generateNcicExtract(file, lines);
    console.log(`hotlist: generated ${lines} NCIC lines (${mb(fs.statSync(file).size)}) in ${((performance.now() - g0) / 1000).toFixed(1)} s`);

    const db = openDatabase(path.join(dir, 'lpr.sqlite'), undefined, { key: newRawKey() });
    let peakRss = process.memoryUsage().rss;
    const rssBefore = peakRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const loadBefore = load();
    const result = await importHotListNcic(db, file, { list: 'ncic' });
    const importS = (performance.now() - t0) / 1000;
    const importCpu = cpuSeconds() - c0;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    console.log(
      `hotlist: import of ${result.entries} NCIC entries: ${importS.toFixed(1)} s (${Math.round(result.entries / importS)} lines/s; target <= 60 s; ` +
        `${importCpu.toFixed(1)} CPU s; load average ${loadBefore} -> ${load()} on ${os.cpus().length} cores), ` +
        `peak RSS ${mb(peakRss)}, ${mb(peakRss - rssBefore)} above the ${mb(rssBefore)} before the import (process max RSS ${mb(process.resourceUsage().maxRSS * 1024)})`,
    );

    const p0 = performance.now();
    const pc0 = cpuSeconds();
    const plainS = plainInsert(path.join(dir, 'plain.sqlite'), lines);
    const plainCpu = cpuSeconds() - pc0;
    console.log(
      `hotlist: plain SQLite insert + index of the same ${lines} rows: ${plainS.toFixed(1)} s (${plainCpu.toFixed(1)} CPU s; ` +
        `wall ${((performance.now() - p0) / 1000).toFixed(1)} s); import / plain = ${(importS / plainS).toFixed(2)}x wall, ` +
        `${(importCpu / plainCpu).toFixed(2)}x CPU (goal <= 2.5x)`,
    );
    fs.rmSync(path.join(dir, 'plain.sqlite'), { force: true });
    fs.rmSync(path.join(dir, 'plain.sqlite-wal'), { force: true });

    const matcher = createHotListMatcher(db);
    const rand = mulberry32(42);
    const reads: ReadToMatch[] = [];
    const n = 100_000;
    for (let k = 0; k < n; k++) {
      const onList = rand() < 0.5;
      const plate = onList ? benchPlate(Math.floor(rand() * lines)) : [...Array(7)].map(() => ALPHABET[Math.floor(rand() * 36)]).join('');
      const best = lookAlikeOf(plate, rand);
      reads.push({
        plate: best,
        state: STATES[Math.floor(rand() * STATES.length)]!,
        candidates: [
          { plate: best, confidence: 0.9 },
          { plate: lookAlikeOf(best, rand), confidence: 0.05 },
          { plate: lookAlikeOf(plate, rand), confidence: 0.03 },
          { plate: [...Array(7)].map(() => ALPHABET[Math.floor(rand() * 36)]).join(''), confidence: 0.02 },
        ],
      });
    }
    for (let k = 0; k < 2000; k++) matcher.match(reads[k]!);
    const times = new Float64Array(n);
    let hits = 0;
    for (let k = 0; k < n; k++) {
      const s = process.hrtime.bigint();
      hits += matcher.match(reads[k]!).length;
      times[k] = Number(process.hrtime.bigint() - s) / 1000;
    }
    times.sort();
    console.log(
      `hotlist: match of one read (best reading + 3 candidates, look-alikes) with ${result.entries} entries: ` +
        `p50 ${percentile(times, 50).toFixed(1)} µs, p99 ${percentile(times, 99).toFixed(1)} µs (target <= 100 µs), max ${times[n - 1]!.toFixed(0)} µs; ${hits} hits over ${n} reads`,
    );

    if (process.env.LPR_BENCH_HOTLIST_REPLACE !== '0') {
      const r0 = performance.now();
      const rc0 = cpuSeconds();
      const again = await importHotListNcic(db, file, { list: 'ncic' });
      console.log(
        `hotlist: re-import (sync) replacing ${again.replaced} entries with ${again.entries}: ${((performance.now() - r0) / 1000).toFixed(1)} s ` +
          `(${(cpuSeconds() - rc0).toFixed(1)} CPU s; load average ${load()})`,
      );
    }
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
