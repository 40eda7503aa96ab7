/**
 * What is broken, in the officer's words: each failed or reconnecting camera,
 * a GPS receiver without a position, a hot list that is missing, out of date
 * or whose last sync failed (its words from shared/hotlists.ts). Each notice
 * says what happened, why, and what to do; it stays until the engine's status
 * says the fault is gone.
 */
import type { CameraStatus, EngineStatus } from '../../shared/contract.js';
import { cameraFaultWords, isReconnecting, pictureFault, RECONNECTING_WORDS, stoppedCameraWords } from '../../shared/equipment.js';
import { hotListWords } from '../../shared/hotlists.js';
import { formatDayTime } from './format.js';

export type FailureSubject = 'camera' | 'gps' | 'hotlist';

export interface FailureNotice {
  /** Stable per fault (e.g. "camera:front"), for keys and tests. */
  readonly id: string;
  readonly subject: FailureSubject;
  /** 'bad': something is not working; 'warn': it works, with a reservation. */
  readonly severity: 'bad' | 'warn';
  readonly title: string;
  readonly reason: string;
  readonly action: string;
  /** The notice offers "Sync now". */
  readonly offersSync?: boolean;
  /** The engine's own account (a path, an address): the administrator's "Details", never the officer's. */
  readonly detail?: string;
}

/** A camera's banner: it is reconnecting by itself, its picture is unusable, it looks out of line, or it failed or stopped (the engine says why). */
function cameraNotice(camera: CameraStatus, now: number): FailureNotice | null {
  const id = `camera:${camera.id}`;
  const fault = camera.fault === null ? null : cameraFaultWords(camera.fault);
  if (isReconnecting(camera)) {
    const retryAt = camera.nextRetryAt ?? null;
    const next = retryAt !== null && retryAt > now ? `Next try in ${Math.ceil((retryAt - now) / 1000)} s.` : 'Trying now.';
    return {
      id,
      subject: 'camera',
      severity: 'bad',
      title: `${camera.name} camera ${RECONNECTING_WORDS.title}`,
      reason: [RECONNECTING_WORDS.reason, fault?.reason ?? null, next].filter((part) => part !== null).join(' '),
      action: RECONNECTING_WORDS.action,
    };
  }
  const picture = pictureFault(camera);
  if (picture) return { id, subject: 'camera', severity: picture.severity, title: `${camera.name} camera ${picture.title}`, reason: picture.reason, action: picture.action };
  if (camera.state === 'live' && camera.misaligned) {
    return {
      id,
      subject: 'camera',
      severity: 'warn',
      title: `${camera.name} camera may be pointing the wrong way`,
      reason: `From what it reads: ${camera.misaligned}.`,
      action: 'Plates may be missed on that side. Check the camera mount when it is safe to stop, or tell the administrator.',
    };
  }
  const stopped = stoppedCameraWords(camera);
  return stopped && { id, subject: 'camera', severity: 'bad', title: `${camera.name} camera ${stopped.title}`, reason: stopped.reason, action: stopped.action };
}

export function failureNotices(status: EngineStatus | null, now: number): FailureNotice[] {
  if (!status) return [];
  const notices: FailureNotice[] = [];
  if (status.cameras.length === 0) {
    notices.push({
      id: 'camera:none',
      subject: 'camera',
      severity: 'bad',
      title: 'No camera connected',
      reason: 'The reader has no camera set up.',
      action: 'No plates are being read. Call the administrator to set up the cameras.',
    });
  }
  for (const camera of status.cameras) {
    const notice = cameraNotice(camera, now);
    if (notice) notices.push(notice);
  }
  if (status.user && status.gpsReceiver && status.gps === null) {
    notices.push({
      id: 'gps',
      subject: 'gps',
      severity: 'warn',
      title: 'No GPS position',
      reason: 'The GPS receiver has lost the satellites.',
      action: 'Reads are saved without a location until it finds them again. If this stays, check the GPS antenna and its cable.',
    });
  }
  if (status.hotLists.length === 0) {
    notices.push({
      id: 'hotlist:none',
      subject: 'hotlist',
      severity: 'bad',
      title: 'No hot list loaded',
      reason: 'Reads are not being checked against any list.',
      action: 'Sync the hot lists now, or tell dispatch you have no list.',
      offersSync: true,
    });
  }
  for (const list of status.hotLists) {
    const words = hotListWords(list, now, (at) => formatDayTime(at, now));
    if (!words) continue;
    notices.push({
      id: `hotlist:${list.name}`,
      subject: 'hotlist',
      severity: 'bad',
      title: words.title,
      reason: words.reason,
      action: words.action,
      offersSync: true,
      ...(list.fault ? { detail: list.fault.detail } : {}),
    });
  }
  return notices;
}
