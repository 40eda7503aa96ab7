/**
 * The hit history of this shift (as in-car clients keep it): every alert
 * raised since sign-in, open and disposed, newest first, each row in its
 * list's colour. A row opens the alert's record: the images, the checklist
 * answers as the engine stored them with their times, the dispatch result,
 * the note and later sightings of the vehicle. An open alert is resumed from
 * here. The engine answers for the signed-in officer's shift only.
 */
import { useCallback, useEffect, useState } from 'react';
import type { AlertView, ChecklistStep, DispatchResult, DispositionKind, HitDetail } from '../../shared/contract.js';
import { normaliseColour } from '../../shared/colours.js';
import { ACTION_LABEL } from '../../shared/checklist.js';
import { call, useApi } from '../api.js';
import { DISPATCH_TEXT, DISPOSITION_TEXT, formatClock } from '../lib/format.js';
import { inheritedNote } from '../lib/inherited.js';
import { listColourStyle } from '../lib/list-colour.js';
import { useAlertsStore, useHitsStore, useStatusStore } from '../stores/index.js';
import { PlateText } from './PlateText.js';
import { ReadImage } from './ReadImage.js';
import './HitHistory.css';

export function openHitHistory(): void {
  useHitsStore.getState().show('hits');
}

function useCameraName(): (cameraId: string) => string {
  const cameras = useStatusStore((s) => s.status?.cameras);
  return (cameraId) => cameras?.find((c) => c.id === cameraId)?.name ?? cameraId;
}

export function HitHistory() {
  const api = useApi();
  const detail = useHitsStore((s) => s.detail);
  const [rows, setRows] = useState<AlertView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Reload when an alert arrives or changes (a disposition done from here comes back changed).
  const openAlerts = useAlertsStore((s) => s.open);

  const reload = useCallback(async () => {
    const result = await call(api, 'hits.shift', {});
    if (result.ok) setRows(result.value);
    setError(result.ok ? null : result.error);
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload, openAlerts]);

  return (
    <div className="hits" data-testid="hit-history">
      <header className="panel-bar">
        <button
          type="button"
          className="btn btn-back"
          data-testid="hits-back"
          onClick={() => (detail !== null ? useHitsStore.getState().setDetail(null) : useHitsStore.getState().close())}
        >
          {detail !== null ? '‹ All hits' : '‹ Back'}
        </button>
        <h1 className="panel-bar-title">{detail !== null ? 'Hit record' : 'Hits this shift'}</h1>
        {rows && detail === null && (
          <span className="panel-bar-meta" data-testid="hits-count">
            {rows.length === 1 ? '1 alert' : `${rows.length} alerts`} · {rows.filter((r) => r.status !== 'disposed').length} open
          </span>
        )}
        <button type="button" className="btn hits-map-button" data-testid="hits-open-map" onClick={() => useHitsStore.getState().show('map')}>
          Shift map
        </button>
      </header>
      {error && (
        <p className="error-text hits-error" role="alert" data-testid="hits-error">
          Could not load the hits: {error}
        </p>
      )}
      {detail !== null ? <HitRecord alertId={detail} /> : <HitList rows={rows} />}
    </div>
  );
}

function statusText(alert: AlertView): string {
  if (alert.disposition) return DISPOSITION_TEXT[alert.disposition.kind];
  return alert.status === 'pending' ? 'Open: not yet acknowledged' : 'Open: checks not finished';
}

function HitList({ rows }: { rows: AlertView[] | null }) {
  const cameraName = useCameraName();
  const signedInAt = useStatusStore((s) => s.status?.signedInAt);
  const me = useStatusStore((s) => s.status?.user ?? null);
  if (rows === null) return <p className="hits-empty muted">Loading…</p>;
  if (rows.length === 0) {
    return (
      <p className="hits-empty" data-testid="hits-empty">
        No hits yet this shift.
      </p>
    );
  }
  return (
    <ol className="hits-list" data-testid="hits-list">
      {rows.map((alert) => (
        <li
          key={alert.id}
          className={alert.status === 'disposed' ? 'hit-row' : 'hit-row hit-row-open'}
          style={listColourStyle(alert.match.colour)}
          data-testid="hit-row"
          data-alert-id={alert.id}
          data-list-colour={normaliseColour(alert.match.colour)}
        >
          <span className="hit-cell hit-time">
            <span className="cell-label">Time</span>
            <span className="cell-value">{formatClock(alert.raisedAt)}</span>
          </span>
          <span className="hit-cell hit-plate">
            <span className="cell-label">Plate read</span>
            <PlateText plate={alert.read.plate} />
          </span>
          <span className="hit-cell hit-list">
            <span className="cell-label">List</span>
            <span className="cell-value">
              <span className="list-band">{alert.entry.listName}</span> <span className="alert-code">{alert.entry.listCode}</span>
            </span>
            <span className="hit-category">{alert.entry.category}</span>
          </span>
          <span className="hit-cell hit-camera">
            <span className="cell-label">Camera</span>
            <span className="cell-value">{cameraName(alert.read.cameraId)}</span>
          </span>
          <span className="hit-cell hit-status" data-testid="hit-status">
            <span className="cell-label">Disposition</span>
            <span className={alert.disposition ? 'cell-value' : 'cell-value hit-status-open'}>{statusText(alert)}</span>
            {alert.disposition && (
              <span className="hit-who">
                {alert.disposition.userId} · {formatClock(alert.disposition.recordedAt)}
              </span>
            )}
            {alert.status !== 'disposed' && inheritedNote(alert, signedInAt, me) && (
              <span className="hit-who" data-testid="hit-inherited">
                {inheritedNote(alert, signedInAt, me)}
              </span>
            )}
          </span>
          <span className="hit-actions">
            {alert.status !== 'disposed' && (
              <button type="button" className="btn btn-primary" data-testid="hit-resume" onClick={() => resume(alert.id)}>
                Resume
              </button>
            )}
            <button type="button" className="btn" data-testid="hit-open" onClick={() => useHitsStore.getState().setDetail(alert.id)}>
              Details
            </button>
          </span>
        </li>
      ))}
    </ol>
  );
}

/** Brings an open alert back on screen (the alert screen takes over; the history is there again afterwards). */
function resume(alertId: number): void {
  useAlertsStore.getState().select(alertId);
}

const STEP_TEXT: Record<ChecklistStep['step'], string> = {
  acknowledged: 'Alert acknowledged',
  characters: 'Plate characters match the image',
  state: 'State matches the image',
  dispatch: 'Checked with dispatch',
  disposed: 'Disposition recorded',
};

function answerText(step: ChecklistStep): string {
  switch (step.step) {
    case 'acknowledged':
      return '—';
    case 'characters':
    case 'state':
      return step.answer === 'yes' ? 'Yes' : 'No';
    case 'dispatch':
      return DISPATCH_TEXT[step.answer as DispatchResult] ?? step.answer ?? '—';
    case 'disposed':
      return DISPOSITION_TEXT[step.answer as DispositionKind] ?? step.answer ?? '—';
  }
}

function HitRecord({ alertId }: { alertId: number }) {
  const api = useApi();
  const cameraName = useCameraName();
  const [record, setRecord] = useState<HitDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const stillOpen = useAlertsStore((s) => s.open.some((a) => a.id === alertId));

  useEffect(() => {
    let live = true;
    void call(api, 'hits.detail', { alertId }).then((result) => {
      if (!live) return;
      if (result.ok) setRecord(result.value);
      setError(result.ok ? null : result.error);
    });
    return () => {
      live = false;
    };
  }, [api, alertId, stillOpen]);

  if (error) {
    return (
      <p className="error-text hits-error" role="alert" data-testid="hit-detail-error">
        {error}
      </p>
    );
  }
  if (!record) return <p className="hits-empty muted">Loading…</p>;
  const { alert, steps, laterSightings } = record;
  const { read, entry } = alert;
  return (
    <div className="hit-record" data-testid="hit-detail" data-alert-id={alert.id} style={listColourStyle(alert.match.colour)}>
      <section className="hit-record-evidence" aria-label="What the camera saw">
        <div className="hit-record-head">
          <span className="list-band" data-testid="hit-detail-list">
            {entry.listName} · {entry.category}
          </span>
          <span className="alert-code">{entry.listCode}</span>
          {entry.recordNumber && <span className="hit-record-nic">NIC {entry.recordNumber}</span>}
          {alert.status !== 'disposed' && (
            <button type="button" className="btn btn-primary hit-record-resume" data-testid="hit-detail-resume" onClick={() => resume(alert.id)}>
              Resume this alert
            </button>
          )}
        </div>
        <div className="hit-record-plates">
          <span className="hit-cell">
            <span className="cell-label">Camera read</span>
            <PlateText plate={read.plate} size="large" testId="hit-detail-read-plate" />
          </span>
          <span className="hit-cell">
            <span className="cell-label">Plate on list</span>
            <PlateText plate={entry.plate} size="large" />
          </span>
          <span className="hit-cell">
            <span className="cell-label">State read / on list</span>
            <span className="cell-value">
              {read.state ?? 'Not read'} / {entry.state ?? 'Any'}
            </span>
          </span>
        </div>
        <div className="hit-record-images">
          <ReadImage readId={read.id} kind="crop" alt={`Plate crop of read ${read.plate}`} className="hit-record-crop" testId="hit-detail-crop" />
          <ReadImage readId={read.id} kind="context" alt={`Vehicle seen by ${cameraName(read.cameraId)}`} className="hit-record-context" testId="hit-detail-context" />
        </div>
        <p className="hit-record-meta">
          {cameraName(read.cameraId)} camera · read {formatClock(read.capturedAt)} · alert {formatClock(alert.raisedAt)}
          {read.gps ? ` · ${read.gps.lat.toFixed(5)}, ${read.gps.lon.toFixed(5)}` : ' · no GPS position'}
        </p>
        {entry.description && <p className="hit-record-description">{entry.description}</p>}
      </section>

      <section className="hit-record-steps" aria-label="Checks and disposition">
        <h2 className="shift-heading">Checks, as recorded</h2>
        {steps.length === 0 ? (
          <p className="muted" data-testid="hit-steps-none">
            Nothing recorded yet: the alert has not been acknowledged.
          </p>
        ) : (
          <ol className="hit-steps" data-testid="hit-steps">
            {steps.map((step, i) => (
              <li key={i} className="hit-step" data-testid="hit-step" data-step={step.step}>
                <span className="hit-step-time">{formatClock(step.at)}</span>
                <span className="hit-step-what">
                  {STEP_TEXT[step.step]}
                  {step.changed && <span className="hit-step-changed"> (changed)</span>}
                </span>
                <strong className="hit-step-answer">{answerText(step)}</strong>
                <span className="hit-step-who">{step.userId ?? ''}</span>
                {step.note && <span className="hit-step-note">{step.note}</span>}
              </li>
            ))}
          </ol>
        )}
        <dl className="facts">
          <dt>Dispatch result</dt>
          <dd data-testid="hit-detail-dispatch">
            {alert.checks.dispatch ? DISPATCH_TEXT[alert.checks.dispatch] : 'Not checked'}
            {alert.checks.dispatchNote ? ` · ${alert.checks.dispatchNote}` : ''}
          </dd>
          <dt>Disposition</dt>
          <dd data-testid="hit-detail-disposition">
            {alert.disposition
              ? `${DISPOSITION_TEXT[alert.disposition.kind]}${alert.disposition.reason ? ` · ${alert.disposition.reason}` : ''} · by ${alert.disposition.userId} at ${formatClock(alert.disposition.recordedAt)}`
              : 'None yet'}
          </dd>
          {alert.disposition && alert.disposition.actions.length > 0 && (
            <>
              <dt>Action taken</dt>
              <dd>{alert.disposition.actions.map((a) => ACTION_LABEL[a]).join(', ')}</dd>
            </>
          )}
          <dt>Note</dt>
          <dd data-testid="hit-detail-note">{alert.disposition?.note || 'No note'}</dd>
        </dl>
        <h2 className="shift-heading">Seen again</h2>
        {laterSightings.length === 0 ? (
          <p className="muted" data-testid="hit-sightings-none">
            Not seen again after the alert.
          </p>
        ) : (
          <ol className="hit-sightings" data-testid="hit-sightings">
            {laterSightings.map((s) => (
              <li key={s.id} className="hit-sighting" data-testid="hit-sighting">
                <ReadImage readId={s.id} kind="crop" alt={`Plate ${s.plate}`} className="hit-sighting-crop" />
                <span>{formatClock(s.capturedAt)}</span>
                <span>{cameraName(s.cameraId)} camera</span>
                <PlateText plate={s.plate} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
