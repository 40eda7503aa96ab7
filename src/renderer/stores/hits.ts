/**
 * The hit history and the shift map: which of them is open and which alert's
 * detail is shown, kept in a store so an alert taking the screen (or a resumed
 * alert) brings the officer back to where they were.
 */
import { create } from 'zustand';

export type ShiftView = 'hits' | 'map';

export interface HitsState {
  open: ShiftView | null;
  /** The alert whose detail the hit history shows. */
  detail: number | null;
  show(view: ShiftView): void;
  setDetail(alertId: number | null): void;
  close(): void;
}

const initial = { open: null, detail: null };

export const useHitsStore = create<HitsState>()((set) => ({
  ...initial,
  show: (view) => set({ open: view, detail: null }),
  setDetail: (detail) => set({ detail }),
  close: () => set(initial),
}));

export function resetHitsStore(): void {
  useHitsStore.setState(initial);
}
