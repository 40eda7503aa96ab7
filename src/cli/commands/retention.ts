/**
 * `lpr retention show|purge|hold`: the retention periods in force and the
 * last purges, a purge by hand, and legal holds (B.1.a, B.1.b).
 */
import path from 'node:path';
import { RETENTION_KINDS, RETENTION_LABELS } from '../../shared/records.js';
import { HoldError, listHolds, placeHold, releaseHold, type Hold } from '../../main/engine/records/holds.js';
import { purgeExpired, purgeRuns } from '../../main/engine/records/retention.js';
import { loadCarSettings, SETTINGS_FILE } from '../../main/engine/settings/car-settings.js';
import { openDatabase } from '../../main/engine/store/db.js';
import { stringFlag, stringFlags, UsageError, type ParsedArgs } from '../args.js';
import { CommandFailed, type CliContext } from '../context.js';
import { signedInUser, timeFlag } from '../credentials.js';
import type { Command } from '../lpr.js';

const SUPERVISORS = ['supervisor', 'administrator'] as const;

const USAGE = [
  'usage: lpr retention show [--json]',
  '       lpr retention purge [--as-of ISO-TIME] [--json] [--user ID]   (--as-of later than now needs an administrator)',
  '       lpr retention hold add --case NUMBER --reason TEXT --until ISO-TIME (--read ID... | --plate PATTERN [--from ISO] [--to ISO]) --user ID',
  '       lpr retention hold list [--all] [--json] --user ID',
  '       lpr retention hold release HOLD-ID --reason TEXT --user ID',
  'The PIN of --user comes from $LPR_PIN (or --pin). Settings: retention in settings.json of the data folder.',
].join('\n');

function iso(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

function holdLine(h: Hold): string {
  const names = [h.readIds.length > 0 ? `reads ${h.readIds.join(',')}` : null, h.plate ? `plate ${h.plate}` : null, h.from !== null || h.to !== null ? `${iso(h.from)}..${iso(h.to)}` : null]
    .filter(Boolean)
    .join(' ');
  const state = h.releasedAt !== null ? `released ${iso(h.releasedAt)} by ${h.releasedBy}` : h.active ? 'active' : 'lapsed';
  return `${h.id}\t${h.caseNumber}\t${state}\tuntil ${iso(h.until)}\t${h.reads} reads\t${names}\tby ${h.createdBy}: ${h.reason}`;
}

async function run(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const [action, sub, holdId] = args.positional;
  const json = args.flags.has('json');
  const settings = (() => {
    try {
      return loadCarSettings(path.join(ctx.dataDir, SETTINGS_FILE));
    } catch (error) {
      throw new CommandFailed((error as Error).message);
    }
  })();
  const db = openDatabase(ctx.dbFile, undefined, { key: ctx.dbKey });
  try {
    const now = Date.now();
    if (action === 'show') {
      const runs = purgeRuns(db, 5);
      const holds = listHolds(db, now);
      if (json) {
        ctx.stdout(JSON.stringify({ periods: settings.retention, lastPurges: runs, activeHolds: holds.length }));
      } else {
        for (const kind of RETENTION_KINDS) ctx.stdout(`${RETENTION_LABELS[kind].padEnd(50)} ${settings.retention[kind]}`);
        ctx.stdout(`active holds: ${holds.length}`);
        for (const r of runs) ctx.stdout(`purged as of ${iso(r.asOf)} (${r.trigger}): ${JSON.stringify(r.counts)}`);
      }
      return 0;
    }
    if (action === 'purge') {
      const asOf = timeFlag(args, 'as-of') ?? now;
      let userId: string | null = null;
      // A purge as of a later time removes records the clock says are still within their period.
      if (asOf > now + 60_000) userId = (await signedInUser(db, args, ['administrator'], 'a purge as of a later time', now)).id;
      else if (stringFlag(args, 'user')) userId = (await signedInUser(db, args, ['supervisor', 'administrator'], 'lpr retention purge', now)).id;
      const result = purgeExpired(db, { asOf, settings: settings.retention, trigger: userId ?? 'command line', userId });
      if (json) ctx.stdout(JSON.stringify(result));
      else {
        ctx.stdout(`purged as of ${iso(asOf)}`);
        for (const [kind, count] of Object.entries(result.counts)) ctx.stdout(`  ${kind.padEnd(18)} ${count}`);
        ctx.stdout(`  freed pages        ${result.vacuum.freedPages}`);
        if (result.clockBehindMs !== null) ctx.stderr(`warning: the clock is ${Math.round(result.clockBehindMs / 1000)} s behind the last purge; purged as of the earlier time`);
      }
      return 0;
    }
    if (action === 'hold') {
      try {
        if (sub === 'add') {
          const user = await signedInUser(db, args, SUPERVISORS, 'placing a hold', now);
          const caseNumber = stringFlag(args, 'case');
          const reason = stringFlag(args, 'reason');
          const until = timeFlag(args, 'until');
          if (!caseNumber) throw new UsageError('--case NUMBER is required');
          if (!reason) throw new UsageError('--reason TEXT is required');
          if (until === undefined) throw new UsageError('--until ISO-TIME is required');
          const readIds = stringFlags(args, 'read').map((r) => {
            if (!/^\d+$/.test(r)) throw new UsageError(`--read: "${r}" is not a read id`);
            return Number(r);
          });
          const plate = stringFlag(args, 'plate');
          const from = timeFlag(args, 'from');
          const to = timeFlag(args, 'to');
          const hold = placeHold(
            db,
            { caseNumber, reason, until, readIds, ...(plate !== undefined ? { plate } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
            { userId: user.id, now },
          );
          ctx.stdout(json ? JSON.stringify(hold) : `placed hold ${hold.id}: ${holdLine(hold)}`);
          return 0;
        }
        if (sub === 'list') {
          await signedInUser(db, args, SUPERVISORS, 'listing holds', now);
          const holds = listHolds(db, now, { all: args.flags.has('all') });
          if (json) ctx.stdout(JSON.stringify(holds));
          else for (const h of holds) ctx.stdout(holdLine(h));
          return 0;
        }
        if (sub === 'release') {
          if (!holdId || !/^\d+$/.test(holdId)) throw new UsageError('give the hold id: lpr retention hold release ID --reason TEXT');
          const reason = stringFlag(args, 'reason');
          if (!reason) throw new UsageError('--reason TEXT is required');
          const user = await signedInUser(db, args, SUPERVISORS, 'releasing a hold', now);
          const hold = releaseHold(db, Number(holdId), { userId: user.id, reason, now });
          ctx.stdout(json ? JSON.stringify(hold) : `released hold ${hold.id} (${hold.caseNumber})`);
          return 0;
        }
      } catch (error) {
        if (error instanceof HoldError) throw new CommandFailed(error.message);
        throw error;
      }
      throw new UsageError('hold: expected add, list or release');
    }
    throw new UsageError(action ? `unknown action "${action}"` : 'say what to do: show, purge or hold');
  } finally {
    db.close();
  }
}

export const command: Command = {
  summary: 'retention periods, purge and legal holds',
  usage: USAGE,
  valuedFlags: ['as-of', 'user', 'pin', 'case', 'reason', 'until', 'read', 'plate', 'from', 'to'],
  run,
};
