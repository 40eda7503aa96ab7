/**
 * What is broken, in the officer's words: each failed or reconnecting camera,
 * a GPS receiver without a position, a hot list that is missing, out of date
 * or whose last sync failed. Each notice says what happened, why, and what to
 * do; it stays until the engine's status says the fault is gone.
 */
import type { CameraStatus, EngineStatus } from '../../shared/contract.js';
import { cameraCheck, isReconnecting, type CameraCheckKind } from '../../shared/equipment.js';
import { formatAge } from './format.js';

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
}

/** What is wrong with a live camera's picture (the equipment check), as a banner title and why. */
const PICTURE_FAULTS: Partial<Record<CameraCheckKind, { title: string; reason: string }>> = {
  'no-picture': { title: 'shows a black picture', reason: 'The picture is black: nothing can be read from it.' },
  frozen: { title: 'picture is frozen', reason: 'The same picture has come again and again: the camera or its cable is stuck.' },
  blurred: { title: 'picture is blurred', reason: 'Nothing in the picture is sharp: the lens may be dirty, fogged or out of focus.' },
  dark: { title: 'picture is too dark', reason: 'The picture is too dark to read plates well.' },
  bright: { title: 'picture is too bright', reason: 'Most of the picture is washed out by light.' },
};

/**
 * Why a camera failed, in the officer's words: the engine's message names the
 * camera and its source address (kept whole for the administrator in the
 * camera's panel); the banner says what happened to the pictures.
 */
export function cameraFaultInWords(camera: Pick<CameraStatus, 'id' | 'lastError'>): string | null {
  const error = camera.lastError;
  if (error === null) return null;
  const silent = /no frame for (\d+) s/.exec(error);
  if (silent) return `No picture came for ${silent[1]} s.`;
  if (/stopped sending frames/.test(error)) return 'Its picture stream ended.';
  const unanswered = /did not open within (\d+) s/.exec(error);
  if (unanswered) return `It did not answer within ${unanswered[1]} s.`;
  if (/cannot open video|failed to open/i.test(error)) return 'It could not be reached.';
  if (/cannot read video|no decodable frame|cannot decode/.test(error)) return 'Its pictures could not be read.';
  if (/grabber process/.test(error)) return 'The part of the reader that takes its pictures stopped.';
  const own = error.startsWith(`camera ${camera.id}: `) ? error.slice(`camera ${camera.id}: `.length) : error;
  return `${own.charAt(0).toUpperCase()}${own.slice(1)}${/[.!?]$/.test(own) ? '' : '.'}`;
}

function cameraNotice(camera: CameraStatus, now: number): FailureNotice | null {
  const id = `camera:${camera.id}`;
  const notRead = `Plates this camera sees are not being read.`;
  const retryAt = camera.nextRetryAt ?? null;
  if (isReconnecting(camera)) {
    const next = retryAt !== null && retryAt > now ? ` Next try in ${Math.ceil((retryAt - now) / 1000)} s.` : ' Trying now.';
    return {
      id,
      subject: 'camera',
      severity: 'bad',
      title: `${camera.name} camera lost: reconnecting`,
      reason: ['It stopped sending pictures.', cameraFaultInWords(camera), next.trim()].filter((part) => part !== null).join(' '),
      action: `${notRead} It reconnects by itself; if this stays, check its cable and power.`,
    };
  }
  const picture = camera.state === 'live' ? cameraCheck(camera) : null;
  const fault = picture ? PICTURE_FAULTS[picture.kind] : undefined;
  if (picture && fault) {
    return { id, subject: 'camera', severity: picture.severity === 'bad' ? 'bad' : 'warn', title: `${camera.name} camera ${fault.title}`, reason: fault.reason, action: picture.action };
  }
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
  switch (camera.state) {
    case 'failed':
      return {
        id,
        subject: 'camera',
        severity: 'bad',
        title: `${camera.name} camera has failed`,
        reason: cameraFaultInWords(camera) ?? 'The camera gave no reason.',
        action: `${notRead} Check its cable and power, then restart the reader or call the administrator.`,
      };
    case 'stopped':
      return {
        id,
        subject: 'camera',
        severity: 'bad',
        title: `${camera.name} camera has stopped`,
        reason: cameraFaultInWords(camera) ?? 'Its video ended.',
        action: `${notRead} Restart the reader or call the administrator.`,
      };
    case 'starting':
    case 'live':
    case 'reconnecting':
    case 'out-of-service':
      return null;
  }
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
    const age = list.updatedAt === null ? null : formatAge(list.updatedAt, now);
    if (list.stale) {
      notices.push({
        id: `hotlist:${list.name}`,
        subject: 'hotlist',
        severity: 'bad',
        title: `Hot list ${list.name} is out of date`,
        reason:
          list.staleReason ??
          (age === null ? 'It has never been synced.' : `Last updated ${age} ago${list.lastError ? `; the last sync failed: ${list.lastError}` : ''}.`),
        action: 'Hits on it may be wrong or missing. Sync now, and check a hit with dispatch before acting on it.',
        offersSync: true,
      });
    } else if (list.lastError) {
      notices.push({
        id: `hotlist:${list.name}`,
        subject: 'hotlist',
        severity: 'warn',
        title: `Hot list ${list.name}: the last sync failed`,
        reason: list.lastError,
        action: `The copy from ${age === null ? 'before' : `${age} ago`} is still in use. Sync again when the network is back.`,
        offersSync: true,
      });
    }
  }
  return notices;
}
