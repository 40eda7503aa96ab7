/**
 * `lpr serve`: runs the engine with the car's settings (settings.json in the
 * data folder) and serves the UI on 127.0.0.1 (browser mode). Flags override
 * the settings: `--camera` (repeatable) replaces the cameras, `--gps` the
 * receiver. `--demo` plays the built-in demo footage in the demo's own data
 * folder.
 */
import path from 'node:path';
import { CAMERA_ID_PATTERN, type CameraSettings } from '../../shared/settings.js';
import { DEMO_USER } from '../../main/engine/demo.js';
import type { EngineName } from '../../main/engine/recognition/index.js';
import { projectRoot } from '../../main/engine/paths.js';
import { SettingsError } from '../../main/engine/settings/car-settings.js';
import { startEngine, type StartOptions } from '../../main/engine/start.js';
import { DatabaseKeyError } from '../../main/engine/store/key.js';
import { startBrowserMode } from '../browser-mode.js';
import { intFlag, stringFlag, stringFlags, UsageError, type ParsedArgs } from '../args.js';
import { CommandFailed, type CliContext } from '../context.js';
import type { Command } from '../lpr.js';

const ENGINES: readonly EngineName[] = ['auto', 'project', 'paddle'];

/** `--camera ID=SOURCE` (repeatable; `;` also separates several in one flag). */
export function cameraFlags(args: ParsedArgs, fps: number): CameraSettings[] {
  const specs = stringFlags(args, 'camera').flatMap((raw) => raw.split(';')).filter((s) => s.trim() !== '');
  const cameras = specs.map((spec, i): CameraSettings => {
    const eq = spec.indexOf('=');
    const id = eq > 0 ? spec.slice(0, eq) : `camera${i + 1}`;
    const source = eq > 0 ? spec.slice(eq + 1) : spec;
    if (!CAMERA_ID_PATTERN.test(id)) throw new UsageError(`camera id "${id}" must be 1-32 letters, digits, _ or -`);
    if (!source) throw new UsageError(`camera ${id} has no source`);
    return { id, name: id, position: 'front', source, fps, rotation: 0, loop: args.flags.has('loop') };
  });
  const ids = new Set<string>();
  for (const camera of cameras) {
    if (ids.has(camera.id)) throw new UsageError(`camera id "${camera.id}" is given twice`);
    ids.add(camera.id);
  }
  return cameras;
}

export async function serve(args: ParsedArgs, ctx: CliContext, demo: boolean): Promise<number> {
  const port = intFlag(args, 'port', 0, 65535) ?? 8470;
  const fps = intFlag(args, 'fps', 0, 120) ?? 10;
  const threads = intFlag(args, 'threads', 1, 64);
  const engineName = stringFlag(args, 'engine');
  if (engineName !== undefined && !ENGINES.includes(engineName as EngineName)) {
    throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}, got "${engineName}"`);
  }
  const cameras = cameraFlags(args, fps);
  const gpsPath = stringFlag(args, 'gps');
  const overrides: StartOptions['overrides'] = {
    ...(cameras.length > 0 ? { cameras } : {}),
    ...(gpsPath ? { gps: { device: gpsPath, baud: intFlag(args, 'gps-baud', 1200, 921600) ?? 4800 } } : {}),
    ...(engineName ? { engine: engineName as EngineName } : {}),
    ...(threads ? { threads } : {}),
    ...(stringFlag(args, 'hotlist-config') ? { hotListsFile: path.resolve(stringFlag(args, 'hotlist-config')!) } : {}),
  };
  const settingsFlag = stringFlag(args, 'settings');
  let running;
  try {
    running = await startEngine({
      dataDir: ctx.dataDir,
      ...(settingsFlag ? { settingsFile: path.resolve(settingsFlag) } : {}),
      overrides,
      dbKey: ctx.dbKey,
      demo,
      say: ctx.stderr,
    });
  } catch (error) {
    if (error instanceof SettingsError || error instanceof DatabaseKeyError) throw new CommandFailed(error.message, 78);
    throw new CommandFailed(`cannot start: ${(error as Error).message}`, 70);
  }
  const rendererDir = path.join(projectRoot(), 'dist', 'renderer');
  let server;
  try {
    server = await startBrowserMode(running.engine, rendererDir, port);
  } catch (error) {
    await running.close();
    throw new CommandFailed((error as Error).message, 70);
  }
  ctx.stdout(`lpr: serving on ${server.url}  (data: ${running.dataDir}, recognizer: ${running.recognizer.name})`);
  ctx.stdout('lpr: open that address (it carries this start\'s access token); other programs and pages on this machine are refused');
  if (demo) ctx.stdout(`lpr: demo officer ID "${DEMO_USER.id}", PIN ${DEMO_USER.pin}; the demo hot list holds a plate that appears in the footage`);
  if (running.cameras.length === 0) ctx.stdout(`lpr: no camera configured (add cameras to ${running.settingsFile}, or use --camera ID=SOURCE or --demo)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  ctx.stderr('lpr: shutting down');
  await server.close();
  await running.close();
  return 0;
}

export const command: Command = {
  summary: 'run the engine and serve the UI on 127.0.0.1',
  usage: [
    'usage: lpr serve [--port N] [--demo] [--settings FILE] [--camera ID=SOURCE]... [--fps N] [--loop] [--gps DEVICE] [--gps-baud N]',
    '                 [--threads N] [--engine auto|project|paddle] [--hotlist-config FILE]',
    '  Runs with the car settings in DATA_DIR/settings.json (see lpr settings check); flags override them.',
    '  SOURCE: image folder, video file, device index or /dev/videoN, stream URL (rtsp://, http://) or GStreamer pipeline.',
    '  The printed address carries a token for this start; open it in the browser.',
  ].join('\n'),
  valuedFlags: ['port', 'camera', 'fps', 'gps', 'gps-baud', 'threads', 'engine', 'hotlist-config', 'settings'],
  run: (args, ctx) => serve(args, ctx, args.flags.has('demo')),
};
