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
import { makeCsvParser, makeNcicParser, resolveCsvHeader, splitFields, type LineParser } from './formats.js';
import { readLineBatches } from './lines.js';
import { foldPlate, isPattern } from './plate.js';
import { audit, deleteOtherGenerations, ensureList, getList, recordListError, settingsOf } from './store.js';

export interface ImportProgress {
  readonly phase: 'import' | 'verify' | 'swap' | 'cleanup';
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
    const insert = db.prepare(
      `INSERT INTO hot_list_entries
         (list_id, generation, plate, state, list_code, description, source_line, lookup_key, pattern, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const codes = codesOf(config);
    const minKnown = options.minKnownCharacters ?? defaultHotListsConfig().manual.minKnownCharacters;
    let parse: LineParser | null = null;
    if (format === 'ncic') parse = makeNcicParser(config.ncic ?? DEFAULT_NCIC_LAYOUT, codes);
    const headerLines = format === 'ncic' ? (config.ncic ?? DEFAULT_NCIC_LAYOUT).headerLines : 0;
    const delimiter = config.csv?.delimiter ?? (format === 'tsv' ? '\t' : ',');

    let entries = 0;
    let lines = 0;
    let bytes = 0;
    let pending: { first: number; lines: string[]; unterminated: boolean }[] = [];
    let pendingRows = 0;

    const writeBatch = db.transaction((batches: typeof pending) => {
      for (const batch of batches) {
        const last = batch.lines.length - 1;
        for (let i = 0; i <= last; i++) {
          const lineNo = batch.first + i;
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
            const cut = batch.unterminated && i === last ? ' (the file ends in the middle of this line: truncated file?)' : '';
            throw new HotListImportError(label, lineNo, entry + cut);
          }
          const pattern = isPattern(entry.plate);
          insert.run(list.id, generation, entry.plate, entry.state, entry.listCode, entry.description, lineNo,
            pattern ? null : foldPlate(entry.plate), pattern ? 1 : 0, entry.expiresAt);
          entries++;
        }
      }
    });

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

    const flush = () => {
      if (pending.length === 0) return;
      wroteRows = true;
      writeBatch(pending);
      pending = [];
      pendingRows = 0;
      options.onProgress?.({ phase: 'import', lines, bytes, totalBytes });
    };

    for await (const batch of readLineBatches(file, { encoding: config.encoding, label })) {
      pending.push({ first: batch.firstLine, lines: batch.lines, unterminated: batch.lastLineUnterminated });
      pendingRows += batch.lines.length;
      lines = batch.firstLine + batch.lines.length - 1;
      bytes = batch.bytesRead;
      if (pendingRows >= TRANSACTION_ROWS) flush();
    }
    flush();

    if (parse === null && format !== 'ncic') throw new HotListImportError(label, null, 'the file is empty: no header row');
    if (entries === 0 && !options.allowEmpty) {
      throw new HotListImportError(label, null, 'the file has no entries (empty or truncated download?); the previous list stays');
    }

    options.onProgress?.({ phase: 'verify', lines, bytes, totalBytes });
    let skipped = 0;
    const duplicate = db
      .prepare(
        `SELECT plate, state, list_code AS listCode, min(source_line) AS first, max(source_line) AS again
         FROM hot_list_entries WHERE list_id = ? AND generation = ?
         GROUP BY lookup_key, plate, state, list_code HAVING count(*) > 1
         ORDER BY again LIMIT 1`,
      )
      .get(list.id, generation) as { plate: string; state: string | null; listCode: string; first: number; again: number } | undefined;
    if (duplicate) {
      if (config.duplicates === 'reject') {
        throw new HotListImportError(label, duplicate.again,
          `duplicate entry: plate ${duplicate.plate} state ${duplicate.state ?? '(none)'} code ${duplicate.listCode} is already on line ${duplicate.first}`);
      }
      skipped = db
        .prepare(
          `DELETE FROM hot_list_entries WHERE list_id = @list AND generation = @generation AND rowid NOT IN (
             SELECT min(rowid) FROM hot_list_entries WHERE list_id = @list AND generation = @generation
             GROUP BY lookup_key, plate, state, list_code)`,
        )
        .run({ list: list.id, generation }).changes;
      entries -= skipped;
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
