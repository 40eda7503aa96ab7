/**
 * Manual hot-list entries (policy C.6): an officer adds a plate (whole, or
 * partial with `*`/`?`), with a mandatory reason and an expiry within the
 * agency's limit. Each addition and removal is written to the audit log, and a
 * new entry is at once checked against the reads already taken this shift.
 * Manual entries live in manual lists, which no import or sync touches.
 */
import type { MatchKind } from '../../../shared/contract.js';
import { audit } from '../governance/audit.js';
import type { Db } from '../store/db.js';
import { MANUAL_LIST_CODE, LIST_NAME_PATTERN, defaultHotListsConfig, listConfigSchema, type HotListsConfig } from './config.js';
import { HotListInputError } from './errors.js';
import { compilePattern, differingPositions, foldPlate, isPattern, literalCount, normalisePattern, normalisePlate } from './plate.js';
import { bumpHotListVersion, ensureList, getList } from './store.js';

export const DEFAULT_MANUAL_LIST = 'manual';

export interface ManualEntryInput {
  /** Whole plate, or partial with `*` (any run of characters) and `?` (one character). */
  readonly plate: string;
  readonly state?: string | null;
  /** Manual list to add to; default "manual". */
  readonly list?: string;
  /** Default LOCAL (locally entered). */
  readonly listCode?: string;
  /** Why the plate is of interest: mandatory (C.6). */
  readonly reason: string;
  readonly description?: string;
  /** Absolute expiry (ms); or expiresInHours; default the configured default. */
  readonly expiresAt?: number;
  readonly expiresInHours?: number;
  /** Id of the officer entering it. */
  readonly enteredBy: string;
}

export interface ManualEntry {
  readonly id: number;
  readonly list: string;
  readonly plate: string;
  readonly state: string | null;
  readonly listCode: string;
  readonly reason: string;
  readonly description: string;
  readonly partial: boolean;
  readonly enteredBy: string;
  readonly enteredAt: number;
  readonly expiresAt: number;
}

export interface ReadHit {
  readonly readId: number;
  readonly plate: string;
  readonly state: string | null;
  readonly capturedAt: number;
  readonly cameraId: string;
  readonly kind: MatchKind;
  readonly matchedPlate: string;
  readonly differingPositions: readonly number[];
  readonly otherState: boolean;
}

export interface AddManualEntryResult {
  readonly entry: ManualEntry;
  /** Reads taken since the shift started that the new entry would have hit. */
  readonly readsThisShift: readonly ReadHit[];
}

export interface ManualOptions {
  readonly now?: number;
  readonly limits?: HotListsConfig['manual'];
  /** Start of the shift; reads from then on are searched for the new entry. Default: 12 hours ago. */
  readonly shiftStartedAt?: number;
}

const HOUR = 3600_000;
const DEFAULT_SHIFT = 12 * HOUR;

export function addManualEntry(db: Db, input: ManualEntryInput, options: ManualOptions = {}): AddManualEntryResult {
  const now = options.now ?? Date.now();
  const limits = options.limits ?? defaultHotListsConfig().manual;
  const raw = input.plate.trim();
  const plate = isPattern(raw) ? normalisePattern(raw) : normalisePlate(raw);
  if (plate === null) throw new HotListInputError(`plate "${raw}": 1-10 letters or digits, with * or ? for unknown characters`);
  const partial = isPattern(plate);
  if (partial && literalCount(plate) < limits.minKnownCharacters) {
    throw new HotListInputError(`partial plate "${plate}" needs at least ${limits.minKnownCharacters} known characters`);
  }
  const state = input.state ? input.state.trim().toUpperCase() : null;
  if (state !== null && !/^[A-Z]{2}$/.test(state)) throw new HotListInputError(`state "${input.state}" is not a two-letter code`);
  const reason = input.reason.trim();
  if (reason === '') throw new HotListInputError('a reason is required for a manual entry (policy C.6)');
  if (reason.length > 500) throw new HotListInputError('reason: at most 500 characters');
  const enteredBy = input.enteredBy.trim();
  if (enteredBy === '') throw new HotListInputError('the officer entering the plate must be named');
  const listCode = (input.listCode ?? MANUAL_LIST_CODE).trim().toUpperCase();
  if (!/^[A-Z0-9_-]{1,16}$/.test(listCode)) throw new HotListInputError(`list code "${listCode}" is not 1-16 letters, digits, "_" or "-"`);
  const maxMs = limits.maxExpiryHours * HOUR;
  let expiresAt: number;
  if (input.expiresAt !== undefined) expiresAt = input.expiresAt;
  else if (input.expiresInHours !== undefined) expiresAt = now + input.expiresInHours * HOUR;
  else expiresAt = now + limits.defaultExpiryHours * HOUR;
  if (!Number.isFinite(expiresAt) || expiresAt <= now) throw new HotListInputError('the expiry must be in the future');
  if (expiresAt - now > maxMs) throw new HotListInputError(`the expiry may be at most ${limits.maxExpiryHours} hours ahead`);
  const name = input.list ?? DEFAULT_MANUAL_LIST;
  if (!LIST_NAME_PATTERN.test(name)) throw new HotListInputError(`list name "${name}": 1-64 letters, digits, "_", "-" or "."`);
  const description = (input.description ?? '').trim();

  const entry = db.transaction((): ManualEntry => {
    const existing = getList(db, name);
    if (existing && existing.kind !== 'manual') {
      throw new HotListInputError(`list "${name}" is imported from ${existing.source}; manual entries go into a manual list (default "${DEFAULT_MANUAL_LIST}")`);
    }
    const list = existing ?? ensureList(db, name, { kind: 'manual', source: 'manual', format: null, settings: listConfigSchema.parse({ name }), now });
    const key = partial ? plate : foldPlate(plate);
    const same = db
      .prepare(
        `SELECT id, entered_by, expires_at FROM hot_list_entries
         WHERE lookup_key = ? AND list_id = ? AND plate = ? AND ifnull(state, '') = ? AND list_code = ?`,
      )
      .get(key, list.id, plate, state ?? '', listCode) as { id: number; entered_by: string | null; expires_at: number | null } | undefined;
    if (same && (same.expires_at === null || same.expires_at > now)) {
      throw new HotListInputError(
        `${plate} ${state ?? ''} (${listCode}) is already on list "${name}" as entry ${same.id}, entered by ${same.entered_by ?? 'unknown'}` +
          (same.expires_at !== null ? ` until ${new Date(same.expires_at).toISOString()}` : ''),
      );
    }
    // An expired identical entry gives way to the new one (its addition stays in the audit log).
    if (same) db.prepare('DELETE FROM hot_list_entries WHERE id = ?').run(same.id);
    const id = Number(
      db
        .prepare(
          `INSERT INTO hot_list_entries (list_id, plate, state, list_code, description, lookup_key, pattern,
             expires_at, reason, entered_by, entered_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(list.id, plate, state, listCode, description, key, partial ? 1 : 0, expiresAt, reason, enteredBy, now)
        .lastInsertRowid,
    );
    db.prepare(
      `UPDATE hot_lists SET updated_at = @now, checked_at = @now,
         entry_count = (SELECT count(*) FROM hot_list_entries WHERE list_id = @list) WHERE id = @list`,
    ).run({ now, list: list.id });
    const added: ManualEntry = { id, list: name, plate, state, listCode, reason, description, partial, enteredBy, enteredAt: now, expiresAt };
    audit(db, { userId: enteredBy, action: 'hotlist.manual-add', detail: { ...added } }, now);
    return added;
  })();
  bumpHotListVersion(db);
  const readsThisShift = searchReadsForEntry(db, entry, { since: options.shiftStartedAt ?? now - DEFAULT_SHIFT, until: now });
  return { entry, readsThisShift };
}

/** Removes a manual entry before it expires; the reason is audited. */
export function removeManualEntry(db: Db, id: number, by: { userId: string; reason: string; now?: number }): void {
  const now = by.now ?? Date.now();
  if (by.reason.trim() === '') throw new HotListInputError('a reason is required to remove a manual entry');
  db.transaction(() => {
    const row = db
      .prepare(`SELECT e.*, l.name AS list_name FROM hot_list_entries e JOIN hot_lists l ON l.id = e.list_id WHERE e.id = ? AND l.kind = 'manual'`)
      .get(id) as { plate: string; state: string | null; list_id: number; list_name: string } | undefined;
    if (!row) throw new HotListInputError(`no manual entry ${id}`);
    db.prepare('DELETE FROM hot_list_entries WHERE id = ?').run(id);
    db.prepare(
      `UPDATE hot_lists SET updated_at = @now, entry_count = (SELECT count(*) FROM hot_list_entries WHERE list_id = @list) WHERE id = @list`,
    ).run({ now, list: row.list_id });
    bumpHotListVersion(db);
    audit(db, { userId: by.userId, action: 'hotlist.manual-remove', detail: { id, list: row.list_name, plate: row.plate, state: row.state, reason: by.reason.trim() } }, now);
  })();
}

interface ManualRow {
  id: number;
  list_name: string;
  plate: string;
  state: string | null;
  list_code: string;
  reason: string | null;
  description: string;
  pattern: number;
  entered_by: string | null;
  entered_at: number | null;
  expires_at: number | null;
}

/** Manual entries in force (or all, with includeExpired), newest first. */
export function listManualEntries(db: Db, now: number, options: { includeExpired?: boolean } = {}): ManualEntry[] {
  const rows = db
    .prepare(
      `SELECT e.id, l.name AS list_name, e.plate, e.state, e.list_code, e.reason, e.description, e.pattern,
              e.entered_by, e.entered_at, e.expires_at
       FROM hot_list_entries e JOIN hot_lists l ON l.id = e.list_id
       WHERE l.kind = 'manual' AND (@all OR e.expires_at IS NULL OR e.expires_at > @now)
       ORDER BY e.entered_at DESC, e.id DESC`,
    )
    .all({ all: options.includeExpired ? 1 : 0, now }) as ManualRow[];
  return rows.map((r) => ({
    id: r.id,
    list: r.list_name,
    plate: r.plate,
    state: r.state,
    listCode: r.list_code,
    reason: r.reason ?? '',
    description: r.description,
    partial: r.pattern === 1,
    enteredBy: r.entered_by ?? '',
    enteredAt: r.entered_at ?? 0,
    expiresAt: r.expires_at ?? Number.POSITIVE_INFINITY,
  }));
}

interface ReadRow {
  id: number;
  plate: string;
  state: string | null;
  candidates: string;
  camera_id: string;
  captured_at: number;
}

/**
 * The reads taken in [since, until] that an entry (whole or partial plate)
 * matches, through the best reading or any OCR candidate, look-alikes included.
 */
export function searchReadsForEntry(
  db: Db,
  entry: { plate: string; state: string | null },
  range: { since: number; until?: number },
): ReadHit[] {
  const partial = isPattern(entry.plate);
  const compiled = partial ? compilePattern(entry.plate) : null;
  const key = partial ? '' : foldPlate(entry.plate);
  const matchOne = (plate: string): number[] | null => {
    if (compiled) return compiled.match(plate);
    return plate.length === entry.plate.length && foldPlate(plate) === key ? differingPositions(plate, entry.plate) : null;
  };
  const rows = db
    .prepare('SELECT id, plate, state, candidates, camera_id, captured_at FROM reads WHERE captured_at >= ? AND captured_at <= ? ORDER BY captured_at')
    .iterate(range.since, range.until ?? Number.MAX_SAFE_INTEGER) as IterableIterator<ReadRow>;
  const hits: ReadHit[] = [];
  for (const row of rows) {
    const readings = [row.plate, ...candidatePlates(row.candidates)];
    let best: { plate: string; differing: number[] } | null = null;
    for (const reading of readings) {
      const differing = matchOne(reading);
      if (differing !== null && (best === null || differing.length < best.differing.length)) best = { plate: reading, differing };
    }
    if (!best) continue;
    const otherState = row.state !== null && entry.state !== null && row.state !== entry.state;
    const kind: MatchKind = partial ? 'partial' : best.differing.length > 0 ? 'lookalike' : otherState ? 'other-state' : 'exact';
    hits.push({
      readId: row.id,
      plate: row.plate,
      state: row.state,
      capturedAt: row.captured_at,
      cameraId: row.camera_id,
      kind,
      matchedPlate: best.plate,
      differingPositions: best.differing,
      otherState,
    });
  }
  return hits;
}

function candidatePlates(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) return [];
    const out: string[] = [];
    for (const c of parsed) {
      const plate = typeof c === 'string' ? c : c && typeof c === 'object' && typeof (c as { plate?: unknown }).plate === 'string' ? (c as { plate: string }).plate : null;
      const normal = plate === null ? null : normalisePlate(plate);
      if (normal !== null) out.push(normal);
    }
    return out;
  } catch {
    return [];
  }
}
