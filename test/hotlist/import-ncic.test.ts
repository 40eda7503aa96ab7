import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NCIC_LAYOUT, NCIC_CODES, createHotListMatcher, importHotListNcic } from '../../src/main/engine/hotlist/index.js';
import { makeNcicParser } from '../../src/main/engine/hotlist/formats.js';
import { generationTable, getList } from '../../src/main/engine/hotlist/store.js';
import { allRows, entryCount, freshDb, listRows, NCIC_HEADER, ncicLine, writeFile } from './helpers.js';

const EXAMPLE = 'V123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK';

describe('NCIC fixed-width import', () => {
  it('parses the documented example line', () => {
    const parse = makeNcicParser(DEFAULT_NCIC_LAYOUT, NCIC_CODES);
    expect(parse(EXAMPLE)).toEqual({
      plate: 'AB123456',
      state: 'CA',
      listCode: 'V',
      description: '2009 YAMA CYL BLK; tag 2009; since 2019-05-09',
      expiresAt: null,
      recordNumber: 'V123456789',
    });
    expect(ncicLine('V', 'AB123456', 'CA').slice(0, 58)).toBe(EXAMPLE.slice(0, 58));
  });

  it('skips the header line and imports the records', async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'ncic.txt', [NCIC_HEADER, EXAMPLE, ncicLine('A', '7ABC123', 'NV'), ncicLine('P', 'XYZ 99', '')].join('\n') + '\n');
    const result = await importHotListNcic(db, file, { list: 'ncic' });
    expect(result).toMatchObject({ entries: 3, format: 'ncic', lines: 4 });
    const hit = createHotListMatcher(db).match({ plate: '7ABC123', state: 'NV', candidates: [] });
    expect(hit[0]).toMatchObject({ kind: 'exact', priority: 1, alertTone: 'urgent', entry: { category: 'AMBER alert', listCode: 'A' } });
    expect(listRows(db, 'ncic')[2]).toMatchObject({ plate: 'XYZ99', state: null });
  });

  it('refuses a file whose header line is a record (headerLines misconfigured)', async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'nohdr.txt', [EXAMPLE, ncicLine('P', 'XYZ99', 'NV')].join('\n') + '\n');
    await expect(importHotListNcic(db, file, { list: 'n' })).rejects.toThrow(/:1: this header line is a valid record/);
    await expect(importHotListNcic(db, file, { list: 'n', config: { name: 'n', ncic: { ...DEFAULT_NCIC_LAYOUT, headerLines: 0 } } })).resolves.toMatchObject({ entries: 2 });
  });

  it('follows a configured column map (states order their extracts differently)', async () => {
    const { db, dir } = freshDb();
    // state(0-2) plate(2-12) code(12-13) colour(13-)
    const file = writeFile(dir, 'state.dat', ['TX' + '7ABC123'.padEnd(10) + 'VRED', 'OK' + 'ZZZ111'.padEnd(10) + 'PBLUE'].join('\n'));
    const result = await importHotListNcic(db, file, {
      list: 'state',
      config: {
        name: 'state',
        ncic: { headerLines: 0, columns: { state: [0, 2], plate: [2, 12], listCode: [12, 13], colour: [13, null] } },
      },
    });
    expect(result.entries).toBe(2);
    expect(listRows(db, 'state')).toEqual([
      { plate: '7ABC123', state: 'TX', list_code: 'V', description: 'RED' },
      { plate: 'ZZZ111', state: 'OK', list_code: 'P', description: 'BLUE' },
    ]);
  });

  const bad: [string, string, RegExp][] = [
    ['a truncated line', EXAMPLE.slice(0, 40), /:3: record is 40 characters long, the NCIC layout needs at least 58 .*truncated file\?/],
    ['an unknown list code', 'Z' + EXAMPLE.slice(1), /:3: unknown list code "Z"/],
    ['an impossible date', EXAMPLE.slice(0, 19) + '20190231' + EXAMPLE.slice(27), /:3: incident date "20190231"/],
    ['a bad plate', EXAMPLE.slice(0, 27) + 'AB#12     ' + EXAMPLE.slice(37), /:3: plate "AB#12"/],
    ['a bad state', EXAMPLE.slice(0, 37) + 'C1' + EXAMPLE.slice(39), /:3: state "C1"/],
    ['a bad tag year', EXAMPLE.slice(0, 39) + '20X9' + EXAMPLE.slice(43), /:3: tag year "20X9"/],
    ['a bad record number', EXAMPLE.slice(0, 3) + '#' + EXAMPLE.slice(4), /:3: record number "V12#456789"/],
  ];
  for (const [what, line, error] of bad) {
    it(`refuses ${what} and keeps the previous list`, async () => {
      const { db, dir } = freshDb();
      await importHotListNcic(db, writeFile(dir, 'a.txt', `${NCIC_HEADER}\n${ncicLine('V', 'KEEP1', 'CA')}\n`), { list: 'ncic' });
      const file = writeFile(dir, 'b.txt', `${NCIC_HEADER}\n${EXAMPLE}\n${line}`);
      await expect(importHotListNcic(db, file, { list: 'ncic' })).rejects.toThrow(error);
      expect(entryCount(db, 'ncic')).toBe(1);
      expect(allRows(db)).toBe(1);
    });
  }

  it('keeps every record of a plate (one per NIC), drops only lines repeated byte for byte, and counts them', async () => {
    const { db, dir } = freshDb();
    const first = ncicLine('V', 'AB123456', 'CA', { nic: '000000001' });
    const second = ncicLine('V', 'AB123456', 'CA', { nic: '000000002' });
    const wanted = ncicLine('W', 'AB123456', 'CA', { nic: '000000003', colour: 'RED' });
    // Same NIC, one character elsewhere differs: not the same line, so kept.
    const sameNicOtherOri = first.slice(0, 10) + 'LA0570201' + first.slice(19);
    const file = writeFile(dir, 'multi.txt', [NCIC_HEADER, first, second, first, wanted, second, sameNicOtherOri, first].join('\n') + '\n');
    const result = await importHotListNcic(db, file, { list: 'ncic' });
    expect(result).toMatchObject({ entries: 4, skippedDuplicates: 3, lines: 8 });
    expect(entryCount(db, 'ncic')).toBe(4);
    const hits = createHotListMatcher(db).match({ plate: 'AB123456', state: 'CA', candidates: [] });
    expect(hits.map((h) => h.entry.recordNumber).sort()).toEqual(['V000000001', 'V000000001', 'V000000002', 'W000000003']);
    // The first of repeated lines is the one kept (file order).
    const rows = db.prepare(`SELECT source_line FROM ${generationTable(getList(db, 'ncic')!.generation)} ORDER BY source_line`).pluck().all();
    expect(rows).toEqual([2, 3, 5, 7]);
  });

  it('keeps a record number column of a configured layout, and none when the layout has none', async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'tx.dat', ['TXABC123    VV987654321', 'TXABC123    VV987654322'].join('\n'));
    await importHotListNcic(db, file, { list: 'tx', config: { name: 'tx', ncic: { headerLines: 0, columns: { state: [0, 2], plate: [2, 12], listCode: [12, 13], recordNumber: [13, 23] } } } });
    const hits = createHotListMatcher(db).match({ plate: 'ABC123', state: 'TX', candidates: [] });
    expect(hits.map((h) => h.entry.recordNumber)).toEqual(['V987654321', 'V987654322']);
    await importHotListNcic(db, file, { list: 'tx2', config: { name: 'tx2', ncic: { headerLines: 0, columns: { state: [0, 2], plate: [2, 12], listCode: [12, 13] } } } });
    const plain = createHotListMatcher(db).match({ plate: 'ABC123', state: 'TX', candidates: [] }).filter((h) => h.entry.listName === 'tx2');
    expect(plain.map((h) => h.entry.recordNumber)).toEqual([null, null]);
  });

  it('still matches a list loaded before record numbers were kept (its table has no record_number)', async () => {
    const { db, dir } = freshDb();
    await importHotListNcic(db, writeFile(dir, 'old.txt', `${NCIC_HEADER}\n${EXAMPLE}\n`), { list: 'ncic' });
    db.exec(`ALTER TABLE ${generationTable(getList(db, 'ncic')!.generation)} DROP COLUMN record_number`);
    const hits = createHotListMatcher(db).match({ plate: 'AB123456', state: 'CA', candidates: [] });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.entry.recordNumber).toBeNull();
  });

  it('parses any record the layout can hold and rejects any cut-off record (property)', () => {
    const parse = makeNcicParser(DEFAULT_NCIC_LAYOUT, NCIC_CODES);
    const plate = fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), { minLength: 1, maxLength: 10 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(NCIC_CODES)), plate, fc.constantFrom('CA', 'NV', ''), fc.nat(57), (code, p, state, cutAt) => {
        const line = ncicLine(code, p, state);
        expect(parse(line)).toMatchObject({ plate: p, state: state || null, listCode: code });
        const cut = parse(line.slice(0, cutAt));
        if (cutAt > 0) expect(typeof cut).toBe('string');
      }),
    );
  });

  it('never throws on arbitrary text (property)', () => {
    const parse = makeNcicParser(DEFAULT_NCIC_LAYOUT, NCIC_CODES);
    fc.assert(
      fc.property(fc.string({ maxLength: 90 }), (line) => {
        const out = parse(line);
        if (out !== null && typeof out !== 'string') expect(out.plate).toMatch(/^[A-Z0-9]{1,10}$/);
      }),
    );
  });
});
