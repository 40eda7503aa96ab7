/** App-wide notices: the engine is unreachable, storage is failing, and "disposition saved". */
import { useEffect } from 'react';
import { DISPOSITION_TEXT } from '../lib/format.js';
import { useAlertsStore, useConnectionStore, useStatusStore } from '../stores/index.js';

export function ConnectionBanner() {
  const state = useConnectionStore((s) => s.state);
  const everOpen = useConnectionStore((s) => s.everOpen);
  if (state === 'open') return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      {everOpen
        ? 'Connection to the plate reader engine lost — reconnecting… Reads and alerts are not shown until it is back.'
        : 'Connecting to the plate reader engine…'}
    </div>
  );
}

const STORAGE_LABEL = { full: 'STORAGE FULL', failing: 'STORAGE FAILING', damaged: 'DATABASE DAMAGED' } as const;

/**
 * The store cannot write (disk full or failing, file damaged): alerts still
 * sound, reads wait in memory. And, until the app restarts, that a damaged
 * database was moved aside at start-up, for the administrator.
 */
export function StorageBanner() {
  const storage = useStatusStore((s) => s.status?.storage);
  if (!storage) return null;
  if (storage.state !== 'ok') {
    return (
      <div className="warning-banner" role="alert" data-testid="storage-banner">
        <strong>{STORAGE_LABEL[storage.state]}</strong>
        <span>
          {storage.message ?? 'Reads and alerts are kept in memory.'}
          {storage.buffered > 0 ? ` ${storage.buffered} read${storage.buffered === 1 ? '' : 's'} waiting to be stored.` : ''}
          {storage.lost > 0 ? ` ${storage.lost} read${storage.lost === 1 ? '' : 's'} without a hit could not be kept.` : ''}
        </span>
      </div>
    );
  }
  if (storage.replaced) {
    return (
      <div className="warning-banner" role="alert" data-testid="storage-replaced-banner">
        <strong>DATABASE REPLACED</strong>
        <span>
          The database was damaged and has been moved aside intact to {storage.replaced.movedTo}; a fresh one was started and the car keeps
          working. Tell an administrator.
        </span>
      </div>
    );
  }
  return null;
}

const SAVED_VISIBLE_MS = 3500;

export function SavedToast() {
  const saved = useAlertsStore((s) => s.saved);
  // Said outright, so the next alert under the confirmation is not taken for the one just saved.
  const nextOpen = useAlertsStore((s) => s.open.some((a) => a.id !== s.saved?.alertId));
  useEffect(() => {
    if (!saved) return;
    const timer = setTimeout(() => useAlertsStore.getState().setSaved(null), SAVED_VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [saved]);
  if (!saved) return null;
  return (
    <div className="saved-toast" role="status" data-testid="disposition-saved" onClick={() => useAlertsStore.getState().setSaved(null)}>
      <span className="saved-mark" aria-hidden="true">
        ✓
      </span>
      <span className="saved-text">
        <strong>Alert closed.</strong> {saved.plate}: disposition “{DISPOSITION_TEXT[saved.kind]}” saved.
        {nextOpen && <span className="saved-next"> The screen now shows the next open alert.</span>}
      </span>
    </div>
  );
}
