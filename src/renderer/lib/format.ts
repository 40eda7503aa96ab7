/** Wording and number formats shared by the screens, in the officer's terms. */
import type { CameraStatus, DispatchResult, DispositionKind, MatchKind } from '../../shared/contract.js';

export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** "just now", "12 min", "3 h 05 min", "2 d 4 h". */
export function formatAge(sinceMs: number, nowMs: number): string {
  const minutes = Math.max(0, Math.floor((nowMs - sinceMs) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function formatConfidence(confidence: number): string {
  const pct = confidence <= 1 ? confidence * 100 : confidence;
  return `${Math.round(pct)}%`;
}

export const MATCH_KIND_TEXT: Record<MatchKind, { title: string; detail: string }> = {
  exact: { title: 'Exact match', detail: 'Every character matches the list entry.' },
  lookalike: {
    title: 'Look-alike match',
    detail: 'Some characters differ but look alike to the camera (0/O, 8/B, 1/I…). Check the highlighted characters.',
  },
  'other-state': {
    title: 'Same plate, different state',
    detail: 'The characters match but the state of issuance differs or could not be read. Check the state.',
  },
  partial: {
    title: 'Partial match',
    detail: 'Only part of the plate matches the list entry. Check every character.',
  },
};

export const DISPATCH_TEXT: Record<DispatchResult, string> = {
  'verified-active': 'Verified active',
  'not-active': 'Not active',
  'not-possible': 'Could not verify',
};

export const DISPOSITION_TEXT: Record<DispositionKind, string> = {
  confirmed: 'Confirmed',
  misread: 'Misread',
  'not-on-list': 'Not on list anymore',
  other: 'Other',
};

export const CAMERA_STATE_TEXT: Record<CameraStatus['state'], string> = {
  starting: 'Starting',
  live: 'OK',
  reconnecting: 'Reconnecting',
  failed: 'Failed',
  stopped: 'Stopped',
  'out-of-service': 'Out of service',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "14:30" today, "15 May 14:30" on another day (entries entered or expiring days apart). */
export function formatDayTime(epochMs: number, nowMs: number): string {
  const d = new Date(epochMs);
  const now = new Date(nowMs);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(d.getHours())}:${two(d.getMinutes())}`;
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? clock : `${d.getDate()} ${MONTHS[d.getMonth()]} ${clock}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** What a list's sync did, by the engine's outcome word. */
export function syncOutcomeText(outcome: string, entries: number): string {
  const count = `${formatCount(entries)} ${entries === 1 ? 'entry' : 'entries'}`;
  switch (outcome) {
    case 'imported':
      return `Updated: ${count}`;
    case 'not-modified':
      return `Server copy unchanged: ${count}`;
    case 'unchanged':
      return `Source file unchanged since the last import: ${count}`;
    case 'failed':
      return 'Failed';
    default:
      return `${outcome}: ${count}`;
  }
}
