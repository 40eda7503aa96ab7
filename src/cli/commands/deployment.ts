/**
 * `lpr deployment approve-code --user ID [--pin PIN | $LPR_PIN] [--minutes N] [--json]`:
 * a supervisor issues a one-time code that approves one special detail
 * (policy C.7) when the officer types it on the car's screen. The
 * supervisor's PIN is checked as at sign-in and the issue is audited.
 * `lpr deployment list [--json]`: the deployments recorded in this car.
 */
import { DeploymentService } from '../../main/engine/deployments/deployments.js';
import { login } from '../../main/engine/governance/users.js';
import { openDatabase } from '../../main/engine/store/db.js';
import type { DeploymentView } from '../../shared/contract.js';
import { intFlag, stringFlag, UsageError } from '../args.js';
import { CommandFailed } from '../context.js';
import type { Command } from '../lpr.js';

export const command: Command = {
  summary: 'special-detail approval codes and the deployments recorded',
  usage:
    'usage: lpr deployment approve-code --user SUPERVISOR-ID [--pin PIN | $LPR_PIN] [--minutes N (1-720, default 30)] [--json]\n' +
    '       lpr deployment list [--json]',
  valuedFlags: ['user', 'pin', 'minutes'],
  async run(args, ctx) {
    const [action] = args.positional;
    if (action !== 'approve-code' && action !== 'list') throw new UsageError('expected "approve-code" or "list"');
    const db = openDatabase(ctx.dbFile);
    try {
      const deployments = new DeploymentService(db);
      const now = Date.now();
      if (action === 'list') {
        const rows = (db.prepare('SELECT id FROM deployments ORDER BY id').all() as { id: number }[]).map((r) => deployments.get(r.id));
        if (args.flags.has('json')) ctx.stdout(JSON.stringify(rows));
        else if (rows.length === 0) ctx.stdout('no deployments recorded');
        else for (const d of rows) ctx.stdout(describe(d));
        return 0;
      }
      const userId = stringFlag(args, 'user');
      if (!userId) throw new UsageError('--user is required: the supervisor who approves');
      const pin = stringFlag(args, 'pin') ?? process.env.LPR_PIN;
      if (!pin) throw new UsageError('give the supervisor\'s PIN with --pin or $LPR_PIN');
      const minutes = intFlag(args, 'minutes', 1, 720) ?? 30;
      let issued: { code: string; expiresAt: number };
      try {
        const supervisor = await login(db, userId, pin, now);
        issued = deployments.issueCode(supervisor, now, minutes * 60_000);
      } catch (error) {
        throw new CommandFailed((error as Error).message);
      }
      if (args.flags.has('json')) ctx.stdout(JSON.stringify({ code: issued.code, expiresAt: new Date(issued.expiresAt).toISOString() }));
      else {
        ctx.stdout(`approval code: ${issued.code.slice(0, 4)}-${issued.code.slice(4)}`);
        ctx.stdout(`approves one special detail; valid until ${new Date(issued.expiresAt).toISOString()} (${minutes} min)`);
      }
      return 0;
    } finally {
      db.close();
    }
  },
};

function describe(d: DeploymentView): string {
  const when = (t: number | null) => (t === null ? '-' : new Date(t).toISOString());
  const approval = d.approvedBy ? ` approved by ${d.approvedBy} (${d.approvalMethod})` : '';
  return `${d.id}\t${d.kind}\t${d.status}\t${d.officerId}\t${when(d.startedAt)}\t${when(d.endedAt)}\t${d.purpose || '-'}${approval}`;
}
