/**
 * The hot lists in SQLite. Each import of a list loads a table of its own, a
 * generation (hot_list_gen_<n>), that nothing reads while it fills; indexing it
 * afterwards is one sorted build, far cheaper than keeping an index up to date
 * row by row over millions of entries. The generation becomes current in one
 * short transaction once complete and valid, and the table it replaces (or one
 * left by an import cut short) is dropped whole. Manual entries, few and
 * edited one at a time, stay in hot_list_entries.
 */
import type { HotListFault } from '../../../shared/contract.js';
import { HOTLIST_FAULT_KINDS, hotListWords, type HotListFaultKind } from '../../../shared/hotlists.js';
import type { Db } from '../store/db.js';
import { listConfigSchema, type ListConfig, type ListFormat } from './config.js';
import type { HotListFailure } from './errors.js';

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
  /** The kind of last_error (shared/hotlists.ts); null on failures stored before kinds were. */
  readonly last_error_kind: string | null;
  readonly last_error_status: number | null;
  readonly last_error_line: number | null;
  /** The date of the data (see DataDate); null before the first import. */
  readonly data_at: number | null;
  readonly data_from: DataDate['from'] | null;
}

/**
 * How old a list's data is: the extract's own date where the format carries
 * one, else the file's modification time or the server's Last-Modified, and
 * only when the server gives none, the time of the download.
 */
export interface DataDate {
  readonly at: number;
  readonly from: 'extract' | 'file' | 'server' | 'download';
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

export function recordListError(db: Db, listId: number, failure: HotListFailure, now: number): void {
  db.prepare('UPDATE hot_lists SET last_error = ?, last_error_at = ?, last_error_kind = ?, last_error_status = ?, last_error_line = ? WHERE id = ?')
    .run(failure.detail, now, failure.kind, failure.status, failure.line, listId);
}

/** The SET clause that forgets a list's last failure (a sync or import that succeeded). */
export const CLEAR_LIST_ERROR = 'last_error = NULL, last_error_at = NULL, last_error_kind = NULL, last_error_status = NULL, last_error_line = NULL';

/** The list's last failure as it was recorded; one stored before kinds were reads as unexpected. */
export function faultOfRow(row: HotListRow): HotListFault | null {
  if (row.last_error === null) return null;
  const kind = (HOTLIST_FAULT_KINDS as readonly string[]).includes(row.last_error_kind ?? '') ? (row.last_error_kind as HotListFaultKind) : 'unexpected';
  return {
    kind,
    detail: row.last_error,
    at: row.last_error_at ?? row.updated_at,
    status: kind === 'refused' ? row.last_error_status : null,
    line: kind === 'bad-format' ? row.last_error_line : null,
  };
}

/**
 * Entry ids of generation n start at n * 2^32, so they never collide with
 * another generation's or with hot_list_entries' ids (hits keep entry ids).
 */
export const ENTRY_ID_BLOCK = 2 ** 32;

/**
 * The table of a generation. Table names cannot be bound as SQL parameters;
 * this is the one place that builds one, from a positive integer only.
 */
export function generationTable(generation: number): string {
  if (!Number.isSafeInteger(generation) || generation <= 0) throw new Error(`invalid hot-list generation ${generation}`);
  return `hot_list_gen_${generation}`;
}

/** Generations this process is loading right now (their tables must not be dropped). */
const loading = new Set<number>();

export function createGeneration(db: Db, listId: number, now: number): number {
  const generation = db.transaction(() => {
    const id = Number(
      db.prepare(`INSERT INTO hot_list_generations (list_id, status, owner_pid, started_at) VALUES (?, 'loading', ?, ?)`)
        .run(listId, process.pid, now).lastInsertRowid,
    );
    db.exec(
      `CREATE TABLE ${generationTable(id)} (
         id INTEGER PRIMARY KEY,
         plate TEXT NOT NULL,
         state TEXT NOT NULL,
         list_code TEXT NOT NULL,
         description TEXT NOT NULL,
         lookup_key TEXT NOT NULL,
         pattern INTEGER NOT NULL,
         expires_at INTEGER,
         source_line INTEGER NOT NULL,
         record_number TEXT,
         line_hash INTEGER NOT NULL
       ) STRICT`,
    );
    return id;
  })();
  loading.add(generation);
  return generation;
}

export function finishLoading(generation: number): void {
  loading.delete(generation);
}

/** Drops a generation's table and forgets it. */
export function dropGeneration(db: Db, generation: number): void {
  db.transaction(() => {
    db.exec(`DROP TABLE IF EXISTS ${generationTable(generation)}`);
    db.prepare('DELETE FROM hot_list_generations WHERE id = ?').run(generation);
  })();
  loading.delete(generation);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Drops replaced generations and those left by imports that died (power cut,
 * crash): a loading generation survives only while its process is loading it.
 */
export function dropStaleGenerations(db: Db): number {
  const rows = db.prepare(`SELECT id, status, owner_pid FROM hot_list_generations WHERE status <> 'current'`).all() as {
    id: number;
    status: string;
    owner_pid: number;
  }[];
  let dropped = 0;
  for (const row of rows) {
    if (row.status === 'loading') {
      const mine = row.owner_pid === process.pid;
      if (mine ? loading.has(row.id) : processAlive(row.owner_pid)) continue;
    }
    dropGeneration(db, row.id);
    dropped++;
  }
  return dropped;
}

/**
 * Changes to the lists made through this module on a connection; a matcher on
 * the same connection compares it (other connections' changes show in
 * PRAGMA data_version).
 */
const versions = new WeakMap<Db, number>();

export function bumpHotListVersion(db: Db): void {
  versions.set(db, (versions.get(db) ?? 0) + 1);
}

export function hotListVersion(db: Db): number {
  return versions.get(db) ?? 0;
}

export interface HotListStatus {
  readonly name: string;
  readonly entries: number;
  /** The date of the data in force (manual lists: the last change); null if none. */
  readonly updatedAt: number | null;
  /** Where updatedAt comes from: the extract's date, the file's mtime, the server's Last-Modified, the download. */
  readonly dataFrom: DataDate['from'] | null;
  /** When a sync last confirmed the copy in the car (imported, unchanged or not modified); null if never. */
  readonly checkedAt: number | null;
  readonly stale: boolean;
  /** The age past which its data is stale; null for a manual list. */
  readonly staleAfterMs: number | null;
  /**
   * Why the list is stale, in the officer's words (shared/hotlists.ts), for
   * the CLI and the log; null when it is not. Never the fault's detail.
   */
  readonly staleReason: string | null;
  readonly kind: ListKind;
  readonly source: string;
  readonly covert: boolean;
  /** Milliseconds since updatedAt (the data's age), null if never. */
  readonly ageMs: number | null;
  /** Why the last import or sync failed, when it did after the last success. */
  readonly fault: HotListFault | null;
}

export const DEFAULT_STALE_AFTER_MS = 24 * 3600_000;

/** A time of day for the CLI's and the log's sentences (the screens write their own). */
function clockOf(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/**
 * Age and staleness of every list (policy C.3). A list is stale when it was
 * never loaded, when its data is older than the limit, or when its last sync
 * failed; only a sync that succeeds clears it. Manual lists are never stale.
 */
export function hotListStatus(db: Db, now: number, staleAfterMs: number = DEFAULT_STALE_AFTER_MS): HotListStatus[] {
  const manualCount = db.prepare(
    `SELECT count(*) FROM hot_list_entries WHERE list_id = ? AND (expires_at IS NULL OR expires_at > ?)`,
  ).pluck();
  return allLists(db).map((row) => {
    const manual = row.kind === 'manual';
    const loaded = manual || row.entry_count > 0 || row.generation > 0;
    const updatedAt = manual ? row.updated_at : loaded ? (row.data_at ?? row.checked_at) : null;
    const ageMs = updatedAt === null ? null : Math.max(0, now - updatedAt);
    const fault = manual ? null : faultOfRow(row);
    const stale = !manual && (updatedAt === null || fault !== null || (ageMs ?? 0) > staleAfterMs);
    const facts = {
      name: row.name,
      kind: row.kind,
      updatedAt,
      dataFrom: manual ? null : row.data_from,
      fault,
      stale,
      staleAfterMs: manual ? null : staleAfterMs,
    };
    const words = hotListWords(facts, now, clockOf);
    return {
      ...facts,
      entries: manual ? (manualCount.get(row.id, now) as number) : row.entry_count,
      checkedAt: row.checked_at,
      staleReason: words === null ? null : `${words.title}. ${words.reason}`,
      source: row.source,
      covert: settingsOf(row).covert,
      ageMs,
    };
  });
}
