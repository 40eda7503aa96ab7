import { describe, expect, it } from 'vitest';
import {
  addManualEntry,
  createHotListMatcher,
  hotListStatus,
  importHotListCsv,
  listManualEntries,
  removeManualEntry,
  searchReadsForEntry,
  HotListInputError,
} from '../../src/main/engine/hotlist/index.js';
import type { Db } from '../../src/main/engine/store/db.js';
import { freshDb, writeFile } from './helpers.js';

const HOUR = 3600_000;
const NOW = Date.parse('2030-06-01T12:00:00Z');

function addRead(db: Db, plate: string, state: string | null, at: number, candidates: string[] = []): number {
  return Number(
    db
      .prepare(
        `INSERT INTO reads (plate, confidence, state, box_x, box_y, box_w, box_h, candidates, camera_id, captured_at)
         VALUES (?, 0.9, ?, 0, 0, 10, 5, ?, 'front', ?)`,
      )
      .run(plate, state, JSON.stringify([plate, ...candidates].map((p) => ({ plate: p, confidence: 0.5 }))), at).lastInsertRowid,
  );
}

describe('manual entries (C.6)', () => {
  it('adds an entry with reason, expiry and author, audits it and searches this shift', () => {
    const { db } = freshDb();
    const early = addRead(db, 'ABC123', 'CA', NOW - 20 * HOUR);
    const exact = addRead(db, 'ABC123', 'CA', NOW - 2 * HOUR);
    const alike = addRead(db, 'A8C123', 'NV', NOW - HOUR);
    const viaCandidate = addRead(db, 'XXXXXX', null, NOW - HOUR / 2, ['A8C12E', 'ABC1Z3']);
    addRead(db, 'ABC124', 'CA', NOW - HOUR);
    const { entry, readsThisShift } = addManualEntry(
      db,
      { plate: 'abc 123', state: 'ca', reason: 'Vehicle used in robbery tonight', enteredBy: 'officer7' },
      { now: NOW, shiftStartedAt: NOW - 8 * HOUR },
    );
    expect(entry).toMatchObject({ plate: 'ABC123', state: 'CA', list: 'manual', listCode: 'LOCAL', enteredBy: 'officer7', enteredAt: NOW, expiresAt: NOW + 24 * HOUR, partial: false });
    expect(readsThisShift.map((r) => [r.readId, r.kind, r.differingPositions, r.otherState])).toEqual([
      [exact, 'exact', [], false],
      [alike, 'lookalike', [1], true],
      [viaCandidate, 'lookalike', [4], false],
    ]);
    expect(readsThisShift.some((r) => r.readId === early)).toBe(false);
    const audit = db.prepare("SELECT user_id, action, detail FROM audit_log WHERE action = 'hotlist.manual-add'").get() as { user_id: string; detail: string };
    expect(audit.user_id).toBe('officer7');
    expect(JSON.parse(audit.detail)).toMatchObject({ plate: 'ABC123', reason: 'Vehicle used in robbery tonight', expiresAt: NOW + 24 * HOUR });
    expect(hotListStatus(db, NOW)).toMatchObject([{ name: 'manual', entries: 1, kind: 'manual', stale: false, updatedAt: NOW }]);
    expect(createHotListMatcher(db, { now: () => NOW }).match({ plate: 'ABC123', state: 'CA', candidates: [] })).toMatchObject([{ kind: 'exact', entry: { listName: 'manual' } }]);
  });

  it('requires a reason and an author, and keeps expiry within the limit', () => {
    const { db } = freshDb();
    const base = { plate: 'ABC123', reason: 'x', enteredBy: 'u' };
    expect(() => addManualEntry(db, { ...base, reason: '   ' }, { now: NOW })).toThrow(/reason is required/);
    expect(() => addManualEntry(db, { ...base, enteredBy: '' }, { now: NOW })).toThrow(HotListInputError);
    expect(() => addManualEntry(db, { ...base, expiresInHours: 24 * 8 }, { now: NOW })).toThrow(/at most 168 hours/);
    expect(() => addManualEntry(db, { ...base, expiresAt: NOW - 1 }, { now: NOW })).toThrow(/in the future/);
    expect(() => addManualEntry(db, { ...base, plate: 'A*' }, { now: NOW })).toThrow(/at least 3 known characters/);
    expect(() => addManualEntry(db, { ...base, plate: 'AB-CD!' }, { now: NOW })).toThrow(/plate/);
    expect(() => addManualEntry(db, { ...base, state: 'California' }, { now: NOW })).toThrow(/state/);
    const limits = { defaultExpiryHours: 2, maxExpiryHours: 4, minKnownCharacters: 2 };
    expect(addManualEntry(db, { ...base, plate: 'A*1' }, { now: NOW, limits }).entry).toMatchObject({ expiresAt: NOW + 2 * HOUR, partial: true });
    expect(db.prepare('SELECT count(*) FROM hot_list_entries').pluck().get()).toBe(1);
  });

  it('expires, lists and removes entries with an audited reason', () => {
    const { db } = freshDb();
    const { entry } = addManualEntry(db, { plate: 'ABC123', reason: 'r', enteredBy: 'u', expiresInHours: 1 }, { now: NOW });
    const m = createHotListMatcher(db, { now: () => NOW + 2 * HOUR });
    expect(m.match({ plate: 'ABC123', state: null, candidates: [] })).toEqual([]);
    expect(listManualEntries(db, NOW + 2 * HOUR)).toEqual([]);
    expect(listManualEntries(db, NOW + 2 * HOUR, { includeExpired: true })).toHaveLength(1);
    expect(() => removeManualEntry(db, entry.id, { userId: 'u', reason: '' })).toThrow(/reason/);
    removeManualEntry(db, entry.id, { userId: 'sgt', reason: 'vehicle recovered', now: NOW });
    expect(listManualEntries(db, NOW, { includeExpired: true })).toEqual([]);
    expect(db.prepare("SELECT user_id FROM audit_log WHERE action = 'hotlist.manual-remove'").pluck().get()).toBe('sgt');
  });

  it('keeps manual and imported lists apart', async () => {
    const { db, dir } = freshDb();
    await importHotListCsv(db, writeFile(dir, 'n.csv', 'plate,state,list_code\nAAA111,CA,V\n'), { list: 'ncic' });
    expect(() => addManualEntry(db, { plate: 'ABC123', reason: 'r', enteredBy: 'u', list: 'ncic' }, { now: NOW })).toThrow(/manual list/);
    addManualEntry(db, { plate: 'ABC123', reason: 'r', enteredBy: 'u' }, { now: NOW });
    await expect(importHotListCsv(db, writeFile(dir, 'm.csv', 'plate,state,list_code\nAAA111,CA,V\n'), { list: 'manual' })).rejects.toThrow(/holds manual entries/);
    // Re-importing the agency list leaves manual entries alone.
    await importHotListCsv(db, writeFile(dir, 'n2.csv', 'plate,state,list_code\nBBB222,CA,V\n'), { list: 'ncic' });
    expect(listManualEntries(db, NOW)).toHaveLength(1);
  });

  it('refuses an entry already in force and replaces an expired one', () => {
    const { db } = freshDb();
    const first = addManualEntry(db, { plate: 'ABC123', state: 'CA', reason: 'r1', enteredBy: 'u1', expiresInHours: 1 }, { now: NOW }).entry;
    expect(() => addManualEntry(db, { plate: 'abc-123', state: 'CA', reason: 'r2', enteredBy: 'u2' }, { now: NOW })).toThrow(
      new RegExp(`already on list "manual" as entry ${first.id}, entered by u1`),
    );
    addManualEntry(db, { plate: 'ABC123', state: 'NV', reason: 'other state', enteredBy: 'u2' }, { now: NOW });
    const again = addManualEntry(db, { plate: 'ABC123', state: 'CA', reason: 'r3', enteredBy: 'u3' }, { now: NOW + 2 * HOUR }).entry;
    expect(listManualEntries(db, NOW + 2 * HOUR).map((e) => [e.id, e.reason])).toEqual([[again.id, 'r3'], [first.id + 1, 'other state']]);
  });

  it('searches reads for a partial plate', () => {
    const { db } = freshDb();
    const hit = addRead(db, '7XYZ123', 'CA', NOW - HOUR);
    addRead(db, '7XZY123', 'CA', NOW - HOUR);
    expect(searchReadsForEntry(db, { plate: '7XY*3', state: null }, { since: NOW - 2 * HOUR })).toMatchObject([{ readId: hit, kind: 'partial' }]);
  });
});
