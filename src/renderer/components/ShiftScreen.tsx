/**
 * The officer's shift: the deployment (routine patrol, or a special detail
 * that a supervisor approves on this screen or with a one-time code; B.1.d,
 * C.7) and the shift summary (reads, hits, confirmed hits, dispositions by
 * kind, actions; per deployment too) with a CSV export and a printable page.
 * "Sign out" opens it: with an alert still open it asks first, and the
 * summary ends with the sign-out button.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ACTION_LABEL, DISPOSITION_ACTIONS } from '../../shared/checklist.js';
import type { DeploymentView, DispositionKind, Result, ShiftCounters, ShiftSummary } from '../../shared/contract.js';
import { call, useApi } from '../api.js';
import { DISPOSITION_TEXT, formatClock } from '../lib/format.js';
import { useRequest } from '../lib/hooks.js';
import { forgetSignIn } from '../lib/resume.js';
import { forgetScreen } from '../lib/ui-memory.js';
import { shiftCsv } from '../lib/shift-csv.js';
import { useAlertsStore, useSessionStore, useShiftStore } from '../stores/index.js';
import { clearShift } from '../sync.js';
import { KeyboardButton, OnScreenKeyboard, useKeyboardTarget } from './OnScreenKeyboard.js';
import { PinKeypad } from './PinKeypad.js';
import { UserIdField } from './UserIdField.js';

const KINDS: readonly DispositionKind[] = ['confirmed', 'misread', 'not-on-list', 'other'];

export function openShift(signingOut = false): void {
  useShiftStore.getState().show(signingOut);
}

export function ShiftScreen() {
  const api = useApi();
  const signingOut = useShiftStore((s) => s.signingOut);
  // Deployments are patrol work (officers and supervisors); an administrator's shift has none.
  const patrols = useSessionStore((s) => s.user?.role !== 'administrator');
  const openAlerts = useAlertsStore((s) => s.open.filter((a) => a.status !== 'disposed').length);
  // With an alert still open, sign-out asks before it shows anything else.
  const [openAlertsAccepted, setOpenAlertsAccepted] = useState(false);
  const [summary, setSummary] = useState<ShiftSummary | null>(null);
  const [deployment, setDeployment] = useState<DeploymentView | null>(null);
  const { busy, error, run } = useRequest();
  const [loadError, setLoadError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const [s, d] = await Promise.all([call(api, 'shift.summary', {}), call(api, 'deployments.current', {})]);
    if (s.ok) setSummary(s.value);
    if (d.ok) setDeployment(d.value);
    setLoadError(!s.ok ? s.error : !d.ok ? d.error : null);
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  async function deploymentRequest(request: () => Promise<Result<DeploymentView>>) {
    const result = await run(request);
    if (result?.ok) await reload();
    return result;
  }

  async function signOut() {
    const result = await run(() => call(api, 'session.logout', {}));
    if (!result?.ok) return;
    forgetSignIn();
    clearShift();
    useShiftStore.getState().close();
    useSessionStore.getState().signedOut();
    // Last: clearing the shift changes the stores, which the screen memory saves while still signed in.
    forgetScreen();
  }

  if (signingOut && openAlerts > 0 && !openAlertsAccepted) {
    return (
      <div className="shift" data-testid="shift-screen">
        <div className="shift-ask" role="alertdialog" aria-labelledby="signout-ask-title" data-testid="signout-open-alerts">
          <h1 id="signout-ask-title">
            {openAlerts === 1 ? '1 alert has' : `${openAlerts} alerts have`} no disposition yet
          </h1>
          <p>Every alert needs a disposition. If you sign out now, the alert stays open for the next officer.</p>
          <div className="step-buttons">
            <button type="button" className="btn btn-primary btn-xl" data-testid="signout-back" onClick={() => useShiftStore.getState().close()}>
              Back to the alert
            </button>
            <button type="button" className="btn btn-xl" data-testid="signout-anyway" onClick={() => setOpenAlertsAccepted(true)}>
              Sign out anyway
            </button>
          </div>
        </div>
      </div>
    );
  }

  return (
    <div className="shift" data-testid="shift-screen">
      <header className="panel-bar no-print">
        <button type="button" className="btn btn-back" data-testid="shift-close" onClick={() => useShiftStore.getState().close()}>
          ‹ Back
        </button>
        <h1 className="panel-bar-title">{signingOut ? 'End of shift' : 'Shift'}</h1>
      </header>
      <div className={patrols ? 'shift-body' : 'shift-body shift-body-single'}>
        {patrols && (
          <section className="shift-section no-print" aria-label="Deployment">
            <h2 className="shift-heading">Deployment</h2>
            <DeploymentControl deployment={deployment} busy={busy} request={deploymentRequest} />
          </section>
        )}
        <section className="shift-section shift-summary" aria-label="Shift summary" data-testid="shift-summary">
          <h2 className="shift-heading">Shift summary</h2>
          {summary ? <SummaryView summary={summary} /> : <p className="muted">{loadError ? `Could not load the summary: ${loadError}` : 'Loading…'}</p>}
          {(summary || signingOut) && (
            <div className="shift-actions no-print">
              {summary && (
                <>
                  <button type="button" className="btn" data-testid="shift-csv" onClick={() => downloadCsv(summary)}>
                    Export CSV
                  </button>
                  <button type="button" className="btn" data-testid="shift-print" onClick={() => window.print()}>
                    Print
                  </button>
                </>
              )}
              {/* A summary that cannot load never keeps anyone signed in. */}
              {signingOut && (
                <button type="button" className="btn btn-primary" data-testid="signout-confirm" disabled={busy} onClick={() => void signOut()}>
                  {busy ? 'Signing out…' : 'Sign out'}
                </button>
              )}
            </div>
          )}
        </section>
        {error && (
          <p className="error-text no-print" role="alert" data-testid="shift-error">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

function downloadCsv(summary: ShiftSummary): void {
  const url = URL.createObjectURL(new Blob([shiftCsv(summary)], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `shift-${summary.officer.id}-${new Date(summary.from).toISOString().slice(0, 16).replace(/[:T]/g, '')}.csv`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

interface ControlProps {
  deployment: DeploymentView | null;
  busy: boolean;
  request(send: () => Promise<Result<DeploymentView>>): Promise<unknown>;
}

function DeploymentControl({ deployment, busy, request }: ControlProps) {
  const api = useApi();
  const [purpose, setPurpose] = useState('');
  const [supervisorId, setSupervisorId] = useState('');
  const [pin, setPin] = useState('');
  const keyboard = useKeyboardTarget<'pin' | 'code'>();
  const codeRef = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState('');

  if (!deployment) {
    return (
      <div className="step-form">
        <button type="button" className="btn btn-xl" data-testid="deploy-routine" disabled={busy} onClick={() => void request(() => call(api, 'deployments.start', { kind: 'routine', purpose: '' }))}>
          Start routine patrol
        </button>
        <label className="field">
          <span className="field-label">Special detail: purpose (needs a supervisor&apos;s approval)</span>
          <textarea className="input note" data-testid="deploy-purpose" rows={2} maxLength={300} value={purpose} onChange={(e) => setPurpose(e.target.value)} />
        </label>
        <button
          type="button"
          className="btn btn-xl"
          data-testid="deploy-special"
          disabled={busy || purpose.trim().length < 3}
          onClick={() => void request(() => call(api, 'deployments.start', { kind: 'special', purpose: purpose.trim() })).then(() => setPurpose(''))}
        >
          Request special detail
        </button>
      </div>
    );
  }

  const end = (
    <button type="button" className="btn" data-testid="deploy-end" disabled={busy} onClick={() => void request(() => call(api, 'deployments.end', { deploymentId: deployment.id }))}>
      {deployment.status === 'active' ? 'End deployment' : 'Withdraw request'}
    </button>
  );

  if (deployment.status === 'awaiting-approval') {
    return (
      <div className="step-form" data-testid="deploy-awaiting">
        <p className="deploy-state">
          <strong>Special detail waiting for approval</strong>
          <span>{deployment.purpose}</span>
        </p>
        <div className="approve-grid">
          <fieldset className="approve-way">
            <legend>Supervisor signs in here</legend>
            <UserIdField label="Supervisor ID" value={supervisorId} onChange={setSupervisorId} placeholder="Supervisor ID" hideLabel testId="approve-supervisor-id" />
            <span className="osk-field">
              <input className="input" data-testid="approve-pin" type="password" inputMode="numeric" placeholder="PIN" aria-label="Supervisor's PIN" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} {...keyboard.touchOpens('pin')} />
              <KeyboardButton open={keyboard.target === 'pin'} label="the supervisor's PIN" onClick={() => keyboard.toggle('pin')} testId="approve-pin-keyboard" />
            </span>
            {keyboard.target === 'pin' && <PinKeypad value={pin} onChange={setPin} label="Supervisor's PIN" disabled={busy} testId="approve-keypad" />}
            <button
              type="button"
              className="btn btn-primary"
              data-testid="approve-signin"
              disabled={busy || !supervisorId.trim() || pin.length < 4}
              onClick={() => void request(() => call(api, 'deployments.approve', { deploymentId: deployment.id, supervisorId: supervisorId.trim(), pin })).then(() => setPin(''))}
            >
              Approve
            </button>
          </fieldset>
          <fieldset className="approve-way">
            <legend>Or type the supervisor&apos;s approval code</legend>
            <span className="osk-field">
              <input
                ref={codeRef}
                className="input"
                data-testid="approve-code"
                placeholder="XXXX-XXXX"
                aria-label="Approval code"
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                value={code}
                onChange={(e) => setCode(e.target.value)}
                {...keyboard.touchOpens('code')}
              />
              <KeyboardButton open={keyboard.target === 'code'} label="the approval code" onClick={() => keyboard.toggle('code')} testId="approve-code-keyboard" />
            </span>
            {keyboard.target === 'code' && (
              <OnScreenKeyboard kind="code" label="Approval code" value={code} onChange={setCode} onDone={keyboard.close} maxLength={32} fieldRef={codeRef} docked disabled={busy} testId="approve-code-keys" />
            )}
            <button
              type="button"
              className="btn btn-primary"
              data-testid="approve-code-submit"
              disabled={busy || code.trim().length < 4}
              onClick={() => void request(() => call(api, 'deployments.approve', { deploymentId: deployment.id, code: code.trim() })).then(() => setCode(''))}
            >
              Approve with code
            </button>
          </fieldset>
        </div>
        {end}
      </div>
    );
  }

  return (
    <div className="step-form" data-testid="deploy-active">
      <p className="deploy-state">
        <strong>{deployment.kind === 'special' ? 'Special detail in progress' : 'Routine patrol in progress'}</strong>
        {deployment.purpose && <span>{deployment.purpose}</span>}
        <span>
          Since {deployment.startedAt !== null ? formatClock(deployment.startedAt) : '—'}
          {deployment.approvedBy ? ` · approved by ${deployment.approvedBy}${deployment.approvalMethod === 'code' ? ' (code)' : ''}` : ''}
        </span>
      </p>
      {end}
    </div>
  );
}

function SummaryView({ summary }: { summary: ShiftSummary }) {
  return (
    <div className="summary">
      <p className="summary-who">
        {summary.officer.name} ({summary.officer.id}) · {formatClock(summary.from)} – {formatClock(summary.to)}
      </p>
      <Counters counters={summary.counters} testId="shift-counters" />
      {summary.deployments.map(({ deployment: d, counters }) => (
        <div key={d.id} className="summary-deployment" data-testid={`summary-deployment-${d.id}`}>
          <h3>
            {d.kind === 'special' ? 'Special detail' : 'Routine patrol'} #{d.id}
            {d.purpose ? `: ${d.purpose}` : ''}
          </h3>
          <p className="muted">
            {d.startedAt !== null ? `${formatClock(d.startedAt)} – ${d.endedAt !== null ? formatClock(d.endedAt) : 'now'}` : d.status === 'withdrawn' ? 'Withdrawn' : 'Not approved yet'}
            {d.approvedBy ? ` · approved by ${d.approvedBy}` : ''}
          </p>
          {counters && <Counters counters={counters} testId={`deployment-counters-${d.id}`} />}
        </div>
      ))}
    </div>
  );
}

function Counters({ counters, testId }: { counters: ShiftCounters; testId: string }) {
  const figures: [string, number, string][] = [
    ['Reads', counters.reads, 'reads'],
    ['Hits', counters.hits, 'hits'],
    ['Confirmed hits', counters.confirmedHits, 'confirmed'],
    ['Without disposition', counters.undisposed, 'undisposed'],
    ...KINDS.map((kind): [string, number, string] => [`Disposed: ${DISPOSITION_TEXT[kind]}`, counters.dispositions[kind] ?? 0, `disposition-${kind}`]),
    ...DISPOSITION_ACTIONS.map((action): [string, number, string] => [ACTION_LABEL[action], counters.actions[action] ?? 0, `action-${action}`]),
  ];
  return (
    <dl className="counters" data-testid={testId}>
      {figures.map(([label, value, key]) => (
        <div key={key} className="counter" data-figure={key}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
