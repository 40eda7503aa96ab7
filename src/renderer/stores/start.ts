/**
 * The shift-start screen (policy B.2 equipment check, C.3 shift-start sync):
 * whether it is open. Sign-in opens it for the people who patrol; "Start
 * patrol" closes it and the patrol screen opens it again on demand. Kept in
 * a store so an alert taking the screen, or a reload, brings the officer
 * back to it.
 */
import { create } from 'zustand';

export interface StartState {
  open: boolean;
  show(): void;
  close(): void;
}

export const useStartStore = create<StartState>()((set) => ({
  open: false,
  show: () => set({ open: true }),
  close: () => set({ open: false }),
}));

export function resetStartStore(): void {
  useStartStore.setState({ open: false });
}
