/**
 * The equipment check of a camera (policy B.2) in the officer's words: what
 * the engine found (its state, the verdict on its recent frames, whether it
 * still points at the road) becomes one plain verdict with what to do. The
 * shift-start screen's tiles, the patrol screen's tiles and the failure
 * banners all say it the same way, from here.
 */
import type { CameraStatus } from './contract.js';

/** The engine's verdicts on a camera's frames (camera/equipment.ts judges them). */
export const EQUIPMENT_VERDICTS = ['ok', 'black', 'frozen', 'blurred', 'dark', 'bright', 'no-signal'] as const;
export type EquipmentVerdict = (typeof EQUIPMENT_VERDICTS)[number];

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
    (camera.state === 'starting' && camera.lastError !== null)
  );
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
