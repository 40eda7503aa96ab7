import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHotListMatcher, hotListStatus, importHotListCsv, importHotListFile, HotListImportError } from '../../src/main/engine/hotlist/index.js';
import { splitFields } from '../../src/main/engine/hotlist/formats.js';
import { allRows, entryCount, freshDb, listRows, writeFile } from './helpers.js';

const HEADER = 'plate,state,list_code,description\n';

describe('importHotListCsv', () => {
  it('imports the spine CSV, normalising plates, and matches them', async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'local.csv', 'Plate,STATE,List_Code,Description\nab-123 4,ca,V,"Red Honda, dented"\n7XYZ999,NV,P,\n');
    const result = await importHotListCsv(db, file, { list: 'local' });
    expect(result).toMatchObject({ list: 'local', entries: 2, replaced: 0 });
    expect(listRows(db, 'local')).toEqual([
      { plate: 'AB1234', state: 'CA', list_code: 'V', description: 'Red Honda, dented' },
      { plate: '7XYZ999', state: 'NV', list_code: 'P', description: '' },
    ]);
    const hits = createHotListMatcher(db).match({ plate: 'AB1234', state: 'CA', candidates: [] });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ kind: 'exact', differingPositions: [], entry: { listName: 'local', category: 'Stolen vehicle' } });
  });

  it('accepts "list code" spelled with a space, CRLF line ends, a BOM and no final newline', async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'x.csv', '\uFEFFPLATE,State,List Code,Description\r\nAAA111,CA,V,one\r\nBBB222,,W,two');
    const result = await importHotListCsv(db, file, { list: 'x' });
    expect(result.entries).toBe(2);
    expect(listRows(db, 'x')[1]).toMatchObject({ plate: 'BBB222', state: null });
  });

  it('replaces the whole list and keeps the old one when a line is broken', async () => {
    const { db, dir } = freshDb();
    await importHotListCsv(db, writeFile(dir, 'a.csv', HEADER + 'AAA111,CA,V,x\nBBB222,CA,V,y\n'), { list: 'l' });
    const bad = writeFile(dir, 'b.csv', HEADER + 'CCC333,CA,V,x\nDD$D,CA,V,y\n');
    await expect(importHotListCsv(db, bad, { list: 'l' })).rejects.toThrow(`${bad}:3: plate "DD$D"`);
    await expect(importHotListCsv(db, bad, { list: 'l' })).rejects.toBeInstanceOf(HotListImportError);
    expect(entryCount(db, 'l')).toBe(2);
    expect(allRows(db)).toBe(2);
    const status = hotListStatus(db, Date.now());
    // The old list is in force, but flagged until an update succeeds.
    expect(status[0]).toMatchObject({ name: 'l', entries: 2, stale: true });
    expect(status[0]!.fault).toMatchObject({ kind: 'bad-format', line: 3, status: null, detail: expect.stringContaining(`${bad}:3: plate "DD$D"`) });
    expect(status[0]!.staleReason).toBe('l list could not be updated. The new file is damaged or in the wrong format (line 3), so it was not taken.');
    await importHotListCsv(db, writeFile(dir, 'c.csv', HEADER + 'EEE555,CA,V,x\n'), { list: 'l' });
    expect(entryCount(db, 'l')).toBe(1);
    expect(allRows(db)).toBe(1);
    expect(hotListStatus(db, Date.now())[0]).toMatchObject({ fault: null, stale: false, staleReason: null });
  });

  it('rejects a broken line deep in a large file and leaves nothing behind', async () => {
    const { db, dir } = freshDb();
    await importHotListCsv(db, writeFile(dir, 'a.csv', HEADER + 'OLD1,CA,V,x\n'), { list: 'l' });
    const lines = [HEADER.trimEnd()];
    for (let i = 0; i < 250_000; i++) lines.push(`P${i},CA,V,`);
    lines[240_000] = 'P240000,CALIFORNIA,V,';
    const file = writeFile(dir, 'big.csv', lines.join('\n') + '\n');
    await expect(importHotListCsv(db, file, { list: 'l' })).rejects.toThrow(`${file}:240001: state "CALIFORNIA" is not a two-letter code`);
    expect(allRows(db)).toBe(1);
    expect(createHotListMatcher(db).match({ plate: 'OLD1', state: null, candidates: [] })).toHaveLength(1);
  });

  const bad: [string, string | Buffer, RegExp][] = [
    ['an empty file', '', /the file is empty: no header row/],
    ['a header only', HEADER, /no entries/],
    ['a header without plate column', 'number,state,list_code\nA,CA,V\n', /:1: header has no plate column/],
    ['too few fields', HEADER + 'AAA111,CA,V\n', /:2: has 3 fields, the header has 4/],
    ['a truncated last line', HEADER + 'AAA111,CA,V,ok\nBBB2', /:3: has 1 field, the header has 4 .*\(the file ends in the middle of this line: truncated file\?\)/],
    ['an unterminated quote', HEADER + 'AAA111,CA,V,"open\n', /:2: unterminated quoted field/],
    ['a bad list code', HEADER + 'AAA111,CA,V V,x\n', /:2: list code "V V"/],
    ['UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER + 'AAA111,CA,V,x\n', 'utf16le')]), /UTF-16/],
    ['Latin-1 bytes', Buffer.concat([Buffer.from(HEADER + 'AAA111,CA,V,x\nBBB222,CA,V,caf'), Buffer.from([0xe9]), Buffer.from('\n')]), /:3: not valid UTF-8/],
    ['binary garbage', Buffer.concat([Buffer.from(HEADER), Buffer.from([0, 1, 2, 3, 10])]), /:2: contains NUL bytes/],
    ['a bad expiry', 'plate,list_code,expires\nAAA111,V,tomorrow\n', /:2: expiry "tomorrow"/],
    ['a partial plate with too few known characters', HEADER + 'A*,CA,V,x\n', /:2: partial plate "A\*" has fewer than 3 known characters/],
  ];
  for (const [what, content, error] of bad) {
    it(`refuses ${what}, keeping the previous list`, async () => {
      const { db, dir } = freshDb();
      await importHotListCsv(db, writeFile(dir, 'old.csv', HEADER + 'KEEP1,CA,V,x\n'), { list: 'l' });
      const file = writeFile(dir, 'new.csv', content);
      await expect(importHotListCsv(db, file, { list: 'l' })).rejects.toThrow(error);
      expect(entryCount(db, 'l')).toBe(1);
      expect(allRows(db)).toBe(1);
      expect(createHotListMatcher(db).match({ plate: 'KEEP1', state: null, candidates: [] })).toHaveLength(1);
    });
  }

  it('keeps records that share plate, state and code, and drops only identical lines, counting them', async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'd.csv', 'plate,state,list_code,description,nic\nAAA111,CA,V,x,V1\nAAA111,CA,V,y,V2\nAAA111,CA,V,x,V1\nAAA111,NV,V,z,V3\n');
    const result = await importHotListCsv(db, file, { list: 'd' });
    expect(result).toMatchObject({ entries: 3, skippedDuplicates: 1 });
    expect(listRows(db, 'd').map((r) => r.description)).toEqual(['x', 'y', 'z']);
    const hits = createHotListMatcher(db).match({ plate: 'AAA111', state: 'CA', candidates: [] });
    expect(hits.map((h) => h.entry.recordNumber)).toEqual(expect.arrayContaining(['V1', 'V2', 'V3']));
  });

  it('reads Latin-1 lists when configured', async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'l1.csv', Buffer.concat([Buffer.from(HEADER + 'AAA111,CA,V,caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    await importHotListCsv(db, file, { list: 'l1', config: { name: 'l1', encoding: 'latin1' } });
    expect(listRows(db, 'l1')[0]!.description).toBe('café');
  });

  it('uses the configured column map for TSV with other header names', async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'agency.tsv', 'Kennzeichen\tJur\tNote\tUntil\nxyz 987\tor\tseen near school\t2999-01-01\nABC*1\t\t\t\n');
    const result = await importHotListFile(db, file, {
      list: 'agency',
      config: {
        name: 'agency',
        csv: { columns: { plate: 'kennzeichen', state: 'jur', description: 'note', expires: 'until' }, defaultListCode: 'local' },
        codes: { LOCAL: { category: 'Agency interest', priority: 2, covert: true } },
      },
    });
    expect(result).toMatchObject({ format: 'tsv', entries: 2 });
    const hits = createHotListMatcher(db).match({ plate: 'XYZ987', state: 'OR', candidates: [] });
    expect(hits[0]).toMatchObject({ kind: 'exact', covert: true, priority: 2, entry: { category: 'Agency interest', description: 'seen near school' } });
    expect(createHotListMatcher(db).match({ plate: 'ABCD1', state: null, candidates: [] })[0]).toMatchObject({ kind: 'partial' });
  });

  it('names the missing configured column', async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'a.csv', HEADER + 'AAA111,CA,V,x\n');
    await expect(importHotListCsv(db, file, { list: 'a', config: { name: 'a', csv: { columns: { plate: 'tag_no' } } } })).rejects.toThrow(
      /:1: header has no column "tag_no" \(configured for plate\)/,
    );
  });

  it('round-trips any valid entry through CSV (property)', async () => {
    const plate = fc.array(fc.constantFrom(...'ABCDEFGHJKMNPRUVWXY0123456789'), { minLength: 1, maxLength: 10 }).map((a) => a.join(''));
    const text = fc.string({ maxLength: 30 }).filter((s) => !/[\n\r\u0000]/.test(s));
    const record = fc.record({ plate, state: fc.constantFrom('', 'CA', 'NV'), code: fc.constantFrom('V', 'P', 'LOCAL'), description: text });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(record, { minLength: 1, maxLength: 20, selector: (r) => `${r.plate}|${r.state}|${r.code}` }), async (records) => {
        const { db, dir } = freshDb();
        const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const file = writeFile(dir, 'p.csv', HEADER + records.map((r) => [r.plate, r.state, r.code, quote(r.description)].join(',')).join('\n') + '\n');
        await importHotListCsv(db, file, { list: 'p' });
        expect(listRows(db, 'p')).toEqual(records.map((r) => ({ plate: r.plate, state: r.state || null, list_code: r.code, description: r.description.trim() })));
        db.close();
      }),
      { numRuns: 40 },
    );
  });

  it('splits quoted fields and never throws on arbitrary lines (property)', () => {
    expect(splitFields('a,"b,c","d""e",', ',')).toEqual(['a', 'b,c', 'd"e', '']);
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (line) => {
        const out = splitFields(line, ',');
        expect(typeof out === 'string' || Array.isArray(out)).toBe(true);
      }),
    );
  });

  it('never half-imports whatever the line (property)', async () => {
    const { db, dir } = freshDb();
    await importHotListCsv(db, writeFile(dir, 'old.csv', HEADER + 'KEEP1,CA,V,x\n'), { list: 'l' });
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }).filter((s) => !s.includes('\n')), async (line) => {
        const file = writeFile(dir, 'fuzz.csv', HEADER + 'NEW1,CA,V,x\n' + line + '\n');
        try {
          await importHotListCsv(db, file, { list: 'l' });
          await importHotListCsv(db, writeFile(dir, 'old.csv', HEADER + 'KEEP1,CA,V,x\n'), { list: 'l' });
        } catch (error) {
          expect(error).toBeInstanceOf(HotListImportError);
          expect((error as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: `));
        }
        expect(entryCount(db, 'l')).toBe(1);
        expect(allRows(db)).toBe(1);
        expect(listRows(db, 'l')[0]!.plate).toBe('KEEP1');
      }),
      { numRuns: 150 },
    );
  });
});
