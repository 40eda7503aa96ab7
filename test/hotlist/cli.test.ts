import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { command } from '../../src/cli/commands/hotlist.js';
import { CommandFailed, type CliContext } from '../../src/cli/context.js';
import { hotListStatusSchema } from '../../src/shared/contract.js';
import { keyFromEnvironment } from '../../src/main/engine/store/key.js';
import { NCIC_HEADER, ncicLine, tempDir, writeFile } from './helpers.js';

async function lpr(dataDir: string, ...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const args = parseArgs(argv, new Set(['data-dir', ...command.valuedFlags]));
  const ctx: CliContext = { dataDir, dbFile: path.join(dataDir, 'lpr.sqlite'), dbKey: keyFromEnvironment(), stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  const code = await command.run(args, ctx);
  return { code, out, err };
}

describe('lpr hotlist', () => {
  it('imports, matches, reports status and syncs', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const ncic = writeFile(dir, 'ncic.txt', [NCIC_HEADER, ncicLine('V', '8ABC120', 'CA'), ncicLine('A', 'XYZ789', 'NV')].join('\n') + '\n');
    const imported = await lpr(data, 'import', ncic, '--format', 'ncic', '--list', 'ncic');
    expect(imported.code).toBe(0);
    expect(imported.out).toEqual([expect.stringMatching(/^imported 2 entries into list "ncic" \(ncic, replacing 0\) from .*ncic\.txt in \d+\.\d s$/)]);

    const match = await lpr(data, 'match', 'BABC12O', '--state', 'ca', '--json');
    expect(JSON.parse(match.out[0]!)).toEqual([
      expect.objectContaining({ list: 'ncic', plate: '8ABC120', state: 'CA', kind: 'lookalike', differingPositions: [0, 6], category: 'Stolen vehicle' }),
    ]);
    const other = await lpr(data, 'match', 'XYZ789', '--state', 'CA');
    expect(other.out[0]).toMatch(/^other-state \(other state\): ncic XYZ789 NV A AMBER alert \(NIC A123456789\)/);
    expect((await lpr(data, 'match', 'NOPE1')).out).toEqual(['no hits']);

    const status = await lpr(data, 'status', '--json');
    const parsed = JSON.parse(status.out[0]!) as unknown[];
    expect(parsed.map((s) => hotListStatusSchema.parse(s))).toEqual([{ name: 'ncic', entries: 2, updatedAt: expect.any(Number), dataFrom: 'file', checkedAt: expect.any(Number), stale: false, staleAfterMs: 86_400_000, kind: 'imported', fault: null }]);
    expect((await lpr(data, 'status')).out[0]).toMatch(/^ncic: 2 entries, 0 min old$/);

    const sync = await lpr(data, 'sync', '--from', ncic, '--list', 'ncic');
    expect(sync.out).toEqual([expect.stringMatching(/^ncic: .*ncic\.txt is the file imported last time \(2 entries\); nothing to do$/)]);
    const forced = await lpr(data, 'sync', '--list', 'ncic', '--force', '--json');
    expect(JSON.parse(forced.out[0]!)).toEqual([expect.objectContaining({ list: 'ncic', ok: true, outcome: 'imported', entries: 2 })]);
    // Without --list or --from every list with a source is synced.
    expect((await lpr(data, 'sync')).out).toEqual([expect.stringMatching(/nothing to do$/)]);
  });

  it('uses hotlists.json for column maps and list settings', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data, { recursive: true });
    const file = writeFile(dir, 'state.dat', 'TX' + '7ABC123'.padEnd(10) + 'V\n');
    fs.writeFileSync(path.join(data, 'hotlists.json'), JSON.stringify({
      staleAfterHours: 12,
      lists: [{ name: 'texas', source: file, format: 'ncic', covert: true, ncic: { headerLines: 0, columns: { state: [0, 2], plate: [2, 12], listCode: [12, 13] } } }],
    }));
    expect((await lpr(data, 'sync')).out).toEqual([expect.stringMatching(/^texas: imported 1 entries from /)]);
    expect(JSON.parse((await lpr(data, 'match', '7ABC123', '--json')).out[0]!)).toEqual([expect.objectContaining({ list: 'texas', covert: true, kind: 'exact' })]);
    expect(JSON.parse((await lpr(data, 'status', '--json')).out[0]!)).toEqual([expect.objectContaining({ name: 'texas', covert: true })]);
  });

  it('adds, lists and removes manual entries', async () => {
    const data = tempDir();
    const added = await lpr(data, 'add', '7ab*', '--reason', 'partial plate from witness', '--user', 'officer1', '--state', 'CA', '--expires-hours', '8', '--json');
    const { entry, readsThisShift } = JSON.parse(added.out[0]!) as { entry: { id: number; plate: string }; readsThisShift: unknown[] };
    expect(entry.plate).toBe('7AB*');
    expect(readsThisShift).toEqual([]);
    expect((await lpr(data, 'manual')).out[0]).toMatch(new RegExp(`^${entry.id}: 7AB\\* CA LOCAL list "manual" by officer1 .*: partial plate from witness$`));
    expect(JSON.parse((await lpr(data, 'match', '7AB9999', '--state', 'CA', '--json')).out[0]!)).toEqual([expect.objectContaining({ kind: 'partial', list: 'manual' })]);
    await expect(lpr(data, 'add', 'ABC123', '--user', 'officer1')).rejects.toThrow(UsageError);
    await expect(lpr(data, 'add', 'ABC123', '--reason', 'r', '--user', 'u', '--expires-hours', '999')).rejects.toThrow(CommandFailed);
    expect((await lpr(data, 'remove', String(entry.id), '--reason', 'found', '--user', 'sgt')).out).toEqual([`removed manual entry ${entry.id}`]);
    expect((await lpr(data, 'manual')).out).toEqual(['no manual entries in force']);
  });

  it('fails with FILE:LINE and keeps the list; rejects bad usage', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const good = writeFile(dir, 'l.csv', 'plate,state,list_code,description\nAAA111,CA,V,x\n');
    await lpr(data, 'import', good, '--list', 'l');
    const bad = writeFile(dir, 'bad.csv', 'plate,state,list_code,description\nAAA111,CA,V,x\nBBB,CAL,V,y\n');
    await expect(lpr(data, 'import', bad, '--list', 'l')).rejects.toThrow(new CommandFailed(`${bad}:3: state "CAL" is not a two-letter code`));
    expect(JSON.parse((await lpr(data, 'status', '--json')).out[0]!)).toEqual([expect.objectContaining({ entries: 1, fault: expect.objectContaining({ kind: 'bad-format', line: 3, detail: expect.stringContaining(':3:') }) })]);
    const text = await lpr(data, 'status');
    expect(text.out).toEqual([
      'l: 1 entries, 0 min old  STALE: l list could not be updated. The new file is damaged or in the wrong format (line 3), so it was not taken. Sync before patrol.',
      `  last sync failed (bad-format): ${bad}:3: state "CAL" is not a two-letter code`,
    ]);
    const failedSync = await lpr(data, 'sync', '--from', path.join(dir, 'missing.txt'), '--list', 'l');
    expect(failedSync.code).toBe(1);
    expect(failedSync.err[0]).toMatch(/^l: sync failed, the previous list stays in force: .*missing\.txt: no such file/);
    await expect(lpr(data, 'import')).rejects.toThrow(UsageError);
    await expect(lpr(data, 'import', good, '--format', 'xml')).rejects.toThrow(/--format must be one of/);
    await expect(lpr(data, 'frobnicate')).rejects.toThrow(/unknown hotlist command/);
    await expect(lpr(data, 'match', 'ABC', '--state', 'California')).rejects.toThrow(UsageError);
  });
});
