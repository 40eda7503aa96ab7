/**
 * Open alerts (not yet disposed) and which one the officer is working on.
 * The one on screen stays on screen until it is disposed, even when a more
 * urgent alert queues behind it; the queue count tells the officer it is there.
 */
import { create } from 'zustand';
import type { AlertView, DispositionKind } from '../../shared/contract.js';
import { URGENCY_RANK, alertUrgency } from '../lib/urgency.js';

export interface SavedDisposition {
  alertId: number;
  plate: string;
  kind: DispositionKind;
}

export interface AlertsState {
  open: AlertView[];
  currentId: number | null;
  /** The officer chose "back to patrol" with acknowledged alerts still open. */
  deferred: boolean;
  /** The last disposition stored, for the short confirmation. */
  saved: SavedDisposition | null;
  setOpen(alerts: AlertView[]): void;
  /** Adds or updates an alert (events and answers both carry the whole AlertView). */
  upsert(alert: AlertView): void;
  setDeferred(deferred: boolean): void;
  /** The officer tapped another open alert in the queue. */
  select(alertId: number): void;
  setSaved(saved: SavedDisposition | null): void;
  clear(): void;
}

function byUrgencyThenAge(a: AlertView, b: AlertView): number {
  const rank = URGENCY_RANK[alertUrgency(a)] - URGENCY_RANK[alertUrgency(b)] || a.match.priority - b.match.priority;
  return rank || a.raisedAt - b.raisedAt || a.id - b.id;
}

function normalise(open: AlertView[], currentId: number | null): Pick<AlertsState, 'open' | 'currentId'> {
  const sorted = open.filter((a) => a.status !== 'disposed').sort(byUrgencyThenAge);
  // Next up: the most urgent alert nobody has acknowledged yet, so the tone
  // always belongs to the alert on screen.
  const next = sorted.find((a) => a.status === 'pending') ?? sorted[0];
  const keep = sorted.some((a) => a.id === currentId) ? currentId : (next?.id ?? null);
  return { open: sorted, currentId: keep };
}

const initial = { open: [] as AlertView[], currentId: null, deferred: false, saved: null };

export const useAlertsStore = create<AlertsState>()((set) => ({
  ...initial,
  setOpen: (alerts) => set((s) => normalise(alerts, s.currentId)),
  upsert: (alert) =>
    set((s) => {
      const known = s.open.some((a) => a.id === alert.id);
      const rest = s.open.filter((a) => a.id !== alert.id);
      if (known || alert.status === 'disposed') return normalise([...rest, alert], s.currentId);
      // A new hit always takes the screen back from the patrol view; if the
      // officer had put the open ones aside, the new one comes first.
      return { ...normalise([...rest, alert], s.deferred ? null : s.currentId), deferred: false };
    }),
  setDeferred: (deferred) => set({ deferred }),
  select: (alertId) => set((s) => (s.open.some((a) => a.id === alertId) ? { currentId: alertId, deferred: false } : {})),
  setSaved: (saved) => set({ saved }),
  clear: () => set(initial),
}));

export function selectCurrentAlert(s: Pick<AlertsState, 'open' | 'currentId'>): AlertView | null {
  return s.open.find((a) => a.id === s.currentId) ?? null;
}

export function resetAlertsStore(): void {
  useAlertsStore.setState(initial);
}
