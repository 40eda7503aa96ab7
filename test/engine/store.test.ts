import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseVersionError, openDatabase, schemaVersion } from '../../src/main/engine/store/db.js';
import { migrations } from '../../src/main/engine/store/migrations.js';
import { ReadStore } from '../../src/main/engine/store/reads.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-store-'));
  dirs.push(dir);
  return path.join(dir, 'lpr.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('database', () => {
  it('applies every migration, in WAL mode with synchronous FULL', () => {
    const db = openDatabase(tempDb());
    expect(schemaVersion(db)).toBe(migrations[migrations.length - 1]!.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    const strict = db.prepare(`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'`).all() as { name: string; strict: number }[];
    expect(strict.length).toBeGreaterThan(5);
    for (const table of strict) expect(table, table.name).toMatchObject({ strict: 1 });
    db.close();
  });

  it('migration 1 creates the spine tables from an empty file', () => {
    const db = openDatabase(tempDb(), migrations.slice(0, 1));
    expect(schemaVersion(db)).toBe(1);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['users', 'cameras', 'reads', 'hot_lists', 'hot_list_entries', 'hits', 'alerts', 'dispositions', 'audit_log']));
    db.close();
  });

  it('each later migration applies on top of the one before and keeps stored rows', () => {
    for (let i = 1; i < migrations.length; i++) {
      const file = tempDb();
      const before = openDatabase(file, migrations.slice(0, i));
      before.prepare(`INSERT INTO audit_log (at, user_id, action, detail) VALUES (1, NULL, 'kept', '{}')`).run();
      before.close();
      const after = openDatabase(file, migrations.slice(0, i + 1));
      expect(schemaVersion(after)).toBe(migrations[i]!.version);
      expect(after.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'kept'`).get()).toEqual({ n: 1 });
      after.close();
    }
  });

  it('refuses a database written by a newer app and leaves it untouched', () => {
    const file = tempDb();
    const db = openDatabase(file);
    db.pragma('user_version = 999');
    db.close();
    expect(() => openDatabase(file)).toThrow(DatabaseVersionError);
    expect(() => openDatabase(file)).toThrow(/newer than this app/);
  });

  it('rolls back a failing migration as a whole', () => {
    const file = tempDb();
    const broken = [...migrations.slice(0, 1), { version: 2, name: 'broken', sql: 'CREATE TABLE t (a INTEGER) STRICT; INSERT INTO nowhere VALUES (1);' }];
    expect(() => openDatabase(file, broken)).toThrow(/migration 2 \(broken\) failed/);
    const db = openDatabase(file, migrations.slice(0, 1));
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 't'`).get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('ReadStore', () => {
  it('stores a read with its images and GPS and lists recent reads newest first', () => {
    const db = openDatabase(tempDb());
    const reads = new ReadStore(db);
    const first = reads.add({
      plate: 'ABC123', confidence: 0.91, state: 'CA', stateConfidence: 0.8, box: [10.4, 20, 100, 50],
      candidates: [{ plate: 'ABC123', confidence: 0.91 }], cameraId: 'front', capturedAt: 1000,
      gps: { lat: 42.1, lon: -71.2, accuracyM: 4 }, cropJpeg: Buffer.from([1, 2, 3]), contextJpeg: null,
    });
    reads.add({
      plate: 'XYZ9', confidence: 0.5, state: null, stateConfidence: 0, box: [0, 0, 1, 1], candidates: [],
      cameraId: 'rear', capturedAt: 2000, gps: null, cropJpeg: null, contextJpeg: null,
    });
    expect(first).toMatchObject({ plate: 'ABC123', box: [10, 20, 100, 50], gps: { lat: 42.1, lon: -71.2, accuracyM: 4 } });
    expect(reads.recent(10).map((r) => r.plate)).toEqual(['XYZ9', 'ABC123']);
    expect(reads.image(first.id, 'crop')).toEqual(Buffer.from([1, 2, 3]));
    expect(reads.image(first.id, 'context')).toBeNull();
    expect(() => reads.image(999, 'crop')).toThrow(/read 999 does not exist/);
    expect(reads.countSince(1500)).toBe(1);
    db.close();
  });
});

describe('migrations 60-61: evidence and the full GPS fix', () => {
  const base = {
    plate: 'ABC123', confidence: 0.91, state: 'CA', stateConfidence: 0.8, box: [10, 20, 100, 50] as const,
    candidates: [{ plate: 'ABC123', confidence: 0.91 }], cameraId: 'front', capturedAt: 1000,
    cropJpeg: Buffer.from([1, 2, 3]), contextJpeg: Buffer.from([4, 5, 6]),
  };

  it('60: a read with a hit keeps its images, time and position; views go beside it; before a hit they replace', () => {
    const db = openDatabase(tempDb());
    const reads = new ReadStore(db);
    const read = reads.add({ ...base, gps: { lat: 42.1, lon: -71.2, accuracyM: 4 } });
    const view = { cropJpeg: Buffer.from([7]), contextJpeg: Buffer.from([8]), box: [1, 2, 3, 4] as const, capturedAt: 2000, gps: null };
    expect(reads.addView(read.id, view, 5000)).toBe('replaced');
    expect(reads.image(read.id, 'crop')).toEqual(Buffer.from([7]));
    db.prepare(
      "INSERT INTO hits (read_id, entry_id, match_kind, differing_positions, matched_plate, entry_snapshot, created_at) VALUES (?, 1, 'exact', '[]', 'ABC123', '{}', 0)",
    ).run(read.id);
    expect(reads.addView(read.id, { ...view, cropJpeg: Buffer.from([9]) }, 6000)).toBe('extra');
    expect(reads.image(read.id, 'crop')).toEqual(Buffer.from([7]));
    expect(reads.extraImage(read.id, 'crop')).toEqual(Buffer.from([9]));
    expect(() => db.prepare('UPDATE reads SET context_jpeg = NULL WHERE id = ?').run(read.id)).toThrow(/evidence/);
    expect(() => db.prepare('UPDATE read_views SET crop_jpeg = NULL').run()).toThrow(/cannot be changed/);
    // The text may still be corrected (audited), the evidence stays.
    expect(reads.correct(read.id, { plate: 'ABC128', confidence: 0.9, candidates: [], state: 'CA', stateConfidence: 0.8 }, 7000).plate).toBe('ABC128');
    const trail = db.prepare("SELECT action, detail FROM audit_log WHERE action LIKE 'read.%' ORDER BY id").all() as { action: string; detail: string }[];
    expect(trail.map((r) => ({ action: r.action, detail: JSON.parse(r.detail) as unknown }))).toEqual([
      { action: 'read.extra-view', detail: { readId: read.id, viewId: 1, capturedAt: 2000 } },
      { action: 'read.corrected', detail: { readId: read.id, before: { plate: 'ABC123', state: 'CA' }, after: { plate: 'ABC128', state: 'CA' } } },
    ]);
    expect(() => reads.extraImage(999, 'crop')).toThrow(/read 999 does not exist/);
    db.close();
  });

  it('61: a read keeps the fix\'s speed, heading, quality, satellites, UTC time and clock offset', () => {
    const db = openDatabase(tempDb());
    const reads = new ReadStore(db);
    const gps = { lat: 42.1, lon: -71.2, accuracyM: 4, speedKmh: 61.5, headingDeg: 270, quality: 'dgps' as const, satellites: 9, fixTime: 999_000, clockOffsetMs: -12_000, clockSkewed: true };
    const read = reads.add({ ...base, gps });
    expect(reads.get(read.id)!.gps).toEqual(gps);
    expect(reads.add({ ...base, gps: { lat: 1, lon: 2, accuracyM: null } }).gps).toEqual({
      lat: 1, lon: 2, accuracyM: null, speedKmh: null, headingDeg: null, quality: null, satellites: null, fixTime: null, clockOffsetMs: null, clockSkewed: false,
    });
    db.close();
  });
});
