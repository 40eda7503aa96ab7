/** Whether the renderer can reach the engine (browser mode's WebSocket bridge). */
import { create } from 'zustand';
import type { ConnectionState } from '../bridge/ws-client.js';

export interface ConnectionStoreState {
  state: ConnectionState;
  /** True once the bridge has been open at least once. */
  everOpen: boolean;
  /** A bridge is in use: start from its state, before it has ever been open. */
  attach(state: ConnectionState): void;
  setState(state: ConnectionState): void;
}

export const useConnectionStore = create<ConnectionStoreState>()((set) => ({
  state: 'open',
  everOpen: true,
  attach: (state) => set({ state, everOpen: state === 'open' }),
  setState: (state) => set((s) => ({ state, everOpen: s.everOpen || state === 'open' })),
}));

export function resetConnectionStore(): void {
  useConnectionStore.setState({ state: 'open', everOpen: true });
}
