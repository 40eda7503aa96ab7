/**
 * `lpr`: the command line over the engine. Each subcommand lives in
 * commands/<name>.ts and declares which of its flags take a value.
 */
import { parseArgs, UsageError } from './args.js';
import { CommandFailed, makeContext, type CliContext } from './context.js';
import type { ParsedArgs } from './args.js';
import { DatabaseKeyError } from '../main/engine/store/key.js';

export interface Command {
  readonly summary: string;
  readonly usage: string;
  /** Flags of this command that take a value (besides --data-dir). */
  readonly valuedFlags: readonly string[];
  run(args: ParsedArgs, ctx: CliContext): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  read: async () => (await import('./commands/read.js')).command,
  hotlist: async () => (await import('./commands/hotlist.js')).command,
  serve: async () => (await import('./commands/serve.js')).command,
  demo: async () => (await import('./commands/demo.js')).command,
  user: async () => (await import('./commands/user.js')).command,
  eval: async () => (await import('./commands/eval.js')).command,
  settings: async () => (await import('./commands/settings.js')).command,
  audit: async () => (await import('./commands/audit.js')).command,
  retention: async () => (await import('./commands/retention.js')).command,
  history: async () => (await import('./commands/history.js')).command,
  evidence: async () => (await import('./commands/evidence.js')).command,
  equipment: async () => (await import('./commands/equipment.js')).command,
  deployment: async () => (await import('./commands/deployment.js')).command,
  db: async () => (await import('./commands/db.js')).command,
};

function help(): string {
  return [
    'usage: lpr <command> [options] [--data-dir DIR]',
    '',
    'commands:',
    '  read FILE... [--json] [--threads N]   read plates in image files',
    '  hotlist import|sync|match|status       manage the hot lists',
    '  serve [--port N] [--demo]              run the engine and serve the UI on 127.0.0.1',
    '  demo [--port N]                        the main job on the built-in demo footage',
    '  user add|list                          officers and administrators',
    '  eval DIR [--split val]                 measure reading accuracy on an annotated set',
    '  db check|rekey|new-key                 check the database, change its key, make a key',
    '  settings check|show [FILE]             check the car\'s settings file (cameras, GPS, thresholds)',
    '  audit verify|list                      check the hash-chained audit trail; list it with filters',
    '  retention show|purge|hold              retention periods, purge by hand, legal holds',
    '  history search PLATE --justification T justified, audited search of stored reads (C.8)',
    '  evidence export|verify|log             evidence packages (ZIP + SHA-256 manifest), dissemination log (D.1)',
    '  equipment check --camera ID=SOURCE... is each camera working (ok, black, frozen, blurred, dark, bright, no-signal)',
    '  deployment approve-code|list           a supervisor\'s one-time code approving a special detail; deployments',
    '',
    '--data-dir DIR selects the database and its files (default $LPR_DATA_DIR or ~/.local/share/patrol-lpr).',
    "The database is encrypted: give its key with --key-file FILE or $LPR_DB_KEY (a passphrase of 12 or more",
    "characters, or x'64 hex digits'); `lpr db new-key` makes one.",
  ].join('\n');
}

/** Index of the subcommand: the first word that is neither a flag nor the value of --data-dir. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--data-dir' || arg === '--key-file') i++;
    else if (!arg.startsWith('-')) return i;
  }
  return -1;
}

export async function main(argv: readonly string[]): Promise<number> {
  const at = commandIndex(argv);
  const name = at >= 0 ? argv[at]! : undefined;
  if (!name) {
    process.stdout.write(help() + '\n');
    return argv.includes('--help') ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`lpr: unknown command "${name}"\n${help()}\n`);
    return 2;
  }
  const command = await load();
  const rest = [...argv];
  rest.splice(at, 1);
  try {
    const args = parseArgs(rest, new Set(['data-dir', 'key-file', ...command.valuedFlags]));
    if (args.flags.has('help')) {
      process.stdout.write(command.usage + '\n');
      return 0;
    }
    return await command.run(args, makeContext(args));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`lpr ${name}: ${error.message}\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof DatabaseKeyError) {
      process.stderr.write(`lpr ${name}: ${error.message}\n`);
      return 78;
    }
    if (error instanceof CommandFailed) {
      process.stderr.write(`lpr ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
