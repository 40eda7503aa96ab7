/**
 * The retention purge with an injected clock: exactly the expired records
 * without a hold go, each kind by its own period; held records stay until the
 * hold is released or lapses; a clock that went back removes nothing more;
 * the settings refuse unknown keys and negative periods by name; start-up runs
 * a purge.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { audit, auditTrail } from '../../src/main/engine/governance/audit.js';
import { verifyAuditChain } from '../../src/main/engine/governance/audit-chain.js';
import { HoldError, listHolds, placeHold, releaseHold } from '../../src/main/engine/records/holds.js';
import { purgeExpired, RetentionSchedule } from '../../src/main/engine/records/retention.js';
import { checkCarSettings } from '../../src/main/engine/settings/car-settings.js';
import { openDatabase, type Db } from '../../src/main/engine/store/db.js';
import { ReadStore } from '../../src/main/engine/store/reads.js';
import { parsePeriod, retentionSettingsSchema } from '../../src/shared/records.js';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const settings = retentionSettingsSchema.parse({ readsWithoutHit: '30 days', imagesWithoutHit: '7 days', hits: '1 year', gps: '14 days', audit: '2 years' });

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-retention-'));
  dirs.push(dir);
  return dir;
}
function freshDb(): Db {
  const db = openDatabase(path.join(tempDir(), 'lpr.sqlite'));
  dbs.push(db);
  return db;
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
function addRead(db: Db, plate: string, ageMs: number): number {
  return new ReadStore(db).add({
    plate,
    confidence: 0.9,
    state: 'CA',
    stateConfidence: 0.8,
    box: [1, 2, 3, 4],
    candidates: [],
    cameraId: 'front',
    capturedAt: NOW - ageMs,
    gps: { lat: 37.5, lon: -122.1, accuracyM: 5 },
    cropJpeg: JPEG,
    contextJpeg: JPEG,
  }).id;
}
function addHit(db: Db, readId: number, alert: 'pending' | 'disposed' | null): number {
  const hit = Number(
    db.prepare(`INSERT INTO hits (read_id, entry_id, match_kind, differing_positions, matched_plate, entry_snapshot, created_at) VALUES (?, 1, 'exact', '[]', 'X', '{}', ?)`).run(readId, NOW)
      .lastInsertRowid,
  );
  if (alert) {
    const a = Number(db.prepare('INSERT INTO alerts (hit_id, status, raised_at) VALUES (?, ?, ?)').run(hit, alert, NOW).lastInsertRowid);
    if (alert === 'disposed') db.prepare(`INSERT INTO dispositions (alert_id, kind, note, user_id, recorded_at) VALUES (?, 'misread', 'n', 'u', ?)`).run(a, NOW);
  }
  return hit;
}
function read(db: Db, id: number): { crop: Buffer | null; lat: number | null } | undefined {
  return db.prepare('SELECT crop_jpeg AS crop, lat FROM reads WHERE id = ?').get(id) as { crop: Buffer | null; lat: number | null } | undefined;
}
const exists = (db: Db, table: string, id: number): boolean => db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined;

describe('purge', () => {
  it('removes exactly the expired, unprotected records of each kind and audits the counts', () => {
    const db = freshDb();
    const fresh = addRead(db, 'FRESH1', 1 * DAY);
    const oldImages = addRead(db, 'IMG8', 8 * DAY);
    const oldGps = addRead(db, 'GPS15', 15 * DAY);
    const expired = addRead(db, 'OLD31', 31 * DAY);
    const justInside = addRead(db, 'EDGE', 30 * DAY - 60_000);
    const hitRecent = addRead(db, 'HIT40', 40 * DAY);
    const recentHit = addHit(db, hitRecent, 'disposed');
    const hitOld = addRead(db, 'HITOLD', 400 * DAY);
    const oldHit = addHit(db, hitOld, 'disposed');
    const hitOpen = addRead(db, 'HITOPEN', 400 * DAY);
    const openHit = addHit(db, hitOpen, 'pending');
    audit(db, { userId: null, action: 'old', detail: {} }, NOW - 800 * DAY);
    audit(db, { userId: null, action: 'kept', detail: {} }, NOW - 100 * DAY);

    const result = purgeExpired(db, { asOf: NOW, settings, trigger: 'test', userId: null });

    expect(result.counts).toEqual({
      hits: 1, alerts: 1, dispositions: 1, readsOfHits: 1, readsWithoutHit: 1, imagesWithoutHit: 3, gps: 2, audit: 1, keptByHold: 0, hitsKeptOpen: 1,
    });
    expect(read(db, fresh)).toEqual({ crop: JPEG, lat: 37.5 });
    expect(read(db, oldImages)).toEqual({ crop: null, lat: 37.5 });
    expect(read(db, oldGps)).toEqual({ crop: null, lat: null });
    expect(read(db, expired)).toBeUndefined();
    expect(read(db, justInside)).toEqual({ crop: null, lat: null });
    // A hit keeps its read whole (images and position) for the hits' period.
    expect(read(db, hitRecent)).toEqual({ crop: JPEG, lat: 37.5 });
    expect(exists(db, 'hits', recentHit)).toBe(true);
    expect(exists(db, 'hits', oldHit)).toBe(false);
    expect(read(db, hitOld)).toBeUndefined();
    expect(db.prepare('SELECT count(*) AS n FROM alerts WHERE hit_id = ?').get(oldHit)).toEqual({ n: 0 });
    // An alert still open is never purged: the officer owes it a disposition (C.5).
    expect(exists(db, 'hits', openHit)).toBe(true);
    expect(db.prepare("SELECT action FROM audit_log WHERE action IN ('old', 'kept')").all()).toEqual([{ action: 'kept' }]);
    // Through the chain's checkpoint: the trail still verifies.
    expect(verifyAuditChain(db)).toMatchObject({ ok: true });

    const row = auditTrail(db, 5).find((r) => r.action === 'retention.purge');
    expect(row?.detail).toMatchObject({ asOf: NOW, trigger: 'test', counts: result.counts });
    // Run again: nothing more is due.
    const again = purgeExpired(db, { asOf: NOW, settings, trigger: 'test', userId: null });
    expect(Object.entries(again.counts).filter(([k, v]) => v !== 0 && k !== 'hitsKeptOpen')).toEqual([]);
  });

  it('keeps what an active hold names, by id or by plate pattern and time, until it is released or lapses', () => {
    const db = freshDb();
    const byId = addRead(db, 'AAA111', 60 * DAY);
    const byPlate = addRead(db, 'ABC123', 60 * DAY);
    const otherTime = addRead(db, 'ABC999', 90 * DAY);
    const unheld = addRead(db, 'ZZZ000', 60 * DAY);
    const lapsing = addRead(db, 'LAPSE1', 60 * DAY);
    const by = { userId: 'sup', now: NOW - DAY };
    const idHold = placeHold(db, { caseNumber: '2026-0042', reason: 'burglary series', until: NOW + 30 * DAY, readIds: [byId] }, by);
    placeHold(db, { caseNumber: '2026-0043', reason: 'stolen car', until: NOW + 30 * DAY, plate: 'abc*', from: NOW - 70 * DAY, to: NOW - 50 * DAY }, by);
    placeHold(db, { caseNumber: '2026-0044', reason: 'short hold', until: NOW - 1, readIds: [lapsing] }, { userId: 'sup', now: NOW - 2 * DAY });
    expect(listHolds(db, NOW).map((h) => [h.caseNumber, h.reads])).toEqual([
      ['2026-0043', 1],
      ['2026-0042', 1],
    ]);

    const first = purgeExpired(db, { asOf: NOW, settings, trigger: 'test', userId: null });
    expect(first.counts.readsWithoutHit).toBe(3);
    expect(first.counts.keptByHold).toBe(2);
    expect(read(db, byId)).toEqual({ crop: JPEG, lat: 37.5 });
    expect(read(db, byPlate)).toEqual({ crop: JPEG, lat: 37.5 });
    expect(read(db, otherTime)).toBeUndefined();
    expect(read(db, unheld)).toBeUndefined();
    expect(read(db, lapsing)).toBeUndefined();

    releaseHold(db, idHold.id, { userId: 'sup', reason: 'case closed', now: NOW + 1000 });
    const second = purgeExpired(db, { asOf: NOW + 2000, settings, trigger: 'test', userId: null });
    expect(second.counts.readsWithoutHit).toBe(1);
    expect(read(db, byId)).toBeUndefined();
    expect(read(db, byPlate)).toBeDefined();
    expect(auditTrail(db, 50).map((r) => r.action).filter((a) => a.startsWith('hold.'))).toEqual(['hold.release', 'hold.place', 'hold.place', 'hold.place']);
    expect(() => releaseHold(db, idHold.id, { userId: 'sup', reason: 'again', now: NOW })).toThrow(/already released/);
  });

  it('refuses a hold that names nothing, a past date, a bad plate or a read that is gone, naming the field', () => {
    const db = freshDb();
    const by = { userId: 'sup', now: NOW };
    expect(() => placeHold(db, { caseNumber: 'C-1', reason: 'why not', until: NOW + DAY }, by)).toThrow(/must name reads/);
    expect(() => placeHold(db, { caseNumber: 'C-1', reason: 'why not', until: NOW - DAY, readIds: [1] }, by)).toThrow(/until: must be a time in the future/);
    expect(() => placeHold(db, { caseNumber: 'C-1', reason: 'why not', until: NOW + DAY, plate: 'AB[C]' }, by)).toThrow(HoldError);
    expect(() => placeHold(db, { caseNumber: 'C-1', reason: 'why not', until: NOW + DAY, readIds: [77] }, by)).toThrow(/read 77 does not exist/);
    expect(() => placeHold(db, { caseNumber: '!', reason: 'why not', until: NOW + DAY, readIds: [77] }, by)).toThrow(/case number/);
  });

  it('purges as of one time read once: a clock that goes back removes nothing more and is noted', () => {
    const db = freshDb();
    const r = addRead(db, 'OLD', 31 * DAY);
    const young = addRead(db, 'YOUNG', 20 * DAY);
    let calls = 0;
    // A clock that jumps a year back after its first reading.
    const clock = (): number => (calls++ === 0 ? NOW : NOW - 365 * DAY);
    const schedule = new RetentionSchedule(db, () => settings, clock);
    const first = schedule.run('hourly')!;
    expect(calls).toBe(1);
    expect(first.counts.readsWithoutHit).toBe(1);
    expect(read(db, r)).toBeUndefined();
    const second = schedule.run('hourly')!;
    expect(second.clockBehindMs).toBe(365 * DAY);
    expect(Object.values(second.counts).every((n) => n === 0)).toBe(true);
    expect(read(db, young)).toBeDefined();
    expect(auditTrail(db, 1)[0]!.detail).toMatchObject({ clockBehindMs: 365 * DAY });
  });

  it('reclaims the freed space (incremental vacuum)', () => {
    const db = freshDb();
    // A database made by an older version, before new files were made with incremental vacuum.
    db.pragma('auto_vacuum = NONE');
    db.exec('VACUUM');
    const big = Buffer.alloc(200_000, 7);
    for (let i = 0; i < 20; i++) db.prepare('UPDATE reads SET crop_jpeg = ? WHERE id = ?').run(big, addRead(db, `P${i}`, 40 * DAY));
    const first = purgeExpired(db, { asOf: NOW, settings, trigger: 'test', userId: null });
    expect(first.vacuum.mode).toBe('converted');
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    for (let i = 0; i < 20; i++) db.prepare('UPDATE reads SET crop_jpeg = ? WHERE id = ?').run(big, addRead(db, `Q${i}`, 40 * DAY));
    const pagesBefore = db.pragma('page_count', { simple: true }) as number;
    const second = purgeExpired(db, { asOf: NOW + 1, settings, trigger: 'test', userId: null });
    expect(second.vacuum.mode).toBe('incremental');
    expect(second.vacuum.freedPages).toBeGreaterThan(0);
    expect(db.pragma('page_count', { simple: true }) as number).toBeLessThan(pagesBefore);
  });
});

describe('retention settings', () => {
  it('reads periods from minutes to years', () => {
    expect(parsePeriod('15 minutes')).toEqual({ ok: true, ms: 15 * 60_000 });
    expect(parsePeriod('12h')).toEqual({ ok: true, ms: 12 * 3600_000 });
    expect(parsePeriod('2 years')).toMatchObject({ ok: true });
    expect(parsePeriod('30 seconds')).toMatchObject({ ok: false });
  });

  it('refuses an unknown key and a negative period, naming the key and its line', () => {
    const unknown = checkCarSettings('{\n  "retention": {\n    "readsWithoutHits": "30 days"\n  }\n}');
    expect(unknown).toEqual({ ok: false, problems: ['settings line 3: retention.readsWithoutHits: unknown setting'] });
    const negative = checkCarSettings('{\n  "retention": {\n    "gps": "-5 days"\n  }\n}');
    expect(negative.ok).toBe(false);
    expect((negative as { problems: string[] }).problems[0]).toMatch(/^settings line 3: retention\.gps: period "-5 days" is negative/);
    const reasons = checkCarSettings('{"history": {"reasons": [{"code": "a-1", "label": "A"}, {"code": "a-1", "label": "B", "until": "soon"}]}}');
    expect((reasons as { problems: string[] }).problems).toEqual([
      'settings line 1: history.reasons.1.until: until must be a date such as 2027-12-31',
      'settings line 1: history.reasons.1.code: reason code "a-1" is used twice',
    ]);
    const images = checkCarSettings('{"retention": {"readsWithoutHit": "7 days", "imagesWithoutHit": "30 days"}}');
    expect((images as { problems: string[] }).problems[0]).toMatch(/retention\.imagesWithoutHit: may not be longer than readsWithoutHit/);
  });
});
