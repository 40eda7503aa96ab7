/**
 * Matches a read against every hot list. Each distinct look-alike key among the
 * read's best reading and its OCR candidates is one indexed lookup that returns
 * the exact entry and every entry differing only by look-alike characters;
 * partial (wildcard) entries, few by nature, are matched in memory. Expired
 * entries never hit. Each entry hits at most once, through the reading that
 * agrees with it best.
 */
import type { HotListEntryView, MatchKind } from '../../../shared/contract.js';
import type { Db } from '../store/db.js';
import { codesOf, type ListConfig } from './config.js';
import { compilePattern, differingPositions, foldPlate, normalisePlate, type CompiledPattern } from './plate.js';
import { settingsOf } from './store.js';
import type { HotListMatch, HotListMatcher, ReadToMatch } from './types.js';

interface EntryRow {
  readonly id: number;
  readonly plate: string;
  readonly state: string | null;
  readonly list_code: string;
  readonly description: string;
  readonly list_id: number;
  readonly list_name: string;
  readonly settings: string;
}

const ENTRY_COLUMNS = `e.id, e.plate, e.state, e.list_code, e.description, e.list_id, l.name AS list_name, l.settings`;

/** The indexed lookup of one look-alike key (its plan is checked by a test). */
export const LOOKUP_SQL = `SELECT ${ENTRY_COLUMNS}
  FROM hot_list_entries e JOIN hot_lists l ON l.id = e.list_id
  WHERE e.lookup_key = ? AND e.generation = l.generation AND (e.expires_at IS NULL OR e.expires_at > ?)`;

/** The partial (wildcard) entries in force. */
export const PATTERNS_SQL = `SELECT ${ENTRY_COLUMNS}
  FROM hot_list_entries e JOIN hot_lists l ON l.id = e.list_id
  WHERE e.pattern = 1 AND e.generation = l.generation AND (e.expires_at IS NULL OR e.expires_at > ?)`;

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
  const lookup = db.prepare(LOOKUP_SQL);
  const patternsQuery = db.prepare(PATTERNS_SQL);
  const settingsCache = new Map<string, ListConfig>();
  const patternCache = new Map<string, CompiledPattern>();

  const settings = (row: EntryRow): ListConfig => {
    let s = settingsCache.get(row.settings);
    if (!s) {
      s = settingsOf({ name: row.list_name, settings: row.settings });
      if (settingsCache.size > 256) settingsCache.clear();
      settingsCache.set(row.settings, s);
    }
    return s;
  };

  const toMatch = (row: EntryRow, reading: Reading, readState: string | null, kind: MatchKind, differing: number[]): HotListMatch => {
    const list = settings(row);
    const meaning = codesOf(list)[row.list_code];
    const entry: HotListEntryView = {
      id: row.id,
      listName: row.list_name,
      plate: row.plate,
      state: row.state,
      listCode: row.list_code,
      category: meaning?.category ?? row.list_code,
      description: row.description,
    };
    return {
      entry,
      kind,
      differingPositions: differing,
      matchedPlate: reading.plate,
      covert: meaning?.covert ?? list.covert,
      priority: meaning?.priority ?? list.priority,
      otherState: readState !== null && row.state !== null && readState !== row.state,
      approximate: kind === 'lookalike' || kind === 'partial',
      alertTone: meaning?.tone ?? list.tone,
      alertColour: meaning?.colour ?? list.colour,
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
      for (const [key, group] of byKey) {
        for (const row of lookup.all(key, at) as EntryRow[]) {
          for (const reading of group) {
            const differing = differingPositions(reading.plate, row.plate);
            const otherState = readState !== null && row.state !== null && readState !== row.state;
            const kind: MatchKind = differing.length > 0 ? 'lookalike' : otherState ? 'other-state' : 'exact';
            offer(row, reading, kind, differing);
          }
        }
      }
      for (const row of patternsQuery.all(at) as EntryRow[]) {
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
