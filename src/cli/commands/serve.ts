/**
 * `lpr serve`: runs the engine with its cameras and serves the UI on
 * 127.0.0.1 (browser mode). `--demo` plays the built-in demo footage as a
 * camera, loads the demo hot list and creates the demo officer if missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Engine, type CameraConfig } from '../../main/engine/engine.js';
import { openSerialGps, type GpsSource } from '../../main/engine/gps/gps.js';
import { DEMO_USER, prepareDemo } from '../../main/engine/demo.js';
import { loadHotListsConfig } from '../../main/engine/hotlist/index.js';
import { createRecognizer, type EngineName } from '../../main/engine/recognition/index.js';
import { projectRoot } from '../../main/engine/paths.js';
import { startBrowserMode } from '../browser-mode.js';
import { intFlag, stringFlag, UsageError, type ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import type { Command } from '../lpr.js';

function cameraFlags(args: ParsedArgs, fps: number): CameraConfig[] {
  const raw = stringFlag(args, 'camera');
  if (!raw) return [];
  return raw.split(';').map((spec, i) => {
    const eq = spec.indexOf('=');
    const id = eq > 0 ? spec.slice(0, eq) : `camera${i + 1}`;
    const source = eq > 0 ? spec.slice(eq + 1) : spec;
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new UsageError(`camera id "${id}" must be 1-32 letters, digits, _ or -`);
    if (!source) throw new UsageError(`camera ${id} has no source`);
    return { id, name: id, source, fps, loop: args.flags.has('loop') };
  });
}

export async function serve(args: ParsedArgs, ctx: CliContext, demo: boolean): Promise<number> {
  const port = intFlag(args, 'port', 0, 65535) ?? 8470;
  const fps = intFlag(args, 'fps', 0, 120) ?? 10;
  const threads = intFlag(args, 'threads', 1, 64) ?? 1;
  const engineName = (stringFlag(args, 'engine') ?? 'auto') as EngineName;
  const cameras = cameraFlags(args, fps);
  const gpsPath = stringFlag(args, 'gps');
  const gps: GpsSource | undefined = gpsPath ? await openSerialGps(gpsPath, intFlag(args, 'gps-baud', 1200, 921600) ?? 4800) : undefined;
  const recognizer = await createRecognizer({ engine: engineName, threads });
  fs.mkdirSync(ctx.dataDir, { recursive: true });
  const hotLists = loadHotListsConfig(stringFlag(args, 'hotlist-config') ?? path.join(ctx.dataDir, 'hotlists.json'));
  const engine = new Engine({ dbFile: ctx.dbFile, recognizer, gps, hotLists, downloadDir: path.join(ctx.dataDir, 'downloads') });
  if (demo) {
    const { camera, added } = await prepareDemo(engine);
    if (added.length > 0) ctx.stderr(`demo: added ${added.join(' and ')}`);
    cameras.push(camera);
  }
  const rendererDir = path.join(projectRoot(), 'dist', 'renderer');
  const server = await startBrowserMode(engine, rendererDir, port);
  for (const camera of cameras) engine.startCamera(camera);
  ctx.stdout(`lpr: serving on ${server.url}  (data: ${ctx.dataDir}, recognizer: ${recognizer.name})`);
  if (demo) ctx.stdout(`lpr: demo officer ID "${DEMO_USER.id}", PIN ${DEMO_USER.pin}; the demo hot list holds a plate that appears in the footage`);
  if (cameras.length === 0) ctx.stdout('lpr: no camera configured (use --camera ID=SOURCE or --demo)');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  ctx.stderr('lpr: shutting down');
  await server.close();
  await engine.close();
  await recognizer.dispose();
  await gps?.close();
  return 0;
}

export const command: Command = {
  summary: 'run the engine and serve the UI on 127.0.0.1',
  usage:
    'usage: lpr serve [--port N] [--demo] [--camera ID=SOURCE[;ID=SOURCE...]] [--fps N] [--loop] [--gps DEVICE] [--gps-baud N] [--threads N] [--engine auto|project|paddle] [--hotlist-config FILE]\n' +
    '  SOURCE: image folder, video file, device index, stream URL or GStreamer pipeline',
  valuedFlags: ['port', 'camera', 'fps', 'gps', 'gps-baud', 'threads', 'engine', 'hotlist-config'],
  run: (args, ctx) => serve(args, ctx, args.flags.has('demo')),
};
