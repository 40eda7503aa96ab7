/**
 * What the officer has chosen or typed for an alert but not yet stored in the
 * engine: the dispatch result and its note, the disposition with its reason,
 * actions and note.
 * Kept per alert, so switching alerts, a reload or an engine restart loses
 * none of it (lib/ui-memory.ts keeps it in the screen's local storage).
 */
import { create } from 'zustand';
import type { DispatchResult, DispositionAction, DispositionKind } from '../../shared/contract.js';

export interface AlertDraft {
  dispatchResult: DispatchResult | null;
  dispatchNote: string;
  disposition: DispositionKind | null;
  /** The quick-pick reason chosen for the disposition. */
  dispositionReason: string | null;
  /** What the officer did (stop, arrest...). */
  actions: DispositionAction[];
  dispositionNote: string;
}

export const EMPTY_ALERT_DRAFT: AlertDraft = { dispatchResult: null, dispatchNote: '', disposition: null, dispositionReason: null, actions: [], dispositionNote: '' };

export interface DraftsState {
  /** By alert id. */
  alerts: Record<number, AlertDraft>;
  setAlertDraft(alertId: number, change: Partial<AlertDraft>): void;
  /** Keeps only the drafts of these (open) alerts. */
  keepOnly(alertIds: readonly number[]): void;
  restore(alerts: Record<number, AlertDraft>): void;
  clear(): void;
}

export const useDraftsStore = create<DraftsState>()((set) => ({
  alerts: {},
  setAlertDraft: (alertId, change) =>
    set((s) => ({ alerts: { ...s.alerts, [alertId]: { ...EMPTY_ALERT_DRAFT, ...s.alerts[alertId], ...change } } })),
  keepOnly: (alertIds) =>
    set((s) => {
      const kept: Record<number, AlertDraft> = {};
      for (const id of alertIds) if (s.alerts[id]) kept[id] = s.alerts[id];
      return { alerts: kept };
    }),
  // A draft kept by an earlier version may lack fields added since: each gets its empty value.
  restore: (alerts) => set({ alerts: Object.fromEntries(Object.entries(alerts).map(([id, draft]) => [id, { ...EMPTY_ALERT_DRAFT, ...draft }])) }),
  clear: () => set({ alerts: {} }),
}));

/** The draft of one alert and a setter that merges a change into it. */
export function useAlertDraft(alertId: number): [AlertDraft, (change: Partial<AlertDraft>) => void] {
  const draft = useDraftsStore((s) => s.alerts[alertId]) ?? EMPTY_ALERT_DRAFT;
  return [draft, (change) => useDraftsStore.getState().setAlertDraft(alertId, change)];
}

export function resetDraftsStore(): void {
  useDraftsStore.setState({ alerts: {} });
}
