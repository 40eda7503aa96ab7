/**
 * `lpr history search PLATE --justification TEXT [--from ISO] [--to ISO]
 * [--camera ID] [--area S,W,N,E] [--limit N] [--json] --user ID`: the same
 * justified, audited search as the screen's (C.8). --justification is "case:NUMBER"
 * (or a bare case number) or "REASON: what the search is for".
 */
import path from 'node:path';
import { historyQuerySchema } from '../../shared/contract.js';
import { justificationFromText, justificationSchema, JUSTIFICATION_REQUIRED } from '../../shared/records.js';
import { searchHistory, SearchRefused } from '../../main/engine/records/history.js';
import { loadCarSettings, SETTINGS_FILE } from '../../main/engine/settings/car-settings.js';
import { openDatabase } from '../../main/engine/store/db.js';
import { intFlag, stringFlag, UsageError, type ParsedArgs } from '../args.js';
import { CommandFailed, type CliContext } from '../context.js';
import { signedInUser, timeFlag } from '../credentials.js';
import type { Command } from '../lpr.js';

const USAGE = [
  'usage: lpr history search PLATE --justification TEXT [--from ISO] [--to ISO] [--camera ID] [--area S,W,N,E] [--limit N] [--json] --user ID',
  '  PLATE may hold * (any run of characters) and ? (one character).',
  '  --justification "case:2026-00123" (a case number), or "REASON: what the search is for" with a reason',
  "  from the agency's list (settings.json history.reasons; `lpr settings show` lists them).",
  '  The PIN of --user comes from $LPR_PIN (or --pin). Every search is stored and audited with what it returned.',
].join('\n');

function area(raw: string | undefined): { south: number; west: number; north: number; east: number } | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) throw new UsageError(`--area: "${raw}" is not SOUTH,WEST,NORTH,EAST in degrees`);
  const [south, west, north, east] = parts as [number, number, number, number];
  return { south, west, north, east };
}

async function run(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const [action, plate] = args.positional;
  if (action !== 'search') throw new UsageError(action ? `unknown action "${action}"` : 'say what to do: search');
  if (!plate) throw new UsageError('give the PLATE to search for (wildcards * and ? allowed)');
  const text = stringFlag(args, 'justification');
  if (!text) throw new CommandFailed(`refused: ${JUSTIFICATION_REQUIRED}; give --justification`, 2);
  const justification = justificationSchema.safeParse(justificationFromText(text));
  if (!justification.success) {
    const issue = justification.error.issues[0]!;
    throw new CommandFailed(`refused: --justification: ${issue.message}`, 2);
  }
  const from = timeFlag(args, 'from');
  const to = timeFlag(args, 'to');
  const camera = stringFlag(args, 'camera');
  const limit = intFlag(args, 'limit', 1, 1000);
  const parsed = historyQuerySchema.safeParse({
    plate,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(camera !== undefined ? { cameraId: camera } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(stringFlag(args, 'area') !== undefined ? { area: area(stringFlag(args, 'area')) } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${issue.path.join('.') || 'search'}: ${issue.message}`);
  }
  let reasons;
  try {
    reasons = loadCarSettings(path.join(ctx.dataDir, SETTINGS_FILE)).history.reasons;
  } catch (error) {
    throw new CommandFailed((error as Error).message);
  }
  const db = openDatabase(ctx.dbFile, undefined, { key: ctx.dbKey });
  try {
    const now = Date.now();
    const user = await signedInUser(db, args, ['officer', 'supervisor', 'administrator'], 'a history search', now);
    let result;
    try {
      result = searchHistory(db, parsed.data, justification.data, { userId: user.id, now, reasons });
    } catch (error) {
      if (error instanceof SearchRefused) throw new CommandFailed(`refused: ${error.message}`, 2);
      throw error;
    }
    if (args.flags.has('json')) {
      ctx.stdout(JSON.stringify(result));
    } else {
      ctx.stdout(`search ${result.searchId}: ${result.reads.length} read${result.reads.length === 1 ? '' : 's'}${result.truncated ? ' (more matched; narrow the search)' : ''}`);
      for (const r of result.reads) {
        const where = r.gps ? `${r.gps.lat.toFixed(5)},${r.gps.lon.toFixed(5)}` : 'no GPS';
        const hits = r.hits.map((h) => `HIT ${h.listName}/${h.listCode}${h.disposition ? ` (${h.disposition})` : ''}`).join(' ');
        ctx.stdout(`${r.id}\t${new Date(r.capturedAt).toISOString()}\t${r.plate}\t${r.state ?? '--'}\t${r.cameraId}\t${where}\t${hits}`);
      }
    }
    return 0;
  } finally {
    db.close();
  }
}

export const command: Command = {
  summary: 'justified history search of stored reads and hits',
  usage: USAGE,
  valuedFlags: ['justification', 'from', 'to', 'camera', 'area', 'limit', 'user', 'pin'],
  run,
};
