/** Start-up runs a retention purge before the cameras start (B.1.a). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditTrail } from '../../src/main/engine/governance/audit.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { ReadStore } from '../../src/main/engine/store/reads.js';
import { startEngine } from '../../src/main/engine/start.js';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('start-up', () => {
  it('purges when the engine starts, audited as the start-up purge', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-retention-start-'));
    dirs.push(dataDir);
    const db = openDatabase(path.join(dataDir, 'lpr.sqlite'));
    const old = new ReadStore(db).add({ plate: 'STALE1', confidence: 0.9, state: null, stateConfidence: 0, box: [0, 0, 1, 1], candidates: [], cameraId: 'front', capturedAt: NOW - 31 * DAY, gps: null, cropJpeg: null, contextJpeg: null }).id;
    db.close();
    fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ recognition: { engine: 'paddle' }, retention: { readsWithoutHit: '30 days' } }));
    const running = await startEngine({ dataDir, now: () => NOW });
    try {
      expect(running.engine.reads.get(old)).toBeNull();
      expect(auditTrail(running.engine.db, 20).find((r) => r.action === 'retention.purge')?.detail).toMatchObject({ trigger: 'start-up', counts: { readsWithoutHit: 1 } });
    } finally {
      await running.close();
    }
  });
});
