/** App-wide notices: the engine is unreachable, and "disposition saved". */
import { useEffect } from 'react';
import { DISPOSITION_TEXT } from '../lib/format.js';
import { useAlertsStore, useConnectionStore } from '../stores/index.js';

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
