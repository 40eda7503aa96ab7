/**
 * The alert checklist's rules, written once: which step comes next, which
 * answers may be given or changed, when a note is required, and which
 * dispositions and actions contradict the answers already recorded. The
 * engine enforces them (it refuses with the reason given here) and the
 * officer's screen uses the same functions to show the next step and to
 * explain, before a tap, why a choice cannot be recorded.
 *
 * Pure: no node, DOM or engine imports, only contract types.
 */
import type { DispatchResult, DispositionAction, DispositionKind } from './contract.js';

export type ChecklistStep = 'acknowledge' | 'characters' | 'state' | 'dispatch' | 'disposition' | 'done';

/** What the rules look at: the alert's status and the answers stored so far. */
export interface ChecklistState {
  readonly status: 'pending' | 'acknowledged' | 'disposed';
  readonly checks: {
    readonly charactersMatch: boolean | null;
    readonly stateMatches: boolean | null;
    readonly dispatch: DispatchResult | null;
  };
}

/** The visual check (C.4.a) failed: the plate on the vehicle is not the list's. */
export function visualCheckFailed({ checks }: ChecklistState): boolean {
  return checks.charactersMatch === false || (checks.charactersMatch === true && checks.stateMatches === false);
}

/** The step the officer is on. A "No" on characters or state goes straight to the disposition. */
export function nextStep(alert: ChecklistState): ChecklistStep {
  if (alert.status === 'disposed') return 'done';
  if (alert.status === 'pending') return 'acknowledge';
  const { charactersMatch, stateMatches, dispatch } = alert.checks;
  if (charactersMatch === null) return 'characters';
  if (charactersMatch === false) return 'disposition';
  if (stateMatches === null) return 'state';
  if (stateMatches === false) return 'disposition';
  if (dispatch === null) return 'dispatch';
  return 'disposition';
}

export type CheckName = 'characters' | 'state' | 'dispatch';

/**
 * Why this check cannot be answered (or changed) now, or null when it can.
 * Answers stay changeable until the disposition is submitted.
 */
export function checkRefusal(alert: ChecklistState, check: CheckName): string | null {
  if (alert.status === 'disposed') return 'the disposition is recorded; its answers can no longer be changed';
  if (alert.status === 'pending') return 'acknowledge the alert first';
  const { charactersMatch, stateMatches } = alert.checks;
  switch (check) {
    case 'characters':
      return null;
    case 'state':
      if (charactersMatch === null) return 'answer whether the plate characters match before the state of issuance';
      if (charactersMatch === false) return 'the characters were recorded as not matching; change that answer first to check the state';
      return null;
    case 'dispatch':
      if (charactersMatch !== true || stateMatches === null) {
        return 'confirm the plate characters and the state of issuance before the dispatch check';
      }
      if (stateMatches === false) return 'the state was recorded as not matching; change that answer first to record a dispatch check';
      return null;
  }
}

/** The officer's results recorded with a disposition (B.1.d). */
export const DISPOSITION_ACTIONS = [
  'stop',
  'arrest',
  'citation',
  'warning',
  'recovered-vehicle',
  'recovered-plate',
  'person-located',
] as const;

/** Actions that say the hit was real; they need a "Confirmed" disposition. */
const CONFIRMED_ONLY: ReadonlySet<DispositionAction> = new Set(['arrest', 'recovered-vehicle', 'recovered-plate', 'person-located']);

/** An action that says the hit was real (arrest, recovery): it needs a "Confirmed" disposition. */
export function actionNeedsConfirmed(action: DispositionAction): boolean {
  return CONFIRMED_ONLY.has(action);
}

export const ACTION_LABEL: Readonly<Record<DispositionAction, string>> = {
  stop: 'Vehicle stopped',
  arrest: 'Arrest',
  citation: 'Citation',
  warning: 'Warning',
  'recovered-vehicle': 'Vehicle recovered',
  'recovered-plate': 'Plate recovered',
  'person-located': 'Person located',
};

const KIND_LABEL: Readonly<Record<DispositionKind, string>> = {
  confirmed: 'Confirmed',
  misread: 'Misread',
  'not-on-list': 'Not on list',
  other: 'Other',
};

/** A note (or a quick-pick reason) must say why for these kinds. */
export function noteRequired(kind: DispositionKind | null): boolean {
  return kind === 'misread' || kind === 'other';
}

/** Why this disposition kind cannot be recorded with the answers given, or null when it can. */
export function dispositionKindRefusal(alert: ChecklistState, kind: DispositionKind): string | null {
  if (alert.status === 'disposed') return 'this alert already has a disposition; it cannot be changed';
  if (alert.status === 'pending') return 'acknowledge the alert first';
  const { charactersMatch, stateMatches, dispatch } = alert.checks;
  if (kind === 'confirmed') {
    if (charactersMatch === false) return '"Confirmed" contradicts the answer "characters: No"';
    if (charactersMatch === true && stateMatches === false) return '"Confirmed" contradicts the answer "state of issuance: No"';
    if (dispatch === 'not-active') return '"Confirmed" contradicts the dispatch answer "Not active"';
  }
  if (!visualCheckFailed(alert) && (charactersMatch === null || stateMatches === null || dispatch === null)) {
    return 'complete the checks (characters, state, dispatch) before recording the disposition';
  }
  return null;
}

export interface DispositionDraft {
  readonly kind: DispositionKind;
  readonly note: string;
  /** A quick-pick reason, or null. */
  readonly reason: string | null;
  readonly actions: readonly DispositionAction[];
}

/**
 * Why this disposition cannot be recorded, or null when it can. `reasons` are
 * the quick-pick reasons configured for the kind (a reason must be one of them).
 */
export function dispositionRefusal(alert: ChecklistState, draft: DispositionDraft, reasons: readonly string[]): string | null {
  const kindRefusal = dispositionKindRefusal(alert, draft.kind);
  if (kindRefusal) return kindRefusal;
  if (draft.reason !== null && !reasons.includes(draft.reason)) {
    return `reason "${draft.reason}" is not one of the reasons for "${KIND_LABEL[draft.kind]}"${reasons.length ? ` (${reasons.join(', ')})` : ' (none are configured)'}`;
  }
  if (noteRequired(draft.kind) && draft.note.trim() === '' && draft.reason === null) {
    return `say why for the disposition "${KIND_LABEL[draft.kind]}": pick a reason or write a note`;
  }
  const seen = new Set<DispositionAction>();
  for (const action of draft.actions) {
    if (seen.has(action)) return `action "${ACTION_LABEL[action]}" is listed twice`;
    seen.add(action);
    if (draft.kind !== 'confirmed' && CONFIRMED_ONLY.has(action)) {
      return `"${ACTION_LABEL[action]}" needs a "Confirmed" disposition, not "${KIND_LABEL[draft.kind]}"`;
    }
  }
  return null;
}

/** Quick-pick reasons per disposition kind and for manual entries; the agency may replace them in the car settings. */
export interface QuickReasons {
  readonly misread: readonly string[];
  readonly 'not-on-list': readonly string[];
  readonly other: readonly string[];
  readonly manual: readonly string[];
}

export const DEFAULT_QUICK_REASONS: QuickReasons = {
  misread: ['Character misread', 'Different state', 'Plate obscured or dirty', 'Not a plate'],
  'not-on-list': ['Dispatch: cleared', 'Entry expired', 'Vehicle already recovered'],
  other: ['Could not catch up', 'Lost sight of the vehicle', 'Called away'],
  manual: ['BOLO from dispatch', 'Seen at a crime scene', 'Missing person', 'Officer safety'],
};

/**
 * The reason stored with a plate entered by hand: the quick-pick reason, the
 * words typed, or both ("Missing person: last seen on Route 9"). The engine
 * asks at least 3 characters of it.
 */
export function manualEntryReason(pick: string, typed: string): string {
  const words = typed.trim();
  const picked = pick.trim();
  if (picked && words) return `${picked}: ${words}`;
  return picked || words;
}

export function reasonsFor(reasons: QuickReasons, kind: DispositionKind): readonly string[] {
  return kind === 'confirmed' ? [] : reasons[kind];
}
