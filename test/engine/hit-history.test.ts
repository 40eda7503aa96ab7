/**
 * The hit history and the shift map against the real engine: the alerts of
 * the signed-in officer's shift only (raised or disposed in it, or still open), one
 * alert's checklist as stored with each answer's time and who gave it, later
 * sightings, the shift's reads by position with hits marked and reads without
 * a fix counted, installed map tiles, and each list's colour and tone on the
 * alert view.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertView, GpsFix, HitDetail, ShiftMap } from '../../src/shared/contract.js';
import { Engine } from '../../src/main/engine/engine.js';
import { addUser } from '../../src/main/engine/governance/users.js';
import { importHotListCsv } from '../../src/main/engine/hotlist/index.js';
import { parseListConfig } from '../../src/main/engine/hotlist/config.js';
import type { Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import type { NewRead } from '../../src/main/engine/store/reads.js';
import type { Connection } from '../../src/main/engine/session/connection.js';

const idle: Recognizer = {
  name: 'none',
  recognize: async () => ({ plates: [], timings: { detectMs: 0, ocrMs: 0 } }),
  dispose: async () => {},
};

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 2, 8, 0, 0);

function read(plate: string, at: number, gps: GpsFix | null, cameraId = 'front'): NewRead {
  return {
    plate, confidence: 0.93, state: 'CA', stateConfidence: 0.9, box: [10, 10, 120, 40], candidates: [{ plate, confidence: 0.93 }],
    cameraId, capturedAt: at, gps, cropJpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]), contextJpeg: null,
  };
}

const at = (lat: number, lon: number): GpsFix => ({ lat, lon, accuracyM: 4 });

async function ok<T>(result: Promise<{ ok: true; value: T } | { ok: false; error: string }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('hit history and shift map', () => {
  let dir: string;
  let engine: Engine;
  let now: number;
  let screen: Connection;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-hits-'));
    now = T0;
    engine = new Engine({ dbFile: path.join(dir, 'lpr.sqlite'), recognizer: idle, now: () => now });
    const agency = path.join(dir, 'agency.csv');
    fs.writeFileSync(agency, 'plate,state,list_code,description\nHOT123,CA,V,stolen grey sedan\n');
    await importHotListCsv(engine.db, agency, { list: 'agency', config: { name: 'agency' } });
    // A priority-1 list with its own colour (given in upper case) and the urgent tone.
    const amber = path.join(dir, 'amber.csv');
    fs.writeFileSync(amber, 'plate,state,list_code,description\nAMB111,CA,A,child in a blue van\n');
    await importHotListCsv(engine.db, amber, { list: 'amber', config: { name: 'amber', priority: 1, tone: 'urgent', colour: '#FF8F00' } });
    addUser(engine.db, { id: 'o1', name: 'Officer One', role: 'officer', trained: true, pin: '111199' }, null);
    addUser(engine.db, { id: 'o2', name: 'Officer Two', role: 'officer', trained: true, pin: '222299' }, null);
    screen = engine.connect(() => undefined);
  });

  afterEach(async () => {
    screen.close();
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** An alert of the previous shift, disposed; then o1 signs in; then this shift's reads and the first alert's checklist. */
  async function shift(): Promise<{ earlier: AlertView; amber: AlertView; hot: AlertView }> {
    const earlier = engine.recorder.record(read('HOT123', T0, at(42.36, -71.06))).alerts[0]!;
    engine.alerts.acknowledge(earlier.id, 'o2', T0 + 1000);
    engine.alerts.checkCharacters(earlier.id, false, 'o2', T0 + 2000);
    engine.alerts.dispose(earlier.id, { kind: 'misread', note: 'a B read as 8', reason: null, actions: [] }, 'o2', T0 + 3000);

    now = T0 + 30 * MIN;
    await ok(screen.invoke('session.login', { userId: 'o1', pin: '111199' }));
    now = T0 + 31 * MIN;
    const amber = engine.recorder.record(read('AMB111', now, at(42.361, -71.058))).alerts[0]!;
    engine.recorder.record(read('CLEAN1', T0 + 32 * MIN, null));
    engine.recorder.record(read('PASS22', T0 + 33 * MIN, at(42.362, -71.057), 'rear'));
    // The same vehicle again while its alert is open: a sighting that updates that alert, no new one.
    const again = engine.recorder.record(read('AMB111', T0 + 34 * MIN, at(42.363, -71.056))).alerts;
    expect(again.map((a) => [a.id, a.seenAgain?.count])).toEqual([[amber.id, 1]]);

    const step = async (minute: number, channel: Parameters<Connection['invoke']>[0], request: unknown) => {
      now = T0 + minute * MIN;
      await ok(screen.invoke(channel, request as never));
    };
    await step(35, 'alerts.acknowledge', { alertId: amber.id });
    await step(36, 'alerts.check', { alertId: amber.id, check: 'characters', matches: false });
    await step(37, 'alerts.check', { alertId: amber.id, check: 'characters', matches: true });
    await step(38, 'alerts.check', { alertId: amber.id, check: 'state', matches: true });
    await step(39, 'alerts.check', { alertId: amber.id, check: 'dispatch', result: 'verified-active', note: 'confirmed by radio' });
    await step(40, 'alerts.dispose', { alertId: amber.id, kind: 'confirmed', note: 'vehicle stopped on Elm St', actions: ['stop'] });

    now = T0 + 45 * MIN;
    const hot = engine.recorder.record(read('HOT123', now, at(42.364, -71.055))).alerts[0]!;
    now = T0 + 46 * MIN;
    return { earlier, amber, hot };
  }

  it("lists the alerts of the signed-in officer's shift only, newest first, with each list's colour and tone", async () => {
    const { earlier, amber, hot } = await shift();
    const rows = await ok(screen.invoke('hits.shift', {})) as AlertView[];
    expect(rows.map((r) => r.id)).toEqual([hot.id, amber.id]);
    expect(rows.map((r) => r.id)).not.toContain(earlier.id);
    const [open, disposed] = rows as [AlertView, AlertView];
    expect(open).toMatchObject({ status: 'pending', read: { plate: 'HOT123', cameraId: 'front' }, entry: { listName: 'agency', listCode: 'V' }, disposition: null });
    // A list without a colour of its own shows the default colour; code V (stolen vehicle) is priority 2 with the standard tone.
    expect(open.match).toMatchObject({ priority: 2, tone: 'standard', colour: '#d32f2f' });
    expect(disposed.match).toMatchObject({ priority: 1, tone: 'urgent', colour: '#ff8f00' });
    expect(disposed.disposition).toMatchObject({ kind: 'confirmed', userId: 'o1', recordedAt: T0 + 40 * MIN, note: 'vehicle stopped on Elm St' });
    // The counters of the same shift agree.
    const summary = await ok(screen.invoke('shift.summary', {})) as { counters: { hits: number } };
    expect(summary.counters.hits).toBe(rows.length);

    // Another officer signing in later on another screen gets only the alert still open, raised before their sign-in.
    now = T0 + 50 * MIN;
    const other = engine.connect(() => undefined);
    await ok(other.invoke('session.login', { userId: 'o2', pin: '222299' }));
    expect((await ok(other.invoke('hits.shift', {})) as AlertView[]).map((a) => a.id)).toEqual([hot.id]);
    expect(await other.invoke('hits.detail', { alertId: amber.id })).toEqual({ ok: false, error: expect.stringMatching(/not raised or worked during this shift/) });
    expect(await ok(other.invoke('hits.detail', { alertId: hot.id }))).toMatchObject({ alert: { id: hot.id } });
    // Its read is on their map too, though taken before they signed in.
    expect((await ok(other.invoke('shift.map', {})) as ShiftMap).points.map((p) => [p.plate, p.hit])).toEqual([['HOT123', 'alert']]);
    other.close();
  });

  it("gives an alert's checklist as stored, each answer with its time and who gave it, and the later sightings", async () => {
    const { earlier, amber } = await shift();
    const detail = await ok(screen.invoke('hits.detail', { alertId: amber.id })) as HitDetail;
    expect(detail.alert.id).toBe(amber.id);
    expect(detail.steps).toEqual([
      { at: T0 + 35 * MIN, userId: 'o1', step: 'acknowledged', answer: null, note: null, changed: false },
      { at: T0 + 36 * MIN, userId: 'o1', step: 'characters', answer: 'no', note: null, changed: false },
      { at: T0 + 37 * MIN, userId: 'o1', step: 'characters', answer: 'yes', note: null, changed: true },
      { at: T0 + 38 * MIN, userId: 'o1', step: 'state', answer: 'yes', note: null, changed: false },
      { at: T0 + 39 * MIN, userId: 'o1', step: 'dispatch', answer: 'verified-active', note: 'confirmed by radio', changed: false },
      { at: T0 + 40 * MIN, userId: 'o1', step: 'disposed', answer: 'confirmed', note: 'vehicle stopped on Elm St', changed: false },
    ]);
    expect(detail.laterSightings.map((r) => [r.plate, r.capturedAt])).toEqual([['AMB111', T0 + 34 * MIN]]);
    // An alert of the previous shift is not this officer's to open here.
    expect(await screen.invoke('hits.detail', { alertId: earlier.id })).toEqual({ ok: false, error: expect.stringMatching(/alert \d+ was not raised or worked during this shift/) });
    expect(await screen.invoke('hits.detail', { alertId: 9999 })).toEqual({ ok: false, error: 'alert 9999 does not exist' });
  });

  it("maps the shift's reads in order with hits marked, counts reads without a fix, and serves installed tiles", async () => {
    const { amber } = await shift();
    const map = await ok(screen.invoke('shift.map', {})) as ShiftMap;
    expect(map.points.map((p) => [p.plate, p.hit])).toEqual([
      ['AMB111', 'alert'],
      ['PASS22', null],
      ['AMB111', 'sighting'],
      ['HOT123', 'alert'],
    ]);
    expect(map.points[0]).toMatchObject({ lat: 42.361, lon: -71.058, alertId: amber.id, cameraId: 'front', capturedAt: T0 + 31 * MIN });
    expect(map.points[1]!.alertId).toBeNull();
    expect(map).toMatchObject({ withoutFix: 1, truncated: false, tiles: null, from: T0 + 30 * MIN, to: T0 + 46 * MIN });

    const tile = path.join(dir, 'map', '15', '9915');
    fs.mkdirSync(tile, { recursive: true });
    fs.writeFileSync(path.join(tile, '12120.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    fs.mkdirSync(path.join(dir, 'map', 'not-a-zoom'));
    expect((await ok(screen.invoke('shift.map', {})) as ShiftMap).tiles).toEqual({ zooms: [15] });
    expect(await screen.invoke('map.tile', { z: 15, x: 9915, y: 12120 })).toEqual({ ok: true, value: 'data:image/png;base64,iVBORw==' });
    expect(await screen.invoke('map.tile', { z: 15, x: 9915, y: 12121 })).toEqual({ ok: true, value: null });
    expect(await screen.invoke('map.tile', { z: 2, x: 4, y: 0 })).toEqual({ ok: false, error: 'map.tile: (payload): map tile: x and y must be below 2^z' });
  });

  it("refuses a list colour that is not a hex colour, naming the field", () => {
    expect(() => parseListConfig({ name: 'bad', colour: 'red' })).toThrow(/colour: colour must be a hex colour such as #d32f2f/);
    expect(parseListConfig({ name: 'fine', codes: { A: { category: 'AMBER alert', colour: '#0af' } } }).codes.A!.colour).toBe('#0af');
  });
});
