/**
 * The car's database at start-up: a quick check of every page (PRAGMA
 * quick_check), and a file found damaged (or marked damaged while running, on
 * SQLITE_CORRUPT) is moved aside intact, with its WAL, for the agency, and a
 * fresh database is started so the car keeps working. A wrong key or a newer
 * schema is never taken for damage: those are refused and the file left alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { audit } from '../governance/audit.js';
import { logger } from '../log.js';
import { checkIntegrity, databaseFileKind, DatabaseVersionError, openDatabase, type Db } from './db.js';
import { DatabaseKeyError, type DbKey } from './key.js';

const log = logger('store');

export interface ReplacedDatabase {
  /** Where the damaged file now is (its -wal beside it). */
  readonly movedTo: string;
  /** What the check found (the first lines). */
  readonly problems: readonly string[];
  readonly at: number;
}

export interface OpenedCarDatabase {
  readonly db: Db;
  /** Set when the file was found damaged and a fresh one started. */
  readonly replaced: ReplacedDatabase | null;
}

/** The marker a running engine leaves when the database reports SQLITE_CORRUPT. */
export function damageMarker(file: string): string {
  return `${file}.damaged`;
}

export function markDamaged(file: string, error: Error, now: number): void {
  try {
    fs.writeFileSync(damageMarker(file), `${new Date(now).toISOString()} ${error.message}\n`, { flag: 'a' });
  } catch (writeError) {
    log.error({ file, err: (writeError as Error).message }, 'could not mark the database damaged');
  }
}

function problemsOf(file: string, key: DbKey | null): string[] {
  const problems: string[] = [];
  const marker = damageMarker(file);
  if (fs.existsSync(marker)) problems.push(`found damaged while running: ${fs.readFileSync(marker, 'utf8').trim().split('\n')[0]}`);
  if (databaseFileKind(file) !== 'encrypted') return problems;
  let db: Db;
  try {
    db = openDatabase(file, undefined, { key, migrate: false });
  } catch (error) {
    if (error instanceof DatabaseKeyError || error instanceof DatabaseVersionError) throw error;
    const code = String((error as { code?: unknown }).code);
    if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return [...problems, (error as Error).message];
    throw error;
  }
  try {
    problems.push(...checkIntegrity(db, 'quick'));
  } catch (error) {
    const code = String((error as { code?: unknown }).code);
    if (!/^SQLITE_(CORRUPT|NOTADB)/.test(code)) throw error;
    problems.push((error as Error).message);
  } finally {
    db.close();
  }
  return problems;
}

function moveAside(file: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const movedTo = `${file}.damaged-${stamp}`;
  // The WAL goes with the file (SQLite finds it by name), so what was written stays readable.
  for (const suffix of ['-wal', '-shm']) if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, movedTo + suffix);
  fs.renameSync(file, movedTo);
  fs.rmSync(damageMarker(file), { force: true });
  const dir = fs.openSync(path.dirname(path.resolve(file)), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
  return movedTo;
}

/** Opens the car's database after a quick check; a damaged one is moved aside and a fresh one started (audited). */
export function openCarDatabase(file: string, key: DbKey | null, now: number): OpenedCarDatabase {
  const started = Date.now();
  const problems = problemsOf(file, key);
  let replaced: ReplacedDatabase | null = null;
  if (problems.length > 0) {
    const movedTo = moveAside(file, now);
    replaced = { movedTo, problems: problems.slice(0, 20), at: now };
    log.error({ file, movedTo, problems: replaced.problems }, 'the database is damaged: moved aside intact and a fresh one started; tell an administrator');
  }
  const db = openDatabase(file, undefined, { key });
  if (replaced) audit(db, { userId: null, action: 'storage.database-replaced', detail: { movedTo: replaced.movedTo, problems: replaced.problems } }, now);
  log.info({ file, checkMs: Date.now() - started }, 'database checked and opened');
  return { db, replaced };
}
