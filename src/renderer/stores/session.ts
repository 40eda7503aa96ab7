/** Who is signed in on this MDT, as the renderer knows it. */
import { create } from 'zustand';
import type { User } from '../../shared/contract.js';

export type SessionPhase = 'starting' | 'signed-out' | 'signed-in';

export interface SessionState {
  phase: SessionPhase;
  user: User | null;
  /** Shown on the login screen, e.g. when the engine ended the session. */
  notice: string | null;
  signedIn(user: User): void;
  signedOut(notice?: string | null): void;
}

const initial = { phase: 'starting' as SessionPhase, user: null, notice: null };

export const useSessionStore = create<SessionState>()((set) => ({
  ...initial,
  signedIn: (user) => set({ phase: 'signed-in', user, notice: null }),
  signedOut: (notice = null) => set({ phase: 'signed-out', user: null, notice }),
}));

export function resetSessionStore(): void {
  useSessionStore.setState(initial);
}
