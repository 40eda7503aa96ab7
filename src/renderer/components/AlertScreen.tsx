/**
 * A hit, full screen: what the list says, the read beside the list entry for
 * the visual check of policy IV.C.4.a, and the checklist that records the
 * checks (C.4.a, C.4.b) and the disposition (C.5).
 */
import type { AlertView } from '../../shared/contract.js';
import { normaliseColour } from '../../shared/colours.js';
import { differingPositions } from '../../shared/plates.js';
import { MATCH_KIND_TEXT, formatClock, formatConfidence } from '../lib/format.js';
import { inheritedNote } from '../lib/inherited.js';
import { listColourStyle } from '../lib/list-colour.js';
import { URGENCY_LABEL, alertUrgency } from '../lib/urgency.js';
import { useAlertsStore, useStatusStore } from '../stores/index.js';
import { AlertChecklist } from './AlertChecklist.js';
import { PlateText } from './PlateText.js';
import { ReadImage } from './ReadImage.js';
import { useReadImage } from '../lib/hooks.js';

export function AlertScreen({ alert }: { alert: AlertView }) {
  const urgency = alertUrgency(alert);
  const open = useAlertsStore((s) => s.open);
  const position = open.findIndex((a) => a.id === alert.id) + 1;
  const waiting = open.length - 1;
  const newWaiting = open.filter((a) => a.id !== alert.id && a.status === 'pending').length;
  // Putting alerts aside is only offered once every open one has been acknowledged.
  const canDefer = !open.some((a) => a.status === 'pending');
  const signedInAt = useStatusStore((s) => s.status?.signedInAt);
  const me = useStatusStore((s) => s.status?.user ?? null);
  const inherited = inheritedNote(alert, signedInAt, me);
  const seenCameraId = alert.seenAgain?.cameraId ?? '';
  const seenCamera = useStatusStore((s) => s.status?.cameras.find((c) => c.id === seenCameraId)?.name ?? seenCameraId);

  return (
    <div
      className={`alert-screen urgency-${urgency}`}
      style={listColourStyle(alert.match.colour)}
      data-testid="alert-screen"
      data-alert-id={alert.id}
      data-list-colour={normaliseColour(alert.match.colour)}
      role="alertdialog"
      aria-labelledby="alert-title"
    >
      <header className="alert-banner">
        <div className="alert-banner-text">
          <div className="alert-kicker">
            <span className="urgency-tag">{URGENCY_LABEL[urgency]}</span>
            <span className="list-band" data-testid="alert-list-band">
              Hot list hit · {alert.entry.listName}
            </span>
            <span>Raised {formatClock(alert.raisedAt)}</span>
            {inherited && (
              <span className="alert-inherited" data-testid="alert-inherited">
                {inherited}
              </span>
            )}
            {alert.seenAgain && (
              <span className="seen-again" data-testid="alert-seen-again">
                Seen again {formatClock(alert.seenAgain.lastAt)}, {seenCamera} camera
                {alert.seenAgain.count > 1 ? ` (${alert.seenAgain.count} times since this alert)` : ''}
              </span>
            )}
          </div>
          <h1 id="alert-title" className="alert-title">
            <span data-testid="alert-category">{alert.entry.category}</span>
            <span className="alert-code" data-testid="alert-code">
              {alert.entry.listCode}
            </span>
            {alert.entry.recordNumber && (
              <span className="alert-record" data-testid="alert-record-number">
                NIC {alert.entry.recordNumber}
              </span>
            )}
          </h1>
          <p className="alert-description" data-testid="alert-description">
            {alert.entry.description || 'No description on the list entry.'}
          </p>
        </div>
        <div className="alert-queue" data-testid="alert-queue">
          <span className="queue-position">
            Alert {Math.max(position, 1)} of {open.length}
          </span>
          {waiting > 0 && (
            <span className={newWaiting > 0 ? 'queue-waiting queue-new' : 'queue-waiting'} data-testid="alert-queue-count">
              {waiting} more waiting{newWaiting > 0 ? ` (${newWaiting} new)` : ''}
            </span>
          )}
          {waiting > 0 && <AlertQueue open={open} currentId={alert.id} canSwitch={alert.status !== 'pending'} />}
          {canDefer && (
            <button type="button" className="btn defer" data-testid="alert-defer" onClick={() => useAlertsStore.getState().setDeferred(true)}>
              Back to patrol
            </button>
          )}
        </div>
      </header>

      <div className="alert-body">
        <Comparison alert={alert} />
        <AlertChecklist key={alert.id} alert={alert} />
      </div>
    </div>
  );
}

/**
 * The other open alerts, most urgent first, each a button. Switching is
 * offered once the alert on screen is acknowledged, so its tone is never
 * silenced by looking elsewhere.
 */
function AlertQueue({ open, currentId, canSwitch }: { open: AlertView[]; currentId: number; canSwitch: boolean }) {
  const others = open.filter((a) => a.id !== currentId);
  const signedInAt = useStatusStore((s) => s.status?.signedInAt);
  const me = useStatusStore((s) => s.status?.user ?? null);
  return (
    <nav className="alert-queue-list" aria-label="Other open alerts" data-testid="alert-queue-list">
      {!canSwitch && <span className="queue-list-label">Acknowledge this one to switch</span>}
      {others.map((other) => (
        <button
          key={other.id}
          type="button"
          className={other.status === 'pending' ? 'btn queue-item queue-item-new' : 'btn queue-item'}
          style={listColourStyle(other.match.colour)}
          data-testid="alert-queue-item"
          data-alert-id={other.id}
          data-list-colour={normaliseColour(other.match.colour)}
          disabled={!canSwitch}
          onClick={() => useAlertsStore.getState().select(other.id)}
        >
          <span className="queue-item-plate">{other.entry.plate}</span>
          <span className="queue-item-what">
            {URGENCY_LABEL[alertUrgency(other)]} · {other.entry.category}
            {other.status === 'pending' ? ' · new' : ''}
          </span>
          {inheritedNote(other, signedInAt, me) && (
            <span className="queue-item-what" data-testid="alert-queue-inherited">
              {inheritedNote(other, signedInAt, me)}
            </span>
          )}
        </button>
      ))}
    </nav>
  );
}

function stateNote(readState: string | null, entryState: string | null): string {
  if (entryState === null) return ' The list entry applies to any state.';
  if (readState === null) return ' The camera could not read the state: check it on the vehicle.';
  if (readState !== entryState) return ' The state differs: check it on the vehicle.';
  return '';
}

function Comparison({ alert }: { alert: AlertView }) {
  const { read, entry, match } = alert;
  const cameraName = useStatusStore((s) => s.status?.cameras.find((c) => c.id === read.cameraId)?.name ?? read.cameraId);
  const kind = MATCH_KIND_TEXT[match.kind];
  // Large: exactly what the camera read. When the hit came from one of its other readings, that one is shown
  // beneath, and every position where the three differ is marked (positions line up only at equal lengths).
  const readPlate = match.readPlate || read.plate;
  const matchedOnAlternative = readPlate !== read.plate;
  const comparable = entry.plate.length === read.plate.length && !/[*?]/.test(entry.plate);
  const readHighlight = comparable ? differingPositions(read.plate, entry.plate) : matchedOnAlternative ? [] : match.differingPositions;
  const entryHighlight = comparable ? readHighlight : [];
  const alternativeHighlight = readPlate.length === read.plate.length ? differingPositions(readPlate, read.plate) : [];
  const stateDiffers = read.state === null || entry.state === null || read.state !== entry.state;

  return (
    <section className="comparison" aria-label="Read and hot-list entry side by side">
      <div className={`match-kind match-${match.kind}`} data-testid="alert-match-kind">
        <strong>{kind.title}</strong>
        <span>
          {kind.detail}
          {match.kind !== 'other-state' && stateNote(read.state, entry.state)}
        </span>
      </div>
      <div className="compare-grid">
        <div className="compare-head">Camera read</div>
        <div className="compare-head">Hot list entry</div>

        <ReadImage readId={read.id} kind="crop" alt={`Plate crop of read ${read.plate}`} className="alert-crop" testId="alert-crop-image" />
        <div className="entry-plate-card" aria-hidden="true">
          <span className="entry-plate-state">{entry.state ?? 'ANY STATE'}</span>
          <span className="entry-plate-chars">{entry.plate}</span>
        </div>

        <div className="compare-cell">
          <span className="cell-label">Camera read</span>
          <PlateText plate={read.plate} highlight={readHighlight} size="large" testId="alert-read-plate" />
          {matchedOnAlternative && (
            <span className="compare-note" data-testid="alert-alternative">
              Matched on the camera's other reading{' '}
              <PlateText plate={readPlate} highlight={alternativeHighlight} testId="alert-alternative-plate" />
            </span>
          )}
        </div>
        <div className="compare-cell">
          <span className="cell-label">Plate on list</span>
          <PlateText plate={entry.plate} highlight={entryHighlight} size="large" testId="alert-entry-plate" />
        </div>

        <div className="compare-cell compare-state">
          <span className="cell-label">State read</span>
          <span className={stateDiffers ? 'state-value state-diff' : 'state-value'} data-testid="alert-read-state">
            {read.state ?? 'Not read'}
          </span>
        </div>
        <div className="compare-cell compare-state">
          <span className="cell-label">State on list</span>
          <span className={stateDiffers ? 'state-value state-diff' : 'state-value'} data-testid="alert-entry-state">
            {entry.state ?? 'Any'}
          </span>
        </div>

        <ReadImage readId={read.id} kind="context" alt={`Vehicle seen by ${cameraName}`} className="alert-context" testId="alert-context-image" />
        <dl className="entry-details">
          <dt>List</dt>
          <dd>{entry.listName}</dd>
          <dt>Code</dt>
          <dd>{entry.listCode}</dd>
          <dt>Record</dt>
          <dd data-testid="alert-entry-record">{entry.recordNumber ?? 'None on the list'}</dd>
          <dt>Camera</dt>
          <dd>{cameraName}</dd>
          <dt>Read at</dt>
          <dd>{formatClock(read.capturedAt)}</dd>
          <dt>Confidence</dt>
          <dd>{formatConfidence(read.confidence)}</dd>
          {read.gps && (
            <>
              <dt>Position</dt>
              <dd>
                {read.gps.lat.toFixed(5)}, {read.gps.lon.toFixed(5)}
              </dd>
            </>
          )}
        </dl>
      </div>
      <OtherRecords entry={entry} />
      <CloserView readId={read.id} />
    </section>
  );
}

/** The vehicle's other records (one plate, several NICs): dispatch confirms each. */
function OtherRecords({ entry }: { entry: AlertView['entry'] }) {
  const others = entry.otherRecords ?? [];
  if (others.length === 0) return null;
  return (
    <div className="other-records" data-testid="alert-other-records">
      <h2>
        {others.length} other record{others.length === 1 ? '' : 's'} for {entry.plate}
      </h2>
      <ul>
        {others.map((r, i) => (
          <li key={`${r.listName}-${r.recordNumber ?? i}`} data-testid="alert-other-record">
            <span className="other-record-number">{r.recordNumber ? `NIC ${r.recordNumber}` : 'No record number'}</span>
            <span>{r.category}</span>
            <span className="alert-code">{r.listCode}</span>
            <span>{r.listName}</span>
            {r.description && (
              <span className="other-record-description" title={r.description}>
                {r.description}
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A closer view of the same pass, taken after the read raised its hit: the
 * read's own images stay the evidence, this one is shown beside them.
 */
function CloserView({ readId }: { readId: number }) {
  const crop = useReadImage(readId, 'closer-crop');
  if (typeof crop !== 'string' || crop === 'loading') return null;
  return (
    <details className="closer-view" data-testid="alert-closer-view">
      <summary className="cell-label">Closer view, taken after the alert (the images above are the evidence)</summary>
      <div className="closer-images">
        <img className="img-slot alert-crop" src={crop} alt="Closer plate crop" draggable={false} />
        <ReadImage readId={readId} kind="closer-context" alt="Closer view of the vehicle" className="alert-context" />
      </div>
    </details>
  );
}
