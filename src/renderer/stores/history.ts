/**
 * The history search screen (C.8): whether it is open, and the last search's
 * results, so an alert taking the screen loses nothing.
 */
import { create } from 'zustand';
import type { HistorySearchResult } from '../../shared/contract.js';

export interface HistoryState {
  open: boolean;
  result: HistorySearchResult | null;
  setOpen(open: boolean): void;
  setResult(result: HistorySearchResult | null): void;
}

const initial = { open: false, result: null };

export const useHistoryStore = create<HistoryState>()((set) => ({
  ...initial,
  setOpen: (open) => set({ open }),
  setResult: (result) => set({ result }),
}));

export function resetHistoryStore(): void {
  useHistoryStore.setState(initial);
}
