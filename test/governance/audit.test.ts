/**
 * The hash-chained audit trail: each kind of tampering (edit, delete, insert,
 * reorder, cutting the newest rows) makes verification fail at that row, and
 * `lpr audit verify` says so with a non-zero exit; purges keep the chain whole
 * through their checkpoint row.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { command as auditCommand } from '../../src/cli/commands/audit.js';
import type { CliContext } from '../../src/cli/context.js';
import { audit, CHECKPOINT_ACTION, listAudit, purgeAuditRows, verifyAuditChain } from '../../src/main/engine/governance/audit.js';
import { canonicalJson, GENESIS_HASH, rowHash } from '../../src/main/engine/governance/audit-chain.js';
import { openDatabase, type Db } from '../../src/main/engine/store/db.js';
import { migrations } from '../../src/main/engine/store/migrations.js';

const dirs: string[] = [];
const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-audit-'));
  dirs.push(dir);
  return dir;
}

/** A trail of `n` rows, one a minute from t=60 000 ms. */
function trail(n: number): { db: Db; dir: string } {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 'lpr.sqlite'));
  open.push(db);
  for (let i = 1; i <= n; i++) audit(db, { userId: i % 2 ? 'k.smith' : 'sgt.jones', action: i % 3 ? 'session.login' : 'alert.dispose', detail: { n: i } }, i * 60_000);
  return { db, dir };
}

async function lpr(dir: string, argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = { dataDir: dir, dbFile: path.join(dir, 'lpr.sqlite'), stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  const code = await auditCommand.run(parseArgs(argv, new Set(auditCommand.valuedFlags)), ctx);
  return { code, out, err };
}

describe('audit chain', () => {
  it('chains every row to the one before it and verifies', async () => {
    const { db, dir } = trail(5);
    const rows = db.prepare('SELECT id, at, user_id, action, detail, prev_hash, hash FROM audit_log ORDER BY id').all() as {
      id: number; at: number; user_id: string | null; action: string; detail: string; prev_hash: string; hash: string;
    }[];
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (i > 0) expect(r.prev_hash).toBe(rows[i - 1]!.hash);
      expect(r.hash).toBe(rowHash(r.prev_hash, { id: r.id, at: r.at, userId: r.user_id, action: r.action, detail: r.detail }));
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, rows: 5, firstId: 1, lastId: 5, lastHash: rows[4]!.hash });
    db.close();
    const result = await lpr(dir, ['verify']);
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toMatch(/verifies: 5 rows/);
  });

  it('stores the detail as canonical JSON: key order never changes the hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
    const { db } = trail(0);
    audit(db, { userId: null, action: 'x', detail: { b: 2, a: 1 } }, 1);
    expect(db.prepare('SELECT detail FROM audit_log').pluck().get()).toBe('{"a":1,"b":2}');
  });

  it('an edited row fails at that row', async () => {
    const { db, dir } = trail(6);
    db.prepare(`UPDATE audit_log SET detail = '{"n":99}' WHERE id = 4`).run();
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, rowId: 4, reason: expect.stringMatching(/row 4 was altered/) });
    db.close();
    const result = await lpr(dir, ['verify']);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/does NOT verify at row 4/);
  });

  it('an edit that also recomputes the row hash fails at the next row', () => {
    const { db } = trail(6);
    const row = db.prepare('SELECT id, at, user_id, action, prev_hash FROM audit_log WHERE id = 3').get() as { id: number; at: number; user_id: string; action: string; prev_hash: string };
    const forged = rowHash(row.prev_hash, { id: 3, at: row.at, userId: 'someone.else', action: row.action, detail: '{"n":3}' });
    db.prepare('UPDATE audit_log SET user_id = ?, hash = ? WHERE id = 3').run('someone.else', forged);
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, rowId: 4, reason: expect.stringMatching(/does not follow row 3/) });
  });

  it('a deleted row fails at the row after it', async () => {
    const { db, dir } = trail(6);
    db.prepare('DELETE FROM audit_log WHERE id = 3').run();
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, rowId: 4 });
    db.close();
    const result = await lpr(dir, ['verify', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out[0]!)).toMatchObject({ ok: false, rowId: 4 });
  });

  it('deleting the first rows or the newest rows is seen too', () => {
    const first = trail(4).db;
    first.prepare('DELETE FROM audit_log WHERE id <= 2').run();
    expect(verifyAuditChain(first)).toMatchObject({ ok: false, rowId: 3, reason: expect.stringMatching(/no purge checkpoint/) });
    const newest = trail(4).db;
    newest.prepare('DELETE FROM audit_log WHERE id >= 3').run();
    expect(verifyAuditChain(newest)).toMatchObject({ ok: false, rowId: 4, reason: expect.stringMatching(/rows 3 to 4 are missing/) });
    const all = trail(4).db;
    all.prepare('DELETE FROM audit_log').run();
    expect(verifyAuditChain(all)).toMatchObject({ ok: false, rowId: 4 });
  });

  it('an inserted row fails at that row', async () => {
    const { db, dir } = trail(6);
    // Ids 1..6 are taken: an insertion between rows needs a gap, as a forger would make.
    db.prepare('UPDATE audit_log SET id = id + 10 WHERE id > 3').run();
    db.prepare(`INSERT INTO audit_log (id, at, user_id, action, detail, prev_hash, hash) VALUES (5, 200000, 'k.smith', 'session.logout', '{}', ?, ?)`).run(
      GENESIS_HASH,
      'f'.repeat(64),
    );
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, rowId: 5 });
    db.close();
    const result = await lpr(dir, ['verify']);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/at row 5/);
  });

  it('a row added after the newest, outside the audit, is seen', () => {
    const { db } = trail(3);
    const last = db.prepare('SELECT hash FROM audit_log WHERE id = 3').pluck().get() as string;
    const hash = rowHash(last, { id: 4, at: 1, userId: null, action: 'x', detail: '{}' });
    db.prepare(`INSERT INTO audit_log (id, at, user_id, action, detail, prev_hash, hash) VALUES (4, 1, NULL, 'x', '{}', ?, ?)`).run(last, hash);
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, rowId: 4, reason: expect.stringMatching(/outside the audit/) });
  });

  it('two reordered rows fail at the first of them', () => {
    const { db } = trail(6);
    const swap = db.prepare('SELECT id, at, user_id, action, detail, prev_hash, hash FROM audit_log WHERE id IN (2, 5) ORDER BY id').all() as Record<string, unknown>[];
    const put = db.prepare('UPDATE audit_log SET at = @at, user_id = @user_id, action = @action, detail = @detail, prev_hash = @prev_hash, hash = @hash WHERE id = @target');
    db.transaction(() => {
      put.run({ ...swap[1], target: 2 });
      put.run({ ...swap[0], target: 5 });
    })();
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, rowId: 2 });
  });

  it('the migration chains rows written before the chain existed', () => {
    const file = path.join(tempDir(), 'lpr.sqlite');
    const before = openDatabase(file, migrations.filter((m) => m.version < 40));
    const insert = before.prepare('INSERT INTO audit_log (at, user_id, action, detail) VALUES (?, ?, ?, ?)');
    insert.run(1, 'a', 'session.login', '{"z":1,"a":2}');
    insert.run(2, null, 'hit', '{}');
    before.close();
    const db = openDatabase(file);
    open.push(db);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, rows: 2 });
    expect(db.prepare('SELECT detail FROM audit_log WHERE id = 1').pluck().get()).toBe('{"a":2,"z":1}');
    audit(db, { userId: 'a', action: 'session.logout', detail: {} }, 3);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, rows: 3, lastId: 3 });
  });
});

describe('audit purge', () => {
  it('removes the rows before the cut-off, writes a checkpoint, and the chain still verifies', async () => {
    const { db, dir } = trail(10);
    const lastPurgedHash = db.prepare('SELECT hash FROM audit_log WHERE id = 4').pluck().get();
    const result = purgeAuditRows(db, { before: 5 * 60_000, userId: 'admin', reason: 'retention: audit kept 3 years' }, 11 * 60_000);
    expect(result).toEqual({ purged: 4, checkpointId: 11, lastPurgedId: 4 });
    expect(db.prepare('SELECT min(id) FROM audit_log').pluck().get()).toBe(5);
    const checkpoint = listAudit(db, { action: CHECKPOINT_ACTION })[0]!;
    expect(checkpoint).toMatchObject({ id: 11, userId: 'admin', detail: { purged: 4, firstPurgedId: 1, lastPurgedId: 4, lastPurgedHash, reason: 'retention: audit kept 3 years' } });
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, rows: 7, firstId: 5, lastId: 11 });
    // A second purge takes the first checkpoint with it and leaves its own.
    expect(purgeAuditRows(db, { before: 20 * 60_000, userId: 'admin', reason: 'again' }, 20 * 60_000)).toMatchObject({ purged: 6, lastPurgedId: 10 });
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, firstId: 11 });
    // New rows never reuse a purged id.
    expect(audit(db, { userId: null, action: 'x', detail: {} }, 21 * 60_000).id).toBe(13);
    db.close();
    expect((await lpr(dir, ['verify'])).code).toBe(0);
  });

  it('purges nothing when nothing is due, and refuses a cut-off in the future or a broken trail', () => {
    const { db } = trail(3);
    expect(purgeAuditRows(db, { before: 0, userId: null, reason: 'r' }, 10 * 60_000)).toEqual({ purged: 0, checkpointId: null, lastPurgedId: null });
    expect(() => purgeAuditRows(db, { before: 11 * 60_000, userId: null, reason: 'r' }, 10 * 60_000)).toThrow(/in the future/);
    db.prepare(`UPDATE audit_log SET action = 'y' WHERE id = 2`).run();
    expect(() => purgeAuditRows(db, { before: 5 * 60_000, userId: null, reason: 'r' }, 10 * 60_000)).toThrow(/does not verify \(row 2 was altered/);
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(3);
  });

  it('a forged start after a purge, with no checkpoint that matches, fails', () => {
    const { db } = trail(6);
    purgeAuditRows(db, { before: 3 * 60_000, userId: null, reason: 'r' }, 7 * 60_000);
    db.prepare('DELETE FROM audit_log WHERE id = 3').run();
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, rowId: 4 });
  });
});

describe('audit list', () => {
  it('filters by time, user and action (exact or family), newest first', async () => {
    const { db, dir } = trail(9);
    expect(listAudit(db, { userId: 'sgt.jones' }).map((r) => r.id)).toEqual([8, 6, 4, 2]);
    expect(listAudit(db, { action: 'alert.dispose' }).map((r) => r.id)).toEqual([9, 6, 3]);
    expect(listAudit(db, { action: 'alert.*' }).map((r) => r.id)).toEqual([9, 6, 3]);
    expect(listAudit(db, { action: 'session.' }).map((r) => r.id)).toEqual([8, 7, 5, 4, 2, 1]);
    expect(listAudit(db, { from: 3 * 60_000, to: 5 * 60_000 }).map((r) => r.id)).toEqual([4, 3]);
    expect(listAudit(db, { limit: 2, beforeId: 5 }).map((r) => r.id)).toEqual([4, 3]);
    expect(() => listAudit(db, { limit: 0 })).toThrow(/limit must be/);
    db.close();
    const result = await lpr(dir, ['list', '--user', 'k.smith', '--from', new Date(5 * 60_000).toISOString(), '--json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.out[0]!) as { id: number }[]).map((r) => r.id)).toEqual([9, 7, 5]);
    await expect(lpr(dir, ['list', '--from', 'yesterday'])).rejects.toThrow(/--from must be a date and time/);
    await expect(lpr(dir, ['check'])).rejects.toThrow(/expected "verify" or "list"/);
  });
});
