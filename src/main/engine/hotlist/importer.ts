/**
 * Imports a list file (NCIC fixed width, CSV or TSV) into the store, all or
 * nothing: entries are streamed into a new generation table in large
 * transactions, indexed once loaded, and only then made current. Agencies send
 * several records for one plate (one per NIC), so every record is kept; only a
 * line repeated byte for byte is dropped, and counted. On any error the previous list stays
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
import { faultOf, HotListImportError, HotListInputError } from './errors.js';
import { extractDateOf, makeCsvParser, makeNcicParser, resolveCsvHeader, splitFields, type LineParser } from './formats.js';
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
  CLEAR_LIST_ERROR,
  type DataDate,
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
  /**
   * The date of the data when the file's own mtime is not it (a download: the server's
   * Last-Modified). A date in the extract's header wins over both.
   */
  readonly dataDate?: DataDate;
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
  /** Lines dropped because they repeat an earlier line byte for byte. */
  readonly skippedDuplicates: number;
  readonly lines: number;
  readonly elapsedMs: number;
  /** The date of the data now in force, and where it comes from. */
  readonly dataDate: DataDate;
}

const TRANSACTION_ROWS = 100_000;

/**
 * A 53-bit hash of a line (two 32-bit multiplicative hashes), stored with each
 * entry so that lines repeated byte for byte can be found through the index
 * without keeping the text. Two different lines only count as repeats when
 * their hashes and every parsed field agree.
 */
export function lineHash(line: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0) * 2 ** 21 + ((h2 >>> 0) >>> 11);
}
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
    let dataDate: DataDate = options.dataDate ?? { at: started, from: 'download' };
    try {
      const stat = fs.statSync(file);
      totalBytes ??= stat.size;
      sourceState ??= { stamp: fileStamp(stat) };
      if (!options.dataDate) dataDate = { at: Math.trunc(stat.mtimeMs), from: 'file' };
    } catch {
      // Reading the file will report the problem.
    }
    const insert = db.prepare(
      `INSERT INTO ${table} (id, plate, state, list_code, description, lookup_key, pattern, expires_at, source_line, record_number, line_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
            const extractDate = extractDateOf(line);
            if (extractDate !== null && dataDate.from !== 'extract') dataDate = { at: extractDate, from: 'extract' };
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
            pattern ? entry.plate : foldPlate(entry.plate), pattern ? 1 : 0, entry.expiresAt, lineNo, entry.recordNumber, lineHash(line));
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

    if (parse === null && format !== 'ncic') throw new HotListImportError(label, null, 'the file is empty: no header row', 'empty');
    if (entries === 0 && !options.allowEmpty) {
      throw new HotListImportError(label, null, 'the file has no entries (empty or truncated download?); the previous list stays', 'empty');
    }

    options.onProgress?.({ phase: 'index', lines, bytes, totalBytes });
    // The lookup index is unique on (key, line hash): building it is the check for repeated
    // lines, at no extra cost when there are none (the usual case).
    let skipped = 0;
    try {
      db.exec(`CREATE UNIQUE INDEX ${table}_key ON ${table} (lookup_key, line_hash)`);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
      skipped = db
        .prepare(
          `DELETE FROM ${table} WHERE id IN (SELECT id FROM (
             SELECT id, row_number() OVER (PARTITION BY lookup_key, line_hash, plate, state, list_code, description,
               record_number, expires_at ORDER BY id) AS n FROM ${table}) WHERE n > 1)`,
        )
        .run().changes;
      entries -= skipped;
      // Left only if two different lines share a hash and a key: keep both, unique or not.
      db.exec(`CREATE INDEX ${table}_key ON ${table} (lookup_key, line_hash)`);
    }
    db.exec(`CREATE INDEX ${table}_patterns ON ${table} (id) WHERE pattern = 1`);

    options.onProgress?.({ phase: 'swap', lines, bytes, totalBytes });
    const finished = now();
    const listId = list.id;
    const replaced = db.transaction(() => {
      const current = getList(db, name);
      if (!current || current.generation !== previousGeneration) {
        throw new HotListImportError(label, null, `list "${name}" was replaced by another import meanwhile`, 'unexpected');
      }
      const state = sourceState;
      db.prepare(
        `UPDATE hot_lists SET generation = ?, entry_count = ?, updated_at = ?, checked_at = ?, source = ?, format = ?,
           settings = ?, etag = ?, last_modified = ?, source_stamp = ?, ${CLEAR_LIST_ERROR}, data_at = ?, data_from = ?
         WHERE id = ?`,
      ).run(generation, entries, finished, finished, source, format, JSON.stringify(storedConfig),
        state?.etag ?? null, state?.lastModified ?? null, state?.stamp ?? null, dataDate.at, dataDate.from, listId);
      db.prepare(`UPDATE hot_list_generations SET status = 'retired' WHERE list_id = ? AND status = 'current'`).run(listId);
      db.prepare(`UPDATE hot_list_generations SET status = 'current', entries = ? WHERE id = ?`).run(entries, generation);
      // Entries of this list from before generations existed.
      db.prepare('DELETE FROM hot_list_entries WHERE list_id = ?').run(listId);
      audit(db, {
        userId: options.userId ?? null,
        action: 'hotlist.import',
        detail: { list: name, source, format, entries, replaced: current.entry_count, skippedDuplicates: skipped, dataAt: dataDate.at, dataFrom: dataDate.from },
      }, finished);
      return current.entry_count;
    })();
    finishLoading(generation);
    bumpHotListVersion(db);

    options.onProgress?.({ phase: 'cleanup', lines, bytes, totalBytes });
    dropStaleGenerations(db);
    return { list: name, format, entries, replaced, skippedDuplicates: skipped, lines, elapsedMs: performance.now() - t0, dataDate };
  } catch (error) {
    // Any other error (the database's, the disk's) is named with the file it met, keeping its kind.
    const failure = error instanceof HotListImportError || error instanceof HotListInputError
      ? error
      : new HotListImportError(label, null, error instanceof Error ? error.message : String(error), faultOf(error).kind);
    try {
      if (list) recordListError(db, list.id, faultOf(failure), now());
      if (generation > 0 && getList(db, name)?.generation !== generation) dropGeneration(db, generation);
    } catch {
      // The original error matters more; a table left behind is dropped by the next import.
    }
    throw failure;
  } finally {
    if (generation > 0) finishLoading(generation);
    running.delete(lockKey);
  }
}
