/**
 * The equipment check of a camera (policy B.2) in the officer's words: what
 * the engine found (its state, the verdict on its recent frames, whether it
 * still points at the road) becomes one plain verdict with what to do. The
 * shift-start screen's tiles, the patrol screen's tiles and the failure
 * banners all say it the same way, from here. So do the faults that stop a
 * camera's pictures: the engine types each where it finds it (camera/*), and
 * its words live here once.
 */
import type { CameraFault, CameraStatus } from './contract.js';

/** The engine's verdicts on a camera's frames (camera/equipment.ts judges them). */
export const EQUIPMENT_VERDICTS = ['ok', 'black', 'frozen', 'blurred', 'dark', 'bright', 'no-signal'] as const;
export type EquipmentVerdict = (typeof EQUIPMENT_VERDICTS)[number];

/**
 * Why a camera gives no pictures, as the engine's camera code tells apart:
 * - missing: the file or folder its settings name is not there, or holds no pictures;
 * - unreachable: the device or stream could not be opened;
 * - no-answer: opening it did not finish in time (a network camera that accepts and never sends);
 * - stalled: it sent no picture for its stall time;
 * - ended: its stream closed, or a replay reached its end;
 * - undecodable: what it sends cannot be decoded into pictures;
 * - grabber-died: the reader's process that takes its pictures stopped or failed;
 * - unexpected: any other error (its detail says what).
 */
export const CAMERA_FAULT_KINDS = ['missing', 'unreachable', 'no-answer', 'stalled', 'ended', 'undecodable', 'grabber-died', 'unexpected'] as const;
export type CameraFaultKind = (typeof CAMERA_FAULT_KINDS)[number];

/** A fault in the officer's words: a banner's title after the camera's name ("Front camera has stopped"), why, and what to do. */
export interface FaultWords {
  readonly title: string;
  readonly reason: string;
  readonly action: string;
}

const NOT_READ = 'Plates this camera sees are not being read.';
const ADMINISTRATOR = "Call the administrator: the camera's panel (its name at the top) has the details.";

const FAULT_WORDS: Record<CameraFaultKind, { readonly title: string; readonly reason: (seconds: number | null) => string; readonly action: string }> = {
  missing: {
    title: 'has no video source',
    reason: () => 'The video its settings name is not there.',
    action: `${NOT_READ} ${ADMINISTRATOR}`,
  },
  unreachable: {
    title: 'cannot be reached',
    reason: () => 'It could not be reached.',
    action: `${NOT_READ} Check its cable and power, then restart the reader or call the administrator.`,
  },
  'no-answer': {
    title: 'does not answer',
    reason: (seconds) => (seconds === null ? 'It did not answer.' : `It did not answer within ${seconds} s.`),
    action: `${NOT_READ} Check its cable and power, then restart the reader or call the administrator.`,
  },
  stalled: {
    title: 'sends no picture',
    reason: (seconds) => (seconds === null ? 'Its pictures stopped coming.' : `No picture came for ${seconds} s.`),
    action: `${NOT_READ} Check its cable and power, then restart the reader or call the administrator.`,
  },
  ended: {
    title: 'has stopped',
    reason: () => 'Its picture stream ended.',
    action: `${NOT_READ} Restart the reader or call the administrator.`,
  },
  undecodable: {
    title: 'pictures cannot be read',
    reason: () => 'Its pictures could not be read.',
    action: `${NOT_READ} ${ADMINISTRATOR}`,
  },
  'grabber-died': {
    title: 'has failed',
    reason: () => 'The part of the reader that takes its pictures stopped.',
    action: `${NOT_READ} Restart the reader; if it happens again, call the administrator.`,
  },
  unexpected: {
    title: 'has failed',
    reason: () => 'The reader met an error with this camera.',
    action: `${NOT_READ} Restart the reader; if it happens again, call the administrator.`,
  },
};

/** A camera fault in the officer's words; never the engine's detail (addresses, paths, library wording). */
export function cameraFaultWords(fault: Pick<CameraFault, 'kind' | 'seconds'>): FaultWords {
  const words = FAULT_WORDS[fault.kind];
  return { title: words.title, reason: words.reason(fault.seconds === null ? null : Math.round(fault.seconds)), action: words.action };
}

/** A live source that failed and is opened again by itself; the fault's reason and the time to the next try go after the reason. */
export const RECONNECTING_WORDS: FaultWords = {
  title: 'lost: reconnecting',
  reason: 'It stopped sending pictures.',
  action: `${NOT_READ} It reconnects by itself; if this stays, check its cable and power.`,
};

/** A camera the reader stopped itself (its settings changed, the reader is closing): no fault, still no plates read. */
const STOPPED_WORDS: FaultWords = { title: 'has stopped', reason: 'The reader stopped it.', action: `${NOT_READ} Restart the reader or call the administrator.` };

/** Why a failed or stopped camera gives no pictures, in a banner's words; null while it runs, starts or is out of service. */
export function stoppedCameraWords(camera: Pick<CameraStatus, 'state' | 'fault'>): FaultWords | null {
  if (camera.state !== 'failed' && camera.state !== 'stopped') return null;
  if (camera.fault) return cameraFaultWords(camera.fault);
  // Every failure the engine reports has its fault; one without is not the officer's to explain.
  return camera.state === 'failed' ? cameraFaultWords({ kind: 'unexpected', seconds: null }) : STOPPED_WORDS;
}

/** One camera's verdict as the officer sees it. */
export const CAMERA_CHECKS = ['ok', 'starting', 'no-picture', 'frozen', 'blurred', 'dark', 'bright', 'misaligned', 'out-of-service', 'reconnecting'] as const;
export type CameraCheckKind = (typeof CAMERA_CHECKS)[number];

export interface CameraCheck {
  readonly kind: CameraCheckKind;
  /** Short words for a tile: "OK", "No picture", "Too dark"... */
  readonly words: string;
  /** good: working; warn: working with a reservation, or on its way; bad: plates it sees are not read. */
  readonly severity: 'good' | 'warn' | 'bad';
  /** What the officer does about it; empty when nothing is to be done. */
  readonly action: string;
}

const WORDS: Record<CameraCheckKind, string> = {
  ok: 'OK',
  starting: 'Starting',
  'no-picture': 'No picture',
  frozen: 'Frozen',
  blurred: 'Blurred',
  dark: 'Too dark',
  bright: 'Too bright',
  misaligned: 'Misaligned',
  'out-of-service': 'Out of service',
  reconnecting: 'Reconnecting',
};

const OUT_OF_SERVICE_HINT = 'If it cannot be fixed now, take it out of service and tell the administrator.';

function check(kind: CameraCheckKind, severity: CameraCheck['severity'], action: string): CameraCheck {
  return { kind, words: WORDS[kind], severity, action };
}

/** Whether the engine is trying the camera again by itself (it lost the source and reopens it). */
export function isReconnecting(camera: CameraStatus): boolean {
  const retryAt = camera.nextRetryAt ?? null;
  return (
    camera.state === 'reconnecting' ||
    ((camera.state === 'failed' || camera.state === 'stopped') && retryAt !== null) ||
    (camera.state === 'starting' && camera.fault !== null)
  );
}

/** A live camera's unusable picture (the check's kinds that judge its frames), as a banner's title after the camera's name and why. */
const PICTURE_FAULTS: Partial<Record<CameraCheckKind, { readonly title: string; readonly reason: string }>> = {
  'no-picture': { title: 'shows a black picture', reason: 'The picture is black: nothing can be read from it.' },
  frozen: { title: 'picture is frozen', reason: 'The same picture has come again and again: the camera or its cable is stuck.' },
  blurred: { title: 'picture is blurred', reason: 'Nothing in the picture is sharp: the lens may be dirty, fogged or out of focus.' },
  dark: { title: 'picture is too dark', reason: 'The picture is too dark to read plates well.' },
  bright: { title: 'picture is too bright', reason: 'Most of the picture is washed out by light.' },
};

/** What is wrong with a live camera's picture, in a banner's words with its severity; null when it is fine or the camera is not live. */
export function pictureFault(camera: CameraStatus): (FaultWords & { readonly severity: 'bad' | 'warn' }) | null {
  if (camera.state !== 'live') return null;
  const check = cameraCheck(camera);
  const words = PICTURE_FAULTS[check.kind];
  if (!words || check.severity === 'good') return null;
  return { ...words, action: check.action, severity: check.severity };
}

/** The camera's verdict in plain words, with what to do. */
export function cameraCheck(camera: CameraStatus): CameraCheck {
  if (camera.state === 'out-of-service') return check('out-of-service', 'warn', 'Put it back in service once it is fixed.');
  if (isReconnecting(camera)) return check('reconnecting', 'bad', 'It reconnects by itself. If this stays, check its cable and power.');
  switch (camera.state) {
    case 'failed':
    case 'stopped':
      return check('no-picture', 'bad', `Check its cable and power. ${OUT_OF_SERVICE_HINT}`);
    case 'starting':
    case 'reconnecting':
      return check('starting', 'warn', 'Wait a few seconds for the first picture.');
    case 'live':
      break;
  }
  switch (camera.equipment?.verdict ?? 'ok') {
    case 'black':
    case 'no-signal':
      return check('no-picture', 'bad', `The picture is black: take off the lens cap, check the cable. ${OUT_OF_SERVICE_HINT}`);
    case 'frozen':
      return check('frozen', 'bad', `The picture does not change: unplug the camera and plug it back in. ${OUT_OF_SERVICE_HINT}`);
    case 'blurred':
      return check('blurred', 'warn', 'Clean the lens or wipe off fog or dirt; if it stays blurred, tell the administrator (focus).');
    case 'dark':
      return check('dark', 'warn', 'Plates may be missed. Check nothing covers the lens; at night, check the camera lights.');
    case 'bright':
      return check('bright', 'warn', 'Plates may be missed. Check the camera is not facing the sun or a strong light.');
    case 'ok':
      break;
  }
  if (camera.misaligned) return check('misaligned', 'warn', 'Plates may be missed on that side. Check the camera mount when it is safe to stop.');
  return check('ok', 'good', '');
}
