/**
 * `lpr user add ID --name NAME [--role officer|administrator] [--trained] [--pin PIN]`
 * and `lpr user list [--json]`. The PIN may come from $LPR_PIN instead of the
 * command line so it does not show in the process list.
 */
import { roleSchema } from '../../shared/contract.js';
import { addUser, listUsers } from '../../main/engine/governance/users.js';
import { openDatabase } from '../../main/engine/store/db.js';
import { stringFlag, UsageError } from '../args.js';
import { CommandFailed } from '../context.js';
import type { Command } from '../lpr.js';

export const command: Command = {
  summary: 'officers and administrators',
  usage: 'usage: lpr user add ID --name NAME [--role officer|administrator] [--trained] [--pin PIN | $LPR_PIN]\n       lpr user list [--json]',
  valuedFlags: ['name', 'role', 'pin'],
  async run(args, ctx) {
    const [action, id] = args.positional;
    const db = openDatabase(ctx.dbFile);
    try {
      if (action === 'list') {
        const users = listUsers(db);
        if (args.flags.has('json')) ctx.stdout(JSON.stringify(users));
        else for (const u of users) ctx.stdout(`${u.id}\t${u.name}\t${u.role}\t${u.trained ? 'trained' : 'NOT trained'}`);
        return 0;
      }
      if (action === 'add') {
        if (!id) throw new UsageError('give the user ID');
        const name = stringFlag(args, 'name');
        if (!name) throw new UsageError('--name is required');
        const role = roleSchema.safeParse(stringFlag(args, 'role') ?? 'officer');
        if (!role.success) throw new UsageError('--role must be officer or administrator');
        const pin = stringFlag(args, 'pin') ?? process.env.LPR_PIN;
        if (!pin) throw new UsageError('give the PIN with --pin or $LPR_PIN');
        try {
          addUser(db, { id, name, role: role.data, trained: args.flags.has('trained'), pin }, null);
        } catch (error) {
          throw new CommandFailed((error as Error).message);
        }
        ctx.stdout(`added ${role.data} ${id}${args.flags.has('trained') ? '' : ' (not trained: cannot sign in until marked trained)'}`);
        return 0;
      }
      throw new UsageError('expected "add" or "list"');
    } finally {
      db.close();
    }
  },
};
