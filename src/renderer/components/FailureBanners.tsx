/**
 * The failure banners every screen shows above its content (cameras, GPS, hot
 * lists), from the engine's status, until the fault is gone. A touchscreen has
 * no hover, so the reason is written out, never hidden in a tooltip. The
 * administrator also sees the engine's details of a hot list's failure.
 */
import { useState } from 'react';
import { useApi } from '../api.js';
import { failureNotices } from '../lib/failures.js';
import { useNow } from '../lib/hooks.js';
import { useSessionStore, useStatusStore } from '../stores/index.js';
import { syncHotLists } from '../sync.js';
import { openHotLists } from './HotListsPanel.js';

export function FailureBanners() {
  const api = useApi();
  const status = useStatusStore((s) => s.status);
  const signedIn = useSessionStore((s) => s.phase === 'signed-in');
  // The engine's own account of a fault (paths, addresses) is for whoever sets the car up.
  const isAdministrator = useSessionStore((s) => s.user?.role === 'administrator');
  const now = useNow(1000);
  const [expanded, setExpanded] = useState(false);
  const all = failureNotices(status, now);
  if (all.length === 0) return null;
  // Space is scarce on an alert: the two most serious faults in full, the others one tap away.
  const ordered = [...all.filter((n) => n.severity === 'bad'), ...all.filter((n) => n.severity !== 'bad')];
  const notices = expanded ? ordered : ordered.slice(0, SHOWN);
  const more = ordered.length - notices.length;
  return (
    <div className="failure-banners" role="region" aria-label="Faults" aria-live="assertive" data-testid="failure-banners">
      {notices.map((notice) => (
        <div key={notice.id} className={`failure-banner failure-${notice.severity}`} data-testid="failure-banner" data-failure={notice.id}>
          <div className="failure-text">
            <strong className="failure-title">{notice.title}</strong>
            <span className="failure-reason">{notice.reason}</span>
            <span className="failure-action">{notice.action}</span>
            {notice.detail && isAdministrator && (
              <span className="failure-detail" data-testid="failure-detail">
                Details: {notice.detail}
              </span>
            )}
          </div>
          {notice.offersSync && signedIn && (
            <button
              type="button"
              className="btn banner-btn"
              data-testid="banner-sync"
              onClick={() => {
                openHotLists();
                void syncHotLists(api);
              }}
            >
              Sync now
            </button>
          )}
        </div>
      ))}
      {(more > 0 || expanded) && ordered.length > SHOWN && (
        <button type="button" className="failure-more" data-testid="failure-more" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show fewer faults' : `${more} more ${more === 1 ? 'fault' : 'faults'}: ${ordered.slice(SHOWN).map((n) => n.title).join(' · ')}`}
        </button>
      )}
    </div>
  );
}

/** Faults shown in full before "N more faults". */
const SHOWN = 2;
