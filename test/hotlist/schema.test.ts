import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addManualEntry, hotListQueries, importHotListCsv } from '../../src/main/engine/hotlist/index.js';
import { createGeneration, dropStaleGenerations } from '../../src/main/engine/hotlist/store.js';
import { openDatabase, schemaVersion, type Db } from '../../src/main/engine/store/db.js';
import { migrations } from '../../src/main/engine/store/migrations.js';
import { allRows, freshDb, tempDir, writeFile } from './helpers.js';

function plan(db: Db, sql: string, params: Record<string, unknown>): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail);
}

function queriesOf(db: Db) {
  return hotListQueries(db.prepare('SELECT id, generation FROM hot_lists').all() as { id: number; generation: number }[]);
}

describe('hot-list schema', () => {
  it('looks every list up through an index (EXPLAIN QUERY PLAN)', async () => {
    const { db, dir } = freshDb();
    await importHotListCsv(db, writeFile(dir, 'a.csv', 'plate,state,list_code\nAAA111,CA,V\nAB*1,,V\n'), { list: 'a' });
    await importHotListCsv(db, writeFile(dir, 'b.csv', 'plate,state,list_code\nBBB222,CA,V\n'), { list: 'b' });
    addManualEntry(db, { plate: 'CCC333', reason: 'r', enteredBy: 'u' });
    db.exec('ANALYZE');
    const { lookup, patterns } = queriesOf(db);
    const lookupPlan = plan(db, lookup, { key: '8A8C120', now: Date.now() });
    const searches = lookupPlan.filter((d) => /^(SEARCH|SCAN)/.test(d));
    expect(searches.filter((d) => /USING (COVERING )?INDEX hot_list_gen_\d+_key \(lookup_key=\?\)/.test(d))).toHaveLength(2);
    expect(lookupPlan.some((d) => /SEARCH e USING INDEX hot_list_entries_key \(lookup_key=\?\)/.test(d))).toBe(true);
    expect(searches.filter((d) => d.startsWith('SCAN'))).toEqual([]);
    const patternPlan = plan(db, patterns, { now: Date.now() });
    expect(patternPlan.filter((d) => /USING (COVERING )?INDEX hot_list_gen_\d+_patterns/.test(d))).toHaveLength(2);
    expect(patternPlan.some((d) => /hot_list_entries_patterns/.test(d))).toBe(true);
    // Scanning a partial index reads only the pattern rows, never the whole list.
    expect(patternPlan.filter((d) => /^(SCAN|SEARCH)/.test(d) && !/USING (COVERING )?INDEX|INTEGER PRIMARY KEY/.test(d))).toEqual([]);
  });

  it('drops the tables of imports that died, but not of one still loading', () => {
    const { db } = freshDb();
    db.exec(`INSERT INTO hot_lists (id, name, source, updated_at) VALUES (1, 'x', 'x', 0)`);
    const mine = createGeneration(db, 1, 0);
    db.prepare(`INSERT INTO hot_list_generations (list_id, status, owner_pid, started_at) VALUES (1, 'loading', 2147483646, 0)`).run();
    const dead = Number(db.prepare('SELECT max(id) FROM hot_list_generations').pluck().get());
    db.exec(`CREATE TABLE hot_list_gen_${dead} (id INTEGER PRIMARY KEY) STRICT`);
    expect(dropStaleGenerations(db)).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name GLOB 'hot_list_gen_[0-9]*'").pluck().all();
    expect(tables).toEqual([`hot_list_gen_${mine}`]);
    expect(allRows(db)).toBe(0);
  });

  it('migration 2 keys the entries a migration-1 database already holds', () => {
    const dir = tempDir();
    const file = path.join(dir, 'old.sqlite');
    const v1 = openDatabase(file, migrations.filter((m) => m.version === 1));
    v1.exec(`INSERT INTO hot_lists (id, name, source, updated_at, entry_count) VALUES (1, 'old', 'file', 1000, 2)`);
    v1.exec(`INSERT INTO hot_list_entries (list_id, plate, state, list_code) VALUES (1, 'BOL1', 'CA', 'V'), (1, 'AB*', NULL, 'V')`);
    v1.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(2);
    expect(db.prepare('SELECT plate, lookup_key, pattern FROM hot_list_entries ORDER BY id').all()).toEqual([
      { plate: 'BOL1', lookup_key: '8011', pattern: 0 },
      { plate: 'AB*', lookup_key: 'AB*', pattern: 1 },
    ]);
    expect(db.prepare('SELECT checked_at, kind, generation FROM hot_lists').get()).toEqual({ checked_at: 1000, kind: 'imported', generation: 0 });
    db.close();
  });
});
