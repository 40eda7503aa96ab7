/**
 * What the demo needs in an engine's database: the demo officer and the demo
 * hot list (which holds a plate seen in the demo footage), plus the camera that
 * replays that footage. Shared by `lpr demo` and the Electron app's LPR_DEMO.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CameraConfig, Engine } from './engine.js';
import { addUser, listUsers } from './governance/users.js';
import { importHotListCsv } from './hotlist/index.js';
import { projectRoot } from './paths.js';

export const DEMO_USER = { id: 'demo', pin: '246810' } as const;

/**
 * Adds the demo officer and the demo hot list when they are missing, leaving
 * anything already stored alone. Returns the camera that replays demo/footage/
 * in a loop, and what it added, for the caller to say.
 */
export async function prepareDemo(engine: Engine, root = projectRoot()): Promise<{ camera: CameraConfig; added: string[] }> {
  const footage = path.join(root, 'demo', 'footage');
  if (!fs.existsSync(footage)) throw new Error(`the demo footage is missing: ${footage}`);
  const added: string[] = [];
  if (!listUsers(engine.db).some((u) => u.id === DEMO_USER.id)) {
    addUser(engine.db, { id: DEMO_USER.id, name: 'Demo Officer', role: 'officer', trained: true, pin: DEMO_USER.pin }, null);
    added.push(`demo officer "${DEMO_USER.id}"`);
  }
  if (!engine.db.prepare(`SELECT 1 FROM hot_lists WHERE name = 'demo'`).get()) {
    const summary = await importHotListCsv(engine.db, path.join(root, 'demo', 'hotlist.csv'), { list: 'demo' });
    added.push(`demo hot list (${summary.entries} entries)`);
  }
  return { camera: { id: 'demo-front', name: 'Front (demo footage)', source: footage, fps: 8, loop: true }, added };
}
