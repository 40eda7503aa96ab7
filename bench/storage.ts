/**
 * Storage benchmark: the cost of encryption at rest. The same work runs on an
 * SQLCipher 4 database and on a plain SQLite one with the same settings (WAL,
 * synchronous=FULL): reads stored one per transaction with their two JPEGs, as
 * the engine stores them, then a 5,000,000-line NCIC hot-list import.
 * Figures are printed, never asserted. LPR_BENCH_STORAGE_READS and
 * LPR_BENCH_HOTLIST_LINES change the sizes, LPR_BENCH_DIR sets the folder.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/main/engine/paths.js';
import { importHotListNcic } from '../src/main/engine/hotlist/index.js';
import { migrate, openDatabase, type Db } from '../src/main/engine/store/db.js';
import { newRawKey } from '../src/main/engine/store/key.js';
import { ReadStore } from '../src/main/engine/store/reads.js';
import { generateNcicExtract } from './hotlist.js';

type Variant = 'encrypted' | 'plain';

/** The store's settings without the cipher: what the app did before encryption. */
function openPlain(file: string): Db {
  const db = new Database(file);
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = ON');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db, file);
  return db;
}

function open(variant: Variant, file: string): Db {
  return variant === 'plain' ? openPlain(file) : openDatabase(file, undefined, { key: newRawKey() });
}

const load = () => os.loadavg()[0]!.toFixed(1);

function benchReads(variant: Variant, round: number, dir: string, count: number, crop: Buffer, context: Buffer): number {
  // A fresh file each round (an encrypted one gets a fresh key too).
  const db = open(variant, path.join(dir, `reads-${variant}-${round}.sqlite`));
  try {
    const store = new ReadStore(db);
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      store.add({
        plate: `BEN${String(i).padStart(4, '0')}`,
        confidence: 0.95,
        state: 'CA',
        stateConfidence: 0.9,
        box: [100, 200, 120, 40],
        candidates: [{ plate: `BEN${i}`, confidence: 0.95 }],
        cameraId: 'front',
        capturedAt: 1_760_000_000_000 + i * 100,
        gps: { lat: 37.77 + i * 1e-5, lon: -122.41, accuracyM: 4 },
        cropJpeg: crop,
        contextJpeg: context,
      });
    }
    const s = (performance.now() - t0) / 1000;
    const rate = count / s;
    console.log(
      `storage: ${variant.padEnd(9)} ${count} reads (one transaction each, ${((crop.length + context.length) / 1024).toFixed(0)} kB of JPEG each): ${s.toFixed(2)} s, ${rate.toFixed(0)} reads/s (load ${load()})`,
    );
    return rate;
  } finally {
    db.close();
  }
}

async function benchImport(variant: Variant, dir: string, file: string): Promise<number> {
  const db = open(variant, path.join(dir, `hotlist-${variant}.sqlite`));
  try {
    const t0 = performance.now();
    const result = await importHotListNcic(db, file, { list: 'ncic' });
    const s = (performance.now() - t0) / 1000;
    console.log(`storage: ${variant.padEnd(9)} import of ${result.entries} NCIC entries: ${s.toFixed(1)} s (${Math.round(result.entries / s)} lines/s, load ${load()})`);
    return s;
  } finally {
    db.close();
  }
}

export async function benchStorage(): Promise<void> {
  const reads = Number(process.env.LPR_BENCH_STORAGE_READS ?? 2000);
  const lines = Number(process.env.LPR_BENCH_HOTLIST_LINES ?? 5_000_000);
  const dir = fs.mkdtempSync(path.join(process.env.LPR_BENCH_DIR ?? os.tmpdir(), 'lpr-bench-storage-'));
  console.log(`storage: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, folder ${dir}`);
  try {
    const context = fs.readFileSync(path.join(projectRoot(), 'demo', 'footage', 'frame0000.jpg'));
    const crop = context.subarray(0, 6000);
    // Alternate so a busy moment of the machine does not land on one variant only.
    const rates: Record<Variant, number[]> = { encrypted: [], plain: [] };
    for (const [round, variant] of (['plain', 'encrypted', 'plain', 'encrypted'] as const).entries()) rates[variant].push(benchReads(variant, round, dir, reads, crop, context));
    const best = (v: Variant) => Math.max(...rates[v]);
    console.log(`storage: read inserts, best of two: encrypted ${best('encrypted').toFixed(0)}/s vs plain ${best('plain').toFixed(0)}/s (${((1 - best('encrypted') / best('plain')) * 100).toFixed(0)}% slower)`);

    const extract = path.join(dir, 'ncic.txt');
    await generateNcicExtract(extract, lines);
    const plain = await benchImport('plain', dir, extract);
    const encrypted = await benchImport('encrypted', dir, extract);
    console.log(`storage: ${lines} line import: encrypted ${encrypted.toFixed(1)} s vs plain ${plain.toFixed(1)} s (x${(encrypted / plain).toFixed(2)})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
