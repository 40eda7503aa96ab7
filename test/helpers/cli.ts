/**
 * Running the built `lpr` command from a test: where it is, whether it is
 * built, and one call that returns the exit code with both output streams
 * whether the command succeeds or not.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const projectRoot = path.resolve(import.meta.dirname, '..', '..');
export const lprBin = path.join(projectRoot, 'bin', 'lpr.js');
export const lprBuilt = fs.existsSync(path.join(projectRoot, 'dist', 'src', 'cli', 'lpr.js'));

export interface LprResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `lpr ARGS...` with logging silenced; options.cwd and options.env as for execFile. */
export async function runLpr(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<LprResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [lprBin, ...args], {
      cwd: options.cwd ?? projectRoot,
      env: options.env ?? { ...process.env, LPR_LOG_LEVEL: 'silent' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
