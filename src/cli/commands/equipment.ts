/**
 * `lpr equipment check --camera ID=SOURCE... [--seconds N] [--json]`: the
 * equipment check of policy B.2 from the command line. Watches each camera for
 * a few seconds (all at once, each in its own grabber process, so a hung one
 * delays none of the others) and prints one verdict per camera:
 * ok | black | frozen | blurred | dark | bright | no-signal, with why.
 * Exit status 0 when every camera is ok, 1 otherwise.
 */
import { checkCamera } from '../../main/engine/camera/equipment.js';
import { intFlag, UsageError, type ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import type { Command } from '../lpr.js';
import { cameraFlags } from './serve.js';

async function run(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const [action] = args.positional;
  if (action !== 'check') throw new UsageError(action ? `unknown action "${action}"` : 'say what to do: check');
  const cameras = cameraFlags(args, 0);
  if (cameras.length === 0) throw new UsageError('name at least one camera: --camera ID=SOURCE (repeatable)');
  const seconds = intFlag(args, 'seconds', 1, 120) ?? 3;
  const frames = intFlag(args, 'frames', 2, 10_000) ?? 45;
  const timeout = intFlag(args, 'timeout', 1, 120) ?? 10;
  const results = await Promise.all(
    cameras.map(async (camera) => ({
      camera: camera.id,
      ...(await checkCamera(camera.id, camera.source, { durationMs: seconds * 1000, maxFrames: frames, timeoutMs: timeout * 1000 })),
    })),
  );
  for (const r of results) {
    if (args.flags.has('json')) ctx.stdout(JSON.stringify({ camera: r.camera, verdict: r.verdict, detail: r.detail, frames: r.frames }));
    else ctx.stdout(`${r.camera}: ${r.verdict} (${r.detail})`);
  }
  return results.every((r) => r.verdict === 'ok') ? 0 : 1;
}

export const command: Command = {
  summary: 'check that each camera works (B.2)',
  usage: [
    'usage: lpr equipment check --camera ID=SOURCE [--camera ...] [--seconds N] [--frames N] [--timeout S] [--json]',
    '  Watches each camera for N seconds (default 3) or N frames (default 45) and prints one line per camera:',
    '  {"camera","verdict","detail","frames"} with --json, the verdict one of',
    '  ok | black | frozen | blurred | dark | bright | no-signal (nothing within --timeout seconds, default 10).',
    '  Exit status: 0 when every camera is ok, 1 when any is not, 2 on a usage error.',
  ].join('\n'),
  valuedFlags: ['camera', 'seconds', 'frames', 'timeout'],
  run,
};
