/**
 * Opens the car's SQLite database, encrypted at rest in the SQLCipher 4
 * format: WAL (whose pages are encrypted too), synchronous=FULL so an
 * acknowledged write survives a power cut, temporary tables and indices kept
 * in memory (never in a plain temp file), foreign keys on, and migrations
 * applied. A database written by a newer version of the app is refused rather
 * than touched. A wrong or missing key is refused before anything is written;
 * a plain database left by an older version is encrypted once, in place.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import fs from 'node:fs';
import path from 'node:path';
import { logger } from '../log.js';
import { DatabaseKeyError, KEY_HELP, keyFromEnvironment, keyLiteral, type DbKey } from './key.js';
import { migrations, type Migration } from './migrations.js';

export type Db = Database.Database;

export class DatabaseVersionError extends Error {}

export interface OpenOptions {
  /** The key; default $LPR_DB_KEY. null: no key (refused for a file). */
  readonly key?: DbKey | null;
  /** Open read-only and apply no migration (inspection). */
  readonly readonly?: boolean;
  /** Apply the migrations (default); false opens the file as it is, for a check. */
  readonly migrate?: boolean;
}

const log = logger('store');
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** What a database file holds before it is opened. */
export function databaseFileKind(file: string): 'missing' | 'plain' | 'encrypted' {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new Error(`cannot read database ${file}: ${(error as Error).message}`);
  }
  try {
    const head = Buffer.alloc(16);
    const n = fs.readSync(fd, head, 0, 16, 0);
    if (n === 0) return 'missing';
    return n === 16 && head.equals(SQLITE_HEADER) ? 'plain' : 'encrypted';
  } finally {
    fs.closeSync(fd);
  }
}

/** SQLCipher 4 settings, then the key: every connection to the file starts so. */
export function applyKey(db: Db, key: DbKey): void {
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.pragma(`key = ${keyLiteral(key)}`);
}

function resolveKey(file: string, options: OpenOptions): DbKey {
  const key = options.key !== undefined ? options.key : keyFromEnvironment();
  if (!key) throw new DatabaseKeyError(`database ${file} is kept encrypted and no key was given: ${KEY_HELP}`);
  return key;
}

/** Reads page 1 with the key: a wrong key fails here, before anything is written. */
function proveKey(db: Db, file: string, key: DbKey): void {
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') {
      throw new DatabaseKeyError(`cannot open database ${file}: the key from ${key.from} does not open it (wrong key, or not a patrol-lpr database); the file was left unchanged`);
    }
    throw new Error(`cannot open database ${file}: ${(error as Error).message}`);
  }
}

export function openDatabase(file: string, list: readonly Migration[] = migrations, options: OpenOptions = {}): Db {
  if (file === ':memory:') return configure(new Database(file), file, list, options);
  const key = resolveKey(file, options);
  if (!options.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (databaseFileKind(file) === 'plain') {
    if (options.readonly) throw new DatabaseKeyError(`database ${file} is not encrypted yet; open it once with the app (or any lpr command that writes) to encrypt it`);
    encryptInPlace(file, key);
  }
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new Error(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    applyKey(db, key);
    proveKey(db, file, key);
    return configure(db, file, list, options);
  } catch (error) {
    db.close();
    throw error;
  }
}

function configure(db: Db, file: string, list: readonly Migration[], options: OpenOptions): Db {
  try {
    db.pragma('temp_store = MEMORY');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      // A new file gives freed pages back to the disk on request (see store/recorder.ts);
      // this can only be chosen before the first table is made.
      if (options.migrate !== false && schemaVersion(db) === 0 && (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n === 0) db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      if (options.migrate !== false) migrate(db, file, list);
    }
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function removeIfThere(p: string): void {
  fs.rmSync(p, { force: true });
}

/**
 * Encrypts a plain database once, crash-safely: its WAL is folded in, an
 * encrypted copy is written beside it and proven to open with the key, synced
 * to disk, then renamed over the original. A crash before the rename leaves
 * the plain file as it was (the next start does it again); after, the
 * encrypted one.
 */
export function encryptInPlace(file: string, key: DbKey): void {
  const scratch = `${file}.encrypting`;
  for (const p of [scratch, `${scratch}-journal`, `${scratch}-wal`, `${scratch}-shm`]) removeIfThere(p);
  const plain = new Database(file, { fileMustExist: true });
  try {
    // Back to a rollback journal: every WAL frame is written into the file and the WAL removed.
    plain.pragma('journal_mode = DELETE');
  } finally {
    plain.close();
  }
  fs.copyFileSync(file, scratch);
  const copy = new Database(scratch, { fileMustExist: true });
  try {
    copy.pragma(`cipher = 'sqlcipher'`);
    copy.pragma('legacy = 4');
    copy.pragma(`rekey = ${keyLiteral(key)}`);
  } finally {
    copy.close();
  }
  const check = new Database(scratch, { fileMustExist: true });
  try {
    applyKey(check, key);
    const result = check.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new Error(`the encrypted copy ${scratch} failed its check (${String(result)}); the plain database was left as it was`);
  } finally {
    check.close();
  }
  fsyncPath(scratch);
  fs.renameSync(scratch, file);
  fsyncPath(path.dirname(path.resolve(file)));
  log.warn({ file }, 'plain database encrypted in place');
}

/**
 * Changes the key of an open database. The pages are rewritten under a
 * rollback journal (the cipher library cannot rekey in WAL mode), so a crash
 * midway leaves the database under its old key.
 */
export function rekeyDatabase(db: Db, newKey: DbKey): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('journal_mode = DELETE');
  try {
    db.pragma(`rekey = ${keyLiteral(newKey)}`);
  } finally {
    db.pragma('journal_mode = WAL');
  }
}

/** PRAGMA integrity_check (full) or quick_check: the problems found, empty when sound. */
export function checkIntegrity(db: Db, kind: 'full' | 'quick'): string[] {
  const rows = db.pragma(kind === 'full' ? 'integrity_check' : 'quick_check') as Record<string, string>[];
  const lines = rows.map((row) => String(Object.values(row)[0]));
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, file: string, list: readonly Migration[] = migrations): void {
  const current = schemaVersion(db);
  const latest = list.length === 0 ? 0 : list[list.length - 1]!.version;
  if (current > latest) {
    throw new DatabaseVersionError(
      `database ${file} has schema version ${current}, newer than this app understands (${latest}); update the app instead of opening it`,
    );
  }
  for (const migration of list) {
    if (migration.version <= current) continue;
    const apply = db.transaction(() => {
      db.exec(migration.sql);
      migration.after?.(db);
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      apply();
    } catch (error) {
      throw new Error(`migration ${migration.version} (${migration.name}) failed on ${file}: ${(error as Error).message}`);
    }
  }
}
