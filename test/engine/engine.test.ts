/**
 * The engine's pipeline with a scripted recognizer: frames from a replayed
 * folder become one Read per pass, stored with images and GPS, matched against
 * an imported hot list, and a hit raises an alert event. A corrupt frame stops
 * that camera with its error shown and loses nothing already stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mat } from '@u4/opencv4nodejs';
import type { AlertView, HotListSyncEvent, ReadSummary } from '../../src/shared/contract.js';
import { Engine } from '../../src/main/engine/engine.js';
import { importHotListCsv, importHotListNcic } from '../../src/main/engine/hotlist/index.js';
import { addUser } from '../../src/main/engine/governance/users.js';
import { auditTrail } from '../../src/main/engine/governance/audit.js';
import type { FrameRecognition, Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import cv from '../../src/main/engine/opencv.js';
import { renderPlateScene } from '../helpers/images.js';

/** Reads the plate text from a pixel code the test paints into each frame. */
class ScriptedRecognizer implements Recognizer {
  readonly name = 'scripted';
  /** plates: pixel code -> plate; large: codes whose plate is seen closer (a bigger box). */
  constructor(private readonly plates: Record<number, string>, private readonly large: readonly number[] = []) {}
  async recognize(frame: Mat): Promise<FrameRecognition> {
    const code = frame.at(0, 0) as unknown as { x: number };
    const plate = this.plates[code.x];
    if (!plate) return { plates: [], timings: { detectMs: 0, ocrMs: 0 } };
    const [x, y, w, h] = this.large.includes(code.x) ? [60, 80, 200, 100] : [100, 100, 120, 60];
    return {
      plates: [{
        plate, confidence: 0.8, charConfidences: [...plate].map(() => 0.8), candidates: [{ plate, confidence: 0.8 }],
        state: 'CA', stateConfidence: 0.9, box: [x, y, w, h], quad: null, detectorScore: 0.9,
        crop: frame.getRegion(new cv.Rect(x, y, w, h)),
      }],
      timings: { detectMs: 1, ocrMs: 1 },
    };
  }
  async dispose(): Promise<void> {}
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function folderOfFrames(codes: number[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-engine-frames-'));
  dirs.push(dir);
  codes.forEach((code, i) => {
    const frame = renderPlateScene('X', 320, 240);
    frame.set(0, 0, new cv.Vec3(code, code, code));
    cv.imwrite(path.join(dir, `f${String(i).padStart(3, '0')}.png`), frame);
  });
  return dir;
}

async function engineWith(plates: Record<number, string>, large: readonly number[] = []): Promise<{ engine: Engine; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-engine-'));
  dirs.push(dir);
  const engine = new Engine({
    dbFile: path.join(dir, 'lpr.sqlite'),
    recognizer: new ScriptedRecognizer(plates, large),
    gps: { current: () => ({ lat: 42.36, lon: -71.06, accuracyM: 5 }), close: async () => {} },
  });
  const csv = path.join(dir, 'list.csv');
  fs.writeFileSync(csv, 'plate,state,list_code,description\nHOT123,CA,V,stolen\n');
  await importHotListCsv(engine.db, csv, { list: 'agency' });
  return { engine, dir };
}

describe('Engine', () => {
  it('turns a pass of frames into one stored read and alerts on a hot-list plate', async () => {
    const { engine } = await engineWith({ 10: 'HOT123', 20: 'CLEAN1' });
    const reads: ReadSummary[] = [];
    const alerts: AlertView[] = [];
    engine.on('read', (r) => reads.push(r));
    engine.on('alert', (a) => alerts.push(a));
    engine.startCamera({ id: 'front', name: 'Front', source: folderOfFrames([10, 10, 10, 0, 20, 20]), fps: 0 });
    await engine.camerasDone();
    expect(reads.map((r) => r.plate).sort()).toEqual(['CLEAN1', 'HOT123']);
    const hot = reads.find((r) => r.plate === 'HOT123')!;
    expect(hot).toMatchObject({ cameraId: 'front', state: 'CA', gps: { lat: 42.36, lon: -71.06, accuracyM: 5 } });
    expect(engine.reads.image(hot.id, 'crop')!.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(engine.reads.image(hot.id, 'context')!.length).toBeGreaterThan(1000);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.entry).toMatchObject({ plate: 'HOT123', state: 'CA', listName: 'agency' });
    expect(alerts[0]!.match.kind).toBe('exact');
    expect(engine.status().cameras[0]).toMatchObject({ id: 'front', state: 'stopped', framesRead: 6 });
    await engine.close();
  });

  it('raises one alert per vehicle with several records (NICs): the record number on the alert, the other records listed', async () => {
    const { engine, dir } = await engineWith({ 10: 'MULTI1' });
    const line = (nic: string, code: string, colour: string) =>
      `${code}${nic}LA057020020190509${'MULTI1'.padEnd(10, ' ')}CA2009MC2009YAMACYLMC${colour}`;
    const ncic = path.join(dir, 'ncic.txt');
    fs.writeFileSync(ncic, ['NCIC VEHICLE EXTRACT', line('000000001', 'V', 'BLK'), line('000000002', 'V', 'RED'), line('000000003', 'W', 'BLK'), line('000000001', 'V', 'BLK')].join('\n') + '\n');
    expect(await importHotListNcic(engine.db, ncic, { list: 'ncic' })).toMatchObject({ entries: 3, skippedDuplicates: 1 });
    const alerts: AlertView[] = [];
    engine.on('alert', (a) => alerts.push(a));
    engine.startCamera({ id: 'front', name: 'Front', source: folderOfFrames([10, 10, 10]), fps: 0 });
    await engine.camerasDone();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts as [AlertView];
    // W (wanted person) and V (stolen vehicle) are both priority 2; whichever leads, all three records are on the one alert.
    const numbers = [alert.entry.recordNumber, ...(alert.entry.otherRecords ?? []).map((r) => r.recordNumber)];
    expect(numbers.sort()).toEqual(['V000000001', 'V000000002', 'W000000003']);
    expect(alert.entry.otherRecords).toHaveLength(2);
    // What the screen gets after a restart (stored snapshot) is the same.
    expect(engine.alerts.get(alert.id).entry).toEqual(alert.entry);
    expect(engine.db.prepare('SELECT count(*) FROM hits').pluck().get()).toBe(1);
    await engine.close();
  });

  it("replaces a read's images with a closer view of the same pass when it raised no hit, without a second read", async () => {
    const { engine } = await engineWith({ 10: 'CLEAN1', 11: 'CLEAN1' }, [11]);
    const reads: ReadSummary[] = [];
    const views: number[] = [];
    engine.on('read', (r) => reads.push(r));
    engine.on('readView', (v) => views.push(v.readId));
    engine.startCamera({ id: 'front', name: 'Front', source: folderOfFrames([10, 10, 11, 11]), fps: 0 });
    await engine.camerasDone();
    expect(reads.map((r) => r.plate)).toEqual(['CLEAN1']);
    expect(views).toEqual([reads[0]!.id]);
    const crop = cv.imdecode(engine.reads.image(reads[0]!.id, 'crop')!);
    expect([crop.cols, crop.rows]).toEqual([200, 100]);
    await engine.close();
  });

  it('keeps the evidence of an alert: a closer view of the same pass is stored beside it and audited, the images stay byte for byte', async () => {
    const { engine } = await engineWith({ 10: 'HOT123', 11: 'HOT123' }, [11]);
    const reads: ReadSummary[] = [];
    const alerts: AlertView[] = [];
    const views: number[] = [];
    const evidence: Record<string, Buffer> = {};
    engine.on('read', (r) => reads.push(r));
    engine.on('alert', (a) => {
      alerts.push(a);
      // What the officer saw when the alert went out.
      evidence.crop = Buffer.from(engine.reads.image(a.read.id, 'crop')!);
      evidence.context = Buffer.from(engine.reads.image(a.read.id, 'context')!);
      evidence.row = Buffer.from(JSON.stringify(engine.db.prepare('SELECT captured_at, lat, lon, box_x, box_y, box_w, box_h FROM reads WHERE id = ?').get(a.read.id)));
    });
    engine.on('readView', (v) => views.push(v.readId));
    engine.startCamera({ id: 'front', name: 'Front', source: folderOfFrames([10, 10, 11, 11]), fps: 0 });
    await engine.camerasDone();
    expect(reads.map((r) => r.plate)).toEqual(['HOT123']);
    expect(alerts).toHaveLength(1);
    const id = reads[0]!.id;
    expect(views).toEqual([id]);
    expect(engine.reads.image(id, 'crop')!.equals(evidence.crop!)).toBe(true);
    expect(engine.reads.image(id, 'context')!.equals(evidence.context!)).toBe(true);
    expect(Buffer.from(JSON.stringify(engine.db.prepare('SELECT captured_at, lat, lon, box_x, box_y, box_w, box_h FROM reads WHERE id = ?').get(id))).equals(evidence.row!)).toBe(true);
    // The closer view sits beside the evidence, and the alert screen can fetch it.
    const closer = cv.imdecode(engine.reads.extraImage(id, 'crop')!);
    expect([closer.cols, closer.rows]).toEqual([200, 100]);
    const screen = engine.connect(() => undefined);
    addUser(engine.db, { id: 'o1', name: 'Officer One', role: 'officer', trained: true, pin: '111199' }, null);
    await screen.invoke('session.login', { userId: 'o1', pin: '111199' });
    expect(await screen.invoke('reads.image', { readId: id, kind: 'closer-context' })).toMatchObject({ ok: true, value: expect.stringMatching(/^data:image\/jpeg;base64,/) });
    expect(auditTrail(engine.db).filter((r) => r.action === 'read.extra-view').map((r) => r.detail)).toEqual([{ readId: id, viewId: 1, capturedAt: expect.any(Number) }]);
    // The database itself refuses to rewrite the evidence.
    expect(() => engine.db.prepare('UPDATE reads SET crop_jpeg = ? WHERE id = ?').run(Buffer.from('x'), id)).toThrow(/evidence and cannot be changed/);
    expect(() => engine.db.prepare('UPDATE reads SET captured_at = 0, lat = 0 WHERE id = ?').run(id)).toThrow(/evidence/);
    await engine.close();
  });

  it('one read per pass: a corrected vote updates the pass\'s read and matches it again; two cameras seeing the plate moments apart give one read', async () => {
    const { engine } = await engineWith({ 12: 'XYZ123', 10: 'HOT123' });
    const readEvents: ReadSummary[] = [];
    const alerts: AlertView[] = [];
    engine.on('read', (r) => readEvents.push(r));
    engine.on('alert', (a) => alerts.push(a));
    // Two frames read XYZ123 (the read goes out), four more out-vote it: HOT123.
    engine.startCamera({ id: 'front', name: 'Front', source: folderOfFrames([12, 12, 10, 10, 10, 10]), fps: 0 });
    await engine.camerasDone();
    const stored = engine.db.prepare('SELECT id, plate FROM reads').all() as { id: number; plate: string }[];
    expect(stored).toEqual([{ id: readEvents[0]!.id, plate: 'HOT123' }]);
    expect(readEvents.map((r) => [r.id, r.plate])).toEqual([[stored[0]!.id, 'XYZ123'], [stored[0]!.id, 'HOT123']]);
    expect(alerts.map((a) => [a.read.id, a.read.plate])).toEqual([[stored[0]!.id, 'HOT123']]);

    // The same car seen by the side and rear cameras a moment later: still that one read.
    await engine.updateCameras(
      [
        { id: 'left', name: 'Left', source: folderOfFrames([10, 10, 10]), fps: 0 },
        { id: 'rear', name: 'Rear', source: folderOfFrames([10, 10]), fps: 0 },
      ],
      ['front'],
    );
    await engine.camerasDone();
    expect(engine.db.prepare('SELECT count(*) AS n FROM reads').get()).toEqual({ n: 1 });
    expect(alerts).toHaveLength(1);
    await engine.close();
  });

  it('serves the contract: refuses unknown channels, bad payloads and requests before sign-in', async () => {
    const { engine } = await engineWith({});
    const screen = engine.connect(() => undefined);
    expect(await screen.invoke('nope', {})).toEqual({ ok: false, error: 'unknown channel "nope"' });
    expect(await screen.invoke('alerts.acknowledge', { alertId: 'x' })).toMatchObject({ ok: false, error: expect.stringMatching(/alertId/) });
    expect(await screen.invoke('alerts.open', {})).toEqual({ ok: false, error: 'alerts.open: sign in first' });
    addUser(engine.db, { id: 'o1', name: 'Officer One', role: 'officer', trained: false, pin: '111199' }, null);
    expect(await screen.invoke('session.login', { userId: 'o1', pin: '111199' })).toMatchObject({ ok: false, error: expect.stringMatching(/not marked as trained/) });
    expect(await screen.invoke('session.login', { userId: 'o1', pin: '999911' })).toEqual({ ok: false, error: 'unknown officer ID or wrong PIN' });
    addUser(engine.db, { id: 'o2', name: 'Officer Two', role: 'officer', trained: true, pin: '222299' }, null);
    expect(await screen.invoke('session.login', { userId: 'o2', pin: '222299' })).toMatchObject({ ok: true, value: { id: 'o2', name: 'Officer Two', role: 'officer', resumeToken: expect.any(String) } });
    expect(await screen.invoke('alerts.open', {})).toEqual({ ok: true, value: [] });
    await engine.close();
  });

  it('stops a camera on a corrupt frame, shows why, and keeps what was stored', async () => {
    const { engine } = await engineWith({ 10: 'HOT123' });
    const folder = folderOfFrames([10, 10, 10]);
    fs.writeFileSync(path.join(folder, 'f999.jpg'), 'not an image');
    engine.startCamera({ id: 'rear', name: 'Rear', source: folder, fps: 0 });
    await engine.camerasDone();
    const camera = engine.status().cameras[0]!;
    expect(camera.state).toBe('failed');
    expect(camera.fault).toMatchObject({ kind: 'undecodable', detail: expect.stringMatching(/camera rear: cannot decode .*f999\.jpg/) });
    expect(engine.reads.recent(10).map((r) => r.plate)).toEqual(['HOT123']);
    await engine.close();
  });
});

describe('Engine hot-list requests', () => {
  it('syncs lists from where they were imported, with progress events, and adds manual entries with a reason', async () => {
    const { engine, dir } = await engineWith({});
    const screen = engine.connect(() => undefined);
    addUser(engine.db, { id: 'o3', name: 'Officer Three', role: 'officer', trained: true, pin: '333399' }, null);
    expect(await screen.invoke('hotlists.sync', {})).toEqual({ ok: false, error: 'hotlists.sync: sign in first' });
    await screen.invoke('session.login', { userId: 'o3', pin: '333399' });
    // Sign-in starts the shift-start sync (C.3); a request meanwhile gets that sync's outcome.
    expect(await screen.invoke('hotlists.sync', {})).toEqual({ ok: true, value: [{ list: 'agency', outcome: expect.any(String), entries: 1, error: null, fault: null }] });
    fs.writeFileSync(path.join(dir, 'list.csv'), 'plate,state,list_code,description\nHOT123,CA,V,stolen\nNEW777,NV,W,wanted\n');
    const events: string[] = [];
    const failedEvents: HotListSyncEvent[] = [];
    engine.on('hotListSync', (e) => {
      events.push(`${e.list}:${e.phase}`);
      if (e.phase === 'failed') failedEvents.push(e);
    });
    const synced = await screen.invoke('hotlists.sync', {});
    expect(synced).toEqual({ ok: true, value: [{ list: 'agency', outcome: 'imported', entries: 2, error: null, fault: null }] });
    expect(events).toContain('agency:done');
    expect(engine.status().hotLists.find((l) => l.name === 'agency')).toMatchObject({ entries: 2, stale: false, kind: 'imported', fault: null });

    // A broken file: the sync fails, the officer sees why, the previous list stays in force.
    fs.writeFileSync(path.join(dir, 'list.csv'), 'plate,state,list_code,description\nBAD,"unterminated\n');
    const failed = await screen.invoke('hotlists.sync', {});
    expect(failed).toMatchObject({
      ok: true,
      value: [{ list: 'agency', outcome: 'failed', entries: 0, error: expect.stringMatching(/list\.csv:2/), fault: { kind: 'bad-format', line: 2, detail: expect.stringMatching(/list\.csv:2/) } }],
    });
    expect(engine.status().hotLists.find((l) => l.name === 'agency')).toMatchObject({ entries: 2, fault: { kind: 'bad-format', line: 2, detail: expect.stringMatching(/list\.csv:2/) } });
    // The sync's failure event says it in the officer's words; the path travels only in its fault's detail.
    expect(failedEvents.at(-1)).toMatchObject({ list: 'agency', phase: 'failed', message: 'The new file is damaged or in the wrong format (line 2), so it was not taken.' });
    expect(failedEvents.at(-1)!.message).not.toContain('list.csv');

    expect(await screen.invoke('hotlists.manual.add', { plate: 'ABC12', state: null, reason: '' })).toMatchObject({ ok: false, error: expect.stringMatching(/reason/) });
    const added = await screen.invoke('hotlists.manual.add', { plate: 'ABC12', state: 'CA', reason: 'Seen leaving a burglary', expiresInHours: 8 });
    expect(added).toMatchObject({ ok: true, value: { entry: { plate: 'ABC12', state: 'CA', reason: 'Seen leaving a burglary', enteredBy: 'o3' }, readsThisShift: [] } });
    const listed = await screen.invoke('hotlists.manual.list', {});
    expect(listed).toMatchObject({ ok: true, value: [{ plate: 'ABC12' }] });
    await engine.close();
  });
});
