/**
 * Keeps the stores in step with the engine: the events it pushes, and the
 * full reload after sign-in or after the bridge reconnects.
 */
import type { LprApi } from '../shared/contract.js';
import { call } from './api.js';
import { RECENT_READS_LIMIT } from './stores/reads.js';
import { useAlertsStore, useReadsStore, useSessionStore, useStatusStore } from './stores/index.js';

export function subscribeToEngine(api: LprApi): () => void {
  const unsubscribers = [
    api.on('read', (read) => {
      if (useSessionStore.getState().phase === 'signed-in') useReadsStore.getState().addRead(read);
    }),
    api.on('alert', (alert) => {
      if (useSessionStore.getState().phase === 'signed-in') useAlertsStore.getState().upsert(alert);
    }),
    api.on('status', (status) => {
      useStatusStore.getState().setStatus(status);
    }),
  ];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

/** Loads everything the patrol view shows. Failures leave what is there and are reported. */
export async function loadShift(api: LprApi): Promise<string[]> {
  const [status, reads, alerts] = await Promise.all([
    call(api, 'status.get', {}),
    call(api, 'reads.recent', { limit: RECENT_READS_LIMIT }),
    call(api, 'alerts.open', {}),
  ]);
  const errors: string[] = [];
  if (status.ok) useStatusStore.getState().setStatus(status.value);
  else errors.push(status.error);
  if (reads.ok) useReadsStore.getState().setReads(reads.value);
  else errors.push(reads.error);
  if (alerts.ok) useAlertsStore.getState().setOpen(alerts.value);
  else errors.push(alerts.error);
  return errors;
}

/**
 * Asks the engine who is signed in (at start-up, and after a reconnect: the
 * engine may have restarted) and loads the shift if someone is.
 */
export async function resumeSession(api: LprApi): Promise<void> {
  const status = await call(api, 'status.get', {});
  const session = useSessionStore.getState();
  if (!status.ok) {
    if (session.phase === 'starting') session.signedOut();
    return;
  }
  useStatusStore.getState().setStatus(status.value);
  const user = status.value.user;
  if (!user) {
    if (session.phase === 'signed-in') {
      clearShift();
      session.signedOut('The engine ended the session. Sign in again.');
    } else if (session.phase === 'starting') {
      session.signedOut();
    }
    return;
  }
  session.signedIn(user);
  await loadShift(api);
}

export function clearShift(): void {
  useReadsStore.getState().clear();
  useAlertsStore.getState().clear();
}
