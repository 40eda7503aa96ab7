/**
 * `lpr evidence export|verify|log`: evidence packages of a hit or a search's
 * results, their verification, and the dissemination log (D.1).
 */
import fs from 'node:fs';
import path from 'node:path';
import { disseminationSchema } from '../../shared/contract.js';
import { disseminationCsv, disseminationLog, disseminationOf, EvidenceError, exportEvidence, verifyPackage } from '../../main/engine/records/evidence.js';
import { openDatabase } from '../../main/engine/store/db.js';
import { intFlag, stringFlag, UsageError, type ParsedArgs } from '../args.js';
import { CommandFailed, type CliContext } from '../context.js';
import { signedInUser } from '../credentials.js';
import type { Command } from '../lpr.js';

const USAGE = [
  'usage: lpr evidence export (--hit ID | --search ID) --to-person NAME --to-agency AGENCY --reason TEXT --case NUMBER [--out FILE] [--json] --user ID',
  '       lpr evidence verify PACKAGE.zip [--json]      exit 0: intact; 1: names each file that does not verify',
  '       lpr evidence log [--json | --csv] [--limit N] --user ID   (supervisors and administrators)',
  'The PIN of --user comes from $LPR_PIN (or --pin). Packages go to exports/ in the data folder unless --out says where.',
].join('\n');

function positiveId(args: ParsedArgs, name: string): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(raw)) throw new UsageError(`--${name}: "${raw}" is not an id`);
  return Number(raw);
}

async function run(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const [action, file] = args.positional;
  const json = args.flags.has('json');
  if (action === 'verify') {
    if (!file) throw new UsageError('give the PACKAGE to verify');
    let zip: Buffer;
    try {
      zip = fs.readFileSync(file);
    } catch (error) {
      throw new CommandFailed(`${file}: cannot read: ${(error as Error).message}`);
    }
    const result = verifyPackage(zip, path.basename(file));
    // In the car that made it, the package is also matched to its dissemination log entry.
    let logged: ReturnType<typeof disseminationOf> = null;
    if (result.manifestSha256 && fs.existsSync(ctx.dbFile)) {
      const db = openDatabase(ctx.dbFile, undefined, { key: ctx.dbKey });
      try {
        logged = disseminationOf(db, result.manifestSha256);
      } finally {
        db.close();
      }
    }
    if (json) ctx.stdout(JSON.stringify({ ...result, dissemination: logged }));
    else if (result.ok) {
      ctx.stdout(`${file}: verified: ${result.files} files match manifest.json (SHA-256 ${result.manifestSha256})`);
      if (logged) ctx.stdout(`  dissemination ${logged.id}: ${new Date(logged.at).toISOString()} by ${logged.userId} to ${logged.recipientPerson} (${logged.recipientAgency}), case ${logged.caseNumber}`);
    } else for (const problem of result.problems) ctx.stderr(`does not verify: ${problem}`);
    return result.ok ? 0 : 1;
  }
  const db = openDatabase(ctx.dbFile, undefined, { key: ctx.dbKey });
  try {
    const now = Date.now();
    if (action === 'export') {
      const hitId = positiveId(args, 'hit');
      const searchId = positiveId(args, 'search');
      if ((hitId === undefined) === (searchId === undefined)) throw new UsageError('give exactly one of --hit ID or --search ID');
      const to = disseminationSchema.safeParse({
        recipientPerson: stringFlag(args, 'to-person') ?? '',
        recipientAgency: stringFlag(args, 'to-agency') ?? '',
        reason: stringFlag(args, 'reason') ?? '',
        caseNumber: stringFlag(args, 'case') ?? '',
      });
      if (!to.success) throw new UsageError(to.error.issues.map((i) => i.message).join('; '));
      const user = await signedInUser(db, args, ['officer', 'supervisor', 'administrator'], 'an evidence export', now);
      const out = stringFlag(args, 'out');
      try {
        const result = exportEvidence(db, hitId !== undefined ? { hitId } : { searchId: searchId! }, to.data, {
          user,
          now,
          outDir: out ? path.dirname(path.resolve(out)) : path.join(ctx.dataDir, 'exports'),
          ...(out ? { file: out } : {}),
        });
        ctx.stdout(json ? JSON.stringify(result) : `wrote ${result.file} (${result.reads} reads, ${result.hits} hits, ${result.bytes} bytes); manifest SHA-256 ${result.manifestSha256}; logged as dissemination ${result.disseminationId}`);
      } catch (error) {
        if (error instanceof EvidenceError) throw new CommandFailed(error.message);
        throw error;
      }
      return 0;
    }
    if (action === 'log') {
      await signedInUser(db, args, ['supervisor', 'administrator'], 'the dissemination log', now);
      const entries = disseminationLog(db, intFlag(args, 'limit', 1, 1_000_000) ?? 500);
      if (json) ctx.stdout(JSON.stringify(entries));
      else if (args.flags.has('csv')) process.stdout.write(disseminationCsv(entries));
      else
        for (const e of entries)
          ctx.stdout(`${e.id}\t${new Date(e.at).toISOString()}\t${e.userId}\t${e.recipientPerson} (${e.recipientAgency})\tcase ${e.caseNumber}\t${e.source} ${e.sourceId}\t${e.reason}\t${e.file}`);
      return 0;
    }
    throw new UsageError(action ? `unknown action "${action}"` : 'say what to do: export, verify or log');
  } finally {
    db.close();
  }
}

export const command: Command = {
  summary: 'evidence packages and the dissemination log',
  usage: USAGE,
  valuedFlags: ['hit', 'search', 'to-person', 'to-agency', 'reason', 'case', 'out', 'user', 'pin', 'limit'],
  run,
};
