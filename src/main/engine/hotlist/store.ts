/**
 * The hot lists in SQLite. Each imported list has a current generation; an
 * import writes its entries under the next generation, where the matcher does
 * not see them, and makes them current in one short transaction once the whole
 * file proved valid. Rows of any other generation (the list just replaced, or
 * an import cut short by a crash) are deleted in small chunks afterwards.
 */
import type { Db } from '../store/db.js';
import { listConfigSchema, type ListConfig, type ListFormat } from './config.js';

export type ListKind = 'imported' | 'manual';

export interface HotListRow {
  readonly id: number;
  readonly name: string;
  readonly source: string;
  readonly kind: ListKind;
  readonly format: ListFormat | null;
  readonly settings: string;
  readonly generation: number;
  readonly entry_count: number;
  readonly updated_at: number;
  readonly checked_at: number | null;
  readonly etag: string | null;
  readonly last_modified: string | null;
  readonly source_stamp: string | null;
  readonly last_error: string | null;
  readonly last_error_at: number | null;
}

export function getList(db: Db, name: string): HotListRow | undefined {
  return db.prepare('SELECT * FROM hot_lists WHERE name = ?').get(name) as HotListRow | undefined;
}

export function allLists(db: Db): HotListRow[] {
  return db.prepare('SELECT * FROM hot_lists ORDER BY name').all() as HotListRow[];
}

/** The list's stored settings (what its configuration said at the last import). */
export function settingsOf(row: Pick<HotListRow, 'name' | 'settings'>): ListConfig {
  let json: unknown = {};
  try {
    json = JSON.parse(row.settings);
  } catch {
    json = {};
  }
  const parsed = listConfigSchema.safeParse({ ...(json as object), name: row.name });
  return parsed.success ? parsed.data : listConfigSchema.parse({ name: row.name });
}

/** Creates the list row when missing (no entries, never synced). */
export function ensureList(
  db: Db,
  name: string,
  init: { kind: ListKind; source: string; format: ListFormat | null; settings: ListConfig; now: number },
): HotListRow {
  const existing = getList(db, name);
  if (existing) return existing;
  db.prepare(
    `INSERT INTO hot_lists (name, source, updated_at, entry_count, kind, format, settings, generation)
     VALUES (?, ?, ?, 0, ?, ?, ?, 0)`,
  ).run(name, init.source, init.now, init.kind, init.format, JSON.stringify(init.settings));
  return getList(db, name)!;
}

export function recordListError(db: Db, listId: number, message: string, now: number): void {
  db.prepare('UPDATE hot_lists SET last_error = ?, last_error_at = ? WHERE id = ?').run(message, now, listId);
}

export function audit(db: Db, at: number, userId: string | null, action: string, detail: unknown): void {
  db.prepare('INSERT INTO audit_log (at, user_id, action, detail) VALUES (?, ?, ?, ?)').run(at, userId, action, JSON.stringify(detail));
}

const DELETE_CHUNK = 50_000;

/**
 * Deletes the rows of a list that are not of generation `keep`, a chunk per
 * transaction so other writers (reads being stored) are never held up long.
 */
export async function deleteOtherGenerations(db: Db, listId: number, keep: number): Promise<number> {
  const del = db.prepare(
    `DELETE FROM hot_list_entries WHERE rowid IN (
       SELECT rowid FROM hot_list_entries WHERE list_id = ? AND generation <> ? LIMIT ${DELETE_CHUNK})`,
  );
  let total = 0;
  for (;;) {
    const { changes } = del.run(listId, keep);
    total += changes;
    if (changes < DELETE_CHUNK) return total;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export interface HotListStatus {
  readonly name: string;
  readonly entries: number;
  /** When the car's copy was last confirmed current (imported, or the source said unchanged); null if never. */
  readonly updatedAt: number | null;
  readonly stale: boolean;
  readonly kind: ListKind;
  readonly source: string;
  readonly covert: boolean;
  /** Milliseconds since updatedAt, null if never. */
  readonly ageMs: number | null;
  /** Why the last import or sync failed, when it did after the last success. */
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
}

export const DEFAULT_STALE_AFTER_MS = 24 * 3600_000;

/** Age and staleness of every list (policy C.3). Manual lists are never stale. */
export function hotListStatus(db: Db, now: number, staleAfterMs: number = DEFAULT_STALE_AFTER_MS): HotListStatus[] {
  const staleAfter = staleAfterMs;
  const manualCount = db.prepare(
    `SELECT count(*) FROM hot_list_entries WHERE list_id = ? AND generation = 0 AND (expires_at IS NULL OR expires_at > ?)`,
  ).pluck();
  return allLists(db).map((row) => {
    const updatedAt = row.checked_at;
    const ageMs = updatedAt === null ? null : Math.max(0, now - updatedAt);
    const manual = row.kind === 'manual';
    return {
      name: row.name,
      entries: manual ? (manualCount.get(row.id, now) as number) : row.entry_count,
      updatedAt,
      stale: !manual && (ageMs === null || ageMs > staleAfter),
      kind: row.kind,
      source: row.source,
      covert: settingsOf(row).covert,
      ageMs,
      lastError: row.last_error,
      lastErrorAt: row.last_error_at,
    };
  });
}
