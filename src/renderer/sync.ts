/**
 * Keeps the stores in step with the engine: the events it pushes, the full
 * reload after sign-in or after the bridge reconnects, and the hot-list
 * requests whose answers outlive the screen that asked (a sync can take
 * minutes, and an alert may take the screen meanwhile).
 */
import type { LprApi } from '../shared/contract.js';
import { call } from './api.js';
import { forgetSignIn, rememberSignIn, resumeToken } from './lib/resume.js';
import { restoreScreen } from './lib/ui-memory.js';
import { useDraftsStore } from './stores/drafts.js';
import { RECENT_READS_LIMIT } from './stores/reads.js';
import { useAdminStore, useAlertsStore, useHitsStore, useHotListsStore, useReadsStore, useSessionStore, useStartStore, useStatusStore } from './stores/index.js';

export function subscribeToEngine(api: LprApi): () => void {
  const unsubscribers = [
    api.on('read', (read) => {
      if (useSessionStore.getState().phase === 'signed-in') useReadsStore.getState().addRead(read);
    }),
    api.on('readView', ({ readId }) => {
      useReadsStore.getState().forgetImages(readId);
    }),
    api.on('alert', (alert) => {
      // Alerts are patrol work: a role that may not acknowledge them (an administrator at the car's
      // settings) is not taken over by one it could neither silence nor put aside.
      const session = useSessionStore.getState();
      if (session.phase === 'signed-in' && session.user?.role !== 'administrator') useAlertsStore.getState().upsert(alert);
    }),
    api.on('status', (status) => {
      useStatusStore.getState().setStatus(status);
    }),
    api.on('hotListSync', (event) => {
      if (useSessionStore.getState().phase === 'signed-in') useHotListsStore.getState().syncEvent(event);
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
  if (alerts.ok) {
    useAlertsStore.getState().setOpen(alerts.value);
    useDraftsStore.getState().keepOnly(alerts.value.map((a) => a.id));
  }
  else errors.push(alerts.error);
  if (useHotListsStore.getState().open) await loadManualEntries(api);
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
  let user = status.value.user;
  const token = user ? null : resumeToken();
  if (token) {
    // This screen was signed in before a reload or an engine restart.
    const resumed = await call(api, 'session.resume', { token });
    if (resumed.ok) user = rememberSignIn(resumed.value);
    else forgetSignIn();
  }
  if (!user) {
    if (session.phase === 'signed-in') {
      // Signed out first: the screen's memory keeps the drafts for when this officer signs in again.
      session.signedOut('The engine ended the session. Sign in again.');
      clearShift();
    } else if (session.phase === 'starting') {
      session.signedOut();
    }
    return;
  }
  // Back to the same alert or panel, with what was typed, when this officer was here before the reload or restart.
  if (session.phase !== 'signed-in') restoreScreen(user.id);
  session.signedIn(user);
  await loadShift(api);
}

export function clearShift(): void {
  useAdminStore.getState().setOpen(false);
  useReadsStore.getState().clear();
  useAlertsStore.getState().clear();
  useHotListsStore.getState().clear();
  useStartStore.getState().close();
  useHitsStore.getState().close();
}

/** Syncs every hot list now (C.3). Progress comes as events; the outcome per list lands in the store. */
export async function syncHotLists(api: LprApi): Promise<void> {
  const store = useHotListsStore.getState();
  if (store.syncing) return;
  store.syncStarted();
  const result = await call(api, 'hotlists.sync', {});
  useHotListsStore
    .getState()
    .syncFinished(
      result.ok ? { finishedAt: Date.now(), outcomes: result.value, error: null } : { finishedAt: Date.now(), outcomes: null, error: result.error },
    );
  // The answer comes after the last list is stored: ages and counts are new.
  const status = await call(api, 'status.get', {});
  if (status.ok) useStatusStore.getState().setStatus(status.value);
}

/** Reloads the manual entries; a failure keeps the ones shown and says why. */
export async function loadManualEntries(api: LprApi): Promise<void> {
  const result = await call(api, 'hotlists.manual.list', {});
  if (result.ok) useHotListsStore.getState().setManual(result.value);
  else useHotListsStore.getState().setManualError(result.error);
}

/** Locks this screen now (the Lock button, or idle time ran out); alerts still come and sound. */
export async function lockScreen(api: LprApi): Promise<string | null> {
  const result = await call(api, 'session.lock', {});
  if (!result.ok) return result.error;
  const status = useStatusStore.getState().status;
  if (status) useStatusStore.getState().setStatus({ ...status, locked: true });
  return null;
}
