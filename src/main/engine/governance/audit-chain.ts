/**
 * The audit trail's hash chain (policy B.1.c). Each row carries the SHA-256 of
 * the previous row's hash followed by its own canonical content, so editing,
 * deleting, inserting or reordering rows breaks the chain at that row. The
 * newest row's id and hash are also kept in audit_chain_head, so removing the
 * newest rows is seen as well. Purges keep the chain whole: the rows removed
 * are replaced by a checkpoint row that names the last purged row and its hash
 * (audit.ts purgeAuditRows).
 */
import crypto from 'node:crypto';
import type { Db } from '../store/db.js';

/** The previous hash of the very first row ever written. */
export const GENESIS_HASH = '0'.repeat(64);
export const CHECKPOINT_ACTION = 'audit.checkpoint';

/** JSON with object keys sorted at every depth: one text for one content. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) {
      if (source[key] !== undefined) sorted[key] = sortKeys(source[key]);
    }
    return sorted;
  }
  return value;
}

export interface ChainedContent {
  readonly id: number;
  readonly at: number;
  readonly userId: string | null;
  readonly action: string;
  /** The detail exactly as stored (canonical JSON). */
  readonly detail: string;
}

export function rowHash(prevHash: string, row: ChainedContent): string {
  return crypto
    .createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(JSON.stringify([row.id, row.at, row.userId, row.action, row.detail]))
    .digest('hex');
}

interface StoredRow {
  id: number;
  at: number;
  user_id: string | null;
  action: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

function content(row: StoredRow): ChainedContent {
  return { id: row.id, at: row.at, userId: row.user_id, action: row.action, detail: row.detail };
}

export interface ChainHead {
  readonly lastId: number;
  readonly lastHash: string;
}

export function chainHead(db: Db): ChainHead | null {
  const row = db.prepare('SELECT last_id, last_hash FROM audit_chain_head WHERE one = 1').get() as { last_id: number; last_hash: string } | undefined;
  return row ? { lastId: row.last_id, lastHash: row.last_hash } : null;
}

export function setChainHead(db: Db, head: ChainHead): void {
  db.prepare(
    'INSERT INTO audit_chain_head (one, last_id, last_hash) VALUES (1, ?, ?) ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash',
  ).run(head.lastId, head.lastHash);
}

/**
 * Chains rows written before the chain existed (hash ''), in id order, after
 * the newest chained row. Run once by the migration that adds the chain.
 */
export function sealUnchainedAuditRows(db: Db): number {
  const rows = db.prepare("SELECT id, at, user_id, action, detail, prev_hash, hash FROM audit_log WHERE hash = '' ORDER BY id").all() as StoredRow[];
  const head = chainHead(db);
  let prev = head?.lastHash ?? GENESIS_HASH;
  let lastId = head?.lastId ?? 0;
  const update = db.prepare('UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE id = ?');
  for (const row of rows) {
    let detail = row.detail;
    try {
      detail = canonicalJson(JSON.parse(row.detail));
    } catch {
      // Kept as written: the chain seals what is there, it does not repair it.
    }
    const hash = rowHash(prev, { ...content(row), detail });
    update.run(detail, prev, hash, row.id);
    prev = hash;
    lastId = row.id;
  }
  if (rows.length > 0 || head === null) setChainHead(db, { lastId, lastHash: prev });
  return rows.length;
}

export type ChainVerdict =
  | { readonly ok: true; readonly rows: number; readonly firstId: number | null; readonly lastId: number | null; readonly lastHash: string }
  | { readonly ok: false; readonly rows: number; readonly rowId: number | null; readonly reason: string };

/** Purged rows' checkpoint: the first row left must follow the last row purged. */
interface CheckpointDetail {
  lastPurgedId: number;
  lastPurgedHash: string;
}

function checkpointOf(row: StoredRow): CheckpointDetail | null {
  if (row.action !== CHECKPOINT_ACTION) return null;
  try {
    const detail = JSON.parse(row.detail) as Partial<CheckpointDetail>;
    if (typeof detail.lastPurgedId === 'number' && typeof detail.lastPurgedHash === 'string') {
      return { lastPurgedId: detail.lastPurgedId, lastPurgedHash: detail.lastPurgedHash };
    }
  } catch {
    // An unreadable checkpoint vouches for nothing.
  }
  return null;
}

/**
 * Walks the whole trail in id order and names the first row that does not
 * verify. Reads in pages so a long trail never sits in memory at once.
 */
export function verifyAuditChain(db: Db): ChainVerdict {
  const head = chainHead(db);
  const first = db.prepare('SELECT id, at, user_id, action, detail, prev_hash, hash FROM audit_log ORDER BY id LIMIT 1').get() as StoredRow | undefined;
  if (!first) {
    if (head && head.lastId !== 0 && head.lastHash !== GENESIS_HASH) {
      return { ok: false, rows: 0, rowId: head.lastId, reason: `row ${head.lastId} is missing: the trail is empty but its newest row was ${head.lastId}` };
    }
    return { ok: true, rows: 0, firstId: null, lastId: null, lastHash: head?.lastHash ?? GENESIS_HASH };
  }
  // Where the chain may start: the very beginning, or right after a purge that a
  // checkpoint row (itself in the chain) vouches for.
  let expectedPrev = GENESIS_HASH;
  if (first.prev_hash !== GENESIS_HASH) {
    const checkpoints = (db.prepare('SELECT id, at, user_id, action, detail, prev_hash, hash FROM audit_log WHERE action = ? ORDER BY id').all(CHECKPOINT_ACTION) as StoredRow[])
      .map(checkpointOf)
      .filter((c): c is CheckpointDetail => c !== null);
    const vouching = checkpoints.find((c) => c.lastPurgedHash === first.prev_hash && c.lastPurgedId < first.id);
    if (!vouching) {
      return {
        ok: false,
        rows: 0,
        rowId: first.id,
        reason: `row ${first.id} follows a row that is not in the trail and no purge checkpoint accounts for it (rows before it deleted?)`,
      };
    }
    expectedPrev = vouching.lastPurgedHash;
  }
  const page = db.prepare('SELECT id, at, user_id, action, detail, prev_hash, hash FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000');
  let count = 0;
  let lastId = first.id - 1;
  let prevId: number | null = null;
  for (;;) {
    const rows = page.all(lastId) as StoredRow[];
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.prev_hash !== expectedPrev) {
        const what = prevId === null ? 'the start of the trail' : `row ${prevId}`;
        return {
          ok: false,
          rows: count,
          rowId: row.id,
          reason: `row ${row.id} does not follow ${what}: its previous hash differs (a row before it was deleted, inserted or moved)`,
        };
      }
      if (rowHash(row.prev_hash, content(row)) !== row.hash) {
        return { ok: false, rows: count, rowId: row.id, reason: `row ${row.id} was altered: its content does not match its hash` };
      }
      expectedPrev = row.hash;
      prevId = row.id;
      lastId = row.id;
      count += 1;
    }
  }
  if (!head) return { ok: false, rows: count, rowId: null, reason: 'the chain head record is missing' };
  if (head.lastId !== lastId || head.lastHash !== expectedPrev) {
    if (head.lastId > lastId) {
      return { ok: false, rows: count, rowId: head.lastId, reason: `rows ${lastId + 1} to ${head.lastId} are missing: the trail ends at row ${lastId} but its newest row was ${head.lastId}` };
    }
    return { ok: false, rows: count, rowId: lastId, reason: `row ${lastId} is not the newest row the trail recorded (${head.lastId}): rows were added outside the audit` };
  }
  return { ok: true, rows: count, firstId: first.id, lastId, lastHash: expectedPrev };
}
