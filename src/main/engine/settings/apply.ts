/**
 * Applying saved settings to the running engine: the cameras whose settings
 * changed are restarted (the others keep reading), a new GPS receiver is
 * opened in place of the old one, and what is read afresh at every use
 * (screen thresholds, retention, reasons, accounts) applies at once. What the
 * engine takes only when it starts (recognizer, hot-list file, storage buffer)
 * is named so the administrator knows a restart is needed.
 */
import { settingsChanges, type CarSettings } from '../../../shared/settings.js';
import type { Engine } from '../engine.js';
import { openSerialGps, type GpsSource } from '../gps/gps.js';
import { logger } from '../log.js';
import { cameraConfigOf } from '../start.js';

const log = logger('settings');

/** Settings the engine reads only at start-up, in the words the screen shows. */
const AT_START: Record<string, string> = {
  recognition: 'the recognizer',
  hotListsFile: 'the hot-list configuration file',
  storage: 'the storage buffer and low-space mark',
};

export interface AppliedSettings {
  /** Cameras started or restarted with new settings. */
  readonly camerasStarted: string[];
  /** Cameras removed from the car. */
  readonly camerasStopped: string[];
  readonly gpsReopened: boolean;
  /** What takes effect only when the app starts again. */
  readonly restartNeeded: string[];
}

export type OpenGps = (device: string, baud: number) => Promise<GpsSource>;

export async function applyCarSettings(engine: Engine, before: CarSettings, after: CarSettings, openGps: OpenGps = openSerialGps): Promise<AppliedSettings> {
  const changed = new Set(settingsChanges(before, after).map((c) => c.key.split('.')[0]!));
  engine.carSettings.current = after;
  let cameras: { started: string[]; stopped: string[] } = { started: [], stopped: [] };
  if (changed.has('cameras')) {
    const kept = new Set(after.cameras.map((c) => c.id));
    cameras = await engine.updateCameras(
      after.cameras.map(cameraConfigOf),
      before.cameras.map((c) => c.id).filter((id) => !kept.has(id)),
    );
  }
  let gpsReopened = false;
  if (changed.has('gps')) {
    await engine.replaceGps(after.gps ? await openGps(after.gps.device, after.gps.baud) : undefined);
    gpsReopened = true;
  }
  const restartNeeded = Object.entries(AT_START)
    .filter(([key]) => changed.has(key))
    .map(([, words]) => words);
  engine.statusChanged();
  log.info({ cameras, gps: gpsReopened, restartNeeded }, 'settings applied');
  return { camerasStarted: cameras.started, camerasStopped: cameras.stopped, gpsReopened, restartNeeded };
}
