/**
 * The officer's steps for one alert, one at a time, each stored by the engine
 * before the next appears: acknowledge (silences the tone), characters match,
 * state matches (IV.C.4.a), status through dispatch or MDT (IV.C.4.b), and the
 * disposition (IV.C.5). A "no" on characters or state goes straight to the
 * disposition with Misread chosen, which the officer still records.
 */
import { useState, type ReactNode } from 'react';
import type { AlertView, DispatchResult, DispositionKind, Result } from '../../shared/contract.js';
import { call, useApi } from '../api.js';
import { DISPATCH_TEXT, DISPOSITION_TEXT } from '../lib/format.js';
import { useRequest } from '../lib/hooks.js';
import { useAlertsStore } from '../stores/index.js';

export type Step = 'acknowledge' | 'characters' | 'state' | 'dispatch' | 'disposition';

export function currentStep(alert: AlertView): Step {
  if (alert.status === 'pending') return 'acknowledge';
  const { charactersMatch, stateMatches, dispatch } = alert.checks;
  if (charactersMatch === null) return 'characters';
  if (charactersMatch === false) return 'disposition';
  if (stateMatches === null) return 'state';
  if (stateMatches === false) return 'disposition';
  if (dispatch === null) return 'dispatch';
  return 'disposition';
}

function failedVisualCheck(alert: AlertView): boolean {
  return alert.checks.charactersMatch === false || alert.checks.stateMatches === false;
}

const DISPOSITIONS: readonly { kind: DispositionKind; testId: string }[] = [
  { kind: 'confirmed', testId: 'disposition-confirmed' },
  { kind: 'misread', testId: 'disposition-misread' },
  { kind: 'not-on-list', testId: 'disposition-not-on-list' },
  { kind: 'other', testId: 'disposition-other' },
];

const DISPATCH_OPTIONS: readonly { result: DispatchResult; testId: string }[] = [
  { result: 'verified-active', testId: 'dispatch-verified-active' },
  { result: 'not-active', testId: 'dispatch-not-active' },
  { result: 'not-possible', testId: 'dispatch-not-possible' },
];

function noteRequired(kind: DispositionKind | null): boolean {
  return kind === 'other' || kind === 'misread';
}

export function AlertChecklist({ alert }: { alert: AlertView }) {
  const api = useApi();
  const step = currentStep(alert);
  // A second tap before the re-render must not send the request twice.
  const { busy, error, run } = useRequest();
  const [dispatchResult, setDispatchResult] = useState<DispatchResult | null>(null);
  const [dispatchNote, setDispatchNote] = useState('');
  const [disposition, setDisposition] = useState<DispositionKind | null>(() => (failedVisualCheck(alert) ? 'misread' : null));
  const [dispositionNote, setDispositionNote] = useState('');

  /** Runs one engine request; the answer (the whole alert) replaces what the store holds. */
  async function store(request: () => Promise<Result<AlertView>>, after?: (stored: AlertView) => void) {
    const result = await run(request);
    if (!result?.ok) return;
    after?.(result.value);
    useAlertsStore.getState().upsert(result.value);
  }

  const acknowledge = () => store(() => call(api, 'alerts.acknowledge', { alertId: alert.id }));

  const answer = (check: 'characters' | 'state', matches: boolean) =>
    store(
      () => call(api, 'alerts.check', { alertId: alert.id, check, matches }),
      (stored) => {
        if (!matches || failedVisualCheck(stored)) setDisposition('misread');
      },
    );

  const submitDispatch = () => {
    if (!dispatchResult) return;
    void store(() => call(api, 'alerts.check', { alertId: alert.id, check: 'dispatch', result: dispatchResult, note: dispatchNote.trim() }));
  };

  const submitDisposition = () => {
    if (!disposition || (noteRequired(disposition) && !dispositionNote.trim())) return;
    const kind = disposition;
    void store(
      async () => {
        const result = await call(api, 'alerts.dispose', { alertId: alert.id, kind, note: dispositionNote.trim() });
        // A stored disposition closes the alert, whatever status the answer carries.
        return result.ok && result.value.disposition ? { ok: true, value: { ...result.value, status: 'disposed' } } : result;
      },
      () => useAlertsStore.getState().setSaved({ alertId: alert.id, plate: alert.entry.plate, kind }),
    );
  };

  const { checks } = alert;
  const skipped = failedVisualCheck(alert);

  return (
    <section className="checklist" aria-label="Checks before a stop" data-testid="alert-checklist" data-step={step}>
      <ol className="steps">
        <StepLine n={1} title={step === 'acknowledge' ? 'Acknowledge the alert' : 'Alert acknowledged'} state={step === 'acknowledge' ? 'active' : 'done'}>
          {step === 'acknowledge' ? '' : 'Tone silenced'}
        </StepLine>
        <StepLine n={2} title="Characters match?" state={stateOf(checks.charactersMatch, step === 'characters')}>
          {answerText(checks.charactersMatch)}
        </StepLine>
        <StepLine
          n={3}
          title="State of issuance matches?"
          state={checks.charactersMatch === false ? 'skipped' : stateOf(checks.stateMatches, step === 'state')}
        >
          {checks.charactersMatch === false ? 'Skipped' : answerText(checks.stateMatches)}
        </StepLine>
        <StepLine n={4} title="Dispatch / MDT status" state={skipped ? 'skipped' : checks.dispatch ? 'done' : step === 'dispatch' ? 'active' : 'todo'}>
          {skipped ? 'Skipped' : checks.dispatch ? DISPATCH_TEXT[checks.dispatch] : ''}
        </StepLine>
        <StepLine n={5} title="Disposition" state={step === 'disposition' ? 'active' : 'todo'}>
          {''}
        </StepLine>
      </ol>

      <div className="step-panel">
        {step === 'acknowledge' && (
          <button type="button" className="btn btn-ack" data-testid="alert-ack" onClick={acknowledge} disabled={busy}>
            <span className="btn-ack-main">Acknowledge</span>
            <span className="btn-ack-sub">silences the tone</span>
          </button>
        )}

        {step === 'characters' && (
          <YesNo
            question="Do the characters on the vehicle's plate match the list entry?"
            policy="IV.C.4.a: compare the vehicle with the read image and the list entry."
            busy={busy}
            yesId="check-characters-yes"
            noId="check-characters-no"
            onAnswer={(yes) => void answer('characters', yes)}
          />
        )}

        {step === 'state' && (
          <YesNo
            question="Does the state of issuance match the list entry?"
            policy="IV.C.4.a: check the state on the vehicle's plate."
            busy={busy}
            yesId="check-state-yes"
            noId="check-state-no"
            onAnswer={(yes) => void answer('state', yes)}
          />
        )}

        {step === 'dispatch' && (
          <div className="step-form">
            <p className="step-question">Status of the plate, verified through dispatch or MDT query:</p>
            <p className="step-policy">IV.C.4.b: when circumstances allow.</p>
            <div className="choice-row choice-3">
              {DISPATCH_OPTIONS.map(({ result, testId }) => (
                <button
                  key={result}
                  type="button"
                  className={dispatchResult === result ? 'btn choice selected' : 'btn choice'}
                  aria-pressed={dispatchResult === result}
                  data-testid={testId}
                  disabled={busy}
                  onClick={() => setDispatchResult(result)}
                >
                  {DISPATCH_TEXT[result]}
                </button>
              ))}
            </div>
            <label className="field">
              <span className="field-label">Note (optional)</span>
              <textarea
                className="input note"
                data-testid="dispatch-note"
                value={dispatchNote}
                maxLength={500}
                rows={2}
                disabled={busy}
                onChange={(e) => setDispatchNote(e.target.value)}
              />
            </label>
            <button type="button" className="btn btn-primary btn-xl" data-testid="dispatch-submit" disabled={busy || !dispatchResult} onClick={submitDispatch}>
              {busy ? 'Saving…' : 'Record status check'}
            </button>
          </div>
        )}

        {step === 'disposition' && (
          <div className="step-form">
            <p className="step-question">Disposition of this alert</p>
            <p className="step-policy">
              {skipped ? 'The plate did not match on the visual check: record it (IV.C.5).' : 'IV.C.5: recorded for every alert.'}
            </p>
            <div className="choice-row choice-2x2">
              {DISPOSITIONS.map(({ kind, testId }) => (
                <button
                  key={kind}
                  type="button"
                  className={disposition === kind ? 'btn choice selected' : 'btn choice'}
                  aria-pressed={disposition === kind}
                  data-testid={testId}
                  disabled={busy}
                  onClick={() => setDisposition(kind)}
                >
                  {DISPOSITION_TEXT[kind]}
                </button>
              ))}
            </div>
            <label className="field">
              <span className="field-label">{noteRequired(disposition) ? 'Note (required)' : 'Note (optional)'}</span>
              <textarea
                className="input note"
                data-testid="disposition-note"
                value={dispositionNote}
                maxLength={2000}
                rows={2}
                disabled={busy}
                aria-required={noteRequired(disposition)}
                onChange={(e) => setDispositionNote(e.target.value)}
              />
            </label>
            <button
              type="button"
              className="btn btn-primary btn-xl"
              data-testid="disposition-submit"
              disabled={busy || !disposition || (noteRequired(disposition) && !dispositionNote.trim())}
              onClick={submitDisposition}
            >
              {busy ? 'Saving…' : 'Submit disposition'}
            </button>
          </div>
        )}

        {error && (
          <p className="error-text" role="alert" data-testid="alert-error">
            Not saved: {error}
          </p>
        )}
      </div>

    </section>
  );
}

type LineState = 'todo' | 'active' | 'done' | 'failed' | 'skipped';

function stateOf(answer: boolean | null, active: boolean): LineState {
  if (answer === true) return 'done';
  if (answer === false) return 'failed';
  return active ? 'active' : 'todo';
}

function answerText(answer: boolean | null): string {
  return answer === null ? '' : answer ? 'Yes' : 'No';
}

function StepLine({ n, title, state, children }: { n: number; title: string; state: LineState; children: ReactNode }) {
  const mark = state === 'done' ? '✓' : state === 'failed' ? '✗' : state === 'skipped' ? '–' : String(n);
  return (
    <li className={`step step-${state}`}>
      <span className="step-mark" aria-hidden="true">
        {mark}
      </span>
      <span className="step-title">{title}</span>
      <span className="step-answer">{children}</span>
    </li>
  );
}

interface YesNoProps {
  question: string;
  policy: string;
  busy: boolean;
  yesId: string;
  noId: string;
  onAnswer(yes: boolean): void;
}

function YesNo({ question, policy, busy, yesId, noId, onAnswer }: YesNoProps) {
  return (
    <div className="step-form">
      <p className="step-question">{question}</p>
      <p className="step-policy">{policy}</p>
      <div className="choice-row choice-2">
        <button type="button" className="btn choice choice-yes" data-testid={yesId} disabled={busy} onClick={() => onAnswer(true)}>
          Yes
        </button>
        <button type="button" className="btn choice choice-no" data-testid={noId} disabled={busy} onClick={() => onAnswer(false)}>
          No
        </button>
      </div>
    </div>
  );
}
