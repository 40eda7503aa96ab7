/**
 * The hot lists panel: whether it is open, the sync in progress (C.3) and
 * its outcome, the manual entries (C.6), the last entry added with the reads
 * it matches, and the half-typed form. All of it lives here rather than in
 * the components, so an alert taking the screen mid-sync or mid-entry loses
 * nothing: the officer comes back to the panel as it was.
 */
import { create } from 'zustand';
import type { HotListSyncEvent, ManualEntryView, Responses } from '../../shared/contract.js';

export type SyncOutcome = Responses['hotlists.sync'][number];
export type ManualAdded = Responses['hotlists.manual.add'];

export interface ManualDraft {
  plate: string;
  /** Two-letter code, or '' for unknown. */
  state: string;
  /** The quick-pick reason tapped, or ''. */
  pick: string;
  /** The reason as typed: the whole reason, or more about the one picked. */
  reason: string;
  /** Hours as typed; '' for the engine's default. */
  expiry: string;
}

export const EMPTY_DRAFT: ManualDraft = { plate: '', state: '', pick: '', reason: '', expiry: '' };

export interface LastSync {
  finishedAt: number;
  /** One per list the engine synced; null when the engine refused the sync. */
  outcomes: SyncOutcome[] | null;
  error: string | null;
}

export interface HotListsState {
  open: boolean;
  syncing: boolean;
  /** The latest progress event of each list during the current (or last) sync. */
  progress: Record<string, HotListSyncEvent>;
  lastSync: LastSync | null;
  /** null until loaded. */
  manual: ManualEntryView[] | null;
  manualError: string | null;
  lastAdded: ManualAdded | null;
  draft: ManualDraft;
  setOpen(open: boolean): void;
  syncStarted(): void;
  syncEvent(event: HotListSyncEvent): void;
  syncFinished(result: LastSync): void;
  setManual(entries: ManualEntryView[]): void;
  setManualError(error: string | null): void;
  setLastAdded(added: ManualAdded | null): void;
  setDraft(change: Partial<ManualDraft>): void;
  clear(): void;
}

const initial = {
  open: false,
  syncing: false,
  progress: {} as Record<string, HotListSyncEvent>,
  lastSync: null,
  manual: null,
  manualError: null,
  lastAdded: null,
  draft: EMPTY_DRAFT,
};

/** Newest first, as the officer entered them. */
function byEnteredAt(entries: ManualEntryView[]): ManualEntryView[] {
  return [...entries].sort((a, b) => b.enteredAt - a.enteredAt || b.id - a.id);
}

export const useHotListsStore = create<HotListsState>()((set) => ({
  ...initial,
  setOpen: (open) => set({ open }),
  syncStarted: () => set({ syncing: true, progress: {} }),
  syncEvent: (event) => set((s) => ({ progress: { ...s.progress, [event.list]: event } })),
  syncFinished: (lastSync) => set({ syncing: false, lastSync }),
  setManual: (entries) => set({ manual: byEnteredAt(entries), manualError: null }),
  setManualError: (manualError) => set({ manualError }),
  setLastAdded: (lastAdded) => set({ lastAdded }),
  setDraft: (change) => set((s) => ({ draft: { ...s.draft, ...change } })),
  clear: () => set(initial),
}));

export function resetHotListsStore(): void {
  useHotListsStore.setState(initial);
}
