/**
 * Keeps what is on the officer's screen in the screen's local storage, so a
 * reload, a renderer crash or an engine restart brings the officer back to
 * the same alert (or hot-list panel) with every unsaved choice and note:
 * the alert drafts, the half-typed manual entry, which alert was on screen,
 * whether the shift-start check was still open.
 * It belongs to the signed-in officer: restored only for the same officer,
 * forgotten on sign-out.
 */
import { useAlertsStore } from '../stores/alerts.js';
import { useDraftsStore, type AlertDraft } from '../stores/drafts.js';
import { EMPTY_DRAFT, useHotListsStore, type ManualDraft } from '../stores/hotlists.js';
import { useSessionStore } from '../stores/session.js';
import { useStartStore } from '../stores/start.js';

const KEY = 'lpr.screen';

interface Remembered {
  userId: string;
  currentAlertId: number | null;
  deferred: boolean;
  hotListsOpen: boolean;
  shiftStartOpen: boolean;
  manualDraft: ManualDraft;
  alertDrafts: Record<number, AlertDraft>;
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function read(): Remembered | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Remembered>;
    if (typeof value.userId !== 'string') return null;
    return {
      userId: value.userId,
      currentAlertId: typeof value.currentAlertId === 'number' ? value.currentAlertId : null,
      deferred: value.deferred === true,
      hotListsOpen: value.hotListsOpen === true,
      shiftStartOpen: value.shiftStartOpen === true,
      manualDraft: { ...EMPTY_DRAFT, ...(value.manualDraft ?? {}) },
      alertDrafts: value.alertDrafts ?? {},
    };
  } catch {
    // A damaged entry is dropped rather than trusted.
    storage()?.removeItem(KEY);
    return null;
  }
}

/** Puts the officer's screen back as it was (call on sign-in, before the shift loads). */
export function restoreScreen(userId: string): void {
  const remembered = read();
  if (!remembered || remembered.userId !== userId) return;
  useDraftsStore.getState().restore(remembered.alertDrafts);
  useHotListsStore.setState({ draft: remembered.manualDraft, open: remembered.hotListsOpen });
  useAlertsStore.setState({ currentId: remembered.currentAlertId, deferred: remembered.deferred });
  useStartStore.setState({ open: remembered.shiftStartOpen });
}

function write(): void {
  const session = useSessionStore.getState();
  if (session.phase !== 'signed-in' || !session.user) return;
  const alerts = useAlertsStore.getState();
  const hotLists = useHotListsStore.getState();
  const remembered: Remembered = {
    userId: session.user.id,
    currentAlertId: alerts.currentId,
    deferred: alerts.deferred,
    hotListsOpen: hotLists.open,
    shiftStartOpen: useStartStore.getState().open,
    manualDraft: hotLists.draft,
    alertDrafts: useDraftsStore.getState().alerts,
  };
  try {
    storage()?.setItem(KEY, JSON.stringify(remembered));
  } catch {
    // Storage full or refused: the screen still works, it just will not survive a reload.
  }
}

/**
 * Writes the screen on every change, at once (a reload may come in the same
 * task). Only while signed in: sign-out and an ended session mark the session
 * signed out before they clear the stores, so the clearing is never kept.
 */
export function startScreenMemory(): () => void {
  const unsubscribers = [useAlertsStore.subscribe(write), useHotListsStore.subscribe(write), useDraftsStore.subscribe(write), useStartStore.subscribe(write), useSessionStore.subscribe(write)];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

/** Sign-out: nothing of this officer's screen stays for the next one. */
export function forgetScreen(): void {
  useDraftsStore.getState().clear();
  storage()?.removeItem(KEY);
}
