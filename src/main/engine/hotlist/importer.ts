/**
 * Imports a list file (NCIC fixed width, CSV or TSV) into the store, all or
 * nothing: entries are streamed into a new generation table in large
 * transactions, indexed once loaded (the unique index also proves no entry is
 * repeated), and only then made current. On any error the previous list stays
 * in force, the error is recorded on the list (so the car can show why) and the
 * new table is dropped. Memory stays flat: the file is read a chunk at a time.
 */
import { audit } from '../governance/audit.js';
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
import { readLineBatches, type LineBatch } from './lines.js';
import { foldPlate, isPattern } from './plate.js';
import {
  ENTRY_ID_BLOCK,
  bumpHotListVersion,
  createGeneration,
  dropGeneration,
  dropStaleGenerations,
  ensureList,
  finishLoading,
  generationTable,
  getList,
  recordListError,
  settingsOf,
  type HotListRow,
} from './store.js';

export interface ImportProgress {
  readonly phase: 'import' | 'index' | 'swap' | 'cleanup';
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
const running = new Set<string>();

/** Identifies a version of a file: size and modification time. */
export function fileStamp(stat: fs.Stats): string {
  return `${stat.size}:${Math.trunc(stat.mtimeMs)}`;
}

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
  let list: HotListRow | undefined;
  let generation = 0;
  try {
    list = ensureList(db, name, { kind: 'imported', source, format, settings: storedConfig, now: started });
    const previousGeneration = list.generation;
    // Tables left by an import cut short (crash, power loss) are invisible but take space.
    dropStaleGenerations(db);
    generation = createGeneration(db, list.id, started);
    const table = generationTable(generation);
    const idBase = generation * ENTRY_ID_BLOCK;

    let totalBytes = options.totalBytes ?? null;
    // A file imported directly is remembered like a sync would, so syncing the same file again is a no-op.
    let sourceState = options.sourceState;
    try {
      const stat = fs.statSync(file);
      totalBytes ??= stat.size;
      sourceState ??= { stamp: fileStamp(stat) };
    } catch {
      // Reading the file will report the problem.
    }
    const insert = db.prepare(
      `INSERT INTO ${table} (id, plate, state, list_code, description, lookup_key, pattern, expires_at, source_line)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    let pending: LineBatch[] = [];
    let pendingLines = 0;

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

    const writeBatches = db.transaction((batches: LineBatch[]) => {
      for (const batch of batches) {
        const last = batch.lines.length - 1;
        for (let i = 0; i <= last; i++) {
          const lineNo = batch.firstLine + i;
          const line = batch.lines[i]!;
          if (lineNo <= headerLines) {
            // A file without the header would silently lose its first record.
            const asRecord = parse?.(line);
            if (asRecord && typeof asRecord === 'object') {
              throw new HotListImportError(label, lineNo, 'this header line is a valid record; if the file has no header, set "headerLines": 0 in the list\'s "ncic" settings');
            }
            continue;
          }
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
          entries++;
          insert.run(idBase + entries, entry.plate, entry.state ?? '', entry.listCode, entry.description,
            pattern ? entry.plate : foldPlate(entry.plate), pattern ? 1 : 0, entry.expiresAt, lineNo);
        }
      }
    });

    const flush = () => {
      if (pending.length === 0) return;
      writeBatches(pending);
      pending = [];
      pendingLines = 0;
      options.onProgress?.({ phase: 'import', lines, bytes, totalBytes });
    };

    for await (const batch of readLineBatches(file, { encoding: config.encoding, label })) {
      pending.push(batch);
      pendingLines += batch.lines.length;
      lines = batch.firstLine + batch.lines.length - 1;
      bytes = batch.bytesRead;
      if (pendingLines >= transactionRows) flush();
    }
    flush();

    if (parse === null && format !== 'ncic') throw new HotListImportError(label, null, 'the file is empty: no header row');
    if (entries === 0 && !options.allowEmpty) {
      throw new HotListImportError(label, null, 'the file has no entries (empty or truncated download?); the previous list stays');
    }

    options.onProgress?.({ phase: 'index', lines, bytes, totalBytes });
    let skipped = 0;
    if (config.duplicates === 'skip') {
      skipped = db
        .prepare(`DELETE FROM ${table} WHERE id NOT IN (SELECT min(id) FROM ${table} GROUP BY lookup_key, plate, state, list_code)`)
        .run().changes;
      entries -= skipped;
    }
    try {
      db.exec(`CREATE UNIQUE INDEX ${table}_key ON ${table} (lookup_key, plate, state, list_code)`);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
      // Only on failure: find the first line that repeats an earlier one.
      const duplicate = db
        .prepare(
          `SELECT plate, state, list_code AS listCode, first, source_line AS again FROM (
             SELECT plate, state, list_code, source_line, min(source_line) OVER w AS first, row_number() OVER w AS n
             FROM ${table} WINDOW w AS (PARTITION BY lookup_key, plate, state, list_code ORDER BY source_line))
           WHERE n = 2 ORDER BY again LIMIT 1`,
        )
        .get() as { plate: string; state: string; listCode: string; first: number; again: number } | undefined;
      if (!duplicate) throw error;
      throw new HotListImportError(label, duplicate.again,
        `duplicate entry: plate ${duplicate.plate} state ${duplicate.state || '(none)'} code ${duplicate.listCode} is already on line ${duplicate.first}`);
    }
    db.exec(`CREATE INDEX ${table}_patterns ON ${table} (id) WHERE pattern = 1`);

    options.onProgress?.({ phase: 'swap', lines, bytes, totalBytes });
    const finished = now();
    const listId = list.id;
    const replaced = db.transaction(() => {
      const current = getList(db, name);
      if (!current || current.generation !== previousGeneration) {
        throw new HotListImportError(label, null, `list "${name}" was replaced by another import meanwhile`);
      }
      const state = sourceState;
      db.prepare(
        `UPDATE hot_lists SET generation = ?, entry_count = ?, updated_at = ?, checked_at = ?, source = ?, format = ?,
           settings = ?, etag = ?, last_modified = ?, source_stamp = ?, last_error = NULL, last_error_at = NULL
         WHERE id = ?`,
      ).run(generation, entries, finished, finished, source, format, JSON.stringify(storedConfig),
        state?.etag ?? null, state?.lastModified ?? null, state?.stamp ?? null, listId);
      db.prepare(`UPDATE hot_list_generations SET status = 'retired' WHERE list_id = ? AND status = 'current'`).run(listId);
      db.prepare(`UPDATE hot_list_generations SET status = 'current', entries = ? WHERE id = ?`).run(entries, generation);
      // Entries of this list from before generations existed.
      db.prepare('DELETE FROM hot_list_entries WHERE list_id = ?').run(listId);
      audit(db, {
        userId: options.userId ?? null,
        action: 'hotlist.import',
        detail: { list: name, source, format, entries, replaced: current.entry_count, skippedDuplicates: skipped },
      }, finished);
      return current.entry_count;
    })();
    finishLoading(generation);
    bumpHotListVersion(db);

    options.onProgress?.({ phase: 'cleanup', lines, bytes, totalBytes });
    dropStaleGenerations(db);
    return { list: name, format, entries, replaced, skippedDuplicates: skipped, lines, elapsedMs: performance.now() - t0 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    try {
      if (list) recordListError(db, list.id, message, now());
      if (generation > 0 && getList(db, name)?.generation !== generation) dropGeneration(db, generation);
    } catch {
      // The original error matters more; a table left behind is dropped by the next import.
    }
    if (error instanceof HotListImportError || error instanceof HotListInputError) throw error;
    throw new HotListImportError(label, null, message);
  } finally {
    if (generation > 0) finishLoading(generation);
    running.delete(lockKey);
  }
}
