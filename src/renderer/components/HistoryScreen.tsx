/**
 * History search (C.8): the officer says why (a case number, or a reason
 * from the agency's list with what it is for) before the search runs; the
 * results show as a list with their plate crops and on an offline grid map
 * when they carry GPS. A hit's evidence package is exported from here with
 * who receives it and why (D.1). Every search, image and export is audited by
 * the engine; this screen only asks.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { HistoryRead, Responses } from '../../shared/contract.js';
import { historyQuerySchema } from '../../shared/contract.js';
import { keepPlateCharacters } from '../../shared/plates.js';
import { CASE_NUMBER_PATTERN, type SearchReason } from '../../shared/records.js';
import { call, useApi } from '../api.js';
import { formatClock } from '../lib/format.js';
import { gridMap } from '../lib/grid-map.js';
import { useHistoryStore } from '../stores/index.js';
import { KeyboardButton, OnScreenKeyboard, useKeyboardTarget } from './OnScreenKeyboard.js';
import { PanelBar } from './PanelBar.js';

export function openHistory(): void {
  useHistoryStore.getState().setOpen(true);
}

type Mode = 'case' | 'reason';

function toTime(local: string): number | undefined {
  if (local === '') return undefined;
  const t = new Date(local).getTime();
  return Number.isFinite(t) ? t : undefined;
}

export function HistoryScreen() {
  const api = useApi();
  const result = useHistoryStore((s) => s.result);
  const [reasons, setReasons] = useState<SearchReason[]>([]);
  const [mode, setMode] = useState<Mode>('case');
  const [caseNumber, setCaseNumber] = useState('');
  const [reason, setReason] = useState('');
  const [reasonText, setReasonText] = useState('');
  const [plate, setPlate] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [camera, setCamera] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [exporting, setExporting] = useState<ExportSource | null>(null);
  const keyboard = useKeyboardTarget<'case' | 'plate'>();
  const caseRef = useRef<HTMLInputElement>(null);
  const plateRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void call(api, 'history.reasons', {}).then((r) => {
      if (r.ok) setReasons(r.value);
    });
  }, [api]);

  const justificationError =
    mode === 'case'
      ? CASE_NUMBER_PATTERN.test(caseNumber.trim())
        ? null
        : 'Enter the case number (3-40 letters, digits, "-", "/", ".")'
      : reason === ''
        ? 'Choose a reason'
        : reasonText.trim().length < 10
          ? 'Say what the search is for (at least 10 characters)'
          : null;
  const plateCheck = historyQuerySchema.shape.plate.safeParse(plate);
  const plateError = plateCheck.success ? null : 'Plate: letters and digits, * for any run, ? for one character';

  async function search(event: FormEvent) {
    event.preventDefault();
    if (justificationError || plateError) {
      setError(justificationError ?? plateError);
      return;
    }
    setBusy(true);
    setError(null);
    keyboard.close();
    const fromT = toTime(from);
    const toT = toTime(to);
    const answer = await call(api, 'history.search', {
      plate,
      ...(fromT !== undefined ? { from: fromT } : {}),
      ...(toT !== undefined ? { to: toT } : {}),
      ...(camera.trim() !== '' ? { cameraId: camera.trim() } : {}),
      justification: mode === 'case' ? { caseNumber: caseNumber.trim() } : { reason, text: reasonText.trim() },
    });
    setBusy(false);
    if (answer.ok) useHistoryStore.getState().setResult(answer.value);
    else setError(answer.error);
  }

  return (
    <div className="history" data-testid="history-screen">
      <PanelBar title="History search" back="‹ Patrol" onBack={() => useHistoryStore.getState().setOpen(false)} backTestId="history-close" meta="Every search is recorded with its reason" />
      <div className="history-body">
        <form className="history-form" onSubmit={(e) => void search(e)} aria-label="History search">
          <fieldset className="history-justification">
            <legend>Why (required)</legend>
            <div className="segmented" role="radiogroup">
              <button type="button" role="radio" aria-checked={mode === 'case'} className={mode === 'case' ? 'btn btn-selected' : 'btn'} data-testid="history-mode-case" onClick={() => setMode('case')}>
                Case number
              </button>
              <button type="button" role="radio" aria-checked={mode === 'reason'} className={mode === 'reason' ? 'btn btn-selected' : 'btn'} data-testid="history-mode-reason" onClick={() => setMode('reason')}>
                Reason
              </button>
            </div>
            {mode === 'case' ? (
              <label className="field">
                <span className="field-label">Case number</span>
                <span className="osk-field">
                  <input ref={caseRef} className="input" data-testid="history-case" value={caseNumber} onChange={(e) => setCaseNumber(e.target.value)} autoComplete="off" spellCheck={false} {...keyboard.touchOpens('case')} />
                  <KeyboardButton open={keyboard.target === 'case'} label="the case number" onClick={() => keyboard.toggle('case')} testId="history-case-keyboard" />
                </span>
              </label>
            ) : (
              <>
                <label className="field">
                  <span className="field-label">Reason</span>
                  <select className="input" data-testid="history-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
                    <option value="">Choose…</option>
                    {reasons.map((r) => (
                      <option key={r.code} value={r.code}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="field">
                  <span className="field-label">What it is for</span>
                  <input className="input" data-testid="history-reason-text" value={reasonText} onChange={(e) => setReasonText(e.target.value)} />
                </label>
              </>
            )}
          </fieldset>
          {mode === 'case' && keyboard.target === 'case' && (
            <OnScreenKeyboard kind="case" label="Case number" value={caseNumber} onChange={setCaseNumber} onDone={() => keyboard.open('plate')} doneLabel="Next" maxLength={40} fieldRef={caseRef} docked testId="history-keyboard" />
          )}
          <label className="field">
            <span className="field-label">Plate (* any, ? one)</span>
            <span className="osk-field">
              <input
                ref={plateRef}
                className="input input-plate"
                data-testid="history-plate"
                value={plate}
                onChange={(e) => setPlate(keepPlateCharacters(e.target.value, true))}
                autoComplete="off"
                spellCheck={false}
                {...keyboard.touchOpens('plate')}
              />
              <KeyboardButton open={keyboard.target === 'plate'} label="the plate" onClick={() => keyboard.toggle('plate')} testId="history-plate-keyboard" />
            </span>
          </label>
          {keyboard.target === 'plate' && (
            <OnScreenKeyboard kind="plate-pattern" label="Plate" value={plate} onChange={setPlate} onDone={keyboard.close} maxLength={12} fieldRef={plateRef} docked testId="history-keyboard" />
          )}
          <div className="history-range">
            <label className="field">
              <span className="field-label">From</span>
              <input className="input" type="datetime-local" data-testid="history-from" value={from} onChange={(e) => setFrom(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">To</span>
              <input className="input" type="datetime-local" data-testid="history-to" value={to} onChange={(e) => setTo(e.target.value)} />
            </label>
          </div>
          <label className="field">
            <span className="field-label">Camera (optional)</span>
            <input className="input" data-testid="history-camera" value={camera} onChange={(e) => setCamera(e.target.value)} />
          </label>
          <button type="submit" className="btn btn-primary btn-xl" data-testid="history-search" disabled={busy}>
            {busy ? 'Searching…' : 'Search'}
          </button>
          {error && (
            <p className="error-text" role="alert" data-testid="history-error">
              {error}
            </p>
          )}
        </form>
        <section className="history-results" aria-label="Results">
          {result === null ? (
            <p className="history-hint">Results appear here. Each search is recorded with its reason and what it returned.</p>
          ) : (
            <>
              <div className="records-head">
                <p className="history-count" data-testid="history-count">
                  {result.reads.length} read{result.reads.length === 1 ? '' : 's'}
                  {result.truncated ? ' — more matched; narrow the search' : ''}
                </p>
                {result.reads.length > 0 && (
                  <button type="button" className="btn" data-testid="history-export-all" onClick={() => setExporting({ searchId: result.searchId })}>
                    Export all as evidence
                  </button>
                )}
              </div>
              <HistoryMap reads={result.reads} />
              <ol className="history-list">
                {result.reads.map((read) => (
                  <HistoryRow key={read.id} read={read} searchId={result.searchId} onExport={(hitId) => setExporting({ hitId })} />
                ))}
              </ol>
            </>
          )}
        </section>
      </div>
      {exporting !== null && <ExportDialog source={exporting} onClose={() => setExporting(null)} />}
    </div>
  );
}

function HistoryRow({ read, searchId, onExport }: { read: HistoryRead; searchId: number; onExport: (hitId: number) => void }) {
  const api = useApi();
  const [crop, setCrop] = useState<string | null>(null);
  useEffect(() => {
    if (!read.hasImages) return;
    let live = true;
    void call(api, 'history.image', { searchId, readId: read.id, kind: 'crop' }).then((r) => {
      if (live && r.ok) setCrop(r.value);
    });
    return () => {
      live = false;
    };
  }, [api, read.id, read.hasImages, searchId]);
  return (
    <li className={read.hits.length > 0 ? 'history-row history-row-hit' : 'history-row'} data-testid="history-row" data-read={read.id}>
      {crop ? <img className="history-crop" src={crop} alt={`Plate ${read.plate}`} /> : <span className="history-crop history-crop-none">{read.hasImages ? '…' : 'image purged'}</span>}
      <div className="history-row-text">
        <span className="plate-text">{read.plate}</span>
        <span className="history-meta">
          {read.state ?? '--'} · {new Date(read.capturedAt).toLocaleDateString()} {formatClock(read.capturedAt)} · {read.cameraId}
          {read.gps ? ` · ${read.gps.lat.toFixed(4)}, ${read.gps.lon.toFixed(4)}` : ' · no GPS'}
        </span>
        {read.hits.map((hit) => (
          <span key={hit.hitId} className="history-hit">
            <span className="tag tag-bad">HIT {hit.listName}</span> {hit.listCode} · {hit.matchKind}
            {hit.disposition ? ` · ${hit.disposition}` : hit.alertStatus ? ` · ${hit.alertStatus}` : ''}
            <button type="button" className="btn" data-testid="history-export" onClick={() => onExport(hit.hitId)}>
              Export evidence
            </button>
          </span>
        ))}
      </div>
    </li>
  );
}

/** Results with GPS on a latitude/longitude grid; nothing is fetched. */
function HistoryMap({ reads }: { reads: HistoryRead[] }) {
  const located = reads.filter((r) => r.gps !== null).map((r) => ({ id: r.id, lat: r.gps!.lat, lon: r.gps!.lon }));
  // Wide, like the results column, so the grid fills it without letterboxing.
  const map = gridMap(located, 840, 260);
  if (!map) return <p className="history-hint" data-testid="history-map-none">No GPS positions among these reads.</p>;
  const hitIds = new Set(reads.filter((r) => r.hits.length > 0).map((r) => r.id));
  return (
    <svg className="history-map" data-testid="history-map" viewBox={`0 0 ${map.width} ${map.height}`} role="img" aria-label={`${located.length} positions on a coordinate grid`}>
      <rect width={map.width} height={map.height} className="map-bg" />
      {map.latLines.map((l) => (
        <g key={`lat${l.value}`}>
          <line x1={0} x2={map.width} y1={l.y} y2={l.y} className="map-grid" />
          <text x={4} y={l.y - 3} className="map-label">
            {l.value.toFixed(3)}°
          </text>
        </g>
      ))}
      {map.lonLines.map((l) => (
        <g key={`lon${l.value}`}>
          <line y1={0} y2={map.height} x1={l.x} x2={l.x} className="map-grid" />
          <text x={l.x + 3} y={map.height - 4} className="map-label">
            {l.value.toFixed(3)}°
          </text>
        </g>
      ))}
      {map.points.map((p) => (
        <circle key={p.id} cx={p.x} cy={p.y} r={7} className={hitIds.has(p.id) ? 'map-hit' : 'map-read'} data-testid="history-map-point" />
      ))}
    </svg>
  );
}

type ExportSource = { hitId: number } | { searchId: number };

function ExportDialog({ source, onClose }: { source: ExportSource; onClose: () => void }) {
  const api = useApi();
  const [person, setPerson] = useState('');
  const [agency, setAgency] = useState('');
  const [reason, setReason] = useState('');
  const [caseNumber, setCaseNumber] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Responses['evidence.export'] | null>(null);
  const keyboard = useKeyboardTarget<'case'>();
  const caseRef = useRef<HTMLInputElement>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    keyboard.close();
    const answer = await call(api, 'evidence.export', { ...source, recipientPerson: person, recipientAgency: agency, reason, caseNumber });
    if (answer.ok) setDone(answer.value);
    else setError(answer.error);
  }
  return (
    <div className="dialog-backdrop" role="dialog" aria-label="Export evidence" data-testid="export-dialog">
      <form className="dialog" onSubmit={(e) => void submit(e)}>
        <h2>{'hitId' in source ? `Export hit ${source.hitId} as evidence` : 'Export these results as evidence'}</h2>
        {done ? (
          <>
            <p data-testid="export-done">
              Saved {done.file} ({done.reads} read{done.reads === 1 ? '' : 's'}, {done.hits} hit{done.hits === 1 ? '' : 's'}). Logged as dissemination {done.disseminationId}.
            </p>
            <p className="history-meta">Manifest SHA-256 {done.manifestSha256}</p>
            <button type="button" className="btn btn-primary" data-testid="export-close" onClick={onClose}>
              Done
            </button>
          </>
        ) : (
          <>
            <label className="field">
              <span className="field-label">To (person)</span>
              <input className="input" data-testid="export-person" value={person} onChange={(e) => setPerson(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">Agency</span>
              <input className="input" data-testid="export-agency" value={agency} onChange={(e) => setAgency(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">Why</span>
              <input className="input" data-testid="export-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">Case number</span>
              <span className="osk-field">
                <input ref={caseRef} className="input" data-testid="export-case" value={caseNumber} autoComplete="off" spellCheck={false} onChange={(e) => setCaseNumber(e.target.value)} {...keyboard.touchOpens('case')} />
                <KeyboardButton open={keyboard.target === 'case'} label="the case number" onClick={() => keyboard.toggle('case')} testId="export-case-keyboard" />
              </span>
            </label>
            {keyboard.target === 'case' && (
              <OnScreenKeyboard kind="case" label="Case number" value={caseNumber} onChange={setCaseNumber} onDone={keyboard.close} maxLength={40} fieldRef={caseRef} docked testId="export-keyboard" />
            )}
            {error && (
              <p className="error-text" role="alert" data-testid="export-error">
                {error}
              </p>
            )}
            <div className="dialog-actions">
              <button type="button" className="btn" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="btn btn-primary" data-testid="export-submit">
                Export and log
              </button>
            </div>
          </>
        )}
      </form>
    </div>
  );
}
