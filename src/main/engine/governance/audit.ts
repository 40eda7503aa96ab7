/**
 * The audit trail: who did what, when and why, append-only and hash-chained
 * (audit-chain.ts). Callers pass a JSON-serialisable detail; it is stored as
 * canonical JSON so the same content always hashes the same. Rows leave the
 * trail only through purgeAuditRows, which writes a checkpoint in their place.
 */
import type { Db } from '../store/db.js';
import { CHECKPOINT_ACTION, canonicalJson, chainHead, GENESIS_HASH, rowHash, setChainHead, verifyAuditChain, type ChainVerdict } from './audit-chain.js';

export { verifyAuditChain, type ChainVerdict } from './audit-chain.js';

export interface AuditEvent {
  readonly userId: string | null;
  readonly action: string;
  readonly detail: Record<string, unknown>;
}

export interface AuditWritten {
  readonly id: number;
  readonly hash: string;
}

/**
 * Appends one row to the chain. Runs in an immediate transaction (a savepoint
 * when the caller is already in one) so two writers never chain off the same
 * head.
 */
export function audit(db: Db, event: AuditEvent, now = Date.now()): AuditWritten {
  const detail = canonicalJson(event.detail);
  const append = db.transaction((): AuditWritten => {
    const head = chainHead(db) ?? { lastId: 0, lastHash: GENESIS_HASH };
    // Ids come from the head, not from the table, so a purged id is never reused.
    const maxId = (db.prepare('SELECT max(id) FROM audit_log').pluck().get() as number | null) ?? 0;
    const id = Math.max(head.lastId, maxId) + 1;
    const hash = rowHash(head.lastHash, { id, at: now, userId: event.userId, action: event.action, detail });
    db.prepare('INSERT INTO audit_log (id, at, user_id, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      id,
      now,
      event.userId,
      event.action,
      detail,
      head.lastHash,
      hash,
    );
    setChainHead(db, { lastId: id, lastHash: hash });
    return { id, hash };
  });
  return db.inTransaction ? append() : append.immediate();
}

export interface AuditRow {
  id: number;
  at: number;
  userId: string | null;
  action: string;
  detail: Record<string, unknown>;
  hash: string;
}

export interface AuditFilter {
  /** Rows at or after this time (ms since the epoch). */
  readonly from?: number;
  /** Rows before this time. */
  readonly to?: number;
  readonly userId?: string;
  /** An exact action ('session.login') or a family ending in '.' or '*' ('session.*'). */
  readonly action?: string;
  /** Rows older than this id (paging backwards). */
  readonly beforeId?: number;
  readonly limit?: number;
}

interface StoredAuditRow {
  id: number;
  at: number;
  user_id: string | null;
  action: string;
  detail: string;
  hash: string;
}

function parseDetail(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { unreadable: text };
  }
}

/** Newest first, filtered. Every filter is bound as a parameter. */
export function listAudit(db: Db, filter: AuditFilter = {}): AuditRow[] {
  const limit = filter.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error(`audit list: limit must be a whole number from 1 to 10000 (got ${limit})`);
  if (filter.from !== undefined && filter.to !== undefined && filter.to < filter.from) {
    throw new Error('audit list: "to" is before "from"');
  }
  let actionExact: string | null = null;
  let actionPrefix: string | null = null;
  if (filter.action !== undefined && filter.action !== '') {
    const family = filter.action.endsWith('*') ? filter.action.slice(0, -1) : filter.action.endsWith('.') ? filter.action : null;
    if (family !== null) actionPrefix = family;
    else actionExact = filter.action;
  }
  const rows = db
    .prepare(
      `SELECT id, at, user_id, action, detail, hash FROM audit_log
       WHERE (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)
         AND (@userId IS NULL OR user_id = @userId)
         AND (@actionExact IS NULL OR action = @actionExact)
         AND (@actionPrefix IS NULL OR substr(action, 1, length(@actionPrefix)) = @actionPrefix)
         AND (@beforeId IS NULL OR id < @beforeId)
       ORDER BY id DESC LIMIT @limit`,
    )
    .all({
      from: filter.from ?? null,
      to: filter.to ?? null,
      userId: filter.userId ?? null,
      actionExact,
      actionPrefix,
      beforeId: filter.beforeId ?? null,
      limit,
    }) as StoredAuditRow[];
  return rows.map((r) => ({ id: r.id, at: r.at, userId: r.user_id, action: r.action, detail: parseDetail(r.detail), hash: r.hash }));
}

/** The newest rows, newest first (kept for callers that want only a count). */
export function auditTrail(db: Db, limit = 100): AuditRow[] {
  return listAudit(db, { limit });
}

export interface AuditPurge {
  /** Rows written before this time go (ms since the epoch). */
  readonly before: number;
  readonly userId: string | null;
  readonly reason: string;
}

export interface AuditPurged {
  readonly purged: number;
  /** The checkpoint row written in their place; null when nothing was due. */
  readonly checkpointId: number | null;
  readonly lastPurgedId: number | null;
}

/**
 * Removes the rows written before `before`, oldest first and only as one run
 * from the start of the trail (a row is kept, with all after it, if an older
 * one must stay), and appends a checkpoint row carrying the last purged row's
 * id and hash so verification can start from the first row left. The chain is
 * verified first: a broken trail is never purged, since that would hide where
 * it broke.
 */
export function purgeAuditRows(db: Db, purge: AuditPurge, now = Date.now()): AuditPurged {
  if (!Number.isFinite(purge.before)) throw new Error('audit purge: "before" must be a time');
  if (purge.before > now) throw new Error('audit purge: "before" is in the future; the clock may have jumped');
  const run = db.transaction((): AuditPurged => {
    const verdict: ChainVerdict = verifyAuditChain(db);
    if (!verdict.ok) throw new Error(`audit purge refused: the trail does not verify (${verdict.reason})`);
    // The newest row always stays, so the chain head is never purged away.
    const newest = (db.prepare('SELECT max(id) FROM audit_log').pluck().get() as number | null) ?? 0;
    const firstKept = db.prepare('SELECT min(id) FROM audit_log WHERE at >= ? OR id = ?').pluck().get(purge.before, newest) as number | null;
    const last = db
      .prepare('SELECT id, hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1')
      .get(firstKept ?? Number.MAX_SAFE_INTEGER) as { id: number; hash: string } | undefined;
    if (!last) return { purged: 0, checkpointId: null, lastPurgedId: null };
    const range = db.prepare('SELECT count(*) AS n, min(id) AS first, min(at) AS firstAt, max(at) AS lastAt FROM audit_log WHERE id <= ?').get(last.id) as {
      n: number;
      first: number;
      firstAt: number;
      lastAt: number;
    };
    db.prepare('DELETE FROM audit_log WHERE id <= ?').run(last.id);
    const checkpoint = audit(
      db,
      {
        userId: purge.userId,
        action: CHECKPOINT_ACTION,
        detail: {
          reason: purge.reason,
          purged: range.n,
          firstPurgedId: range.first,
          lastPurgedId: last.id,
          lastPurgedHash: last.hash,
          firstPurgedAt: range.firstAt,
          lastPurgedAt: range.lastAt,
          before: purge.before,
        },
      },
      now,
    );
    return { purged: range.n, checkpointId: checkpoint.id, lastPurgedId: last.id };
  });
  return db.inTransaction ? run() : run.immediate();
}

/** Re-exported so a caller can tell a checkpoint row from others. */
export { CHECKPOINT_ACTION } from './audit-chain.js';
