/** The screen while driving: status header, stale-list warning, live reads, open alerts. */
import { useApi } from '../api.js';
import { formatAge, formatClock, formatConfidence } from '../lib/format.js';
import { useNow } from '../lib/hooks.js';
import { useAlertsStore, useReadsStore, useStatusStore } from '../stores/index.js';
import { syncHotLists } from '../sync.js';
import type { ReadSummary } from '../../shared/contract.js';
import { openHotLists } from './HotListsPanel.js';
import { PlateText } from './PlateText.js';
import { ReadImage } from './ReadImage.js';
import { StatusHeader } from './StatusHeader.js';

export function PatrolView() {
  return (
    <div className="patrol" data-testid="patrol-view">
      <StatusHeader />
      <HotListWarning />
      <div className="patrol-body">
        <ReadsPanel />
        <SidePanel />
      </div>
    </div>
  );
}

function HotListWarning() {
  const api = useApi();
  const hotLists = useStatusStore((s) => s.status?.hotLists);
  const now = useNow();
  if (!hotLists) return null;
  const syncNow = (
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
  );
  if (hotLists.length === 0) {
    return (
      <div className="warning-banner" role="alert" data-testid="no-hotlist-warning">
        <strong>NO HOT LIST LOADED</strong>
        <span>Reads are not being checked. Sync the hot lists (Policy 5.04 IV.C.3).</span>
        {syncNow}
      </div>
    );
  }
  const stale = hotLists.filter((l) => l.stale);
  if (stale.length === 0) return null;
  return (
    <div className="warning-banner" role="alert" data-testid="stale-warning">
      <strong>STALE HOT LIST</strong>
      <span>
        {stale
          .map((l) => `${l.name}: ${l.staleReason ?? (l.updatedAt === null ? 'never synced' : `data ${formatAge(l.updatedAt, now)} old`)}`)
          .join(' · ')}
        . Sync before relying on hits (Policy 5.04 IV.C.3).
      </span>
      {syncNow}
    </div>
  );
}

function ReadsPanel() {
  const reads = useReadsStore((s) => s.reads);
  return (
    <section className="reads-panel" aria-label="Recent reads">
      <div className="panel-title">
        <h2>Recent reads</h2>
        <span className="panel-meta">newest first</span>
      </div>
      <ol className="reads-list" data-testid="reads-list">
        {reads.length === 0 && <li className="reads-empty">No plates read yet this shift.</li>}
        {reads.map((read) => (
          <ReadRow key={read.id} read={read} />
        ))}
      </ol>
    </section>
  );
}

function ReadRow({ read }: { read: ReadSummary }) {
  const cameraName = useStatusStore((s) => s.status?.cameras.find((c) => c.id === read.cameraId)?.name ?? read.cameraId);
  const hit = useAlertsStore((s) => s.open.some((a) => a.read.id === read.id));
  const lowConfidence = read.confidence < 0.8;
  return (
    <li className={hit ? 'read-row read-row-hit' : 'read-row'} data-testid="read-row" data-read-id={read.id}>
      <ReadImage readId={read.id} kind="crop" alt={`Plate ${read.plate}`} className="read-thumb" />
      <div className="read-plate">
        <PlateText plate={read.plate} />
        {hit && <span className="hit-tag">HIT</span>}
      </div>
      <div className="read-cell read-state">
        <span className="cell-label">State</span>
        <span className="cell-value">{read.state ?? '??'}</span>
      </div>
      <div className={lowConfidence ? 'read-cell read-conf low' : 'read-cell read-conf'}>
        <span className="cell-label">Conf.</span>
        <span className="cell-value">{formatConfidence(read.confidence)}</span>
      </div>
      <div className="read-cell read-camera">
        <span className="cell-label">Camera</span>
        <span className="cell-value">{cameraName}</span>
      </div>
      <div className="read-cell read-time">
        <span className="cell-label">Time</span>
        <span className="cell-value">{formatClock(read.capturedAt)}</span>
      </div>
    </li>
  );
}

function SidePanel() {
  const openCount = useAlertsStore((s) => s.open.length);
  const setDeferred = useAlertsStore((s) => s.setDeferred);
  const status = useStatusStore((s) => s.status);
  return (
    <aside className="side-panel">
      <button
        type="button"
        className={openCount > 0 ? 'tile tile-alerts tile-alerts-open' : 'tile tile-alerts'}
        disabled={openCount === 0}
        onClick={() => setDeferred(false)}
      >
        <span className="tile-value" data-testid="open-alerts-count">
          {openCount}
        </span>
        <span className="tile-label">{openCount === 1 ? 'open alert' : 'open alerts'}</span>
        {openCount > 0 && <span className="tile-action">Tap to resume the checks</span>}
      </button>
      <div className="tile">
        <span className="tile-value">{status?.readsThisShift ?? '—'}</span>
        <span className="tile-label">reads this shift</span>
      </div>
      <div className="tile">
        <span className="tile-value">{status?.hitsThisShift ?? '—'}</span>
        <span className="tile-label">hits this shift</span>
      </div>
      {status?.recognizer && <div className="side-note">Recognizer: {status.recognizer}</div>}
    </aside>
  );
}
