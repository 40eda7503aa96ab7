/**
 * Opens the car's SQLite database: WAL, synchronous=FULL so an acknowledged
 * write survives a power cut, foreign keys on, and migrations applied. A
 * database written by a newer version of the app is refused rather than touched.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrations, type Migration } from './migrations.js';

export type Db = Database.Database;

export class DatabaseVersionError extends Error {}

export function openDatabase(file: string, list: readonly Migration[] = migrations): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
  } catch (error) {
    throw new Error(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file, list);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
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
