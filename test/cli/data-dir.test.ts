/**
 * --data-dir works anywhere on the line, before or after the subcommand,
 * as `--data-dir DIR` or `--data-dir=DIR`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const built = fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'lpr.js'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-datadir-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const lpr = (...args: string[]): string =>
  execFileSync(process.execPath, [path.join(root, 'bin', 'lpr.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, LPR_LOG_LEVEL: 'silent' } });

describe.skipIf(!built)('--data-dir', () => {
  it('selects the same database wherever it stands', () => {
    lpr('--data-dir', dir, 'hotlist', 'import', path.join(root, 'demo', 'hotlist.csv'), '--list', 'demo');
    expect(fs.existsSync(path.join(dir, 'lpr.sqlite'))).toBe(true);
    const hits = JSON.parse(lpr('hotlist', 'match', '6TRJ244', `--data-dir=${dir}`, '--json')) as { list: string; kind: string }[];
    expect(hits).toMatchObject([{ list: 'demo', kind: 'exact' }]);
    const status = JSON.parse(lpr('hotlist', '--data-dir', dir, 'status', '--json')) as { name: string; entries: number }[];
    expect(status).toMatchObject([{ name: 'demo', entries: 4 }]);
  });
});
