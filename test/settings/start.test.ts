/**
 * The one start-up both hosts use (the Electron utility process and
 * `lpr serve`), in plain Node: the cameras named in the car's settings are
 * opened with no flag, flags override them, a bad settings file stops the
 * start with its line, and the demo never writes into the car's own database.
 */
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
const dirs: string[] = [];
const running: RunningEngine[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
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
    expect(camera).toMatchObject({ id: 'front', name: 'Front', lastError: null });
    expect(camera!.framesRead).toBe(3);
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
