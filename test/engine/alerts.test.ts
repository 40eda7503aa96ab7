import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertFlowError, AlertService } from '../../src/main/engine/alerts/alerts.js';
import type { DispositionDraft } from '../../src/shared/checklist.js';
import type { DispositionAction, DispositionKind } from '../../src/shared/contract.js';
import type { HotListMatch } from '../../src/main/engine/hotlist/types.js';
import { openDatabase, type Db } from '../../src/main/engine/store/db.js';
import { ReadStore } from '../../src/main/engine/store/reads.js';

const draft = (kind: DispositionKind, note = '', reason: string | null = null, actions: DispositionAction[] = []): DispositionDraft => ({
  kind,
  note,
  reason,
  actions,
});

const match = (covert = false): HotListMatch => ({
  entry: { id: 7, listName: 'ncic', plate: 'ABC123', state: 'CA', listCode: 'V', category: 'Stolen vehicle', description: 'test' },
  kind: 'exact',
  differingPositions: [],
  matchedPlate: 'ABC123',
  covert,
  priority: 1,
});

describe('AlertService', () => {
  let db: Db;
  let alerts: AlertService;
  let readId: number;

  beforeEach(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-alerts-'));
    db = openDatabase(path.join(dir, 'lpr.sqlite'));
    const reads = new ReadStore(db);
    alerts = new AlertService(db, reads);
    readId = reads.add({
      plate: 'ABC123', confidence: 0.9, state: 'CA', stateConfidence: 0.9, box: [0, 0, 10, 5], candidates: [],
      cameraId: 'front', capturedAt: 1, gps: null, cropJpeg: null, contextJpeg: null,
    }).id;
  });

  it('walks the checks in order and stores the disposition with user and time', () => {
    const alert = alerts.raise(readId, match(), 100).alert!;
    expect(alert.status).toBe('pending');
    expect(() => alerts.checkCharacters(alert.id, true, 'u1', 110)).toThrow(/acknowledge/);
    alerts.acknowledge(alert.id, 'u1', 120);
    expect(() => alerts.checkDispatch(alert.id, 'verified-active', '', 'u1')).toThrow(AlertFlowError);
    expect(() => alerts.dispose(alert.id, draft('confirmed'), 'u1')).toThrow(/complete the checks/);
    alerts.checkCharacters(alert.id, true, 'u1', 130);
    alerts.checkState(alert.id, true, 'u1', 140);
    alerts.checkDispatch(alert.id, 'verified-active', ' case 12 ', 'u1', 150);
    const done = alerts.dispose(alert.id, draft('confirmed', 'stopped', null, ['stop', 'arrest']), 'u1', 160);
    expect(done.status).toBe('disposed');
    expect(done.checks).toEqual({ charactersMatch: true, stateMatches: true, dispatch: 'verified-active', dispatchNote: 'case 12' });
    expect(done.disposition).toEqual({ kind: 'confirmed', reason: null, note: 'stopped', actions: ['stop', 'arrest'], userId: 'u1', recordedAt: 160 });
    expect(() => alerts.dispose(alert.id, draft('other', 'again'), 'u1')).toThrow(/cannot be changed/);
    expect(() => alerts.checkCharacters(alert.id, false, 'u1')).toThrow(/can no longer be changed/);
    expect(alerts.open()).toEqual([]);
    const actions = (db.prepare('SELECT action FROM audit_log ORDER BY id').all() as { action: string }[]).map((r) => r.action);
    expect(actions).toEqual(['hit', 'alert.acknowledge', 'alert.check', 'alert.check', 'alert.check', 'alert.dispose']);
  });

  it('after a character mismatch goes straight to a disposition, which cannot be "confirmed"', () => {
    const alert = alerts.raise(readId, match(), 100).alert!;
    alerts.acknowledge(alert.id, 'u1');
    alerts.checkCharacters(alert.id, false, 'u1');
    expect(() => alerts.dispose(alert.id, draft('confirmed'), 'u1')).toThrow(/"Confirmed" contradicts the answer "characters: No"/);
    expect(() => alerts.dispose(alert.id, draft('misread', '  '), 'u1')).toThrow(/pick a reason or write a note/);
    expect(() => alerts.checkState(alert.id, true, 'u1')).toThrow(/change that answer first/);
    expect(alerts.dispose(alert.id, draft('misread', 'plate was 8BC123'), 'u1').disposition!.kind).toBe('misread');
  });

  it('lets every answer change until the disposition, auditing each change with the answer it replaces', () => {
    const alert = alerts.raise(readId, match(), 100).alert!;
    alerts.acknowledge(alert.id, 'u1', 110);
    alerts.checkCharacters(alert.id, false, 'u1', 120);
    // Changed back: the checklist goes on to the state and the dispatch check.
    alerts.checkCharacters(alert.id, true, 'u1', 130);
    alerts.checkState(alert.id, true, 'u1', 140);
    alerts.checkDispatch(alert.id, 'not-active', 'cleared', 'u1', 150);
    alerts.checkDispatch(alert.id, 'verified-active', 'stolen, confirmed by dispatch', 'u2', 160);
    const changes = (db.prepare(`SELECT user_id, detail FROM audit_log WHERE action = 'alert.check.change' ORDER BY id`).all() as { user_id: string; detail: string }[]).map(
      (r) => ({ user: r.user_id, ...(JSON.parse(r.detail) as object) }),
    );
    expect(changes).toEqual([
      { user: 'u1', alertId: alert.id, check: 'characters', matches: true, previous: false },
      { user: 'u2', alertId: alert.id, check: 'dispatch', result: 'verified-active', note: 'stolen, confirmed by dispatch', previous: { result: 'not-active', note: 'cleared' } },
    ]);
    expect(alerts.dispose(alert.id, draft('confirmed', '', null, ['recovered-vehicle']), 'u2', 170).disposition!.actions).toEqual(['recovered-vehicle']);
  });

  it('refuses contradictory dispositions with the reason, and accepts a consistent one', () => {
    const alert = alerts.raise(readId, match(), 100).alert!;
    alerts.acknowledge(alert.id, 'u1');
    alerts.checkCharacters(alert.id, true, 'u1');
    alerts.checkState(alert.id, false, 'u1');
    expect(() => alerts.checkDispatch(alert.id, 'verified-active', '', 'u1')).toThrow(/state was recorded as not matching/);
    expect(() => alerts.dispose(alert.id, draft('confirmed'), 'u1')).toThrow(/contradicts the answer "state of issuance: No"/);
    alerts.checkState(alert.id, true, 'u1');
    alerts.checkDispatch(alert.id, 'not-active', '', 'u1');
    expect(() => alerts.dispose(alert.id, draft('confirmed'), 'u1')).toThrow(/contradicts the dispatch answer "Not active"/);
    expect(() => alerts.dispose(alert.id, draft('not-on-list', '', null, ['arrest']), 'u1')).toThrow(/"Arrest" needs a "Confirmed" disposition/);
    expect(() => alerts.dispose(alert.id, draft('not-on-list', '', 'Made up'), 'u1')).toThrow(/reason "Made up" is not one of the reasons for "Not on list"/);
    expect(() => alerts.dispose(alert.id, draft('not-on-list', '', null, ['stop', 'stop']), 'u1')).toThrow(/listed twice/);
    expect(db.prepare('SELECT count(*) AS n FROM dispositions').get()).toEqual({ n: 0 });
    const done = alerts.dispose(alert.id, draft('not-on-list', ' entry cleared ', 'Dispatch: cleared', ['stop', 'warning']), 'u1', 500);
    expect(done.disposition).toMatchObject({ kind: 'not-on-list', reason: 'Dispatch: cleared', note: 'entry cleared', actions: ['stop', 'warning'] });
  });

  it('takes the quick-pick reasons it is given, and a picked reason stands in for the note', () => {
    const alert = alerts.raise(readId, match(), 100).alert!;
    alerts.acknowledge(alert.id, 'u1');
    alerts.checkCharacters(alert.id, false, 'u1');
    const reasons = { misread: ['Trailer plate'], 'not-on-list': [], other: [], manual: [] };
    expect(() => alerts.dispose(alert.id, draft('misread', '', 'Character misread'), 'u1', 200, reasons)).toThrow(/\(Trailer plate\)/);
    expect(alerts.dispose(alert.id, draft('misread', '', 'Trailer plate'), 'u1', 200, reasons).disposition).toMatchObject({ reason: 'Trailer plate', note: '' });
  });

  it('records a repeat of the same entry within five minutes of a disposed alert without a second alert', () => {
    const first = alerts.raise(readId, match(), 1_000).alert!;
    alerts.acknowledge(first.id, 'u1', 1_100);
    alerts.checkCharacters(first.id, false, 'u1', 1_200);
    alerts.dispose(first.id, draft('misread', 'not the vehicle'), 'u1', 1_300);
    const repeat = alerts.raise(readId, match(), 1_000 + 4 * 60_000);
    expect(repeat).toMatchObject({ alert: null, repeatOf: first.id, updated: null });
    const later = alerts.raise(readId, match(), 1_000 + 6 * 60_000);
    expect(later.alert).not.toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM hits').get()).toEqual({ n: 3 });
    expect(alerts.open().map((a) => a.id)).toEqual([later.alert!.id]);
  });

  it('updates the open alert when its entry is seen again, however long after, instead of raising another', () => {
    const first = alerts.raise(readId, match(), 1_000).alert!;
    expect(first.seenAgain).toBeNull();
    const reads = new ReadStore(db);
    const rear = reads.add({
      plate: 'ABC123', confidence: 0.8, state: 'CA', stateConfidence: 0.9, box: [0, 0, 10, 5], candidates: [],
      cameraId: 'rear', capturedAt: 20 * 60_000, gps: null, cropJpeg: null, contextJpeg: null,
    }).id;
    const again = alerts.raise(rear, match(), 20 * 60_000 + 50);
    expect(again.alert).toBeNull();
    expect(again.repeatOf).toBe(first.id);
    expect(again.updated).toMatchObject({ id: first.id, status: 'pending', seenAgain: { count: 1, lastAt: 20 * 60_000, cameraId: 'rear', readId: rear } });
    // The checks already stored stay; a third sighting counts on.
    alerts.acknowledge(first.id, 'u1', 21 * 60_000);
    const third = alerts.raise(readId, match(), 40 * 60_000);
    expect(third.updated).toMatchObject({ status: 'acknowledged', seenAgain: { count: 2, cameraId: 'front', readId } });
    expect(alerts.open().map((a) => a.id)).toEqual([first.id]);
    expect(db.prepare('SELECT count(*) AS n FROM hits').get()).toEqual({ n: 3 });
    const repeats = db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'hit.repeat'`).get();
    expect(repeats).toEqual({ n: 2 });
  });

  it('finds the open alert of an entry through an index', () => {
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT a.id FROM alerts a JOIN hits h ON h.id = a.hit_id WHERE h.entry_id = ? AND a.status != 'disposed' ORDER BY a.id DESC LIMIT 1`)
      .all(7) as { detail: string }[];
    expect(plan.map((r) => r.detail).join(' | ')).toMatch(/hits_entry/);
  });

  it('records a covert hit without an alert and queues it for upload', () => {
    const raised = alerts.raise(readId, match(true), 100);
    expect(raised.alert).toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM hits').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT kind, record_id, queued_at, uploaded_at FROM upload_queue').all()).toEqual([
      { kind: 'covert-hit', record_id: raised.hitId, queued_at: 100, uploaded_at: null },
    ]);
    expect(alerts.open()).toEqual([]);
  });
});
