/** The engine's last reported status: cameras, GPS, hot lists, counters. */
import { create } from 'zustand';
import type { EngineStatus } from '../../shared/contract.js';

export interface StatusState {
  status: EngineStatus | null;
  setStatus(status: EngineStatus | null): void;
}

export const useStatusStore = create<StatusState>()((set) => ({
  status: null,
  setStatus: (status) => set({ status }),
}));

export function resetStatusStore(): void {
  useStatusStore.setState({ status: null });
}
