/**
 * Shared plumbing for `lpr` subcommands: where the data lives and how a
 * subcommand reports. Every subcommand accepts --data-dir anywhere on the line.
 */
import os from 'node:os';
import path from 'node:path';
import type { ParsedArgs } from './args.js';
import { stringFlag } from './args.js';
import { DatabaseKeyError, keyFromEnvironment, readKeyFile, type DbKey } from '../main/engine/store/key.js';

export interface CliContext {
  readonly dataDir: string;
  readonly dbFile: string;
  /** The database key: --key-file FILE, else $LPR_DB_KEY; null when neither is given. */
  readonly dbKey?: DbKey | null;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

export function defaultDataDir(): string {
  if (process.env.LPR_DATA_DIR) return path.resolve(process.env.LPR_DATA_DIR);
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'patrol-lpr');
}

export function makeContext(args: ParsedArgs): CliContext {
  const dataDir = path.resolve(stringFlag(args, 'data-dir') ?? defaultDataDir());
  return {
    dataDir,
    dbFile: path.join(dataDir, 'lpr.sqlite'),
    dbKey: keyOf(args),
    stdout: (line) => process.stdout.write(line + '\n'),
    stderr: (line) => process.stderr.write(line + '\n'),
  };
}

function keyOf(args: ParsedArgs): DbKey | null {
  const file = stringFlag(args, 'key-file');
  try {
    return file ? readKeyFile(path.resolve(file)) : keyFromEnvironment();
  } catch (error) {
    if (error instanceof DatabaseKeyError) throw new CommandFailed(error.message, 78);
    throw error;
  }
}

/** Thrown by a subcommand to end with a message and a non-zero exit status. */
export class CommandFailed extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}
