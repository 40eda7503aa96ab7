/**
 * Shared plumbing for `lpr` subcommands: where the data lives and how a
 * subcommand reports. Every subcommand accepts --data-dir anywhere on the line.
 */
import os from 'node:os';
import path from 'node:path';
import type { ParsedArgs } from './args.js';
import { stringFlag } from './args.js';

export interface CliContext {
  readonly dataDir: string;
  readonly dbFile: string;
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
    stdout: (line) => process.stdout.write(line + '\n'),
    stderr: (line) => process.stderr.write(line + '\n'),
  };
}

/** Thrown by a subcommand to end with a message and a non-zero exit status. */
export class CommandFailed extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}
