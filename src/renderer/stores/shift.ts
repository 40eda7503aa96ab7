/**
 * The shift screen: whether it is open, and whether it was opened by
 * "Sign out" (the summary then ends with the sign-out button). Kept in a
 * store so an alert taking the screen does not lose where the officer was.
 */
import { create } from 'zustand';

export interface ShiftState {
  open: boolean;
  /** Opened by "Sign out": the summary is shown before the officer signs out. */
  signingOut: boolean;
  show(signingOut?: boolean): void;
  close(): void;
}

const initial = { open: false, signingOut: false };

export const useShiftStore = create<ShiftState>()((set) => ({
  ...initial,
  show: (signingOut = false) => set({ open: true, signingOut }),
  close: () => set(initial),
}));

export function resetShiftStore(): void {
  useShiftStore.setState(initial);
}
