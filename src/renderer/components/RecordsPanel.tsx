/**
 * Records for supervisors and administrators: legal holds (B.1.b) placed,
 * listed and released here, and the secondary dissemination log (D.1) with
 * its CSV. The engine checks the roles and audits every change.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { DisseminationEntry, HoldView } from '../../shared/contract.js';
import { keepPlateCharacters } from '../../shared/plates.js';
import { call, useApi } from '../api.js';
import { useRecordsStore, useStatusStore } from '../stores/index.js';
import { KeyboardButton, OnScreenKeyboard, useKeyboardTarget } from './OnScreenKeyboard.js';
import { PanelBar } from './PanelBar.js';
import { RetentionSection } from './RetentionSection.js';

export function openRecords(): void {
  useRecordsStore.getState().setOpen(true);
}

function day(ms: number): string {
  return new Date(ms).toLocaleDateString();
}

export function RecordsPanel() {
  const api = useApi();
  const [holds, setHolds] = useState<HoldView[] | null>(null);
  const [log, setLog] = useState<{ entries: DisseminationEntry[]; csv: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mayEditRetention = useStatusStore((s) => s.status?.channels.includes('settings.update') ?? false);

  const load = useCallback(async () => {
    const [h, l] = await Promise.all([call(api, 'retention.holds.list', {}), call(api, 'evidence.log', {})]);
    if (h.ok) setHolds(h.value);
    else setError(h.error);
    if (l.ok) setLog(l.value);
    else setError(l.error);
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  function downloadCsv() {
    if (!log) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([log.csv], { type: 'text/csv' }));
    link.download = `dissemination-log-${new Date().toISOString().slice(0, 10)}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  }

  return (
    <div className="history" data-testid="records-panel">
      <PanelBar title="Records" back="‹ Patrol" onBack={() => useRecordsStore.getState().setOpen(false)} backTestId="records-close" meta="Policy 5.04 IV.B.1 · D.1" />
      <div className="history-body">
        <section className="history-form" aria-label="Legal holds">
          {mayEditRetention && <RetentionSection />}
          <h2 className="records-title">Legal holds</h2>
          <PlaceHold onPlaced={() => void load()} />
          {error && (
            <p className="error-text" role="alert" data-testid="records-error">
              {error}
            </p>
          )}
          <ol className="history-list">
            {holds?.length === 0 && <li className="history-hint">No active holds.</li>}
            {holds?.map((hold) => <HoldRow key={hold.id} hold={hold} onReleased={() => void load()} />)}
          </ol>
        </section>
        <section className="history-results" aria-label="Dissemination log">
          <div className="records-head">
            <h2 className="records-title">Dissemination log</h2>
            <button type="button" className="btn" data-testid="log-csv" onClick={downloadCsv} disabled={!log || log.entries.length === 0}>
              Export CSV
            </button>
          </div>
          <ol className="history-list">
            {log?.entries.length === 0 && <li className="history-hint">Nothing has been disseminated from this car.</li>}
            {log?.entries.map((e) => (
              <li key={e.id} className="history-row" data-testid="log-row">
                <div className="history-row-text">
                  <span className="records-strong">
                    {e.recipientPerson} · {e.recipientAgency}
                  </span>
                  <span className="history-meta">
                    {new Date(e.at).toLocaleString()} · by {e.userId} · case {e.caseNumber} · {e.source} {e.sourceId} ({e.readIds.length} read{e.readIds.length === 1 ? '' : 's'})
                  </span>
                  <span className="history-meta">Why: {e.reason}</span>
                </div>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}

function HoldRow({ hold, onReleased }: { hold: HoldView; onReleased: () => void }) {
  const api = useApi();
  const [releasing, setReleasing] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function release(event: FormEvent) {
    event.preventDefault();
    const answer = await call(api, 'retention.holds.release', { id: hold.id, reason });
    if (answer.ok) onReleased();
    else setError(answer.error);
  }
  const names = [hold.plate ? `plate ${hold.plate}` : null, hold.readIds.length > 0 ? `${hold.readIds.length} read${hold.readIds.length === 1 ? '' : 's'} by id` : null].filter(Boolean).join(' · ');
  return (
    <li className="history-row" data-testid="hold-row" data-hold={hold.id}>
      <div className="history-row-text">
        <span className="records-strong">Case {hold.caseNumber}</span>
        <span className="history-meta">
          {names} · keeps {hold.reads} read{hold.reads === 1 ? '' : 's'} · until {day(hold.until)} · by {hold.createdBy}
        </span>
        <span className="history-meta">Why: {hold.reason}</span>
        {releasing ? (
          <form className="records-inline" onSubmit={(e) => void release(e)}>
            <input className="input" placeholder="Why release it" data-testid="hold-release-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            <button type="submit" className="btn btn-primary" data-testid="hold-release-confirm">
              Release
            </button>
          </form>
        ) : (
          <button type="button" className="btn" data-testid="hold-release" onClick={() => setReleasing(true)}>
            Release…
          </button>
        )}
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </div>
    </li>
  );
}

function PlaceHold({ onPlaced }: { onPlaced: () => void }) {
  const api = useApi();
  const [caseNumber, setCaseNumber] = useState('');
  const [plate, setPlate] = useState('');
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const keyboard = useKeyboardTarget<'case' | 'plate'>();
  const caseRef = useRef<HTMLInputElement>(null);
  const plateRef = useRef<HTMLInputElement>(null);
  const typePlate = (typed: string) => setPlate(keepPlateCharacters(typed, true));
  async function place(event: FormEvent) {
    event.preventDefault();
    keyboard.close();
    const untilMs = until === '' ? NaN : new Date(`${until}T23:59:59`).getTime();
    if (!Number.isFinite(untilMs)) {
      setError('Until: choose the date the hold ends');
      return;
    }
    const answer = await call(api, 'retention.holds.place', { caseNumber, reason, until: untilMs, plate });
    if (answer.ok) {
      setCaseNumber('');
      setPlate('');
      setUntil('');
      setReason('');
      setError(null);
      onPlaced();
    } else setError(answer.error);
  }
  return (
    <form className="records-place" onSubmit={(e) => void place(e)} aria-label="Place a hold">
      {/* One a row: a case number and a plate each keep their width beside their keyboard button. */}
      <label className="field">
        <span className="field-label">Case number</span>
        <span className="osk-field">
          <input ref={caseRef} className="input" data-testid="hold-case" value={caseNumber} autoComplete="off" spellCheck={false} onChange={(e) => setCaseNumber(e.target.value)} {...keyboard.touchOpens('case')} />
          <KeyboardButton open={keyboard.target === 'case'} label="the case number" onClick={() => keyboard.toggle('case')} testId="hold-case-keyboard" />
        </span>
      </label>
      <label className="field">
        <span className="field-label">Plate (* any, ? one)</span>
        <span className="osk-field">
          <input ref={plateRef} className="input input-plate" data-testid="hold-plate" value={plate} maxLength={12} autoComplete="off" spellCheck={false} onChange={(e) => typePlate(e.target.value)} {...keyboard.touchOpens('plate')} />
          <KeyboardButton open={keyboard.target === 'plate'} label="the plate" onClick={() => keyboard.toggle('plate')} testId="hold-plate-keyboard" />
        </span>
      </label>
      {keyboard.target === 'case' && (
        <OnScreenKeyboard kind="case" label="Case number" value={caseNumber} onChange={setCaseNumber} onDone={() => keyboard.open('plate')} doneLabel="Next" maxLength={40} fieldRef={caseRef} docked testId="hold-keyboard" />
      )}
      {keyboard.target === 'plate' && (
        <OnScreenKeyboard kind="plate-pattern" label="Plate" value={plate} onChange={typePlate} onDone={keyboard.close} maxLength={12} fieldRef={plateRef} docked testId="hold-keyboard" />
      )}
      <label className="field">
        <span className="field-label">Until</span>
        <input className="input" type="date" data-testid="hold-until" value={until} onChange={(e) => setUntil(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">Why</span>
        <input className="input" data-testid="hold-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" className="btn btn-primary" data-testid="hold-place">
        Place hold
      </button>
      {error && (
        <p className="error-text" role="alert" data-testid="hold-error">
          {error}
        </p>
      )}
    </form>
  );
}
