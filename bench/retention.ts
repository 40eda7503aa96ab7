/**
 * Retention and history benchmark: fills a fresh database with reads (small
 * JPEG-sized blobs), 1% of them with hits and disposed alerts, half of
 * them past their period and one hold, then times the purge (with the one-time
 * conversion to incremental vacuum, and a second purge after as many again
 * expire) and history searches by exact plate, prefix and leading wildcard.
 * Figures are printed, never asserted. LPR_BENCH_RETENTION_READS sets the
 * number of reads (default 20,000), LPR_BENCH_DIR the folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyQuerySchema } from '../src/shared/contract.js';
import { retentionSettingsSchema } from '../src/shared/records.js';
import { placeHold } from '../src/main/engine/records/holds.js';
import { searchHistory } from '../src/main/engine/records/history.js';
import { purgeExpired } from '../src/main/engine/records/retention.js';
import { openDatabase } from '../src/main/engine/store/db.js';
import { benchPlate } from './hotlist.js';

const DAY = 86_400_000;

export async function benchRetention(): Promise<void> {
  const count = Number(process.env.LPR_BENCH_RETENTION_READS ?? 20_000);
  const dir = fs.mkdtempSync(path.join(process.env.LPR_BENCH_DIR ?? os.tmpdir(), 'lpr-bench-retention-'));
  const file = path.join(dir, 'lpr.sqlite');
  const db = openDatabase(file);
  try {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const crop = Buffer.alloc(1_500, 1);
    const context = Buffer.alloc(5_000, 2);
    const insertRead = db.prepare(
      `INSERT INTO reads (plate, confidence, state, box_x, box_y, box_w, box_h, candidates, camera_id, captured_at, lat, lon, crop_jpeg, context_jpeg)
       VALUES (?, 0.9, 'CA', 0, 0, 10, 5, '[]', 'front', ?, 37.7, -122.4, ?, ?)`,
    );
    const insertHit = db.prepare(`INSERT INTO hits (read_id, entry_id, match_kind, differing_positions, matched_plate, entry_snapshot, created_at) VALUES (?, 1, 'exact', '[]', '', '{}', ?)`);
    const insertAlert = db.prepare(`INSERT INTO alerts (hit_id, status, raised_at) VALUES (?, 'disposed', ?)`);
    const fill = (from: number, ageDays: (i: number) => number): void => {
      db.transaction(() => {
        for (let i = from; i < from + count; i++) {
          const at = now - ageDays(i) * DAY;
          const id = Number(insertRead.run(benchPlate(i), at, crop, context).lastInsertRowid);
          if (i % 100 === 1) insertAlert.run(Number(insertHit.run(id, at).lastInsertRowid), at);
        }
      })();
    };
    // Half the reads 0-29 days old, half 31-800 days (past reads' 30 days; some past the hits' 2 years).
    fill(0, (i) => (i % 2 === 0 ? (i % 30) : 31 + (i % 770)));
    placeHold(db, { caseNumber: 'BENCH-1', reason: 'benchmark hold', until: now + 365 * DAY, plate: `${benchPlate(1).slice(0, 2)}*` }, { userId: 'bench', now });
    const settings = retentionSettingsSchema.parse({});
    const size = (): string => `${(fs.statSync(file).size / 1e6).toFixed(1)} MB`;
    console.log(`retention: ${count} reads (1% with a hit and a disposed alert), file ${size()}`);
    let t = performance.now();
    const first = purgeExpired(db, { asOf: now, settings, trigger: 'bench', userId: null });
    console.log(`  first purge (with the one-time conversion to incremental vacuum): ${(performance.now() - t).toFixed(0)} ms, file ${size()}`);
    console.log(`    ${JSON.stringify(first.counts)}`);
    fill(count, (i) => 31 + (i % 100));
    t = performance.now();
    const second = purgeExpired(db, { asOf: now + 1, settings, trigger: 'bench', userId: null });
    console.log(`  purge of ${second.counts.readsWithoutHit} more expired reads (incremental vacuum, ${second.vacuum.freedPages} pages freed): ${(performance.now() - t).toFixed(0)} ms, file ${size()}`);
    for (const plate of [benchPlate(2), `${benchPlate(2).slice(0, 3)}*`, `*${benchPlate(2).slice(3)}`]) {
      const query = historyQuerySchema.parse({ plate });
      const times: number[] = [];
      let found = 0;
      for (let k = 0; k < 5; k++) {
        t = performance.now();
        found = searchHistory(db, query, { caseNumber: 'BENCH-1' }, { userId: 'bench', now, reasons: [] }).reads.length;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`  history search "${plate}": ${found} reads, median ${times[2]!.toFixed(1)} ms (stored and audited)`);
    }
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
