import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertFlowError, AlertService } from '../../src/main/engine/alerts/alerts.js';
import type { HotListMatch } from '../../src/main/engine/hotlist/types.js';
import { openDatabase, type Db } from '../../src/main/engine/store/db.js';
import { ReadStore } from '../../src/main/engine/store/reads.js';

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
    expect(() => alerts.dispose(alert.id, 'confirmed', '', 'u1')).toThrow(/complete the checks/);
    alerts.checkCharacters(alert.id, true, 'u1', 130);
    alerts.checkState(alert.id, true, 'u1', 140);
    alerts.checkDispatch(alert.id, 'verified-active', ' case 12 ', 'u1', 150);
    const done = alerts.dispose(alert.id, 'confirmed', 'stopped', 'u1', 160);
    expect(done.status).toBe('disposed');
    expect(done.checks).toEqual({ charactersMatch: true, stateMatches: true, dispatch: 'verified-active', dispatchNote: 'case 12' });
    expect(done.disposition).toEqual({ kind: 'confirmed', note: 'stopped', userId: 'u1', recordedAt: 160 });
    expect(() => alerts.dispose(alert.id, 'other', 'again', 'u1')).toThrow(/cannot be changed/);
    expect(alerts.open()).toEqual([]);
    const actions = (db.prepare('SELECT action FROM audit_log ORDER BY id').all() as { action: string }[]).map((r) => r.action);
    expect(actions).toEqual(['hit', 'alert.acknowledge', 'alert.check', 'alert.check', 'alert.check', 'alert.dispose']);
  });

  it('after a character mismatch goes straight to a disposition, which cannot be "confirmed"', () => {
    const alert = alerts.raise(readId, match(), 100).alert!;
    alerts.acknowledge(alert.id, 'u1');
    alerts.checkCharacters(alert.id, false, 'u1');
    expect(() => alerts.dispose(alert.id, 'confirmed', '', 'u1')).toThrow(/cannot record "confirmed"/);
    expect(() => alerts.dispose(alert.id, 'misread', '  ', 'u1')).toThrow(/note is required/);
    expect(alerts.dispose(alert.id, 'misread', 'plate was 8BC123', 'u1').disposition!.kind).toBe('misread');
  });

  it('records a repeat of the same entry within five minutes without a second alert', () => {
    const first = alerts.raise(readId, match(), 1_000);
    const repeat = alerts.raise(readId, match(), 1_000 + 4 * 60_000);
    expect(repeat).toMatchObject({ alert: null, repeatOf: first.alert!.id });
    const later = alerts.raise(readId, match(), 1_000 + 6 * 60_000);
    expect(later.alert).not.toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM hits').get()).toEqual({ n: 3 });
    expect(alerts.open().map((a) => a.id)).toEqual([first.alert!.id, later.alert!.id]);
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
