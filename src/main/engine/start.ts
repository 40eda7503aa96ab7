/**
 * The one start-up of the engine, shared by both hosts (the Electron utility
 * process and `lpr serve`): read the car's settings, apply the host's
 * overrides (command-line flags), load the recognizer and the GPS receiver,
 * open the store, add the demo when asked, and start every camera. The demo
 * always runs in its own data folder, so it never writes a user or a list
 * into the car's real one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CameraSettings, CarSettings } from '../../shared/settings.js';
import { prepareDemo } from './demo.js';
import { Engine, type CameraConfig } from './engine.js';
import { openSerialGps, type GpsSource } from './gps/gps.js';
import { loadHotListsConfig } from './hotlist/index.js';
import { logger } from './log.js';
import { createRecognizer, type EngineName } from './recognition/index.js';
import type { Recognizer } from './recognition/recognizer.js';
import { RetentionSchedule } from './records/retention.js';
import { loadCarSettings, resolveInDataDir, SETTINGS_FILE } from './settings/car-settings.js';
import { demoDbKey, keyFromEnvironment, type DbKey } from './store/key.js';

const log = logger('start');

export interface StartOptions {
  /** The car's data folder (database, settings.json, hotlists.json, downloads). */
  readonly dataDir: string;
  /** Settings file; default settings.json in the data folder. */
  readonly settingsFile?: string;
  /** What the host's command line says instead of the settings. */
  readonly overrides?: {
    readonly cameras?: readonly CameraSettings[];
    readonly gps?: { readonly device: string; readonly baud: number } | null;
    readonly engine?: EngineName;
    readonly threads?: number;
    readonly hotListsFile?: string;
  };
  /** The database key; default $LPR_DB_KEY. The demo always uses its own published key. */
  readonly dbKey?: DbKey | null;
  /** Play the demo footage with the demo officer and list, in the demo's own data folder. */
  readonly demo?: boolean;
  readonly now?: () => number;
  /** Tells the host what was added (demo officer, list). */
  readonly say?: (line: string) => void;
}

export interface RunningEngine {
  readonly engine: Engine;
  readonly settings: CarSettings;
  readonly settingsFile: string;
  readonly dataDir: string;
  readonly recognizer: Recognizer;
  readonly cameras: readonly CameraConfig[];
  close(): Promise<void>;
}

/** The demo's own data folder beside (inside) the car's: never the real database. */
export function demoDataDir(dataDir: string): string {
  return path.join(dataDir, 'demo');
}

export function cameraConfigOf(camera: CameraSettings): CameraConfig {
  return { ...camera };
}

export async function startEngine(options: StartOptions): Promise<RunningEngine> {
  const dataDir = options.demo ? demoDataDir(options.dataDir) : options.dataDir;
  fs.mkdirSync(dataDir, { recursive: true });
  const settingsFile = options.settingsFile ?? path.join(dataDir, SETTINGS_FILE);
  const fromFile = loadCarSettings(settingsFile);
  const o = options.overrides ?? {};
  const settings: CarSettings = {
    ...fromFile,
    cameras: o.cameras ? [...o.cameras] : fromFile.cameras,
    gps: o.gps !== undefined ? o.gps : fromFile.gps,
    hotListsFile: o.hotListsFile ?? fromFile.hotListsFile,
    recognition: { engine: o.engine ?? fromFile.recognition.engine, threads: o.threads ?? fromFile.recognition.threads },
  };
  const recognizer = await createRecognizer({ engine: settings.recognition.engine, threads: settings.recognition.threads });
  // The ensemble the cameras' unsure plates are read again with, loaded now rather than at the first such plate;
  // a failure here is only logged: the recognizer reports it again, and tries again, when the ensemble is asked for.
  recognizer.prepare?.().catch((error: unknown) => log.warn({ err: (error as Error).message }, 'the thorough OCR reader did not load; unsure plates keep their fast reading until it does'));
  let gps: GpsSource | undefined;
  let engine: Engine | undefined;
  let retention: RetentionSchedule | undefined;
  try {
    if (settings.gps) gps = await openSerialGps(settings.gps.device, settings.gps.baud);
    engine = new Engine({
      dbFile: path.join(dataDir, 'lpr.sqlite'),
      dbKey: options.demo ? demoDbKey() : options.dbKey !== undefined ? options.dbKey : keyFromEnvironment(),
      recognizer,
      gps,
      hotLists: loadHotListsConfig(resolveInDataDir(dataDir, settings.hotListsFile)),
      downloadDir: path.join(dataDir, 'downloads'),
      // The file's own settings: what the settings screen edits (flags only override this run).
      carSettings: { file: settingsFile, current: fromFile },
      ...(options.now ? { now: options.now } : {}),
    });
    // B.1.a: records past their period go at start-up and every hour after.
    const started = engine;
    retention = new RetentionSchedule(engine.db, () => started.carSettings.current.retention, () => started.clock());
    retention.start();
    const cameras = settings.cameras.map(cameraConfigOf);
    if (options.demo) {
      const { camera, added } = await prepareDemo(engine);
      if (added.length > 0) options.say?.(`demo: added ${added.join(' and ')} (in ${dataDir})`);
      cameras.push(camera);
    }
    for (const camera of cameras) engine.startCamera(camera);
    log.info({ dataDir, cameras: cameras.map((c) => c.id), gps: settings.gps?.device ?? null, recognizer: recognizer.name }, 'engine started');
    const running = engine;
    return {
      engine: running,
      settings,
      settingsFile,
      dataDir,
      recognizer,
      cameras,
      close: async () => {
        retention?.stop();
        // The settings screen may have replaced the receiver the engine started with.
        const receiver = running.gpsSource;
        await running.close();
        await recognizer.dispose();
        await receiver?.close();
      },
    };
  } catch (error) {
    retention?.stop();
    await engine?.close().catch(() => undefined);
    await gps?.close().catch(() => undefined);
    await recognizer.dispose().catch(() => undefined);
    throw error;
  }
}
