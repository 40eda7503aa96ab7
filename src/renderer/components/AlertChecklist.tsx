/**
 * The officer's steps for one alert, one at a time, each stored by the engine
 * before the next appears: acknowledge (silences the tone), characters match,
 * state matches (IV.C.4.a), status through dispatch or MDT (IV.C.4.b), and the
 * disposition (IV.C.5) with the officer's actions. A "no" on characters or
 * state goes straight to the disposition with Misread chosen. Every answer
 * can be changed until the disposition is submitted. The rules (next step,
 * note required, contradictions) are the engine's own, from shared/checklist.
 */
import { useEffect, useState, type ReactNode } from 'react';
import {
  ACTION_LABEL,
  DISPOSITION_ACTIONS,
  actionNeedsConfirmed,
  checkRefusal,
  dispositionKindRefusal,
  dispositionRefusal,
  nextStep,
  noteRequired,
  reasonsFor,
  visualCheckFailed,
  type CheckName,
  type QuickReasons,
} from '../../shared/checklist.js';
import type { AlertView, DispatchResult, DispositionAction, DispositionKind, Result } from '../../shared/contract.js';
import { call, useApi } from '../api.js';
import { DISPATCH_TEXT, DISPOSITION_TEXT } from '../lib/format.js';
import { useRequest } from '../lib/hooks.js';
import { useAlertsStore } from '../stores/index.js';
import { useAlertDraft, useDraftsStore } from '../stores/drafts.js';

export type Step = 'acknowledge' | CheckName | 'disposition';

/** The step the checklist shows: the rules' next step ("done" shows the disposition it records). */
export function currentStep(alert: AlertView): Step {
  const step = nextStep(alert);
  return step === 'done' ? 'disposition' : step;
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

const NO_REASONS: QuickReasons = { misread: [], 'not-on-list': [], other: [], manual: [] };

/** The car's quick-pick reasons, asked of the engine once per alert screen. */
function useQuickReasons(): QuickReasons {
  const api = useApi();
  const [reasons, setReasons] = useState<QuickReasons>(NO_REASONS);
  useEffect(() => {
    let live = true;
    void call(api, 'alerts.reasons', {}).then((result) => {
      if (live && result.ok) setReasons(result.value);
    });
    return () => {
      live = false;
    };
  }, [api]);
  return reasons;
}

export function AlertChecklist({ alert }: { alert: AlertView }) {
  const api = useApi();
  // A check the officer chose to answer again; null follows the rules' next step.
  const [editing, setEditing] = useState<CheckName | null>(null);
  const step: Step = editing ?? currentStep(alert);
  // A second tap before the re-render must not send the request twice.
  const { busy, error, run } = useRequest();
  // Choices and notes not yet stored live in the drafts store, so a reload or an engine restart keeps them.
  const [saved, setDraft] = useAlertDraft(alert.id);
  const { dispatchResult, dispatchNote, dispositionNote, dispositionReason: reason, actions } = saved;
  const disposition = saved.disposition ?? (visualCheckFailed(alert) ? 'misread' : null);
  const setDispatchResult = (dispatchResult: DispatchResult | null) => setDraft({ dispatchResult });
  const setDispatchNote = (dispatchNote: string) => setDraft({ dispatchNote });
  const setDispositionNote = (dispositionNote: string) => setDraft({ dispositionNote });
  const setReason = (dispositionReason: string | null) => setDraft({ dispositionReason });
  /** The draft's actions as stored now (an answer's callback may run after other changes). */
  const currentActions = (): DispositionAction[] => useDraftsStore.getState().alerts[alert.id]?.actions ?? [];
  const quickReasons = useQuickReasons();

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
        setEditing(null);
        if (visualCheckFailed(stored)) chooseKind('misread');
        else if (disposition === 'misread' || (disposition && dispositionKindRefusal(stored, disposition))) chooseKind(null);
      },
    );

  const submitDispatch = () => {
    if (!dispatchResult) return;
    void store(() => call(api, 'alerts.check', { alertId: alert.id, check: 'dispatch', result: dispatchResult, note: dispatchNote.trim() }), (stored) => {
      setEditing(null);
      if (disposition && dispositionKindRefusal(stored, disposition)) chooseKind(null);
    });
  };

  function chooseKind(kind: DispositionKind | null) {
    const current = currentActions();
    setDraft({ disposition: kind, dispositionReason: null, actions: kind === 'confirmed' ? current : current.filter((a) => !actionNeedsConfirmed(a)) });
  }

  function toggleAction(action: DispositionAction) {
    const current = currentActions();
    setDraft({ actions: current.includes(action) ? current.filter((a) => a !== action) : [...current, action] });
  }

  const draft = disposition ? { kind: disposition, note: dispositionNote, reason, actions } : null;
  const refusal = draft ? dispositionRefusal(alert, draft, reasonsFor(quickReasons, draft.kind)) : null;

  const submitDisposition = () => {
    if (!draft || refusal) return;
    const { kind } = draft;
    void store(
      async () => {
        const result = await call(api, 'alerts.dispose', { alertId: alert.id, kind, note: dispositionNote.trim(), reason, actions });
        // A stored disposition closes the alert, whatever status the answer carries.
        return result.ok && result.value.disposition ? { ok: true, value: { ...result.value, status: 'disposed' } } : result;
      },
      () => useAlertsStore.getState().setSaved({ alertId: alert.id, plate: alert.entry.plate, kind }),
    );
  };

  /** A "Change" button for an answered check, while the disposition is not yet recorded. */
  const change = (check: CheckName, answered: boolean): ReactNode =>
    answered && step !== check && alert.status === 'acknowledged' && checkRefusal(alert, check) === null ? (
      <button
        type="button"
        className="btn btn-small step-change"
        data-testid={`change-${check}`}
        disabled={busy}
        onClick={() => {
          setEditing(check);
          if (check === 'dispatch') {
            setDispatchResult(alert.checks.dispatch);
            setDispatchNote(alert.checks.dispatchNote ?? '');
          }
        }}
      >
        Change
      </button>
    ) : null;

  const { checks } = alert;
  const skipped = visualCheckFailed(alert);

  return (
    <section className="checklist" aria-label="Checks before a stop" data-testid="alert-checklist" data-step={step}>
      <ol className="steps">
        <StepLine n={1} title={step === 'acknowledge' ? 'Acknowledge the alert' : 'Alert acknowledged'} state={step === 'acknowledge' ? 'active' : 'done'}>
          {step === 'acknowledge' ? '' : 'Tone silenced'}
        </StepLine>
        <StepLine n={2} title="Characters match?" state={stateOf(checks.charactersMatch, step === 'characters')} action={change('characters', checks.charactersMatch !== null)}>
          {answerText(checks.charactersMatch)}
        </StepLine>
        <StepLine
          n={3}
          title="State of issuance matches?"
          state={checks.charactersMatch === false ? 'skipped' : stateOf(checks.stateMatches, step === 'state')}
          action={change('state', checks.stateMatches !== null)}
        >
          {checks.charactersMatch === false ? 'Skipped' : answerText(checks.stateMatches)}
        </StepLine>
        <StepLine
          n={4}
          title="Dispatch / MDT status"
          state={skipped ? 'skipped' : step === 'dispatch' ? 'active' : checks.dispatch ? 'done' : 'todo'}
          action={change('dispatch', checks.dispatch !== null)}
        >
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
            policy="Compare the vehicle with the read image and the list entry."
            busy={busy}
            yesId="check-characters-yes"
            noId="check-characters-no"
            current={checks.charactersMatch}
            onCancel={editing === 'characters' ? () => setEditing(null) : undefined}
            onAnswer={(yes) => void answer('characters', yes)}
          />
        )}

        {step === 'state' && (
          <YesNo
            question="Does the state of issuance match the list entry?"
            policy="Check the state on the vehicle's plate."
            busy={busy}
            yesId="check-state-yes"
            noId="check-state-no"
            current={checks.stateMatches}
            onCancel={editing === 'state' ? () => setEditing(null) : undefined}
            onAnswer={(yes) => void answer('state', yes)}
          />
        )}

        {step === 'dispatch' && (
          <div className="step-form">
            <p className="step-question">Status of the plate, verified through dispatch or MDT query:</p>
            <p className="step-policy">When circumstances allow.</p>
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
            <div className="step-buttons">
              {editing === 'dispatch' && (
                <button type="button" className="btn btn-xl" data-testid="change-cancel" disabled={busy} onClick={() => setEditing(null)}>
                  Keep {checks.dispatch ? DISPATCH_TEXT[checks.dispatch] : 'answer'}
                </button>
              )}
              <button type="button" className="btn btn-primary btn-xl" data-testid="dispatch-submit" disabled={busy || !dispatchResult} onClick={submitDispatch}>
                {busy ? 'Saving…' : 'Record status check'}
              </button>
            </div>
          </div>
        )}

        {step === 'disposition' && (
          <div className="step-form">
            <p className="step-question">Disposition of this alert</p>
            <p className="step-policy">
              {skipped ? 'The plate did not match on the visual check: record it.' : 'Recorded for every alert.'}
            </p>
            <div className="choice-row choice-2x2">
              {DISPOSITIONS.map(({ kind, testId }) => {
                const why = dispositionKindRefusal(alert, kind);
                return (
                  <button
                    key={kind}
                    type="button"
                    className={disposition === kind ? 'btn choice selected' : 'btn choice'}
                    aria-pressed={disposition === kind}
                    data-testid={testId}
                    disabled={busy || why !== null}
                    title={why ?? undefined}
                    onClick={() => chooseKind(kind)}
                  >
                    {DISPOSITION_TEXT[kind]}
                  </button>
                );
              })}
            </div>
            {DISPOSITIONS.map(({ kind }) => dispositionKindRefusal(alert, kind))
              .filter((why): why is string => why !== null)
              .slice(0, 1)
              .map((why) => (
                <p key={why} className="step-policy" data-testid="disposition-contradiction">
                  Not possible: {why}
                </p>
              ))}
            {disposition && reasonsFor(quickReasons, disposition).length > 0 && (
              <div className="chip-row" role="group" aria-label="Reason">
                {reasonsFor(quickReasons, disposition).map((text, i) => (
                  <button
                    key={text}
                    type="button"
                    className={reason === text ? 'btn chip selected' : 'btn chip'}
                    aria-pressed={reason === text}
                    data-testid={`reason-${i}`}
                    disabled={busy}
                    onClick={() => setReason(reason === text ? null : text)}
                  >
                    {text}
                  </button>
                ))}
              </div>
            )}
            {disposition && (
              <div className="chip-row" role="group" aria-label="Action taken">
                {DISPOSITION_ACTIONS.map((action) => {
                  const allowed = disposition === 'confirmed' || !actionNeedsConfirmed(action);
                  return (
                    <button
                      key={action}
                      type="button"
                      className={actions.includes(action) ? 'btn chip selected' : 'btn chip'}
                      aria-pressed={actions.includes(action)}
                      data-testid={`action-${action}`}
                      disabled={busy || !allowed}
                      onClick={() => toggleAction(action)}
                    >
                      {ACTION_LABEL[action]}
                    </button>
                  );
                })}
              </div>
            )}
            <label className="field">
              <span className="field-label">{noteRequired(disposition) && reason === null ? 'Note (required: or pick a reason)' : 'Note (optional)'}</span>
              <textarea
                className="input note"
                data-testid="disposition-note"
                value={dispositionNote}
                maxLength={2000}
                rows={2}
                disabled={busy}
                aria-required={noteRequired(disposition) && reason === null}
                onChange={(e) => setDispositionNote(e.target.value)}
              />
            </label>
            <button
              type="button"
              className="btn btn-primary btn-xl"
              data-testid="disposition-submit"
              disabled={busy || !draft || refusal !== null}
              onClick={submitDisposition}
            >
              {busy ? 'Saving…' : 'Submit disposition'}
            </button>
            {draft && refusal && (
              <p className="step-policy" data-testid="disposition-refusal">
                {refusal}
              </p>
            )}
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

function StepLine({ n, title, state, action, children }: { n: number; title: string; state: LineState; action?: ReactNode; children: ReactNode }) {
  const mark = state === 'done' ? '✓' : state === 'failed' ? '✗' : state === 'skipped' ? '–' : String(n);
  return (
    <li className={`step step-${state}`}>
      <span className="step-mark" aria-hidden="true">
        {mark}
      </span>
      <span className="step-title">{title}</span>
      <span className="step-answer">{children}</span>
      {action}
    </li>
  );
}

interface YesNoProps {
  question: string;
  policy: string;
  busy: boolean;
  yesId: string;
  noId: string;
  /** The stored answer when this is a change. */
  current: boolean | null;
  onCancel?: () => void;
  onAnswer(yes: boolean): void;
}

function YesNo({ question, policy, busy, yesId, noId, current, onCancel, onAnswer }: YesNoProps) {
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
      {onCancel && (
        <button type="button" className="btn btn-xl" data-testid="change-cancel" disabled={busy} onClick={onCancel}>
          Keep "{current === null ? '' : current ? 'Yes' : 'No'}"
        </button>
      )}
    </div>
  );
}
