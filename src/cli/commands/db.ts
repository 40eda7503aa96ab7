/**
 * `lpr db check|rekey|new-key`: the database's own upkeep. `check` runs
 * SQLite's full integrity check; `rekey` changes the encryption key;
 * `new-key` makes a random 256-bit key for a key file or $LPR_DB_KEY.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkIntegrity, databaseFileKind, openDatabase, rekeyDatabase } from '../../main/engine/store/db.js';
import { DB_KEY_ENV, keyFromEnvironment, newRawKey, readKeyFile, type DbKey } from '../../main/engine/store/key.js';
import { stringFlag, UsageError, type ParsedArgs } from '../args.js';
import { CommandFailed, type CliContext } from '../context.js';
import type { Command } from '../lpr.js';

const NEW_KEY_ENV = 'LPR_DB_NEW_KEY';

const usage = [
  'usage: lpr db check [--json]                     full integrity check of the database (exit 1 when damaged)',
  `       lpr db rekey --new-key-file FILE          change the key (or give the new key in $${NEW_KEY_ENV})`,
  '       lpr db new-key [--out FILE]               print a random key, or write it to FILE (mode 600)',
  `The current key comes from --key-file FILE or $${DB_KEY_ENV}.`,
].join('\n');

function requireDatabase(ctx: CliContext): void {
  if (databaseFileKind(ctx.dbFile) === 'missing') throw new CommandFailed(`there is no database at ${ctx.dbFile}; check --data-dir`);
}

function check(args: ParsedArgs, ctx: CliContext): number {
  requireDatabase(ctx);
  const started = Date.now();
  let problems: string[];
  let pages = 0;
  try {
    // As the file is: no migration, so a check never changes what it checks.
    const db = openDatabase(ctx.dbFile, undefined, { key: ctx.dbKey, migrate: false });
    try {
      pages = db.pragma('page_count', { simple: true }) as number;
      problems = checkIntegrity(db, 'full');
    } finally {
      db.close();
    }
  } catch (error) {
    if (!/^SQLITE_(CORRUPT|NOTADB)/.test(String((error as { code?: unknown }).code))) throw error;
    problems = [(error as Error).message];
  }
  const ms = Date.now() - started;
  if (args.flags.has('json')) ctx.stdout(JSON.stringify({ file: ctx.dbFile, ok: problems.length === 0, pages, problems, ms }));
  else if (problems.length === 0) ctx.stdout(`database ${ctx.dbFile}: ok (full integrity check of ${pages} pages in ${ms} ms)`);
  else {
    ctx.stdout(`database ${ctx.dbFile}: DAMAGED (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
    for (const line of problems.slice(0, 50)) ctx.stdout(`  ${line}`);
    if (problems.length > 50) ctx.stdout(`  ... and ${problems.length - 50} more`);
    ctx.stdout('Keep this file for the agency (it is evidence); the app moves a damaged database aside and starts a fresh one at its next start.');
  }
  return problems.length === 0 ? 0 : 1;
}

function newKeyFrom(args: ParsedArgs): DbKey {
  const file = stringFlag(args, 'new-key-file');
  if (file) return readKeyFile(path.resolve(file));
  const fromEnv = keyFromEnvironment({ [DB_KEY_ENV]: process.env[NEW_KEY_ENV] });
  if (!fromEnv) throw new UsageError(`give the new key with --new-key-file FILE or $${NEW_KEY_ENV}`);
  return { text: fromEnv.text, from: `$${NEW_KEY_ENV}` };
}

function rekey(args: ParsedArgs, ctx: CliContext): number {
  const next = newKeyFrom(args);
  requireDatabase(ctx);
  if (ctx.dbKey && ctx.dbKey.text === next.text) throw new UsageError('the new key is the same as the current one');
  const db = openDatabase(ctx.dbFile, undefined, { key: ctx.dbKey });
  try {
    rekeyDatabase(db, next);
  } catch (error) {
    throw new CommandFailed(`could not change the key of ${ctx.dbFile}: ${(error as Error).message}; it still opens with the old key`);
  } finally {
    db.close();
  }
  // Prove the new key opens it before saying so.
  openDatabase(ctx.dbFile, undefined, { key: next, readonly: true }).close();
  ctx.stdout(`database ${ctx.dbFile}: key changed; it now opens only with the key from ${next.from}`);
  return 0;
}

function newKey(args: ParsedArgs, ctx: CliContext): number {
  const key = newRawKey();
  const out = stringFlag(args, 'out');
  if (!out) {
    ctx.stdout(key.text);
    return 0;
  }
  const file = path.resolve(out);
  try {
    fs.writeFileSync(file, key.text + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CommandFailed(code === 'EEXIST' ? `${file} already exists; a key file is never overwritten (it may be the only copy of a key)` : `cannot write ${file}: ${(error as Error).message}`);
  }
  ctx.stdout(`wrote a new random key to ${file} (readable by you only); keep a copy where the agency keeps its keys`);
  return 0;
}

export const command: Command = {
  summary: 'check the database, change its key, make a key',
  usage,
  valuedFlags: ['new-key-file', 'out'],
  async run(args, ctx) {
    const [action] = args.positional;
    switch (action) {
      case 'check':
        return check(args, ctx);
      case 'rekey':
        return rekey(args, ctx);
      case 'new-key':
        return newKey(args, ctx);
      default:
        throw new UsageError(action ? `unknown action "${action}"` : 'give an action: check, rekey or new-key');
    }
  },
};
