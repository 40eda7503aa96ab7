/**
 * History search (C.8) and evidence export (D.1) through the real engine's
 * request channels: a search without an accepted justification is refused,
 * a justified one finds by wildcard, time, camera and area, is stored and
 * audited with what it returned; images are viewed through the search and
 * audited; a hit's evidence package verifies and stops verifying when one
 * byte of an image changes; the dissemination log is for supervisors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistorySearchResult, Role } from '../../src/shared/contract.js';
import { Engine } from '../../src/main/engine/engine.js';
import { audit, auditTrail } from '../../src/main/engine/governance/audit.js';
import { addUser } from '../../src/main/engine/governance/users.js';
import { verifyPackage } from '../../src/main/engine/records/evidence.js';
import { readZip, writeZip } from '../../src/main/engine/records/zip.js';
import type { Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import type { Connection } from '../../src/main/engine/session/connection.js';

const idle: Recognizer = { name: 'none', recognize: async () => ({ plates: [], timings: { detectMs: 0, ocrMs: 0 } }), dispose: async () => {} };
const PINS: Record<Role, string> = { officer: '111111', supervisor: '222222', administrator: '333333' };
const T0 = Date.parse('2026-05-01T10:00:00Z');
const HOUR = 3600_000;
let now = T0 + 1000 * HOUR;

let dir: string;
let engine: Engine;
const ids: Record<string, number> = {};
let hitId: number;

function jpeg(seed: number): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(300, seed), Buffer.from([0xff, 0xd9])]);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-history-'));
  engine = new Engine({ dbFile: path.join(dir, 'lpr.sqlite'), recognizer: idle, now: () => now });
  for (const role of Object.keys(PINS) as Role[]) addUser(engine.db, { id: role, name: `The ${role}`, role, trained: true, pin: PINS[role] }, null);
  const add = (key: string, plate: string, hours: number, camera: string, gps: { lat: number; lon: number } | null, seed: number): void => {
    ids[key] = engine.reads.add({
      plate, confidence: 0.9, state: 'CA', stateConfidence: 0.9, box: [1, 2, 3, 4], candidates: [], cameraId: camera, capturedAt: T0 + hours * HOUR,
      gps: gps ? { ...gps, accuracyM: 4 } : null, cropJpeg: jpeg(seed), contextJpeg: jpeg(seed + 1),
    }).id;
  };
  add('a', 'ABC123', 0, 'front', { lat: 37.77, lon: -122.42 }, 10);
  add('b', 'ABC128', 5, 'rear', { lat: 37.80, lon: -122.27 }, 20);
  add('c', 'ABD123', 10, 'front', null, 30);
  add('d', 'XYZ999', 20, 'front', { lat: 37.77, lon: -122.42 }, 40);
  hitId = Number(
    engine.db
      .prepare(`INSERT INTO hits (read_id, entry_id, match_kind, differing_positions, matched_plate, entry_snapshot, created_at) VALUES (?, 7, 'exact', '[]', 'ABC123', ?, ?)`)
      .run(ids.a, JSON.stringify({ id: 7, listName: 'ncic', plate: 'ABC123', state: 'CA', listCode: 'V', category: 'Stolen vehicle', description: '' }), T0).lastInsertRowid,
  );
  const alertId = Number(engine.db.prepare(`INSERT INTO alerts (hit_id, status, raised_at) VALUES (?, 'disposed', ?)`).run(hitId, T0).lastInsertRowid);
  engine.db.prepare(`INSERT INTO dispositions (alert_id, kind, note, user_id, recorded_at) VALUES (?, 'confirmed', 'stopped, driver arrested', 'officer', ?)`).run(alertId, T0);
  audit(engine.db, { userId: 'officer', action: 'alert.dispose', detail: { alertId, kind: 'confirmed' } }, T0);
});

afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function screenAs(role: Role): Promise<Connection> {
  const screen = engine.connect(() => undefined);
  expect(await screen.invoke('session.login', { userId: role, pin: PINS[role] })).toMatchObject({ ok: true });
  return screen;
}

describe('history search', () => {
  it('is refused without a justification, with an unknown reason, an expired reason or a reason without text', async () => {
    const screen = await screenAs('officer');
    const none = await screen.invoke('history.search', { plate: 'ABC*' } as never);
    expect(none).toEqual({ ok: false, error: expect.stringMatching(/^history\.search: justification: a history search needs a justification \(policy C\.8\)/) });
    const empty = await screen.invoke('history.search', { plate: 'ABC*', justification: {} });
    expect(empty).toEqual({ ok: false, error: expect.stringContaining('needs a justification') });
    const unknown = await screen.invoke('history.search', { plate: 'ABC*', justification: { reason: 'curiosity', text: 'just looking around town' } });
    expect(unknown).toEqual({ ok: false, error: expect.stringMatching(/"curiosity" is not a search reason of this agency \(reasons: investigation, /) });
    const short = await screen.invoke('history.search', { plate: 'ABC*', justification: { reason: 'investigation', text: 'x' } });
    expect(short).toEqual({ ok: false, error: 'history.search: justification.text: say what the search is for (at least 10 characters)' });
    const saved = engine.carSettings.current;
    engine.carSettings.current = { ...saved, history: { reasons: [...saved.history.reasons, { code: 'operation-x', label: 'Operation X', until: '2026-01-31' }] } };
    try {
      const expired = await screen.invoke('history.search', { plate: 'ABC*', justification: { reason: 'operation-x', text: 'follow-up of operation X' } });
      expect(expired).toEqual({ ok: false, error: 'search reason "operation-x" expired on 2026-01-31; give a case number or another reason' });
    } finally {
      engine.carSettings.current = saved;
    }
    expect(engine.db.prepare('SELECT count(*) AS n FROM history_searches').get()).toEqual({ n: 0 });
    expect(auditTrail(engine.db, 10).filter((r) => r.action === 'history.search-refused').length).toBeGreaterThanOrEqual(2);
    screen.close();
  });

  it('finds by wildcard plate, time range, camera and area; stores and audits the search with what it returned', async () => {
    const screen = await screenAs('officer');
    const search = async (query: Record<string, unknown>): Promise<HistorySearchResult> => {
      const result = await screen.invoke('history.search', { plate: 'AB*', justification: { caseNumber: '2026-00042' }, ...query } as never);
      expect(result.ok).toBe(true);
      return (result as { value: HistorySearchResult }).value;
    };
    expect((await search({})).reads.map((r) => r.id)).toEqual([ids.c, ids.b, ids.a]);
    expect((await search({ plate: 'a?c12?' })).reads.map((r) => r.id)).toEqual([ids.b, ids.a]);
    expect((await search({ from: T0 + 1 * HOUR, to: T0 + 10 * HOUR })).reads.map((r) => r.id)).toEqual([ids.c, ids.b]);
    expect((await search({ cameraId: 'front' })).reads.map((r) => r.id)).toEqual([ids.c, ids.a]);
    expect((await search({ area: { south: 37.7, west: -122.5, north: 37.78, east: -122.3 } })).reads.map((r) => r.id)).toEqual([ids.a]);
    const limited = await search({ limit: 2 });
    expect(limited.truncated).toBe(true);

    const withHit = await screen.invoke('history.search', { plate: 'ABC123', justification: { reason: 'investigation', text: 'burglary on 5th street' } });
    const value = (withHit as { value: HistorySearchResult }).value;
    expect(value.reads).toEqual([
      expect.objectContaining({ id: ids.a, plate: 'ABC123', hasImages: true, hits: [expect.objectContaining({ hitId, listName: 'ncic', listCode: 'V', alertStatus: 'disposed', disposition: 'confirmed' })] }),
    ]);
    const stored = engine.db.prepare('SELECT user_id, reason, reason_text, read_ids FROM history_searches WHERE id = ?').get(value.searchId);
    expect(stored).toEqual({ user_id: 'officer', reason: 'investigation', reason_text: 'burglary on 5th street', read_ids: JSON.stringify([ids.a]) });
    const row = auditTrail(engine.db, 5).find((r) => r.action === 'history.search');
    expect(row).toMatchObject({
      userId: 'officer',
      detail: { searchId: value.searchId, justification: { reason: 'investigation', text: 'burglary on 5th street' }, returned: [{ readId: ids.a, plate: 'ABC123', hits: [hitId] }] },
    });
    screen.close();
  });

  it('shows images only of a search\'s reads, to its officer or a supervisor, and audits each view', async () => {
    const officer = await screenAs('officer');
    const result = await officer.invoke('history.search', { plate: 'XYZ999', justification: { caseNumber: 'CASE-7' } });
    const { searchId } = (result as { value: HistorySearchResult }).value;
    const image = await officer.invoke('history.image', { searchId, readId: ids.d!, kind: 'crop' });
    expect(image).toEqual({ ok: true, value: `data:image/jpeg;base64,${jpeg(40).toString('base64')}` });
    expect(auditTrail(engine.db, 1)[0]).toMatchObject({ action: 'read.image-view', userId: 'officer', detail: { searchId, readId: ids.d, kind: 'crop', justification: { caseNumber: 'CASE-7' } } });
    expect(await officer.invoke('history.image', { searchId, readId: ids.a!, kind: 'crop' })).toEqual({ ok: false, error: `read ${ids.a} is not among the results of search ${searchId}` });
    officer.close();
    const supervisor = await screenAs('supervisor');
    expect(await supervisor.invoke('history.image', { searchId, readId: ids.d!, kind: 'context' })).toMatchObject({ ok: true });
    supervisor.close();
    const admin = await screenAs('administrator');
    expect(await admin.invoke('history.image', { searchId: 99999, readId: ids.d!, kind: 'context' })).toEqual({ ok: false, error: 'search 99999 does not exist' });
    admin.close();
  });
});

describe('evidence', () => {
  it('exports a hit as a package that verifies, logs who, to whom, why and the case, and fails after one byte of an image changes', async () => {
    const officer = await screenAs('officer');
    now += 1000;
    const exported = await officer.invoke('evidence.export', { hitId, recipientPerson: 'Det. A. Ray', recipientAgency: 'County DA', reason: 'prosecution of the driver', caseNumber: '2026-00042' });
    expect(exported).toMatchObject({ ok: true, value: { reads: 1, hits: 1 } });
    const { file, manifestSha256, disseminationId } = (exported as { value: { file: string; manifestSha256: string; disseminationId: number } }).value;
    expect(path.dirname(file)).toBe(path.join(dir, 'exports'));
    const zip = fs.readFileSync(file);
    const entries = readZip(zip);
    expect(entries.map((e) => e.name).sort()).toEqual(
      ['audit.csv', 'audit.json', 'hits.csv', `images/read-${ids.a}-context.jpg`, `images/read-${ids.a}-crop.jpg`, 'manifest.json', 'reads.csv', 'records.json'].sort(),
    );
    const records = JSON.parse(entries.find((e) => e.name === 'records.json')!.data.toString()) as Record<string, unknown>;
    expect(records).toMatchObject({
      source: { kind: 'hit', hitId },
      dissemination: { by: 'officer', recipientPerson: 'Det. A. Ray', recipientAgency: 'County DA', caseNumber: '2026-00042' },
      hits: [{ id: hitId }],
      dispositions: [{ kind: 'confirmed', note: 'stopped, driver arrested' }],
    });
    const auditRows = JSON.parse(entries.find((e) => e.name === 'audit.json')!.data.toString()) as { action: string }[];
    expect(auditRows.map((r) => r.action)).toEqual(expect.arrayContaining(['alert.dispose']));
    expect(entries.find((e) => e.name === 'hits.csv')!.data.toString()).toContain('ncic,V,exact,ABC123');

    expect(verifyPackage(zip)).toMatchObject({ ok: true, manifestSha256, problems: [] });

    // One byte of the crop changed in place: the archive's own check names the image.
    const crop = jpeg(10);
    const at = zip.indexOf(crop);
    expect(at).toBeGreaterThan(0);
    const tampered = Buffer.from(zip);
    tampered[at + 100] = tampered[at + 100]! ^ 0x01;
    expect(verifyPackage(tampered)).toEqual(expect.objectContaining({ ok: false, problems: [`package: images/read-${ids.a}-crop.jpg: CRC-32 does not match (the file was changed or damaged)`] }));
    // Rebuilt as a valid ZIP with the changed image: the manifest names it.
    const rebuilt = writeZip(entries.map((e) => (e.name.endsWith('crop.jpg') ? { name: e.name, data: Buffer.concat([e.data.subarray(0, 5), Buffer.from([e.data[5]! ^ 1]), e.data.subarray(6)]) } : e)));
    expect(verifyPackage(rebuilt).problems).toEqual([`package: images/read-${ids.a}-crop.jpg: SHA-256 does not match the manifest (changed after export)`]);
    expect(verifyPackage(Buffer.from('not a zip at all')).problems).toEqual(['package: not a ZIP file (no end of central directory)']);

    expect(auditTrail(engine.db, 1)[0]).toMatchObject({ action: 'evidence.export', userId: 'officer', detail: { disseminationId, recipientAgency: 'County DA', caseNumber: '2026-00042', manifestSha256 } });
    // The log is for supervisors and administrators.
    expect(await officer.invoke('evidence.log', {})).toEqual({ ok: false, error: 'evidence.log: not allowed for the officer role (allowed: supervisor, administrator)' });
    officer.close();
    const supervisor = await screenAs('supervisor');
    const log = await supervisor.invoke('evidence.log', {});
    expect(log).toMatchObject({ ok: true, value: { entries: [{ id: disseminationId, userId: 'officer', recipientPerson: 'Det. A. Ray', recipientAgency: 'County DA', reason: 'prosecution of the driver', caseNumber: '2026-00042', source: 'hit', sourceId: hitId, manifestSha256 }] } });
    const csv = (log as { value: { csv: string } }).value.csv.split('\r\n');
    expect(csv[0]).toBe('id,at,userId,recipientPerson,recipientAgency,reason,caseNumber,source,sourceId,readIds,hitIds,file,manifestSha256');
    expect(csv[1]).toContain(',officer,Det. A. Ray,County DA,prosecution of the driver,2026-00042,hit,');
    supervisor.close();
  });

  it('exports a search\'s results; refuses a missing recipient, another officer\'s search and an unknown hit', async () => {
    const officer = await screenAs('officer');
    const result = await officer.invoke('history.search', { plate: 'AB*', justification: { caseNumber: '2026-00042' } });
    const { searchId } = (result as { value: HistorySearchResult }).value;
    const exported = await officer.invoke('evidence.export', { searchId, recipientPerson: 'Sgt. B. Lee', recipientAgency: 'State Police', reason: 'joint investigation', caseNumber: '2026-00042' });
    expect(exported).toMatchObject({ ok: true, value: { reads: 3, hits: 1 } });
    expect(verifyPackage(fs.readFileSync((exported as { value: { file: string } }).value.file)).ok).toBe(true);
    expect(await officer.invoke('evidence.export', { searchId, recipientPerson: '', recipientAgency: 'State Police', reason: 'joint investigation', caseNumber: '2026-00042' })).toEqual({
      ok: false,
      error: expect.stringContaining('recipient person'),
    });
    expect(await officer.invoke('evidence.export', { hitId: 9999, recipientPerson: 'Sgt. B. Lee', recipientAgency: 'State Police', reason: 'joint investigation', caseNumber: '2026-00042' })).toEqual({
      ok: false,
      error: 'hit 9999 does not exist',
    });
    officer.close();
    addUser(engine.db, { id: 'officer2', name: 'Second', role: 'officer', trained: true, pin: '444444' }, null);
    const other = engine.connect(() => undefined);
    await other.invoke('session.login', { userId: 'officer2', pin: '444444' });
    expect(await other.invoke('evidence.export', { searchId, recipientPerson: 'Sgt. B. Lee', recipientAgency: 'State Police', reason: 'joint investigation', caseNumber: '2026-00042' })).toEqual({
      ok: false,
      error: `search ${searchId} is another user's; an officer exports only their own searches`,
    });
    other.close();
  });
});

describe('holds and purge on the screens', () => {
  it('supervisors place, list and release holds; the purge channel keeps the held read; officers may do neither', async () => {
    const officer = await screenAs('officer');
    expect(await officer.invoke('retention.holds.list', {})).toEqual({ ok: false, error: 'retention.holds.list: not allowed for the officer role (allowed: supervisor, administrator)' });
    officer.close();
    const supervisor = await screenAs('supervisor');
    const placed = await supervisor.invoke('retention.holds.place', { caseNumber: '2026-00042', reason: 'trial pending', until: now + 1000 * HOUR, readIds: [ids.d!] });
    expect(placed).toMatchObject({ ok: true, value: { caseNumber: '2026-00042', createdBy: 'supervisor', reads: 1, active: true } });
    const holdId = (placed as { value: { id: number } }).value.id;
    expect(await supervisor.invoke('retention.holds.place', { caseNumber: '2026-00042', reason: 'trial pending', until: now - 1 })).toEqual({ ok: false, error: 'until: must be a time in the future' });
    expect(await supervisor.invoke('retention.holds.list', {})).toMatchObject({ ok: true, value: [{ id: holdId }] });
    expect(await supervisor.invoke('retention.purge', {})).toEqual({ ok: false, error: 'retention.purge: not allowed for the supervisor role (allowed: administrator)' });
    supervisor.close();

    const admin = await screenAs('administrator');
    const saved = engine.carSettings.current;
    engine.carSettings.current = { ...saved, retention: { ...saved.retention, readsWithoutHit: '1 hour', imagesWithoutHit: '1 hour', gps: '1 hour' } };
    try {
      const purged = await admin.invoke('retention.purge', {});
      expect(purged).toMatchObject({ ok: true, value: { counts: { readsWithoutHit: 2, keptByHold: 1 } } });
      expect(engine.reads.get(ids.d!)).not.toBeNull();
      expect(engine.reads.get(ids.b!)).toBeNull();
      const released = await admin.invoke('retention.holds.release', { id: holdId, reason: 'case closed' });
      expect(released).toMatchObject({ ok: true, value: { releasedBy: 'administrator', active: false } });
      now += 1000;
      await admin.invoke('retention.purge', {});
      expect(engine.reads.get(ids.d!)).toBeNull();
    } finally {
      engine.carSettings.current = saved;
    }
    admin.close();
  });
});
