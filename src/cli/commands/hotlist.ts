/**
 * `lpr hotlist import|sync|match|status|add|manual`: loads agency lists into the
 * car's database, checks a plate against them, shows how current each list is
 * and manages manual entries. List settings come from hotlists.json in the data
 * directory (or --config FILE); see docs/hotlists.md.
 */
import path from 'node:path';
import { openDatabase, type Db } from '../../main/engine/store/db.js';
import { DatabaseKeyError } from '../../main/engine/store/key.js';
import {
  HotListImportError,
  HotListInputError,
  HotListSyncError,
  createHotListMatcher,
  hotListStatus,
  importHotListFile,
  listNameFromFile,
  loadHotListsConfig,
  type HotListsConfig,
  type ListFormat,
} from '../../main/engine/hotlist/index.js';
import { addManualEntry, listManualEntries, removeManualEntry } from '../../main/engine/hotlist/manual.js';
import { isUrl, syncHotList, type SyncProgress, type SyncResult } from '../../main/engine/hotlist/sync.js';
import { intFlag, stringFlag, UsageError, type ParsedArgs } from '../args.js';
import { CommandFailed, type CliContext } from '../context.js';
import { syncEveryHotList } from '../../main/engine/hotlist/sync-every.js';
import type { Command } from '../lpr.js';

const USAGE = [
  'usage: lpr hotlist import FILE [--format ncic|csv|tsv] [--list NAME]',
  '       lpr hotlist sync [--from PATH|URL] [--list NAME] [--format ncic|csv|tsv] [--force] [--json]',
  '       lpr hotlist match PLATE [--state XX] [--candidates P1,P2,...] [--json]',
  '       lpr hotlist status [--json]',
  '       lpr hotlist add PLATE --reason TEXT --user ID [--state XX] [--list NAME] [--code CODE]',
  '                       [--expires-hours N] [--description TEXT] [--shift-hours N] [--json]',
  '       lpr hotlist manual [--all] [--json]',
  '       lpr hotlist remove ID --reason TEXT --user ID',
  'options: --config FILE (list settings; default DATA_DIR/hotlists.json), --data-dir DIR',
].join('\n');

const FORMATS: readonly ListFormat[] = ['ncic', 'csv', 'tsv'];

function formatFlag(args: ParsedArgs): ListFormat | undefined {
  const format = stringFlag(args, 'format');
  if (format === undefined) return undefined;
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  return format as ListFormat;
}

function loadConfig(args: ParsedArgs, ctx: CliContext): HotListsConfig {
  const file = stringFlag(args, 'config') ?? path.join(ctx.dataDir, 'hotlists.json');
  return loadHotListsConfig(file);
}

async function withDb<T>(ctx: CliContext, work: (db: Db) => Promise<T>): Promise<T> {
  let db: Db;
  try {
    db = openDatabase(ctx.dbFile, undefined, { key: ctx.dbKey });
  } catch (error) {
    throw new CommandFailed((error as Error).message, error instanceof DatabaseKeyError ? 78 : 1);
  }
  try {
    return await work(db);
  } catch (error) {
    if (error instanceof HotListImportError || error instanceof HotListInputError || error instanceof HotListSyncError) {
      throw new CommandFailed(error.message);
    }
    throw error;
  } finally {
    db.close();
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function runImport(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const file = args.positional[1];
  if (!file || args.positional.length > 2) throw new UsageError('import takes exactly one FILE');
  const config = loadConfig(args, ctx);
  const name = stringFlag(args, 'list') ?? listNameFromFile(file);
  const listConfig = config.lists.find((l) => l.name === name);
  const format = formatFlag(args);
  return withDb(ctx, async (db) => {
    const result = await importHotListFile(db, file, {
      list: name,
      ...(format ? { format } : {}),
      ...(listConfig ? { config: listConfig } : {}),
      minKnownCharacters: config.manual.minKnownCharacters,
    });
    const skipped = result.skippedDuplicates > 0 ? `, ${result.skippedDuplicates} repeated identical line${result.skippedDuplicates === 1 ? '' : 's'} dropped` : '';
    ctx.stdout(`imported ${result.entries} entries into list "${result.list}" (${result.format}, replacing ${result.replaced}${skipped}) from ${file} in ${seconds(result.elapsedMs)}`);
    return 0;
  });
}

async function runMatch(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const plate = args.positional[1];
  if (!plate || args.positional.length > 2) throw new UsageError('match takes exactly one PLATE');
  const state = stringFlag(args, 'state')?.toUpperCase() ?? null;
  if (state !== null && !/^[A-Z]{2}$/.test(state)) throw new UsageError(`--state must be a two-letter code, got "${state}"`);
  const candidates = (stringFlag(args, 'candidates') ?? '').split(',').filter((c) => c.trim() !== '');
  return withDb(ctx, async (db) => {
    const matcher = createHotListMatcher(db);
    const hits = matcher.match({
      plate: plate.toUpperCase(),
      state,
      candidates: candidates.map((c) => ({ plate: c.toUpperCase(), confidence: 0 })),
    });
    if (args.flags.has('json')) {
      ctx.stdout(JSON.stringify(hits.map((h) => ({
        list: h.entry.listName,
        plate: h.entry.plate,
        state: h.entry.state,
        listCode: h.entry.listCode,
        category: h.entry.category,
        description: h.entry.description,
        recordNumber: h.entry.recordNumber ?? null,
        kind: h.kind,
        otherState: h.otherState ?? false,
        differingPositions: h.differingPositions,
        matchedPlate: h.matchedPlate,
        priority: h.priority,
        covert: h.covert,
        entryId: h.entry.id,
      }))));
    } else if (hits.length === 0) {
      ctx.stdout('no hits');
    } else {
      for (const h of hits) {
        const differ = h.differingPositions.length > 0 ? ` differs at ${h.differingPositions.map((p) => p + 1).join(',')}` : '';
        ctx.stdout(`${h.kind}${h.otherState ? ' (other state)' : ''}: ${h.entry.listName} ${h.entry.plate} ${h.entry.state ?? '--'} ${h.entry.listCode} ${h.entry.category}${h.entry.recordNumber ? ` (NIC ${h.entry.recordNumber})` : ''}${differ}${h.entry.description ? ` - ${h.entry.description}` : ''}`);
      }
    }
    return 0;
  });
}

function age(ms: number | null): string {
  if (ms === null) return 'never synced';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min old`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h old` : `${Math.floor(hours / 24)} days old`;
}

async function runStatus(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const config = loadConfig(args, ctx);
  return withDb(ctx, async (db) => {
    const status = hotListStatus(db, Date.now(), config.staleAfterHours * 3600_000);
    if (args.flags.has('json')) {
      ctx.stdout(JSON.stringify(status));
      return 0;
    }
    if (status.length === 0) ctx.stdout('no hot lists; run lpr hotlist import FILE or lpr hotlist sync');
    for (const s of status) {
      const warn = s.stale ? `  STALE: ${s.staleReason ?? `older than ${config.staleAfterHours} h.`} Sync before patrol.` : '';
      ctx.stdout(`${s.name}: ${s.entries} entries, ${s.kind === 'manual' ? 'manual' : age(s.ageMs)}${s.covert ? ', covert' : ''}${warn}`);
      // Whoever runs the CLI sets the lists up: the engine's own account of the failure is theirs.
      if (s.fault) ctx.stdout(`  last sync failed (${s.fault.kind}): ${s.fault.detail}`);
    }
    return 0;
  });
}

function progressPrinter(ctx: CliContext, list: string): (p: SyncProgress) => void {
  let lastPhase = '';
  let lastTenth = -1;
  return (p) => {
    const tenth = p.totalBytes ? Math.floor((p.bytes / p.totalBytes) * 10) : -1;
    if (p.phase === lastPhase && (tenth === lastTenth || tenth < 0)) return;
    lastPhase = p.phase;
    lastTenth = tenth;
    const pct = p.totalBytes ? ` ${Math.min(100, tenth * 10)}%` : '';
    const attempt = p.phase === 'download' && p.attempt > 1 ? ` (attempt ${p.attempt})` : '';
    ctx.stderr(`${list}: ${p.phase}${pct}${'lines' in p ? ` ${p.lines} lines` : ` ${p.bytes} bytes`}${attempt}`);
  };
}

function describeSync(r: SyncResult): string {
  switch (r.outcome) {
    case 'imported':
      return `${r.list}: imported ${r.entries} entries from ${r.source}${r.import ? ` in ${seconds(r.import.elapsedMs)}` : ''}`;
    case 'not-modified':
      return `${r.list}: up to date (${r.entries} entries; the server reports no change)`;
    case 'unchanged':
      return `${r.list}: ${r.source} is the file imported last time (${r.entries} entries); nothing to do`;
  }
}

async function runSync(args: ParsedArgs, ctx: CliContext): Promise<number> {
  if (args.positional.length > 1) throw new UsageError('sync takes no positional arguments; use --from PATH|URL');
  const config = loadConfig(args, ctx);
  const from = stringFlag(args, 'from');
  const format = formatFlag(args);
  const json = args.flags.has('json');
  const common = {
    downloadDir: path.join(ctx.dataDir, 'downloads'),
    force: args.flags.has('force'),
    minKnownCharacters: config.manual.minKnownCharacters,
  };
  return withDb(ctx, async (db) => {
    let name = stringFlag(args, 'list');
    if (from && !name) {
      name = config.lists.find((l) => l.source === from)?.name ?? listNameFromFile(isUrl(from) ? new URL(from).pathname : from);
    }
    const outcomes: { list: string; result?: SyncResult; error?: string }[] = [];
    if (name) {
      const listConfig = config.lists.find((l) => l.name === name);
      try {
        const result = await syncHotList(db, {
          ...common,
          list: name,
          ...(from ? { from } : {}),
          ...(format ? { format } : {}),
          ...(listConfig ? { config: listConfig } : {}),
          onProgress: progressPrinter(ctx, name),
        });
        outcomes.push({ list: name, result });
      } catch (error) {
        if (!(error instanceof HotListImportError || error instanceof HotListInputError || error instanceof HotListSyncError)) throw error;
        outcomes.push({ list: name, error: error.message });
      }
    } else {
      const printers = new Map<string, (p: SyncProgress) => void>();
      const onProgress = (list: string, progress: SyncProgress): void => {
        if (!printers.has(list)) printers.set(list, progressPrinter(ctx, list));
        printers.get(list)!(progress);
      };
      outcomes.push(...(await syncEveryHotList(db, config, { ...common, onProgress })));
      if (outcomes.length === 0) throw new CommandFailed('no list to sync: give --from PATH|URL, or configure lists with a "source" in hotlists.json');
    }
    if (json) {
      ctx.stdout(JSON.stringify(outcomes.map((o) => o.result
        ? { list: o.list, ok: true, outcome: o.result.outcome, entries: o.result.entries, source: o.result.source }
        : { list: o.list, ok: false, error: o.error })));
    } else {
      for (const o of outcomes) {
        if (o.result) ctx.stdout(describeSync(o.result));
        else ctx.stderr(`${o.list}: sync failed, the previous list stays in force: ${o.error}`);
      }
    }
    return outcomes.some((o) => o.error !== undefined) ? 1 : 0;
  });
}

async function runAdd(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const plate = args.positional[1];
  if (!plate || args.positional.length > 2) throw new UsageError('add takes exactly one PLATE');
  const reason = stringFlag(args, 'reason');
  if (!reason) throw new UsageError('--reason is required (policy C.6)');
  const user = stringFlag(args, 'user');
  if (!user) throw new UsageError('--user is required: who enters the plate');
  const config = loadConfig(args, ctx);
  const expiresInHours = intFlag(args, 'expires-hours', 1, 24 * 366);
  const shiftHours = intFlag(args, 'shift-hours', 1, 48) ?? 12;
  const description = stringFlag(args, 'description');
  const now = Date.now();
  return withDb(ctx, async (db) => {
    const { entry, readsThisShift } = addManualEntry(db, {
      plate,
      state: stringFlag(args, 'state') ?? null,
      reason,
      enteredBy: user,
      ...(stringFlag(args, 'list') ? { list: stringFlag(args, 'list')! } : {}),
      ...(stringFlag(args, 'code') ? { listCode: stringFlag(args, 'code')! } : {}),
      ...(expiresInHours !== undefined ? { expiresInHours } : {}),
      ...(description ? { description } : {}),
    }, { now, limits: config.manual, shiftStartedAt: now - shiftHours * 3600_000 });
    if (args.flags.has('json')) {
      ctx.stdout(JSON.stringify({ entry, readsThisShift }));
      return 0;
    }
    ctx.stdout(`added manual entry ${entry.id}: ${entry.plate} ${entry.state ?? '--'} to list "${entry.list}", expires ${new Date(entry.expiresAt).toISOString()}`);
    if (readsThisShift.length === 0) ctx.stdout(`no read in the last ${shiftHours} h matches it`);
    for (const r of readsThisShift) {
      ctx.stdout(`  read ${r.readId} ${r.plate} ${r.state ?? '--'} at ${new Date(r.capturedAt).toISOString()} camera ${r.cameraId}: ${r.kind}${r.otherState ? ' (other state)' : ''}`);
    }
    return 0;
  });
}

async function runManual(args: ParsedArgs, ctx: CliContext): Promise<number> {
  return withDb(ctx, async (db) => {
    const entries = listManualEntries(db, Date.now(), { includeExpired: args.flags.has('all') });
    if (args.flags.has('json')) {
      ctx.stdout(JSON.stringify(entries));
      return 0;
    }
    if (entries.length === 0) ctx.stdout('no manual entries in force');
    for (const e of entries) {
      ctx.stdout(`${e.id}: ${e.plate} ${e.state ?? '--'} ${e.listCode} list "${e.list}" by ${e.enteredBy} at ${new Date(e.enteredAt).toISOString()}, expires ${new Date(e.expiresAt).toISOString()}: ${e.reason}`);
    }
    return 0;
  });
}

async function runRemove(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const id = Number(args.positional[1]);
  if (!Number.isInteger(id) || id <= 0 || args.positional.length > 2) throw new UsageError('remove takes exactly one entry ID');
  const reason = stringFlag(args, 'reason');
  const user = stringFlag(args, 'user');
  if (!reason || !user) throw new UsageError('remove needs --reason TEXT and --user ID');
  return withDb(ctx, async (db) => {
    removeManualEntry(db, id, { userId: user, reason });
    ctx.stdout(`removed manual entry ${id}`);
    return 0;
  });
}

export const command: Command = {
  summary: 'manage the hot lists',
  usage: USAGE,
  valuedFlags: ['format', 'list', 'from', 'state', 'candidates', 'config', 'reason', 'user', 'code', 'expires-hours', 'description', 'shift-hours'],
  async run(args, ctx) {
    const sub = args.positional[0];
    switch (sub) {
      case 'import':
        return runImport(args, ctx);
      case 'match':
        return runMatch(args, ctx);
      case 'status':
        return runStatus(args, ctx);
      case 'sync':
        return runSync(args, ctx);
      case 'add':
        return runAdd(args, ctx);
      case 'manual':
        return runManual(args, ctx);
      case 'remove':
        return runRemove(args, ctx);
      default:
        throw new UsageError(sub ? `unknown hotlist command "${sub}"` : 'missing hotlist command');
    }
  },
};
