/**
 * The resume token sign-in gave this screen, kept for the tab's life
 * (sessionStorage), so a reload or an engine restart brings the officer back
 * signed in without typing the PIN again. Sign-out forgets it.
 */
import type { SignedIn, User } from '../../shared/contract.js';

const KEY = 'lpr.resumeToken';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function rememberSignIn(signedIn: SignedIn): User {
  storage()?.setItem(KEY, signedIn.resumeToken);
  return { id: signedIn.id, name: signedIn.name, role: signedIn.role };
}

export function resumeToken(): string | null {
  return storage()?.getItem(KEY) ?? null;
}

export function forgetSignIn(): void {
  storage()?.removeItem(KEY);
}
