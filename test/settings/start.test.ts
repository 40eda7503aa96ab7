/**
 * The one start-up both hosts use (the Electron utility process and
 * `lpr serve`), in plain Node: the cameras named in the car's settings are
 * opened with no flag, so is the GPS receiver they name (a socat
 * pseudo-terminal pair stands in for the serial port), flags override them, a bad settings file stops the
 * start with its line, and the demo never writes into the car's own database.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/main/engine/paths.js';
import { listUsers } from '../../src/main/engine/governance/users.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { demoDataDir, startEngine, type RunningEngine } from '../../src/main/engine/start.js';

const demoFootage = path.join(projectRoot(), 'demo', 'footage');
/** A few frames of the demo footage, so a replay ends quickly. */
function shortFootage(): string {
  const dir = tempDir();
  for (const name of fs.readdirSync(demoFootage).filter((f) => f.endsWith('.jpg')).slice(0, 3)) fs.copyFileSync(path.join(demoFootage, name), path.join(dir, name));
  return dir;
}
const haveSocat = spawnSync('socat', ['-V']).status === 0;
if (!haveSocat) console.warn('GPS start-up test skipped: socat is not installed');
/** An NMEA sentence with its checksum. */
function nmea(body: string): string {
  let sum = 0;
  for (const ch of body) sum ^= ch.charCodeAt(0);
  return `$${body}*${sum.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
}
const children: ChildProcess[] = [];
const dirs: string[] = [];
const running: RunningEngine[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
  for (const child of children.splice(0)) child.kill();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-start-'));
  dirs.push(dir);
  return dir;
}

describe('startEngine', () => {
  it('opens the cameras the car settings name, and reads from them', async () => {
    const dataDir = tempDir();
    const footage = shortFootage();
    fs.writeFileSync(
      path.join(dataDir, 'settings.json'),
      JSON.stringify({ cameras: [{ id: 'front', name: 'Front', position: 'front', source: footage, fps: 0 }], recognition: { engine: 'paddle' } }),
    );
    const r = await startEngine({ dataDir });
    running.push(r);
    expect(r.cameras.map((c) => c.id)).toEqual(['front']);
    expect(r.settings.recognition.engine).toBe('paddle');
    await r.engine.camerasDone();
    const camera = r.engine.status().cameras.find((c) => c.id === 'front');
    // The replay ran to its end, and says so.
    expect(camera).toMatchObject({ id: 'front', name: 'Front', state: 'stopped', fault: { kind: 'ended' } });
    expect(camera!.framesRead).toBe(3);
  });

  it.skipIf(!haveSocat)('opens the GPS receiver the car settings name, and takes its fixes', async () => {
    const dir = tempDir();
    const receiver = path.join(dir, 'gps');
    const feeder = path.join(dir, 'feed');
    const socat = spawn('socat', [`pty,raw,echo=0,link=${receiver}`, `pty,raw,echo=0,link=${feeder}`]);
    children.push(socat);
    await expect.poll(() => fs.existsSync(receiver) && fs.existsSync(feeder), { timeout: 5000 }).toBe(true);
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ gps: { device: receiver, baud: 4800 }, recognition: { engine: 'paddle' } }));
    const r = await startEngine({ dataDir });
    running.push(r);
    expect(r.settings.gps).toEqual({ device: receiver, baud: 4800 });
    const out = fs.openSync(feeder, 'w');
    try {
      const sentence = nmea('GPGGA,123519,4229.123,N,07105.456,W,1,08,0.9,545.4,M,46.9,M,,');
      await expect
        .poll(() => {
          fs.writeSync(out, sentence);
          return r.engine.gpsSource?.current() ?? null;
        }, { timeout: 10_000, interval: 200 })
        .toMatchObject({ accuracyM: 4.5 });
      expect(r.engine.gpsSource!.current()!.lat).toBeCloseTo(42.48538, 4);
    } finally {
      fs.closeSync(out);
    }
  });

  it('lets the host override the cameras (lpr serve --camera)', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ cameras: [{ id: 'front', name: 'Front', position: 'front', source: '/nonexistent' }] }));
    const r = await startEngine({
      dataDir,
      overrides: { engine: 'paddle', cameras: [{ id: 'cli', name: 'cli', position: 'rear', source: shortFootage(), fps: 0, rotation: 0, loop: false }] },
    });
    running.push(r);
    expect(r.cameras.map((c) => c.id)).toEqual(['cli']);
  });

  it('refuses a bad settings file, naming the key and line', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'settings.json'), '{\n  "gps": { "device": "/dev/ttyS0", "speed": 4800 }\n}\n');
    await expect(startEngine({ dataDir })).rejects.toThrow(/line 2: gps\.speed: unknown setting/);
  });

  it('keeps the demo in its own data folder: no demo officer or list in the car database', async () => {
    const dataDir = tempDir();
    const r = await startEngine({ dataDir, demo: true, overrides: { engine: 'paddle' } });
    running.push(r);
    expect(r.dataDir).toBe(demoDataDir(dataDir));
    expect(listUsers(r.engine.db).map((u) => u.id)).toEqual(['demo']);
    expect(fs.existsSync(path.join(dataDir, 'lpr.sqlite'))).toBe(false);
    const car = openDatabase(path.join(dataDir, 'lpr.sqlite'));
    expect(listUsers(car)).toEqual([]);
    car.close();
  });
});
