/**
 * Demo data, as `lpr demo` and the Electron app's LPR_DEMO load it: the demo
 * officer and hot list are added once, never over what is already stored, and
 * the footage camera points at the project's rendered frames.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_USER, prepareDemo } from '../../src/main/engine/demo.js';
import { Engine } from '../../src/main/engine/engine.js';
import { addUser, listUsers } from '../../src/main/engine/governance/users.js';
import type { Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import { projectRoot } from '../../src/main/engine/paths.js';

const idle: Recognizer = {
  name: 'none',
  recognize: async () => ({ plates: [], timings: { detectMs: 0, ocrMs: 0 } }),
  dispose: async () => {},
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function engine(): Engine {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-demo-'));
  dirs.push(dir);
  return new Engine({ dbFile: path.join(dir, 'lpr.sqlite'), recognizer: idle });
}

describe('prepareDemo', () => {
  it('adds the demo officer and hot list once and returns the footage camera', async () => {
    const e = engine();
    try {
      const first = await prepareDemo(e);
      expect(first.added).toHaveLength(2);
      expect(first.camera.source).toBe(path.join(projectRoot(), 'demo', 'footage'));
      expect(fs.readdirSync(first.camera.source).filter((f) => f.endsWith('.jpg')).length).toBeGreaterThan(10);
      expect(listUsers(e.db).map((u) => u.id)).toContain(DEMO_USER.id);
      const entries = e.db.prepare(`SELECT COUNT(*) AS n FROM hot_lists WHERE name = 'demo'`).get() as { n: number };
      expect(entries.n).toBe(1);
      const again = await prepareDemo(e);
      expect(again.added).toEqual([]);
    } finally {
      await e.close();
    }
  });

  it('leaves an officer already called "demo" as stored', async () => {
    const e = engine();
    try {
      addUser(e.db, { id: 'demo', name: 'Officer Already Here', role: 'officer', trained: true, pin: '987654' }, null);
      const { added } = await prepareDemo(e);
      expect(added.some((a) => a.includes('officer'))).toBe(false);
      expect(listUsers(e.db).find((u) => u.id === 'demo')?.name).toBe('Officer Already Here');
    } finally {
      await e.close();
    }
  });

  it('says which folder is missing when the footage is not there', async () => {
    const e = engine();
    try {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-demo-root-'));
      dirs.push(empty);
      await expect(prepareDemo(e, empty)).rejects.toThrow(`the demo footage is missing: ${path.join(empty, 'demo', 'footage')}`);
    } finally {
      await e.close();
    }
  });
});
