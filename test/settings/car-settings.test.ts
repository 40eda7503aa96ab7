/**
 * The car's settings file: defaults, every kind of bad input named by key and
 * line (an unknown key, a bad value, a duplicate camera id, broken JSON), the
 * CLI check, and an audited atomic save.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { checkCarSettings, loadCarSettings, saveCarSettings, SettingsError } from '../../src/main/engine/settings/car-settings.js';
import { jsonLines, lineOf } from '../../src/main/engine/settings/json-lines.js';
import { envFlag } from '../../src/main/engine/env.js';
import { lprBuilt, runLpr } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-settings-'));
  dirs.push(dir);
  return dir;
}

const GOOD = `{
  "cameras": [
    { "id": "front", "name": "Front", "position": "front", "source": "/dev/video0", "width": 1280, "height": 720, "fps": 15 },
    {
      "id": "left",
      "name": "Left",
      "position": "left",
      "source": "rtsp://10.0.0.5/stream",
      "rotation": 180,
      "roi": { "x": 0, "y": 0.3, "w": 1, "h": 0.7 }
    }
  ],
  "gps": { "device": "/dev/ttyUSB0", "baud": 9600 }
}
`;

describe('car settings', () => {
  it('reads a good file and fills in defaults; a missing file is all defaults', () => {
    const checked = checkCarSettings(GOOD);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.settings.cameras.map((c) => [c.id, c.fps, c.rotation])).toEqual([['front', 15, 0], ['left', 15, 180]]);
    expect(checked.settings.gps).toEqual({ device: '/dev/ttyUSB0', baud: 9600 });
    expect(checked.settings.screen).toEqual({ feedConfidenceFloor: 0.5, lockAfterMinutes: 10 });
    expect(loadCarSettings(path.join(tempDir(), 'none.json')).cameras).toEqual([]);
  });

  it('names an unknown key with its line', () => {
    const text = GOOD.replace('"rotation": 180,', '"rotation": 180,\n      "rotaton": 90,');
    expect(checkCarSettings(text, 'car.json')).toEqual({ ok: false, problems: ['car.json line 10: cameras.1.rotaton: unknown setting'] });
  });

  it('names a bad value, a region outside the frame and a duplicate camera id with their lines', () => {
    const badFps = GOOD.replace('"fps": 15', '"fps": -3');
    expect(checkCarSettings(badFps)).toMatchObject({ ok: false, problems: [expect.stringMatching(/^settings line 3: cameras\.0\.fps: .*>=0/)] });
    const badRoi = GOOD.replace('"w": 1', '"w": 0.5').replace('"x": 0,', '"x": 0.8,');
    expect(checkCarSettings(badRoi)).toMatchObject({ ok: false, problems: [expect.stringMatching(/line 10: cameras\.1\.roi: region must lie inside the frame/)] });
    const twice = GOOD.replace('"id": "left"', '"id": "front"');
    expect(checkCarSettings(twice)).toMatchObject({ ok: false, problems: [expect.stringMatching(/line 5: cameras\.1\.id: camera id "front" is used twice/)] });
    const badPosition = GOOD.replace('"position": "left"', '"position": "roof"');
    expect(checkCarSettings(badPosition)).toMatchObject({ ok: false, problems: [expect.stringMatching(/line 7: cameras\.1\.position/)] });
  });

  it('names the line of broken JSON', () => {
    const broken = GOOD.replace('"baud": 9600', '"baud": 9600,,');
    expect(checkCarSettings(broken, 'car.json')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^car\.json line 13: not valid JSON/)] });
  });

  it('finds the line of every key path, and of the parent for a missing key', () => {
    const lines = jsonLines(GOOD);
    expect(lineOf(lines, ['gps', 'baud'])).toBe(13);
    expect(lineOf(lines, ['cameras', 1, 'roi', 'h'])).toBe(10);
    expect(lineOf(lines, ['cameras', 0, 'missing'])).toBe(3);
  });

  it('refuses to load a bad file with the problem and the command that checks it', () => {
    const file = path.join(tempDir(), 'settings.json');
    fs.writeFileSync(file, '{ "camera": [] }');
    expect(() => loadCarSettings(file)).toThrow(SettingsError);
    expect(() => loadCarSettings(file)).toThrow(/line 1: camera: unknown setting[\s\S]*lpr settings check/);
  });

  it('saves atomically and audits who changed what and why; a bad change keeps the old file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, GOOD);
    const db = openDatabase(path.join(dir, 'lpr.sqlite'));
    const next = { ...JSON.parse(GOOD), gps: null };
    saveCarSettings(file, next, { db, userId: 'admin', reason: 'GPS receiver removed', now: 1000 });
    expect(loadCarSettings(file).gps).toBeNull();
    const row = db.prepare("SELECT user_id, detail FROM audit_log WHERE action = 'settings.change'").get() as { user_id: string; detail: string };
    expect(row.user_id).toBe('admin');
    expect(JSON.parse(row.detail)).toMatchObject({ reason: 'GPS receiver removed', changed: ['gps'], before: { gps: { device: '/dev/ttyUSB0' } }, after: { gps: null } });
    const saved = fs.readFileSync(file, 'utf8');
    expect(() => saveCarSettings(file, { cameras: 'none' }, { db, userId: 'admin', reason: 'x', now: 2000 })).toThrow(/settings not saved: cameras/);
    expect(fs.readFileSync(file, 'utf8')).toBe(saved);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    db.close();
  });

  it.skipIf(!lprBuilt)('lpr settings check exits 0 on a good file and 1 naming the bad key and line', async () => {
    const dir = tempDir();
    const good = path.join(dir, 'good.json');
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(good, GOOD);
    fs.writeFileSync(bad, GOOD.replace('"baud": 9600', '"baud": 12'));
    const ok = await runLpr(['settings', 'check', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid (2 cameras, GPS on /dev/ttyUSB0)');
    const refused = await runLpr(['settings', 'check', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/bad\.json line 13: gps\.baud: /);
  });
});

describe('yes/no environment variables', () => {
  it('accept 1/true/yes and 0/false/no, and refuse anything else by name', () => {
    for (const yes of ['1', 'true', 'YES', ' yes ']) expect(envFlag('LPR_DEMO', { LPR_DEMO: yes })).toBe(true);
    for (const no of ['0', 'false', 'No', '']) expect(envFlag('LPR_DEMO', { LPR_DEMO: no })).toBe(false);
    expect(envFlag('LPR_DEMO', {})).toBe(false);
    expect(() => envFlag('LPR_DEMO', { LPR_DEMO: 'on' })).toThrow('LPR_DEMO="on" is not a yes/no value: use 1/true/yes or 0/false/no');
  });
});
