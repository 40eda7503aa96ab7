import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addManualEntry, createHotListMatcher, importHotListCsv, LOOKALIKE_CLASSES } from '../../src/main/engine/hotlist/index.js';
import { foldPlate } from '../../src/main/engine/hotlist/plate.js';
import type { Db } from '../../src/main/engine/store/db.js';
import { freshDb, writeFile } from './helpers.js';

const HEADER = 'plate,state,list_code,description\n';

async function listOf(db: Db, dir: string, rows: string[], name = 'l', config?: object): Promise<void> {
  await importHotListCsv(db, writeFile(dir, `${name}.csv`, HEADER + rows.join('\n') + '\n'), { list: name, ...(config ? { config: { name, ...config } } : {}) });
}

describe('createHotListMatcher', () => {
  it('finds exact, look-alike, candidate and other-state hits and says how', async () => {
    const { db, dir } = freshDb();
    await listOf(db, dir, ['8ABC120,CA,V,stolen', 'XYZ789,NV,P,plate']);
    const m = createHotListMatcher(db);
    expect(m.match({ plate: '8ABC120', state: 'CA', candidates: [] })).toMatchObject([
      { kind: 'exact', differingPositions: [], matchedPlate: '8ABC120', otherState: false, approximate: false },
    ]);
    expect(m.match({ plate: 'BA8CI2O', state: 'CA', candidates: [] })).toMatchObject([
      { kind: 'lookalike', differingPositions: [0, 2, 4, 6], matchedPlate: 'BA8CI2O', approximate: true, entry: { plate: '8ABC120' } },
    ]);
    // A candidate that agrees better wins over the best reading.
    expect(m.match({ plate: '8A8C120', state: 'CA', candidates: [{ plate: '8A8C120', confidence: 0.6 }, { plate: '8ABC120', confidence: 0.3 }] })).toMatchObject([
      { kind: 'exact', matchedPlate: '8ABC120', differingPositions: [] },
    ]);
    // A candidate alone (best reading is something else entirely).
    expect(m.match({ plate: 'QQQ000', state: null, candidates: [{ plate: 'XYZ789', confidence: 0.1 }] })).toMatchObject([{ kind: 'exact', matchedPlate: 'XYZ789' }]);
    expect(m.match({ plate: 'XYZ789', state: 'CA', candidates: [] })).toMatchObject([{ kind: 'other-state', otherState: true }]);
    expect(m.match({ plate: 'XYZ789', state: null, candidates: [] })).toMatchObject([{ kind: 'exact', otherState: false }]);
    expect(m.match({ plate: 'XYZ78', state: 'NV', candidates: [] })).toEqual([]);
    expect(m.match({ plate: 'XYZ7890', state: 'NV', candidates: [] })).toEqual([]);
    expect(m.match({ plate: '', state: null, candidates: [] })).toEqual([]);
  });

  it('returns every list that holds the plate, most urgent first', async () => {
    const { db, dir } = freshDb();
    await listOf(db, dir, ['ABC123,CA,P,'], 'plates');
    await listOf(db, dir, ['ABC123,CA,A,amber'], 'amber');
    await listOf(db, dir, ['ABC123,,LOCAL,'], 'covert', { covert: true, priority: 7 });
    const hits = createHotListMatcher(db).match({ plate: 'ABC123', state: 'CA', candidates: [] });
    expect(hits.map((h) => [h.entry.listName, h.priority, h.covert])).toEqual([
      ['amber', 1, false],
      ['plates', 3, false],
      ['covert', 3, true],
    ]);
  });

  it('never hits expired entries', async () => {
    const { db, dir } = freshDb();
    let now = Date.parse('2030-01-01T00:00:00Z');
    await importHotListCsv(db, writeFile(dir, 'e.csv', 'plate,list_code,expires\nOLD111,V,2029-12-31\nNEW222,V,2030-01-02T12:00:00Z\n'), { list: 'e' });
    const m = createHotListMatcher(db, { now: () => now });
    expect(m.match({ plate: 'OLD111', state: null, candidates: [] })).toEqual([]);
    expect(m.match({ plate: 'NEW222', state: null, candidates: [] })).toHaveLength(1);
    now = Date.parse('2030-01-03T00:00:00Z');
    expect(m.match({ plate: 'NEW222', state: null, candidates: [] })).toEqual([]);
  });

  it('matches partial manual entries', async () => {
    const { db } = freshDb();
    const now = Date.now();
    addManualEntry(db, { plate: '7AB*', state: 'CA', reason: 'witness saw partial plate', enteredBy: 'u1' }, { now });
    addManualEntry(db, { plate: 'K?9Z11', reason: 'BOLO', enteredBy: 'u1' }, { now });
    const m = createHotListMatcher(db);
    expect(m.match({ plate: '7AB1234', state: 'CA', candidates: [] })).toMatchObject([{ kind: 'partial', differingPositions: [], entry: { plate: '7AB*', listName: 'manual', category: 'Locally entered' } }]);
    expect(m.match({ plate: '7A81234', state: 'NV', candidates: [] })).toMatchObject([{ kind: 'partial', differingPositions: [2], otherState: true }]);
    expect(m.match({ plate: 'KX9211', state: null, candidates: [] })).toMatchObject([{ kind: 'partial', differingPositions: [3] }]);
    expect(m.match({ plate: '8AB1234', state: 'CA', candidates: [] })).toEqual([]);
  });

  it('finds every entry whose plate is a look-alike of a reading, and nothing else (property)', async () => {
    const { db, dir } = freshDb();
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const plates = fc.sample(fc.array(fc.constantFrom(...'ODQ0IL1T2Z5S8B6GAX'), { minLength: 3, maxLength: 5 }).map((a) => a.join('')), { numRuns: 300, seed: 7 });
    const unique = [...new Set(plates)];
    await listOf(db, dir, unique.map((p) => `${p},CA,V,`));
    const m = createHotListMatcher(db);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { minLength: 3, maxLength: 5 }).map((a) => a.join('')), fc.constantFrom(...unique), fc.array(fc.nat(3), { minLength: 5, maxLength: 5 }), (random, entry, picks) => {
        // A reading made of look-alike swaps of an entry always hits it.
        const variant = [...entry].map((ch, i) => {
          const cls = LOOKALIKE_CLASSES.find((c) => c.includes(ch));
          return cls ? cls[picks[i]! % cls.length]! : ch;
        }).join('');
        const hits = m.match({ plate: variant, state: 'CA', candidates: [] });
        const hit = hits.find((h) => h.entry.plate === entry);
        expect(hit).toBeDefined();
        expect(hit!.kind).toBe(variant === entry ? 'exact' : 'lookalike');
        expect(hit!.differingPositions).toEqual([...entry].flatMap((ch, i) => (variant[i] !== ch ? [i] : [])));
        // Any reading hits exactly the entries with the same folded key.
        const expected = unique.filter((p) => foldPlate(p) === foldPlate(random)).sort();
        expect(m.match({ plate: random, state: null, candidates: [] }).map((h) => h.entry.plate).sort()).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
