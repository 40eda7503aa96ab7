/** Shared fixtures of the hot-list tests: a fresh database and temporary files. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openDatabase, type Db } from '../../src/main/engine/store/db.js';
import { generationTable } from '../../src/main/engine/hotlist/store.js';

const cleanups: (() => void)[] = [];

afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-hotlist-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function freshDb(): { db: Db; dir: string } {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 'lpr.sqlite'));
  cleanups.push(() => db.close());
  return { db, dir };
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** One NCIC record in the default layout. */
export function ncicLine(code: string, plate: string, state: string, extra: { date?: string; colour?: string; nic?: string } = {}): string {
  return (
    code +
    (extra.nic ?? '123456789') +
    'LA0570200' +
    (extra.date ?? '20190509') +
    plate.padEnd(10, ' ') +
    state.padEnd(2, ' ') +
    '2009' +
    'MC' +
    '2009' +
    'YAMA' +
    'CYL' +
    'MC' +
    (extra.colour ?? 'BLK')
  );
}

/** A header without a date: the list's age comes from the file's mtime (or the server). */
export const NCIC_HEADER = 'NCIC VEHICLE EXTRACT';

/** Entries of the list in force. */
export function entryCount(db: Db, list: string): number {
  const row = db.prepare('SELECT id, generation FROM hot_lists WHERE name = ?').get(list) as { id: number; generation: number } | undefined;
  if (!row) return 0;
  if (row.generation === 0) return db.prepare('SELECT count(*) FROM hot_list_entries WHERE list_id = ?').pluck().get(row.id) as number;
  return db.prepare(`SELECT count(*) FROM ${generationTable(row.generation)}`).pluck().get() as number;
}

/** Every entry row stored, in force or not: proves nothing was half-imported or left behind. */
export function allRows(db: Db): number {
  let total = db.prepare('SELECT count(*) FROM hot_list_entries').pluck().get() as number;
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name GLOB 'hot_list_gen_[0-9]*'").pluck().all() as string[];
  for (const table of tables) total += db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return total;
}

/** All rows of the list in force, in file order. */
export function listRows(db: Db, list: string): { plate: string; state: string | null; list_code: string; description: string }[] {
  const row = db.prepare('SELECT id, generation FROM hot_lists WHERE name = ?').get(list) as { id: number; generation: number };
  return db
    .prepare(`SELECT plate, nullif(state, '') AS state, list_code, description FROM ${generationTable(row.generation)} ORDER BY source_line`)
    .all() as { plate: string; state: string | null; list_code: string; description: string }[];
}
