/**
 * Who runs a record-keeping command (holds, history search, evidence export):
 * `--user ID` with the PIN in $LPR_PIN (or --pin, which shows in the process
 * list). The sign-in is checked and audited as on the screen, and the role
 * must be one the command admits.
 */
import type { Role, User } from '../shared/contract.js';
import { login } from '../main/engine/governance/users.js';
import type { Db } from '../main/engine/store/db.js';
import { stringFlag, UsageError, type ParsedArgs } from './args.js';
import { CommandFailed } from './context.js';

export async function signedInUser(db: Db, args: ParsedArgs, roles: readonly Role[], what: string, now = Date.now()): Promise<User> {
  const userId = stringFlag(args, 'user');
  if (!userId) throw new UsageError(`${what} needs --user ID (and the PIN in $LPR_PIN)`);
  const pin = stringFlag(args, 'pin') ?? process.env.LPR_PIN;
  if (!pin) throw new UsageError('give the PIN in $LPR_PIN (or --pin)');
  let user: User;
  try {
    user = await login(db, userId, pin, now, { via: 'command line' });
  } catch (error) {
    throw new CommandFailed((error as Error).message);
  }
  if (!roles.includes(user.role)) throw new CommandFailed(`${what} is not allowed for the ${user.role} role (allowed: ${roles.join(', ')})`);
  return user;
}

/** A time flag as ISO 8601 (or milliseconds since 1970). */
export function timeFlag(args: ParsedArgs, name: string): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(value)) throw new UsageError(`--${name}: "${raw}" is not a time; write it as ISO 8601, e.g. 2026-12-01T08:00:00Z`);
  return value;
}
