/**
 * `lpr retention`, `lpr history` and `lpr evidence` in-process: the purge
 * prints its counts as JSON, a purge as of a later time needs an
 * administrator, holds are placed and released by supervisors, a search is
 * refused without --justification, and `evidence verify` exits 1 naming the
 * changed image.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import type { CliContext } from '../../src/cli/context.js';
import type { Command } from '../../src/cli/lpr.js';
import { command as evidence } from '../../src/cli/commands/evidence.js';
import { command as history } from '../../src/cli/commands/history.js';
import { command as retention } from '../../src/cli/commands/retention.js';
import { addUser } from '../../src/main/engine/governance/users.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { ReadStore } from '../../src/main/engine/store/reads.js';

const DAY = 24 * 3600_000;
const dirs: string[] = [];
afterEach(() => {
  delete process.env.LPR_PIN;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function setUp(): { dataDir: string; readIds: number[]; hitId: number } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-records-cli-'));
  dirs.push(dataDir);
  const db = openDatabase(path.join(dataDir, 'lpr.sqlite'));
  addUser(db, { id: 'off', name: 'Officer', role: 'officer', trained: true, pin: '111111' }, null);
  addUser(db, { id: 'sup', name: 'Supervisor', role: 'supervisor', trained: true, pin: '222222' }, null);
  addUser(db, { id: 'adm', name: 'Admin', role: 'administrator', trained: true, pin: '333333' }, null);
  const store = new ReadStore(db);
  const now = Date.now();
  const readIds = [40 * DAY, 35 * DAY, 1 * DAY].map(
    (age, i) =>
      store.add({
        plate: ['OLD111', 'OLD222', 'NEW333'][i]!, confidence: 0.9, state: 'CA', stateConfidence: 0.9, box: [0, 0, 1, 1], candidates: [], cameraId: 'front',
        capturedAt: now - age, gps: null, cropJpeg: Buffer.alloc(64, i + 1), contextJpeg: Buffer.alloc(64, i + 9),
      }).id,
  );
  const hitId = Number(
    db.prepare(`INSERT INTO hits (read_id, entry_id, match_kind, differing_positions, matched_plate, entry_snapshot, created_at) VALUES (?, 1, 'exact', '[]', 'NEW333', '{"listName":"local","listCode":"L"}', ?)`)
      .run(readIds[2], now).lastInsertRowid,
  );
  db.close();
  return { dataDir, readIds, hitId };
}

async function lpr(command: Command, dataDir: string, ...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const args = parseArgs(argv, new Set(['data-dir', ...command.valuedFlags]));
  const ctx: CliContext = { dataDir, dbFile: path.join(dataDir, 'lpr.sqlite'), stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  return { code: await command.run(args, ctx), out, err };
}

describe('lpr retention', () => {
  it('holds keep a read through a purge by hand; the purge prints counts as JSON; a later --as-of needs an administrator', async () => {
    const { dataDir, readIds } = setUp();
    process.env.LPR_PIN = '111111';
    await expect(lpr(retention, dataDir, 'hold', 'add', '--case', 'C-1', '--reason', 'court', '--until', '2099-01-01T00:00:00Z', '--read', String(readIds[0]), '--user', 'off')).rejects.toThrow(
      /placing a hold is not allowed for the officer role/,
    );
    process.env.LPR_PIN = '222222';
    const placed = await lpr(retention, dataDir, 'hold', 'add', '--case', '2026-77', '--reason', 'pending trial', '--until', '2099-01-01T00:00:00Z', '--read', String(readIds[0]), '--user', 'sup', '--json');
    const hold = JSON.parse(placed.out[0]!) as { id: number; reads: number };
    expect(hold.reads).toBe(1);

    const purged = await lpr(retention, dataDir, 'purge', '--json');
    expect(purged.code).toBe(0);
    expect(JSON.parse(purged.out[0]!)).toMatchObject({ trigger: 'command line', counts: { readsWithoutHit: 1, keptByHold: 1 } });

    const listed = await lpr(retention, dataDir, 'hold', 'list', '--user', 'sup');
    expect(listed.out).toEqual([expect.stringMatching(new RegExp(`^${hold.id}\\t2026-77\\tactive\\t`))]);
    await lpr(retention, dataDir, 'hold', 'release', String(hold.id), '--reason', 'trial over', '--user', 'sup');
    expect((await lpr(retention, dataDir, 'hold', 'list', '--user', 'sup')).out).toEqual([]);

    await expect(lpr(retention, dataDir, 'purge', '--as-of', '2099-01-01T00:00:00Z', '--json')).rejects.toThrow(/needs --user ID/);
    await expect(lpr(retention, dataDir, 'purge', '--as-of', '2099-01-01T00:00:00Z', '--user', 'sup')).rejects.toThrow(/a purge as of a later time is not allowed for the supervisor role/);
    process.env.LPR_PIN = '333333';
    const later = await lpr(retention, dataDir, 'purge', '--as-of', '2099-01-01T00:00:00Z', '--user', 'adm', '--json');
    expect(JSON.parse(later.out[0]!)).toMatchObject({ trigger: 'adm', counts: { readsWithoutHit: 1, hits: 1, hitsKeptOpen: 0, readsOfHits: 1 } });
    await expect(lpr(retention, dataDir, 'purge', '--as-of', 'yesterday')).rejects.toThrow(/--as-of: "yesterday" is not a time/);
  });

  it('refuses a settings file with a negative period, naming the key', async () => {
    const { dataDir } = setUp();
    fs.writeFileSync(path.join(dataDir, 'settings.json'), '{\n  "retention": { "audit": "-1 years" }\n}\n');
    await expect(lpr(retention, dataDir, 'purge')).rejects.toThrow(/line 2: retention\.audit: period "-1 years" is negative/);
  });
});

describe('lpr history search', () => {
  it('is refused without --justification or with a wrong reason, and prints a justified search as JSON', async () => {
    const { dataDir, readIds } = setUp();
    process.env.LPR_PIN = '111111';
    await expect(lpr(history, dataDir, 'search', 'OLD*', '--user', 'off')).rejects.toThrow(/refused: a history search needs a justification \(policy C\.8\)/);
    await expect(lpr(history, dataDir, 'search', 'OLD*', '--justification', 'fishing: looking for anything', '--user', 'off')).rejects.toThrow(/refused: "fishing" is not a search reason/);
    const found = await lpr(history, dataDir, 'search', 'old*', '--justification', 'investigation: burglary ring on Main St', '--user', 'off', '--json');
    const result = JSON.parse(found.out[0]!) as { searchId: number; reads: { id: number }[] };
    expect(result.reads.map((r) => r.id)).toEqual([readIds[1], readIds[0]]);
    const byCase = await lpr(history, dataDir, 'search', 'NEW333', '--justification', 'case:2026-0099', '--user', 'off');
    expect(byCase.out[0]).toMatch(/^search \d+: 1 read$/);
    expect(byCase.out[1]).toMatch(/\tNEW333\tCA\tfront\tno GPS\tHIT local\/L$/);
  });
});

describe('lpr evidence', () => {
  it('exports a hit, verifies it, fails verification after one byte of an image changes, and shows the log to supervisors', async () => {
    const { dataDir, hitId } = setUp();
    process.env.LPR_PIN = '111111';
    const out = path.join(dataDir, 'case.zip');
    const exported = await lpr(evidence, dataDir, 'export', '--hit', String(hitId), '--to-person', 'Det. Ray', '--to-agency', 'County DA', '--reason', 'prosecution', '--case', '2026-0099', '--out', out, '--user', 'off');
    expect(exported.out[0]).toMatch(/^wrote .*case\.zip \(1 reads, 1 hits, \d+ bytes\); manifest SHA-256 [0-9a-f]{64}; logged as dissemination 1$/);
    const ok = await lpr(evidence, dataDir, 'verify', out);
    expect(ok.code).toBe(0);
    expect(ok.out[1]).toMatch(/dissemination 1: .* by off to Det\. Ray \(County DA\), case 2026-0099/);

    const zip = fs.readFileSync(out);
    const at = zip.indexOf(Buffer.alloc(64, 3));
    zip[at + 10] = 0x55;
    fs.writeFileSync(out, zip);
    const bad = await lpr(evidence, dataDir, 'verify', out);
    expect(bad.code).toBe(1);
    expect(bad.err).toEqual([expect.stringMatching(/^does not verify: case\.zip: images\/read-3-crop\.jpg: CRC-32 does not match/)]);

    await expect(lpr(evidence, dataDir, 'log', '--user', 'off')).rejects.toThrow(/the dissemination log is not allowed for the officer role/);
    process.env.LPR_PIN = '222222';
    const log = await lpr(evidence, dataDir, 'log', '--json', '--user', 'sup');
    expect(JSON.parse(log.out[0]!)).toEqual([expect.objectContaining({ id: 1, userId: 'off', recipientPerson: 'Det. Ray', recipientAgency: 'County DA', reason: 'prosecution', caseNumber: '2026-0099', source: 'hit', sourceId: hitId })]);
    await expect(lpr(evidence, dataDir, 'export', '--hit', String(hitId), '--to-agency', 'County DA', '--reason', 'prosecution', '--case', '2026-0099', '--user', 'sup')).rejects.toThrow(/recipient person/);
  });
});
