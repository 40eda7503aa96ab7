/**
 * Imports a list file (NCIC fixed width, CSV or TSV) into the store, all or
 * nothing: entries are streamed into the list's next generation in large
 * transactions and only made current when every line parsed and no entry is
 * repeated. On any error the previous list stays in force, the error is
 * recorded on the list (so the car can show why) and the partial generation is
 * deleted. Memory stays flat: the file is read a chunk at a time.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/db.js';
import {
  DEFAULT_NCIC_LAYOUT,
  LIST_NAME_PATTERN,
  codesOf,
  defaultHotListsConfig,
  formatOf,
  listConfigSchema,
  parseListConfig,
  type ListConfig,
  type ListConfigInput,
  type ListFormat,
} from './config.js';
import { HotListImportError, HotListInputError } from './errors.js';
import { makeCsvParser, makeNcicParser, resolveCsvHeader, splitFields, type LineParser, type ParsedEntry } from './formats.js';
import { readLineBatches, type LineBatch } from './lines.js';
import { foldPlate, isPattern } from './plate.js';
import { audit, deleteOtherGenerations, ensureList, getList, recordListError, settingsOf } from './store.js';

export interface ImportProgress {
  readonly phase: 'import' | 'swap' | 'cleanup';
  readonly lines: number;
  readonly bytes: number;
  readonly totalBytes: number | null;
}

export interface ImportOptions {
  /** List to replace; default: the file name without its extension. */
  readonly list?: string;
  readonly format?: ListFormat;
  /** The list's settings; default: those stored with the list, else the defaults. */
  readonly config?: ListConfigInput;
  /** Where the list came from, recorded with it; default: the file's absolute path. */
  readonly source?: string;
  /** Name used in error messages; default: the file path. */
  readonly label?: string;
  /** Conditional-request state of the source, recorded on success (sync). */
  readonly sourceState?: { readonly etag?: string | null; readonly lastModified?: string | null; readonly stamp?: string | null };
  readonly userId?: string | null;
  readonly now?: () => number;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Partial plates in CSV lists must pin at least this many characters. */
  readonly minKnownCharacters?: number;
  /** Accept a file without entries (normally refused as a likely truncated download). */
  readonly allowEmpty?: boolean;
  /** Size of the file, for progress; looked up when not given. */
  readonly totalBytes?: number;
  /** Entries written per transaction (default 100,000): bigger is faster, smaller holds the database for less time. */
  readonly transactionRows?: number;
}

export interface ImportResult {
  readonly list: string;
  readonly format: ListFormat;
  readonly entries: number;
  /** Entries of the list this import replaced. */
  readonly replaced: number;
  /** Repeated entries dropped (only when the list's `duplicates` is "skip"). */
  readonly skippedDuplicates: number;
  readonly lines: number;
  readonly elapsedMs: number;
}

const TRANSACTION_ROWS = 100_000;

interface Row {
  readonly key: string;
  readonly entry: ParsedEntry;
  readonly line: number;
  readonly pattern: boolean;
}

function byKeyThenLine(a: Row, b: Row): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.line - b.line;
}
const running = new Set<string>();

/** A list name from a file name: its base name without extension, cleaned. */
export function listNameFromFile(file: string): string {
  const base = path.basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  const name = base.slice(0, 64);
  return LIST_NAME_PATTERN.test(name) ? name : 'hotlist';
}

function resolveConfig(db: Db, name: string, options: ImportOptions): ListConfig {
  if (options.config) return parseListConfig({ ...options.config, name });
  const stored = getList(db, name);
  if (stored) return settingsOf(stored);
  return listConfigSchema.parse({ name });
}

/** Spine entry point: a CSV list with header `plate,state,list_code,description`. */
export function importHotListCsv(db: Db, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  return importHotListFile(db, file, { ...options, format: options.format ?? 'csv' });
}

export function importHotListNcic(db: Db, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  return importHotListFile(db, file, { ...options, format: 'ncic' });
}

export async function importHotListFile(db: Db, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const t0 = performance.now();
  const label = options.label ?? file;
  const name = options.list ?? listNameFromFile(file);
  if (!LIST_NAME_PATTERN.test(name)) throw new HotListInputError(`list name "${name}": 1-64 letters, digits, "_", "-" or "."`);
  const config = resolveConfig(db, name, options);
  const format = options.format ?? formatOf(config, options.source ?? file);
  const source = options.source ?? path.resolve(file);

  const existing = getList(db, name);
  if (existing?.kind === 'manual') {
    throw new HotListInputError(`list "${name}" holds manual entries; import the file into another list`);
  }
  const transactionRows = options.transactionRows ?? TRANSACTION_ROWS;
  const lockKey = `${db.name}\u0000${name}`;
  if (running.has(lockKey)) throw new HotListInputError(`an import of list "${name}" is already running`);
  running.add(lockKey);
  const storedConfig: ListConfig = { ...config, format };
  const list = ensureList(db, name, { kind: 'imported', source, format, settings: storedConfig, now: started });
  const previousGeneration = list.generation;
  const generation = previousGeneration + 1;
  let wroteRows = false;
  try {
    // Leftovers of an import cut short (crash, power loss) are invisible but take space.
    await deleteOtherGenerations(db, list.id, previousGeneration);
    let totalBytes = options.totalBytes ?? null;
    if (totalBytes === null) {
      try {
        totalBytes = fs.statSync(file).size;
      } catch {
        totalBytes = null;
      }
    }
    const skipDuplicates = config.duplicates === 'skip';
    const insert = db.prepare(
      `INSERT ${skipDuplicates ? 'OR IGNORE ' : ''}INTO hot_list_entries
         (list_id, generation, plate, state, list_code, description, source_line, lookup_key, pattern, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const firstOccurrence = db.prepare(
      `SELECT source_line FROM hot_list_entries
       WHERE lookup_key = ? AND list_id = ? AND generation = ? AND plate = ? AND ifnull(state, '') = ? AND list_code = ?`,
    ).pluck();
    const codes = codesOf(config);
    const minKnown = options.minKnownCharacters ?? defaultHotListsConfig().manual.minKnownCharacters;
    let parse: LineParser | null = null;
    if (format === 'ncic') parse = makeNcicParser(config.ncic ?? DEFAULT_NCIC_LAYOUT, codes);
    const headerLines = format === 'ncic' ? (config.ncic ?? DEFAULT_NCIC_LAYOUT).headerLines : 0;
    const delimiter = config.csv?.delimiter ?? (format === 'tsv' ? '\t' : ',');

    let entries = 0;
    let skipped = 0;
    let lines = 0;
    let bytes = 0;
    let rows: Row[] = [];

    const csvParserFromHeader = (line: string, lineNo: number): LineParser => {
      const fields = splitFields(line, delimiter);
      if (typeof fields === 'string') throw new HotListImportError(label, lineNo, `header: ${fields}`);
      const columns = resolveCsvHeader(fields, config.csv ?? { columns: {} });
      if (typeof columns === 'string') throw new HotListImportError(label, lineNo, columns);
      return makeCsvParser(columns, {
        delimiter,
        codes,
        ...(config.csv?.defaultListCode !== undefined ? { defaultListCode: config.csv.defaultListCode } : {}),
        minKnownCharacters: minKnown,
      });
    };

    const parseBatch = (batch: LineBatch) => {
      const last = batch.lines.length - 1;
      for (let i = 0; i <= last; i++) {
        const lineNo = batch.firstLine + i;
        const line = batch.lines[i]!;
        if (lineNo <= headerLines) continue;
        if (parse === null) {
          if (line.trim() === '') continue;
          parse = csvParserFromHeader(line, lineNo);
          continue;
        }
        const entry = parse(line);
        if (entry === null) continue;
        if (typeof entry === 'string') {
          const cut = batch.lastLineUnterminated && i === last ? ' (the file ends in the middle of this line: truncated file?)' : '';
          throw new HotListImportError(label, lineNo, entry + cut);
        }
        const pattern = isPattern(entry.plate);
        rows.push({ key: pattern ? entry.plate : foldPlate(entry.plate), entry, line: lineNo, pattern });
      }
    };

    // Rows go in sorted by lookup key so each transaction walks the key index in
    // order instead of touching a random page per row.
    const writeRows = db.transaction((batch: Row[]) => {
      for (const row of batch) {
        const e = row.entry;
        try {
          const { changes } = insert.run(list.id, generation, e.plate, e.state, e.listCode, e.description, row.line, row.key, row.pattern ? 1 : 0, e.expiresAt);
          if (changes === 0) skipped++;
          else entries++;
        } catch (error) {
          if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
          const first = firstOccurrence.get(row.key, list.id, generation, e.plate, e.state ?? '', e.listCode) as number | undefined;
          throw new HotListImportError(label, Math.max(row.line, first ?? 0),
            `duplicate entry: plate ${e.plate} state ${e.state ?? '(none)'} code ${e.listCode} is already on line ${Math.min(row.line, first ?? row.line)}`);
        }
      }
    });

    const flush = () => {
      if (rows.length === 0) return;
      rows.sort(byKeyThenLine);
      wroteRows = true;
      writeRows(rows);
      rows = [];
      options.onProgress?.({ phase: 'import', lines, bytes, totalBytes });
    };

    for await (const batch of readLineBatches(file, { encoding: config.encoding, label })) {
      parseBatch(batch);
      lines = batch.firstLine + batch.lines.length - 1;
      bytes = batch.bytesRead;
      if (rows.length >= transactionRows) flush();
    }
    flush();

    if (parse === null && format !== 'ncic') throw new HotListImportError(label, null, 'the file is empty: no header row');
    if (entries === 0 && !options.allowEmpty) {
      throw new HotListImportError(label, null, 'the file has no entries (empty or truncated download?); the previous list stays');
    }

    options.onProgress?.({ phase: 'swap', lines, bytes, totalBytes });
    const finished = now();
    const replaced = db.transaction(() => {
      const current = getList(db, name);
      if (!current || current.generation !== previousGeneration) {
        throw new HotListImportError(label, null, `list "${name}" was replaced by another import meanwhile`);
      }
      const state = options.sourceState;
      db.prepare(
        `UPDATE hot_lists SET generation = ?, entry_count = ?, updated_at = ?, checked_at = ?, source = ?, format = ?,
           settings = ?, etag = ?, last_modified = ?, source_stamp = ?, last_error = NULL, last_error_at = NULL
         WHERE id = ?`,
      ).run(generation, entries, finished, finished, source, format, JSON.stringify(storedConfig),
        state?.etag ?? null, state?.lastModified ?? null, state?.stamp ?? null, list.id);
      audit(db, finished, options.userId ?? null, 'hotlist.import', {
        list: name, source, format, entries, replaced: current.entry_count, skippedDuplicates: skipped,
      });
      return current.entry_count;
    })();

    options.onProgress?.({ phase: 'cleanup', lines, bytes, totalBytes });
    await deleteOtherGenerations(db, list.id, generation);
    return { list: name, format, entries, replaced, skippedDuplicates: skipped, lines, elapsedMs: performance.now() - t0 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    try {
      recordListError(db, list.id, message, now());
      if (wroteRows) await deleteOtherGenerations(db, list.id, previousGeneration);
    } catch {
      // The original error matters more; leftovers are cleaned by the next import.
    }
    if (error instanceof HotListImportError || error instanceof HotListInputError) throw error;
    throw new HotListImportError(label, null, message);
  } finally {
    running.delete(lockKey);
  }
}
