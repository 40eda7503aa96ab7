import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOOKUP_SQL, PATTERNS_SQL } from '../../src/main/engine/hotlist/index.js';
import { openDatabase, schemaVersion } from '../../src/main/engine/store/db.js';
import { migrations } from '../../src/main/engine/store/migrations.js';
import { freshDb, tempDir } from './helpers.js';

function plan(db: ReturnType<typeof freshDb>['db'], sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
}

describe('hot-list schema', () => {
  it('looks entries up through an index', () => {
    const { db } = freshDb();
    const lookup = plan(db, LOOKUP_SQL, '8A8C120', Date.now());
    expect(lookup).toMatch(/SEARCH e USING INDEX hot_list_entries_key \(lookup_key=\?\)/);
    expect(lookup).toMatch(/SEARCH l USING INTEGER PRIMARY KEY/);
    expect(lookup).not.toMatch(/SCAN/);
    const patterns = plan(db, PATTERNS_SQL, Date.now());
    expect(patterns).toMatch(/USING INDEX hot_list_entries_patterns/);
    expect(patterns).not.toMatch(/SCAN e\b(?! USING)/);
  });

  it('keeps the lookup on the index after ANALYZE with millions-like statistics', () => {
    const { db } = freshDb();
    db.exec(`INSERT INTO hot_lists (id, name, source, updated_at) VALUES (1, 'x', 'x', 0)`);
    const insert = db.prepare('INSERT INTO hot_list_entries (list_id, plate, list_code, lookup_key, generation) VALUES (1, ?, ?, ?, 0)');
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run(`P${i}`, 'V', `P${i}`);
    })();
    db.exec('ANALYZE');
    expect(plan(db, LOOKUP_SQL, 'P1', 0)).toMatch(/USING INDEX hot_list_entries_key/);
  });

  it('migration 2 keys (and de-duplicates) the entries a migration-1 database already holds', () => {
    const dir = tempDir();
    const file = path.join(dir, 'old.sqlite');
    const v1 = openDatabase(file, migrations.filter((m) => m.version === 1));
    v1.exec(`INSERT INTO hot_lists (id, name, source, updated_at, entry_count) VALUES (1, 'old', 'file', 1000, 2)`);
    v1.exec(`INSERT INTO hot_list_entries (list_id, plate, state, list_code) VALUES (1, 'BOL1', 'CA', 'V'), (1, 'AB*', NULL, 'V'), (1, 'BOL1', 'CA', 'V')`);
    v1.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(2);
    expect(db.prepare('SELECT plate, lookup_key, pattern, generation FROM hot_list_entries ORDER BY id').all()).toEqual([
      { plate: 'BOL1', lookup_key: '8011', pattern: 0, generation: 0 },
      { plate: 'AB*', lookup_key: 'AB*', pattern: 1, generation: 0 },
    ]);
    expect(db.prepare('SELECT checked_at, kind FROM hot_lists').get()).toEqual({ checked_at: 1000, kind: 'imported' });
    db.close();
  });
});
