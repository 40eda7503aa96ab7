/**
 * Legal holds (B.1.b): a case number, who placed it, why and until when. An
 * active hold keeps the reads it names, with their hits, alerts, dispositions,
 * images and positions, past their retention period. Reads are named by id,
 * by plate pattern (* and ?) and time range, or both. Placing and releasing a
 * hold are audited.
 */
import { CASE_NUMBER_PATTERN, PLATE_QUERY_PATTERN, normalisePlateQuery } from '../../../shared/records.js';
import { audit } from '../governance/audit.js';
import type { Db } from '../store/db.js';

export interface NewHold {
  readonly caseNumber: string;
  readonly reason: string;
  readonly until: number;
  readonly readIds?: readonly number[];
  /** Plate or pattern with * and ?. */
  readonly plate?: string;
  readonly from?: number;
  readonly to?: number;
}

export interface Hold {
  readonly id: number;
  readonly caseNumber: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly until: number;
  readonly plate: string | null;
  readonly from: number | null;
  readonly to: number | null;
  readonly readIds: number[];
  readonly releasedAt: number | null;
  readonly releasedBy: string | null;
  readonly releaseReason: string | null;
  /** Reads it keeps now (that exist). */
  readonly reads: number;
  readonly active: boolean;
}

export class HoldError extends Error {}

/**
 * SQL that is true when the read aliased `r` is kept by a hold active at
 * @asOf. Shared by the purge and the hold listing so both agree.
 */
export const HELD_BY_ACTIVE_HOLD = `EXISTS (
  SELECT 1 FROM holds h
  WHERE h.released_at IS NULL AND h.until > @asOf AND (
    EXISTS (SELECT 1 FROM hold_reads hr WHERE hr.hold_id = h.id AND hr.read_id = r.id)
    OR (h.by_criteria = 1
        AND (h.plate IS NULL OR r.plate GLOB h.plate)
        AND (h.from_at IS NULL OR r.captured_at >= h.from_at)
        AND (h.to_at IS NULL OR r.captured_at <= h.to_at))))`;

/** A plate pattern of * and ? as a GLOB pattern (the only GLOB specials it can hold). */
function plateGlob(plate: string): string {
  const normal = normalisePlateQuery(plate);
  if (!PLATE_QUERY_PATTERN.test(normal)) throw new HoldError(`plate "${plate}": use 1-12 letters, digits, * (any run) or ? (one character)`);
  return normal;
}

export function placeHold(db: Db, hold: NewHold, by: { userId: string; now: number }): Hold {
  const caseNumber = hold.caseNumber.trim();
  if (!CASE_NUMBER_PATTERN.test(caseNumber)) throw new HoldError(`case number "${hold.caseNumber}": 3-40 letters, digits, " ", ".", "/", "_" or "-"`);
  const reason = hold.reason.trim();
  if (reason.length < 3) throw new HoldError('reason: say why the records must be kept (at least 3 characters)');
  if (!Number.isFinite(hold.until) || hold.until <= by.now) throw new HoldError('until: must be a time in the future');
  const plate = hold.plate !== undefined ? plateGlob(hold.plate) : null;
  const from = hold.from ?? null;
  const to = hold.to ?? null;
  if (from !== null && to !== null && from > to) throw new HoldError('from: must not be later than to');
  const readIds = [...new Set(hold.readIds ?? [])];
  for (const id of readIds) if (!Number.isInteger(id) || id <= 0) throw new HoldError(`read id "${id}" is not a positive whole number`);
  const byCriteria = plate !== null || from !== null || to !== null;
  if (!byCriteria && readIds.length === 0) throw new HoldError('a hold must name reads: by id, by plate, or by time range');
  const missing = readIds.filter((id) => !db.prepare('SELECT 1 FROM reads WHERE id = ?').get(id));
  if (missing.length > 0) throw new HoldError(`read ${missing.join(', ')} does not exist (already purged?)`);
  const id = db.transaction(() => {
    const info = db
      .prepare(
        `INSERT INTO holds (case_number, reason, created_by, created_at, until, by_criteria, plate, from_at, to_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(caseNumber, reason, by.userId, by.now, hold.until, byCriteria ? 1 : 0, plate, from, to);
    const holdId = Number(info.lastInsertRowid);
    const link = db.prepare('INSERT INTO hold_reads (hold_id, read_id) VALUES (?, ?)');
    for (const readId of readIds) link.run(holdId, readId);
    audit(db, { userId: by.userId, action: 'hold.place', detail: { holdId, caseNumber, reason, until: hold.until, plate, from, to, readIds } }, by.now);
    return holdId;
  })();
  return getHold(db, id, by.now)!;
}

export function releaseHold(db: Db, id: number, by: { userId: string; reason: string; now: number }): Hold {
  const reason = by.reason.trim();
  if (reason.length < 3) throw new HoldError('reason: say why the hold is released (at least 3 characters)');
  const hold = getHold(db, id, by.now);
  if (!hold) throw new HoldError(`hold ${id} does not exist`);
  if (hold.releasedAt !== null) throw new HoldError(`hold ${id} was already released by ${hold.releasedBy}`);
  db.transaction(() => {
    db.prepare('UPDATE holds SET released_at = ?, released_by = ?, release_reason = ? WHERE id = ?').run(by.now, by.userId, reason, id);
    audit(db, { userId: by.userId, action: 'hold.release', detail: { holdId: id, caseNumber: hold.caseNumber, reason } }, by.now);
  })();
  return getHold(db, id, by.now)!;
}

interface HoldRow {
  id: number;
  case_number: string;
  reason: string;
  created_by: string;
  created_at: number;
  until: number;
  plate: string | null;
  from_at: number | null;
  to_at: number | null;
  released_at: number | null;
  released_by: string | null;
  release_reason: string | null;
}

function toHold(db: Db, row: HoldRow, now: number): Hold {
  const readIds = (db.prepare('SELECT read_id FROM hold_reads WHERE hold_id = ? ORDER BY read_id').all(row.id) as { read_id: number }[]).map((r) => r.read_id);
  const active = row.released_at === null && row.until > now;
  const reads = (
    db
      .prepare(
        `SELECT count(*) AS n FROM reads r WHERE
           EXISTS (SELECT 1 FROM hold_reads hr WHERE hr.hold_id = @id AND hr.read_id = r.id)
           OR (@byCriteria = 1 AND (@plate IS NULL OR r.plate GLOB @plate) AND (@from IS NULL OR r.captured_at >= @from) AND (@to IS NULL OR r.captured_at <= @to))`,
      )
      .get({ id: row.id, byCriteria: row.plate !== null || row.from_at !== null || row.to_at !== null ? 1 : 0, plate: row.plate, from: row.from_at, to: row.to_at }) as { n: number }
  ).n;
  return {
    id: row.id,
    caseNumber: row.case_number,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
    until: row.until,
    plate: row.plate,
    from: row.from_at,
    to: row.to_at,
    readIds,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
    releaseReason: row.release_reason,
    reads,
    active,
  };
}

export function getHold(db: Db, id: number, now: number): Hold | null {
  const row = db.prepare('SELECT * FROM holds WHERE id = ?').get(id) as HoldRow | undefined;
  return row ? toHold(db, row, now) : null;
}

/** Holds, newest first; released and lapsed ones only when asked. */
export function listHolds(db: Db, now: number, options: { all?: boolean } = {}): Hold[] {
  const rows = db
    .prepare(options.all ? 'SELECT * FROM holds ORDER BY id DESC' : 'SELECT * FROM holds WHERE released_at IS NULL AND until > ? ORDER BY id DESC')
    .all(...(options.all ? [] : [now])) as HoldRow[];
  return rows.map((row) => toHold(db, row, now));
}
