/** The screen while driving: status header, live reads, camera tiles, open alerts (failures show above every screen: FailureBanners). */
import { useState } from 'react';
import { formatClock, formatConfidence } from '../lib/format.js';
import { countInherited, inheritedNote } from '../lib/inherited.js';
import { useLiveCameras, type LiveCamera } from '../lib/live-frames.js';
import { useAlertsStore, useReadsStore, useStatusStore } from '../stores/index.js';
import type { AlertView, ReadSummary, User } from '../../shared/contract.js';
import { openHitHistory } from './HitHistory.js';
import { PlateText } from './PlateText.js';
import { ReadDetail } from './ReadDetail.js';
import { ReadImage } from './ReadImage.js';
import { openShiftMap } from './ShiftMap.js';
import { StatusHeader } from './StatusHeader.js';
import { CameraService } from './CameraService.js';
import { CameraTile } from './CameraTile.js';
import { openShiftStart } from './ShiftStartScreen.js';

export function PatrolView() {
  return (
    <div className="patrol" data-testid="patrol-view">
      <StatusHeader />
      <div className="patrol-body">
        <ReadsPanel />
        <SidePanel />
      </div>
      <ReadDetail />
    </div>
  );
}

/** When the engine does not say: the car settings' default. */
const DEFAULT_FEED_FLOOR = 0.5;

/** How each read of the feed relates to the open alerts: the read that raised one, or a later sighting of its plate. */
function useHotMarks(): (read: ReadSummary) => 'hit' | 'seen-again' | null {
  const open = useAlertsStore((s) => s.open);
  return (read: ReadSummary) => {
    for (const alert of open) {
      if (alert.read.id === read.id) return 'hit';
    }
    for (const alert of open) {
      if (read.capturedAt > alert.read.capturedAt && (alert.seenAgain?.readId === read.id || read.plate === alert.read.plate || read.plate === alert.entry.plate)) return 'seen-again';
    }
    return null;
  };
}

function ReadsPanel() {
  const reads = useReadsStore((s) => s.reads);
  const cameras = useStatusStore((s) => s.status?.cameras);
  const floor = useStatusStore((s) => s.status?.feedConfidenceFloor ?? DEFAULT_FEED_FLOOR);
  const markOf = useHotMarks();
  // With every camera down an empty list is not "quiet": say so.
  const noneWorking = cameras !== undefined && !cameras.some((c) => c.state === 'live' || c.state === 'starting');
  // Junk reads (a tail light at 5%) stay in the engine for matching and history, not on the officer's screen; hot ones always show.
  const shown = reads.filter((r) => r.confidence >= floor || markOf(r) !== null);
  const hidden = reads.length - shown.length;
  return (
    <section className="reads-panel" aria-label="Recent reads">
      <div className="panel-title">
        <h2>Recent reads</h2>
        <span className="panel-meta" data-testid="reads-hidden">
          newest first{hidden > 0 ? ` · ${hidden} unsure ${hidden === 1 ? 'read' : 'reads'} under ${Math.round(floor * 100)}% not listed` : ''}
        </span>
      </div>
      <ol className="reads-list" data-testid="reads-list">
        {shown.length === 0 && (
          <li className="reads-empty" data-testid="reads-empty">
            {noneWorking ? 'No camera is working: no plates are being read.' : 'No plates read yet this shift.'}
          </li>
        )}
        {shown.map((read) => (
          <ReadRow key={read.id} read={read} mark={markOf(read)} />
        ))}
      </ol>
    </section>
  );
}

function ReadRow({ read, mark }: { read: ReadSummary; mark: 'hit' | 'seen-again' | null }) {
  const cameraName = useStatusStore((s) => s.status?.cameras.find((c) => c.id === read.cameraId)?.name ?? read.cameraId);
  const lowConfidence = read.confidence < 0.8;
  return (
    <li className={mark ? 'read-row read-row-hit' : 'read-row'} data-testid="read-row" data-read-id={read.id} data-mark={mark ?? undefined}>
      <button type="button" className="read-row-open" aria-label={`Open the read of ${read.plate}`} data-testid="read-row-open" onClick={() => useReadsStore.getState().setDetail(read.id)}>
        <ReadImage readId={read.id} kind="crop" alt={`Plate ${read.plate}`} className="read-thumb" />
        <span className="read-plate">
          <PlateText plate={read.plate} />
          {mark === 'hit' && <span className="hit-tag">HIT</span>}
          {mark === 'seen-again' && <span className="hit-tag seen-tag">SEEN AGAIN</span>}
        </span>
        <span className="read-cell read-state">
          <span className="cell-label">State</span>
          <span className="cell-value">{read.state ?? 'not read'}</span>
        </span>
        <span className={lowConfidence ? 'read-cell read-conf low' : 'read-cell read-conf'}>
          <span className="cell-label">Sure</span>
          <span className="cell-value">{formatConfidence(read.confidence)}</span>
        </span>
        <span className="read-cell read-camera">
          <span className="cell-label">Camera</span>
          <span className="cell-value">{cameraName}</span>
        </span>
        <span className="read-cell read-time">
          <span className="cell-label">Time</span>
          <span className="cell-value">{formatClock(read.capturedAt)}</span>
        </span>
      </button>
    </li>
  );
}

/** What the open-alerts tile says of alerts left open from before this sign-in (they are not among the hits since). */
function inheritedLine(open: readonly AlertView[], signedInAt: number | null | undefined, me: User | null): string | null {
  const inherited = countInherited(open, signedInAt);
  if (inherited === 0) return null;
  if (inherited > 1) return `${inherited} left open from before you signed in`;
  const alert = open.find((a) => inheritedNote(a, signedInAt, me) !== null)!;
  return inheritedNote(alert, signedInAt, me);
}

function SidePanel() {
  const open = useAlertsStore((s) => s.open);
  const openCount = open.length;
  const setDeferred = useAlertsStore((s) => s.setDeferred);
  const status = useStatusStore((s) => s.status);
  const inherited = inheritedLine(open, status?.signedInAt, status?.user ?? null);
  const canSeeHits = status?.channels.includes('hits.shift') ?? false;
  const canMap = status?.channels.includes('shift.map') ?? false;
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
        {inherited && (
          <span className="tile-note" data-testid="open-alerts-inherited">
            {inherited}
          </span>
        )}
        {openCount > 0 && <span className="tile-action">Tap to resume the checks</span>}
      </button>
      {/* The hit history and the map come before the cameras, in reach at 768 px high. */}
      <div className="tile tile-hits">
        <span className="tile-value" data-testid="hits-since-signin-count">
          {status?.hitsThisShift ?? '—'}
        </span>
        <span className="tile-label" data-testid="hits-since-signin">
          {status?.hitsThisShift === 1 ? 'hit' : 'hits'} since you signed in
        </span>
        {(canSeeHits || canMap) && (
          <span className="tile-buttons">
            {canSeeHits && (
              <button type="button" className="btn" data-testid="hits-open" onClick={openHitHistory}>
                Hit history
              </button>
            )}
            {canMap && (
              <button type="button" className="btn" data-testid="map-open" onClick={openShiftMap}>
                Shift map
              </button>
            )}
          </span>
        )}
      </div>
      <CameraStrip />
      <div className="tile">
        <span className="tile-value">{status?.readsThisShift ?? '—'}</span>
        <span className="tile-label">{status?.readsThisShift === 1 ? 'read' : 'reads'} since you signed in</span>
      </div>
    </aside>
  );
}

/** Small live tiles of the car's cameras; a tap opens the larger view. */
function CameraStrip() {
  const { cameras } = useLiveCameras(1000);
  const [shown, setShown] = useState<string | null>(null);
  const open = cameras.find((c) => c.camera.id === shown) ?? null;
  return (
    <section className="camera-strip" aria-label="Cameras" data-testid="camera-strip">
      <div className="camera-strip-tiles">
        {cameras.map((live) => (
          <CameraTile key={live.camera.id} live={live} size="small" onOpen={() => setShown(live.camera.id)} />
        ))}
      </div>
      <button type="button" className="btn btn-quiet camera-strip-check" data-testid="shift-start-open" onClick={openShiftStart}>
        Equipment check
      </button>
      {open && <CameraLarge shown={open} onClose={() => setShown(null)} />}
    </section>
  );
}

/** One camera's picture, large, with its verdict, what to do, and the out-of-service switch. */
function CameraLarge({ shown, onClose }: { shown: LiveCamera; onClose: () => void }) {
  const [service, setService] = useState(false);
  // A picture sized for the larger view, not the tile's (the tile's until it comes).
  const { cameras } = useLiveCameras(1000, 640);
  const larger = cameras.find((c) => c.camera.id === shown.camera.id);
  const live = larger?.frame ? larger : shown;
  return (
    <div className="camera-large-backdrop" onClick={onClose}>
      <div className="camera-large" role="dialog" aria-label={`${live.camera.name} camera`} data-testid="camera-large" onClick={(e) => e.stopPropagation()}>
        <CameraTile live={live} size="large">
          <div className="camera-large-actions">
            {service ? (
              <CameraService camera={live.camera} onClose={() => setService(false)} />
            ) : (
              <>
                <button type="button" className="btn btn-quiet" data-testid="camera-large-service" onClick={() => setService(true)}>
                  {live.camera.state === 'out-of-service' ? 'Back in service…' : 'Out of service…'}
                </button>
                <button type="button" className="btn btn-primary" data-testid="camera-large-close" onClick={onClose}>
                  Close
                </button>
              </>
            )}
          </div>
        </CameraTile>
      </div>
    </div>
  );
}
