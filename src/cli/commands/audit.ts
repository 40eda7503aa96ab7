/**
 * `lpr audit verify [--json]`: checks the whole hash chain; exits 0 when it
 * holds, 1 naming the first row that does not verify.
 * `lpr audit list [--from ISO] [--to ISO] [--user ID] [--action NAME|FAMILY.*] [--limit N] [--json]`:
 * the trail, newest first.
 */
import { listAudit, verifyAuditChain } from '../../main/engine/governance/audit.js';
import { openDatabase } from '../../main/engine/store/db.js';
import { intFlag, stringFlag, UsageError, type ParsedArgs } from '../args.js';
import type { Command } from '../lpr.js';

function timeFlag(args: ParsedArgs, name: string): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const at = Date.parse(raw);
  if (!Number.isFinite(at)) throw new UsageError(`--${name} must be a date and time such as 2026-03-01T08:00:00Z, got "${raw}"`);
  return at;
}

export const command: Command = {
  summary: 'verify and list the tamper-evident audit trail',
  usage: [
    'usage: lpr audit verify [--json]',
    '       lpr audit list [--from ISO-TIME] [--to ISO-TIME] [--user ID] [--action NAME|FAMILY.*] [--limit N] [--json]',
    '',
    'verify exits 0 when every row chains to the one before it, and 1 naming the first row',
    'that was edited, deleted, inserted or moved.',
  ].join('\n'),
  valuedFlags: ['from', 'to', 'user', 'action', 'limit'],
  async run(args, ctx) {
    const [action, extra] = args.positional;
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    if (action !== 'verify' && action !== 'list') throw new UsageError('expected "verify" or "list"');
    // Parse every flag before the database is opened, so a typo never touches it.
    const filter = {
      from: timeFlag(args, 'from'),
      to: timeFlag(args, 'to'),
      userId: stringFlag(args, 'user'),
      action: stringFlag(args, 'action'),
      limit: intFlag(args, 'limit', 1, 10_000) ?? 100,
    };
    if (filter.from !== undefined && filter.to !== undefined && filter.to < filter.from) throw new UsageError('--to is before --from');
    const db = openDatabase(ctx.dbFile, undefined, { key: ctx.dbKey });
    try {
      if (action === 'verify') {
        const verdict = verifyAuditChain(db);
        if (args.flags.has('json')) ctx.stdout(JSON.stringify(verdict));
        else if (verdict.ok) ctx.stdout(`audit trail verifies: ${verdict.rows} rows${verdict.lastId !== null ? `, ${verdict.firstId} to ${verdict.lastId}` : ''}; last hash ${verdict.lastHash}`);
        else ctx.stderr(`audit trail does NOT verify at row ${verdict.rowId ?? '?'}: ${verdict.reason}`);
        return verdict.ok ? 0 : 1;
      }
      const rows = listAudit(db, filter);
      if (args.flags.has('json')) ctx.stdout(JSON.stringify(rows));
      else {
        for (const row of rows) {
          ctx.stdout(`${row.id}\t${new Date(row.at).toISOString()}\t${row.userId ?? '-'}\t${row.action}\t${JSON.stringify(row.detail)}`);
        }
      }
      return 0;
    } finally {
      db.close();
    }
  },
};
