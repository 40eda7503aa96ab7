/**
 * Matches a read against every hot list. Each distinct look-alike key among the
 * read's best reading and its OCR candidates is one indexed lookup (over every
 * list in force) that returns the exact entry and every entry differing only by
 * look-alike characters;
 * partial (wildcard) entries, few by nature, are matched in memory. Expired
 * entries never hit. Each entry hits at most once, through the reading that
 * agrees with it best.
 */
import type { HotListEntryView, MatchKind } from '../../../shared/contract.js';
import type { Db } from '../store/db.js';
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import { codesOf, type ListConfig } from './config.js';
import { compilePattern, differingPositions, foldPlate, normalisePlate, type CompiledPattern } from './plate.js';
import { generationTable, hotListVersion, settingsOf } from './store.js';
import type { HotListMatch, HotListMatcher, ReadToMatch } from './types.js';

interface EntryRow {
  readonly id: number;
  readonly plate: string;
  readonly state: string | null;
  readonly list_code: string;
  readonly description: string;
  readonly record_number: string | null;
  readonly list_id: number;
}

interface ListInfo {
  readonly id: number;
  readonly name: string;
  readonly generation: number;
  readonly settings: ListConfig;
  /** Tables loaded before record numbers were kept have no record_number column. */
  readonly hasRecordNumber?: boolean;
}

const COLUMNS = `id, plate, nullif(state, '') AS state, list_code, description`;
const LIVE = `(expires_at IS NULL OR expires_at > @now)`;

/**
 * The two queries of the matcher over the lists in force: the indexed lookup of
 * one look-alike key, and the partial (wildcard) entries. One UNION ALL branch
 * per imported list's current table, plus hot_list_entries (manual entries).
 * INDEXED BY pins each branch to its index whatever the statistics say (a test
 * checks the plans with EXPLAIN QUERY PLAN).
 */
export function hotListQueries(lists: readonly Pick<ListInfo, 'id' | 'generation' | 'hasRecordNumber'>[]): { lookup: string; patterns: string } {
  const lookup = [
    `SELECT e.id, e.plate, e.state, e.list_code, e.description, NULL AS record_number, e.list_id
     FROM hot_list_entries e INDEXED BY hot_list_entries_key JOIN hot_lists l ON l.id = e.list_id
     WHERE e.lookup_key = @key AND l.generation = 0 AND (e.expires_at IS NULL OR e.expires_at > @now)`,
  ];
  const patterns = [
    `SELECT e.id, e.plate, e.state, e.list_code, e.description, NULL AS record_number, e.list_id
     FROM hot_list_entries e INDEXED BY hot_list_entries_patterns JOIN hot_lists l ON l.id = e.list_id
     WHERE e.pattern = 1 AND l.generation = 0 AND (e.expires_at IS NULL OR e.expires_at > @now)`,
  ];
  for (const list of lists) {
    if (list.generation <= 0) continue;
    if (!Number.isSafeInteger(list.id)) throw new Error(`invalid list id ${list.id}`);
    const table = generationTable(list.generation);
    const columns = `${COLUMNS}, ${list.hasRecordNumber === false ? 'NULL' : 'record_number'} AS record_number`;
    lookup.push(`SELECT ${columns}, ${list.id} AS list_id FROM ${table} INDEXED BY ${table}_key WHERE lookup_key = @key AND ${LIVE}`);
    patterns.push(`SELECT ${columns}, ${list.id} AS list_id FROM ${table} INDEXED BY ${table}_patterns WHERE pattern = 1 AND ${LIVE}`);
  }
  return { lookup: lookup.join('\nUNION ALL\n'), patterns: patterns.join('\nUNION ALL\n') };
}

export interface MatcherOptions {
  /** Clock for expiry; default Date.now. */
  readonly now?: () => number;
  /** Candidates beyond this many are ignored (the tail of an OCR beam is noise). */
  readonly maxCandidates?: number;
}

interface Reading {
  readonly plate: string;
  readonly rank: number;
}

interface Scored {
  readonly match: HotListMatch;
  readonly score: number;
}

export function createHotListMatcher(db: Db, options: MatcherOptions = {}): HotListMatcher {
  const now = options.now ?? Date.now;
  const maxCandidates = options.maxCandidates ?? 8;
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const patternCache = new Map<string, CompiledPattern>();
  let seen = { local: -1, data: -1 };
  let lists = new Map<number, ListInfo>();
  let lookup: Statement | null = null;
  let patternsQuery: Statement | null = null;

  // Lists change rarely; the queries are rebuilt when this or another connection changed them.
  const refresh = (force: boolean) => {
    const current = { local: hotListVersion(db), data: dataVersion.get() as number };
    if (!force && lookup && current.local === seen.local && current.data === seen.data) return;
    const rows = db.prepare('SELECT id, name, generation, settings FROM hot_lists').all() as {
      id: number;
      name: string;
      generation: number;
      settings: string;
    }[];
    const hasRecordNumber = (generation: number): boolean =>
      generation <= 0 ||
      (db.prepare(`SELECT count(*) FROM pragma_table_info(?) WHERE name = 'record_number'`).pluck().get(generationTable(generation)) as number) > 0;
    lists = new Map(rows.map((r) => [r.id, {
      id: r.id, name: r.name, generation: r.generation, settings: settingsOf(r), hasRecordNumber: hasRecordNumber(r.generation),
    }]));
    const sql = hotListQueries([...lists.values()]);
    lookup = db.prepare(sql.lookup);
    patternsQuery = db.prepare(sql.patterns);
    seen = current;
  };

  /** Runs a query; a table dropped by another process meanwhile means: refresh and try once more. */
  const run = (which: () => Statement, params: Record<string, unknown>): EntryRow[] => {
    try {
      return which().all(params) as EntryRow[];
    } catch (error) {
      if (!/no such table/.test((error as Error).message)) throw error;
      refresh(true);
      return which().all(params) as EntryRow[];
    }
  };

  const toMatch = (row: EntryRow, reading: Reading, readState: string | null, kind: MatchKind, differing: number[]): HotListMatch => {
    const list = lists.get(row.list_id);
    const settings = list?.settings ?? settingsOf({ name: String(row.list_id), settings: '{}' });
    const meaning = codesOf(settings)[row.list_code];
    const entry: HotListEntryView = {
      id: row.id,
      listName: list?.name ?? String(row.list_id),
      plate: row.plate,
      state: row.state,
      listCode: row.list_code,
      category: meaning?.category ?? row.list_code,
      description: row.description,
      recordNumber: row.record_number,
    };
    return {
      entry,
      kind,
      differingPositions: differing,
      matchedPlate: reading.plate,
      covert: meaning?.covert ?? settings.covert,
      priority: meaning?.priority ?? settings.priority,
      otherState: readState !== null && row.state !== null && readState !== row.state,
      approximate: kind === 'lookalike' || kind === 'partial',
      alertTone: meaning?.tone ?? settings.tone,
      alertColour: meaning?.colour ?? settings.colour,
    };
  };

  return {
    match(read: ReadToMatch): HotListMatch[] {
      const at = now();
      const readState = read.state && /^[A-Z]{2}$/.test(read.state.toUpperCase()) ? read.state.toUpperCase() : null;
      const readings: Reading[] = [];
      const seen = new Set<string>();
      const add = (raw: string) => {
        const plate = normalisePlate(raw);
        if (plate !== null && !seen.has(plate)) {
          seen.add(plate);
          readings.push({ plate, rank: readings.length });
        }
      };
      add(read.plate);
      for (const c of read.candidates.slice(0, maxCandidates)) add(c.plate);
      if (readings.length === 0) return [];

      const best = new Map<number, Scored>();
      const offer = (row: EntryRow, reading: Reading, kind: MatchKind, differing: number[]) => {
        const match = toMatch(row, reading, readState, kind, differing);
        // Fewer differing characters first, then the better-ranked reading, then same state.
        const score = differing.length * 1000 + reading.rank * 10 + (match.otherState ? 1 : 0);
        const previous = best.get(row.id);
        if (!previous || score < previous.score) best.set(row.id, { match, score });
      };

      const byKey = new Map<string, Reading[]>();
      for (const reading of readings) {
        const key = foldPlate(reading.plate);
        const group = byKey.get(key);
        if (group) group.push(reading);
        else byKey.set(key, [reading]);
      }
      refresh(false);
      for (const [key, group] of byKey) {
        for (const row of run(() => lookup!, { key, now: at })) {
          for (const reading of group) {
            const differing = differingPositions(reading.plate, row.plate);
            const otherState = readState !== null && row.state !== null && readState !== row.state;
            const kind: MatchKind = differing.length > 0 ? 'lookalike' : otherState ? 'other-state' : 'exact';
            offer(row, reading, kind, differing);
          }
        }
      }
      for (const row of run(() => patternsQuery!, { now: at })) {
        let compiled = patternCache.get(row.plate);
        if (!compiled) {
          compiled = compilePattern(row.plate);
          if (patternCache.size > 4096) patternCache.clear();
          patternCache.set(row.plate, compiled);
        }
        for (const reading of readings) {
          const differing = compiled.match(reading.plate);
          if (differing !== null) offer(row, reading, 'partial', differing);
        }
      }
      return [...best.values()]
        .sort((a, b) => a.match.priority - b.match.priority || a.score - b.score || a.match.entry.id - b.match.entry.id)
        .map((s) => s.match);
    },
  };
}

/**
 * One alert per vehicle: matches of the same plate and state (several records
 * of one car, on one list or several) become the most urgent one, listing the
 * others. Covert matches stay apart and are never listed on a shown alert.
 * Expects matches in the matcher's order (most urgent first).
 */
export function groupByVehicle(matches: readonly HotListMatch[]): HotListMatch[] {
  const out: HotListMatch[] = [];
  const byVehicle = new Map<string, number>();
  for (const match of matches) {
    if (match.covert) {
      out.push(match);
      continue;
    }
    const key = `${match.entry.plate}\u0000${match.entry.state ?? ''}`;
    const at = byVehicle.get(key);
    if (at === undefined) {
      byVehicle.set(key, out.length);
      out.push(match);
      continue;
    }
    const first = out[at]!;
    const { entry } = match;
    const other = { listName: entry.listName, listCode: entry.listCode, category: entry.category, recordNumber: entry.recordNumber ?? null, description: entry.description };
    out[at] = { ...first, entry: { ...first.entry, otherRecords: [...(first.entry.otherRecords ?? []), other] } };
  }
  return out;
}
