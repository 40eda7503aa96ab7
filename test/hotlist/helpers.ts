/** Shared fixtures of the hot-list tests: a fresh database and temporary files. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openDatabase, type Db } from '../../src/main/engine/store/db.js';

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
export function ncicLine(code: string, plate: string, state: string, extra: { date?: string; colour?: string } = {}): string {
  return (
    code +
    '123456789' +
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

export const NCIC_HEADER = 'NCIC VEHICLE EXTRACT 20240101';

export function entryCount(db: Db, list: string): number {
  return db
    .prepare(
      `SELECT count(*) FROM hot_list_entries e JOIN hot_lists l ON l.id = e.list_id
       WHERE l.name = ? AND e.generation = l.generation`,
    )
    .pluck()
    .get(list) as number;
}

export function allRows(db: Db): number {
  return db.prepare('SELECT count(*) FROM hot_list_entries').pluck().get() as number;
}
