/**
 * Faults the car rides through: a disk that fills (a real SQLITE_FULL, from
 * PRAGMA max_page_count) loses no alert and resumes writing when space
 * returns, with no restart; reads stored without a match result are matched
 * at start-up; a damaged page is found at start-up, the file moved aside
 * intact and a fresh one started; low space drops old images without a hit
 * first, audited.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertService } from '../../src/main/engine/alerts/alerts.js';
import { Engine } from '../../src/main/engine/engine.js';
import { auditTrail } from '../../src/main/engine/governance/audit.js';
import { createHotListMatcher, importHotListCsv } from '../../src/main/engine/hotlist/index.js';
import type { Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import { openDatabase, type Db } from '../../src/main/engine/store/db.js';
import { damageMarker } from '../../src/main/engine/store/health.js';
import { DatabaseKeyError, parseDbKey } from '../../src/main/engine/store/key.js';
import { ReadStore, type NewRead } from '../../src/main/engine/store/reads.js';
import { ReadRecorder, type RecorderOptions } from '../../src/main/engine/store/recorder.js';
import { projectRoot } from '../helpers/cli.js';

const HOT = 'HOT4242';
const jpeg = fs.readFileSync(path.join(projectRoot, 'demo', 'footage', 'frame0000.jpg'));
const idle: Recognizer = {
  name: 'none',
  recognize: async () => ({ plates: [], timings: { detectMs: 0, ocrMs: 0 } }),
  dispose: async () => {},
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-faults-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function aRead(plate: string, at: number, images = true): NewRead {
  return {
    plate,
    confidence: 0.95,
    state: 'CA',
    stateConfidence: 0.9,
    box: [10, 20, 100, 30],
    candidates: [{ plate, confidence: 0.95 }],
    cameraId: 'front',
    capturedAt: at,
    gps: { lat: 37.77, lon: -122.41, accuracyM: 5 },
    cropJpeg: images ? jpeg : null,
    contextJpeg: images ? jpeg : null,
  };
}

async function withList(db: Db, dir: string): Promise<void> {
  const csv = path.join(dir, 'stolen.csv');
  fs.writeFileSync(csv, `plate,state,list_code,description\n${HOT},CA,V,stolen vehicle\nOTHER77,CA,V,second\n`);
  await importHotListCsv(db, csv, { list: 'stolen' });
}

const count = (db: Db, sql: string): number => (db.prepare(sql).get() as { n: number }).n;

describe('a disk that fills and frees (injected SQLITE_FULL)', () => {
  async function setUp(options: Partial<RecorderOptions> = {}) {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'lpr.sqlite'));
    cleanups.push(() => db.close());
    await withList(db, dir);
    const reads = new ReadStore(db);
    const alerts = new AlertService(db, reads);
    let changes = 0;
    let clock = 1_000_000;
    const recorder = new ReadRecorder(db, reads, alerts, createHotListMatcher(db), {
      now: () => clock,
      bufferReads: 50,
      lowSpaceBytes: 0,
      dataDir: null,
      // Ticks are driven by the test.
      retryMs: 3_600_000,
      onChange: () => changes++,
      ...options,
    });
    cleanups.push(() => recorder.close());
    return { db, reads, alerts, recorder, changes: () => changes, advance: (ms: number) => (clock += ms) };
  }

  it('stores a read with its hit, alert and audit in one transaction', async () => {
    const { db, recorder } = await setUp();
    const { read, alerts } = recorder.record(aRead(HOT, 1));
    expect(alerts).toHaveLength(1);
    expect(count(db, `SELECT count(*) AS n FROM hits WHERE read_id = ${read.id}`)).toBe(1);
    expect(count(db, `SELECT count(*) AS n FROM reads WHERE id = ${read.id} AND matched_at IS NOT NULL`)).toBe(1);
  });

  it('keeps matching and alerting from memory, then writes everything under the same ids when space returns', async () => {
    const { db, reads, alerts, recorder, changes, advance } = await setUp();
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    expect(() => reads.add(aRead('PROBE01', 1))).toThrow(/full/);

    const first = recorder.record(aRead(HOT, 10));
    expect(first.alerts).toHaveLength(1);
    expect(first.alerts[0]).toMatchObject({ status: 'pending', read: { plate: HOT }, entry: { plate: HOT, listName: 'stolen' } });
    expect(recorder.status()).toMatchObject({ state: 'full', buffered: 1 });
    expect(recorder.status().message).toMatch(/Storage is full/);
    expect(changes()).toBeGreaterThan(0);
    advance(1000);
    const plainReads = [recorder.record(aRead('ABC0001', 20)), recorder.record(aRead('ABC0002', 30))];
    for (const r of plainReads) expect(r.alerts).toEqual([]);
    // The same car again within the repeat window: a hit, not a second alert.
    advance(1000);
    expect(recorder.record(aRead(HOT, 40)).alerts).toEqual([]);
    advance(1000);
    const other = recorder.record(aRead('OTHER77', 50));
    expect(other.alerts).toHaveLength(1);
    expect(recorder.heldAlerts().map((a) => a.id)).toEqual([first.alerts[0]!.id, other.alerts[0]!.id]);
    expect(recorder.heldImage(first.read.id, 'context')?.equals(jpeg)).toBe(true);
    expect(recorder.heldReads().map((r) => r.plate)).toEqual(['OTHER77', HOT, 'ABC0002', 'ABC0001', HOT]);

    // Still full: nothing is written, nothing is lost.
    recorder.tick();
    expect(recorder.status()).toMatchObject({ state: 'full', buffered: 5 });
    expect(count(db, 'SELECT count(*) AS n FROM reads')).toBe(0);

    // Space returns: the next tick writes the buffer, no restart.
    db.pragma('max_page_count = 1073741823');
    recorder.tick();
    expect(recorder.status()).toMatchObject({ state: 'ok', buffered: 0, lost: 0, message: null });
    expect(count(db, 'SELECT count(*) AS n FROM reads WHERE matched_at IS NOT NULL')).toBe(5);
    for (const shown of [first.alerts[0]!, other.alerts[0]!]) {
      // Stored as shown; the car seen again meanwhile is recorded on the stored alert.
      const { seenAgain: _seen, ...stored } = alerts.get(shown.id);
      expect(stored).toEqual(shown);
    }
    expect(count(db, 'SELECT count(*) AS n FROM alerts')).toBe(2);
    expect(count(db, 'SELECT count(*) AS n FROM hits')).toBe(3);
    expect(reads.image(first.read.id, 'context')?.equals(jpeg)).toBe(true);
    expect(auditTrail(db, 50).filter((a) => a.action === 'hit.repeat')).toHaveLength(1);

    // And new reads are stored directly again.
    const after = recorder.record(aRead('ABC0003', 60));
    expect(reads.get(after.read.id)?.plate).toBe('ABC0003');
  });

  it('keeps the buffer bounded: images of the oldest reads without an alert go first, never an alert\'s', async () => {
    const { db, recorder } = await setUp({ bufferReads: 10 });
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const hit = recorder.record(aRead(HOT, 1));
    for (let i = 0; i < 30; i++) recorder.record(aRead(`ZZZ${String(i).padStart(4, '0')}`, 10 + i));
    expect(recorder.status().buffered).toBe(31);
    expect(recorder.heldImage(hit.read.id, 'crop')?.equals(jpeg)).toBe(true);
    const withImages = recorder.heldReads().filter((r) => recorder.heldImage(r.id, 'crop') !== null);
    expect(withImages.length).toBeLessThanOrEqual(11);
    // The newest keep theirs.
    expect(recorder.heldImage(recorder.heldReads()[0]!.id, 'crop')).not.toBeNull();
  });
});

describe('a database held by another connection (SQLITE_BUSY)', () => {
  it('alerts from memory while a sync holds the write lock, then writes the read when it is free', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'lpr.sqlite');
    const db = openDatabase(file);
    cleanups.push(() => db.close());
    await withList(db, dir);
    db.pragma('busy_timeout = 20');
    const reads = new ReadStore(db);
    const recorder = new ReadRecorder(db, reads, new AlertService(db, reads), createHotListMatcher(db), {
      now: () => 1_000_000,
      bufferReads: 50,
      lowSpaceBytes: 0,
      dataDir: null,
      retryMs: 3_600_000,
      onChange: () => undefined,
    });
    cleanups.push(() => recorder.close());
    // A second connection (as the hot-list sync worker has) takes the write lock and keeps it.
    const other = openDatabase(file);
    cleanups.push(() => other.close());
    other.exec('BEGIN IMMEDIATE');

    const held = recorder.record(aRead(HOT, 10));
    expect(held.alerts).toHaveLength(1);
    expect(recorder.status()).toMatchObject({ state: 'failing', buffered: 1 });
    expect(recorder.status().message).toMatch(/held by another task/);

    other.exec('COMMIT');
    recorder.tick();
    expect(recorder.status()).toMatchObject({ state: 'ok', buffered: 0, lost: 0 });
    expect(reads.get(held.read.id)?.plate).toBe(HOT);
    expect(count(db, 'SELECT count(*) AS n FROM alerts')).toBe(1);
  });
});

describe('low disk space', () => {
  it('drops the images of the oldest reads without a hit first, audited', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'lpr.sqlite'));
    cleanups.push(() => db.close());
    await withList(db, dir);
    const reads = new ReadStore(db);
    const alerts = new AlertService(db, reads);
    // Room for the reads first, then a low-space mark above any disk's free space.
    const setup = new ReadRecorder(db, reads, alerts, createHotListMatcher(db), { now: () => 5, bufferReads: 50, lowSpaceBytes: 0, dataDir: dir, retryMs: 3_600_000, onChange: () => {} });
    const hit = setup.record(aRead(HOT, 1)).read;
    const old = setup.record(aRead('OLD0001', 2)).read;
    const recent = setup.record(aRead('NEW0001', 3)).read;
    setup.close();
    const recorder = new ReadRecorder(db, reads, alerts, createHotListMatcher(db), {
      now: () => 9,
      bufferReads: 50,
      lowSpaceBytes: Number.MAX_SAFE_INTEGER,
      dataDir: dir,
      retryMs: 3_600_000,
      onChange: () => {},
    });
    cleanups.push(() => recorder.close());
    expect(recorder.status().freeBytes).toBeGreaterThan(0);
    expect(reads.image(old.id, 'context')).toBeNull();
    expect(reads.image(recent.id, 'context')).toBeNull();
    // The evidence behind the hit stays.
    expect(reads.image(hit.id, 'context')?.equals(jpeg)).toBe(true);
    const dropped = auditTrail(db, 20).find((a) => a.action === 'storage.images-dropped');
    expect(dropped?.detail).toMatchObject({ reason: 'low disk space', reads: 2, firstReadId: old.id, lastReadId: recent.id });
  });
});

describe('start-up', () => {
  function engineDir(): { dir: string; file: string } {
    const dir = tempDir();
    return { dir, file: path.join(dir, 'lpr.sqlite') };
  }

  it('matches reads stored without a match result again', async () => {
    const { dir, file } = engineDir();
    const db = openDatabase(file);
    await withList(db, dir);
    // A read stored, then the power went before its match (as before one transaction did both).
    const read = new ReadStore(db).add(aRead(HOT, 1));
    db.close();
    const engine = new Engine({ dbFile: file, recognizer: idle });
    try {
      expect(engine.alerts.open().map((a) => a.read.id)).toEqual([read.id]);
      expect(count(engine.db, 'SELECT count(*) AS n FROM reads WHERE matched_at IS NULL')).toBe(0);
    } finally {
      await engine.close();
    }
    // Once: a second start raises nothing new.
    const again = new Engine({ dbFile: file, recognizer: idle });
    expect(count(again.db, 'SELECT count(*) AS n FROM hits')).toBe(1);
    await again.close();
  });

  it('finds a damaged page, moves the file aside intact, starts a fresh one and tells the administrator', async () => {
    const { dir, file } = engineDir();
    const db = openDatabase(file);
    await withList(db, dir);
    const reads = new ReadStore(db);
    for (let i = 0; i < 20; i++) reads.add(aRead(`DMG${String(i).padStart(4, '0')}`, i));
    db.close();
    // Flip bytes in the middle of a page well inside the file.
    const size = fs.statSync(file).size;
    const pageSize = 4096;
    const page = Math.floor(size / pageSize / 2);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, crypto.randomBytes(64), 0, 64, page * pageSize + 1000);
    fs.closeSync(fd);
    const damaged = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

    const engine = new Engine({ dbFile: file, recognizer: idle, now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    try {
      const storage = engine.status().storage!;
      expect(storage.replaced).not.toBeNull();
      const movedTo = storage.replaced!.movedTo;
      expect(movedTo).toBe(`${file}.damaged-2026-01-02T03-04-05-000Z`);
      expect(storage.replaced!.problems.length).toBeGreaterThan(0);
      // Moved intact: byte for byte what was damaged, for the agency.
      expect(crypto.createHash('sha256').update(fs.readFileSync(movedTo)).digest('hex')).toBe(damaged);
      // The fresh database works and records why it is fresh.
      expect(engine.reads.recent(5)).toEqual([]);
      expect(auditTrail(engine.db, 5).find((a) => a.action === 'storage.database-replaced')?.detail).toMatchObject({ movedTo });
    } finally {
      await engine.close();
    }
    // The next start finds the fresh file sound.
    const again = new Engine({ dbFile: file, recognizer: idle });
    expect(again.status().storage?.replaced).toBeNull();
    await again.close();
  });

  it('moves aside a database marked damaged while running (SQLITE_CORRUPT)', async () => {
    const { file } = engineDir();
    openDatabase(file).close();
    fs.writeFileSync(damageMarker(file), '2026-01-01T00:00:00.000Z database disk image is malformed\n');
    const engine = new Engine({ dbFile: file, recognizer: idle });
    try {
      expect(engine.status().storage?.replaced?.problems[0]).toMatch(/found damaged while running: .*malformed/);
      expect(fs.existsSync(damageMarker(file))).toBe(false);
    } finally {
      await engine.close();
    }
  });

  it('never takes a wrong key for damage: the file is refused and left where it is', async () => {
    const { dir, file } = engineDir();
    openDatabase(file).close();
    const before = fs.readFileSync(file);
    expect(() => new Engine({ dbFile: file, dbKey: parseDbKey('some-other-cars-key', 'a test'), recognizer: idle })).toThrow(DatabaseKeyError);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('damaged'))).toEqual([]);
  });
});
