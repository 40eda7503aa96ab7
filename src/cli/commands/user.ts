/**
 * `lpr user ...`: accounts from the command line. While no user exists, only
 * `lpr user add ID --role administrator` works (the first administrator);
 * after that every subcommand needs an administrator's credentials: `--as ID`
 * and the PIN from $LPR_ADMIN_PIN or typed at a prompt (never on the command
 * line, where the process list would show it). New PINs come from $LPR_PIN or
 * a prompt. Every change is audited with who made it.
 */
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { roleSchema } from '../../shared/contract.js';
import type { AccountSettings } from '../../shared/accounts.js';
import { countUsers, findUser, login, LoginRefused, addUser, listUsers, resetPin, setDisabled, setTrained, type UserRecord } from '../../main/engine/governance/users.js';
import { loadCarSettings, SETTINGS_FILE } from '../../main/engine/settings/car-settings.js';
import { openDatabase, type Db } from '../../main/engine/store/db.js';
import { stringFlag, UsageError, type ParsedArgs } from '../args.js';
import { CommandFailed, type CliContext } from '../context.js';
import type { Command } from '../lpr.js';
import path from 'node:path';

const USAGE = [
  'usage: lpr user add ID --name NAME [--role officer|supervisor|administrator] [--trained]   (new PIN from $LPR_PIN, --pin or a prompt)',
  '       lpr user list [--json]',
  '       lpr user disable ID --reason TEXT',
  '       lpr user enable ID --reason TEXT',
  '       lpr user reset-pin ID                          (new PIN from $LPR_PIN, --pin or a prompt)',
  '       lpr user trained ID yes|no',
  '',
  'Once any user exists, each needs an administrator: --as ADMIN-ID with the PIN in $LPR_ADMIN_PIN',
  '(or typed when asked). The first user, on an empty database, must be an administrator.',
].join('\n');

/** Reads a secret from the terminal without echoing it; refuses when there is no terminal. */
async function promptSecret(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CommandFailed(`${question.replace(/: $/, '')} is needed: set it in the environment (no terminal to ask on)`, 2);
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = new Promise<string>((resolve) => rl.question(question, resolve));
    muted = true;
    const value = await answer;
    process.stderr.write('\n');
    return value;
  } finally {
    rl.close();
  }
}

async function secret(envName: string, question: string): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return promptSecret(question);
}

function accountSettings(ctx: CliContext): AccountSettings {
  try {
    return loadCarSettings(path.join(ctx.dataDir, SETTINGS_FILE)).accounts;
  } catch (error) {
    throw new CommandFailed((error as Error).message);
  }
}

/** The administrator acting, checked with the same rules as a sign-in (lockout, audit). */
async function administrator(db: Db, args: ParsedArgs, settings: AccountSettings): Promise<string> {
  const as = stringFlag(args, 'as');
  if (!as) throw new UsageError('users exist, so this needs an administrator: give --as ADMIN-ID (PIN from $LPR_ADMIN_PIN or typed when asked)');
  const pin = await secret('LPR_ADMIN_PIN', `PIN of ${as}: `);
  try {
    const user = await login(db, as, pin, Date.now(), { settings, via: 'command line' });
    if (user.role !== 'administrator') throw new CommandFailed(`${as} is a ${user.role}; only an administrator may manage users`, 3);
    return user.id;
  } catch (error) {
    if (error instanceof LoginRefused) throw new CommandFailed(error.message, 3);
    throw error;
  }
}

function describe(user: UserRecord): string {
  const flags = [user.trained ? 'trained' : 'NOT trained', user.disabled ? 'DISABLED' : null, user.lockedUntil ? `locked until ${new Date(user.lockedUntil).toISOString()}` : null];
  return `${user.id}\t${user.name}\t${user.role}\t${flags.filter(Boolean).join(', ')}`;
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`give ${what}`);
  return value;
}

export const command: Command = {
  summary: 'officers, supervisors and administrators',
  usage: USAGE,
  valuedFlags: ['name', 'role', 'as', 'reason', 'pin'],
  async run(args, ctx) {
    const [action, id, value] = args.positional;
    const actions = ['add', 'list', 'disable', 'enable', 'reset-pin', 'trained'];
    if (!action || !actions.includes(action)) throw new UsageError(`expected one of: ${actions.join(', ')}`);
    const settings = accountSettings(ctx);
    const db = openDatabase(ctx.dbFile, undefined, { key: ctx.dbKey });
    try {
      const first = countUsers(db) === 0;
      if (first && action !== 'add') throw new CommandFailed('no users yet: add the first administrator with: lpr user add ID --name NAME --role administrator');
      const role = roleSchema.safeParse(stringFlag(args, 'role') ?? 'officer');
      if (action === 'add' && !role.success) throw new UsageError('--role must be officer, supervisor or administrator');
      if (first && role.data !== 'administrator') throw new CommandFailed('no users yet: the first user must be an administrator (--role administrator)');
      const by = first ? null : await administrator(db, args, settings);
      const now = Date.now();
      const fail = (error: unknown): never => {
        if (error instanceof CommandFailed || error instanceof UsageError) throw error;
        throw new CommandFailed((error as Error).message);
      };
      switch (action) {
        case 'list': {
          const users = listUsers(db, now);
          if (args.flags.has('json')) ctx.stdout(JSON.stringify(users));
          else for (const u of users) ctx.stdout(describe(u));
          return 0;
        }
        case 'add': {
          const name = stringFlag(args, 'name');
          need(id, 'the user ID');
          if (!name) throw new UsageError('--name is required');
          // The first administrator can sign in at once; anyone else is trained when the flag says so.
          const trained = first || args.flags.has('trained');
          const pin = stringFlag(args, 'pin') ?? (await secret('LPR_PIN', `new PIN for ${id}: `));
          try {
            addUser(db, { id: id!, name, role: role.data!, trained, pin }, by, now, settings);
          } catch (error) {
            fail(error);
          }
          ctx.stdout(`added ${role.data} ${id}${trained ? '' : ' (not trained: cannot sign in until marked trained)'}`);
          return 0;
        }
        case 'disable':
        case 'enable': {
          const reason = stringFlag(args, 'reason');
          if (!reason || reason.trim().length < 3) throw new UsageError('--reason is required (say why)');
          try {
            const user = setDisabled(db, need(id, 'the user ID'), action === 'disable', { by, now }, reason.trim());
            ctx.stdout(describe(user));
          } catch (error) {
            fail(error);
          }
          if (action === 'disable') db.prepare('UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL').run(now, id);
          return 0;
        }
        case 'reset-pin': {
          if (!findUser(db, need(id, 'the user ID'), now)) throw new CommandFailed(`no user "${id}"`);
          const pin = stringFlag(args, 'pin') ?? (await secret('LPR_PIN', `new PIN for ${id}: `));
          try {
            ctx.stdout(describe(await resetPin(db, id!, pin, { by, now }, settings)));
          } catch (error) {
            fail(error);
          }
          return 0;
        }
        case 'trained': {
          if (value !== 'yes' && value !== 'no') throw new UsageError('say "yes" or "no": lpr user trained ID yes|no');
          try {
            ctx.stdout(describe(setTrained(db, need(id, 'the user ID'), value === 'yes', { by, now })));
          } catch (error) {
            fail(error);
          }
          return 0;
        }
        default:
          throw new UsageError(`expected one of: ${actions.join(', ')}`);
      }
    } finally {
      db.close();
    }
  },
};
