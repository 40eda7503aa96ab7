/**
 * Plates entered by hand (policy 5.04 IV.C.6): the form, with the reason the
 * policy asks for (a quick-pick reason from the car settings, a typed one, or
 * both) and the on-screen keyboard for the plate and the reason; what the
 * engine stored, with the reads earlier this shift that the new entry
 * matches; and the entries in force, each removable with a reason. The engine applies the agency's limits and its refusals are shown
 * as they come.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ManualEntryView, Responses } from '../../shared/contract.js';
import { manualEntryReason } from '../../shared/checklist.js';
import { keepPlateCharacters } from '../../shared/plates.js';
import { call, useApi } from '../api.js';
import { formatAge, formatClock, formatDayTime } from '../lib/format.js';
import { useNow, useRequest } from '../lib/hooks.js';
import { US_STATES } from '../lib/us-states.js';
import { EMPTY_DRAFT } from '../stores/hotlists.js';
import { useHotListsStore, useStatusStore } from '../stores/index.js';
import { loadManualEntries } from '../sync.js';
import { KeyboardButton, OnScreenKeyboard, useKeyboardTarget } from './OnScreenKeyboard.js';
import { PlateText } from './PlateText.js';
import { ReadImage } from './ReadImage.js';

type EarlierRead = Responses['hotlists.manual.add']['readsThisShift'][number];

const MATCH_SHORT: Record<EarlierRead['kind'], string> = {
  exact: 'Exact',
  lookalike: 'Look-alike',
  'other-state': 'Other state',
  partial: 'Partial',
};

/** Letters and digits, upper case, and the wildcards; anything else typed is dropped. */
export function cleanPlate(typed: string): string {
  return keepPlateCharacters(typed, true);
}

/** The car's quick-pick reasons for a plate entered by hand (alerts.reasons, "manual"). */
function useManualReasons(): readonly string[] {
  const api = useApi();
  const [reasons, setReasons] = useState<readonly string[]>([]);
  useEffect(() => {
    let live = true;
    void call(api, 'alerts.reasons', {}).then((result) => {
      if (live && result.ok) setReasons(result.value.manual);
    });
    return () => {
      live = false;
    };
  }, [api]);
  return reasons;
}

const isPartial = (plate: string) => /[*?]/.test(plate);

function expiryText(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return 'No expiry';
  if (expiresAt <= now) return `Expired ${formatDayTime(expiresAt, now)}`;
  return `Expires ${formatDayTime(expiresAt, now)} (in ${formatAge(now, expiresAt)})`;
}

type Field = 'plate' | 'reason' | 'expiry';

export function ManualEntryForm({ onAdded }: { onAdded?: () => void }) {
  const api = useApi();
  const draft = useHotListsStore((s) => s.draft);
  const setDraft = useHotListsStore((s) => s.setDraft);
  const { busy, error, setError, run } = useRequest();
  const [invalid, setInvalid] = useState<Field | null>(null);
  const keyboard = useKeyboardTarget<'plate' | 'reason'>();
  const quickReasons = useManualReasons();
  const refs = {
    plate: useRef<HTMLInputElement>(null),
    reason: useRef<HTMLTextAreaElement>(null),
    expiry: useRef<HTMLInputElement>(null),
  };

  function refuse(field: Field, message: string) {
    setInvalid(field);
    setError(message);
    refs[field].current?.focus();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const plate = cleanPlate(draft.plate);
    const reason = manualEntryReason(draft.pick, draft.reason);
    if (!plate) return refuse('plate', 'Enter the plate. Use * or ? for characters you do not know.');
    if (reason.length < 3) return refuse('reason', 'Pick a reason or write why this plate is of interest: every plate entered by hand needs a reason.');
    let expiresInHours: number | undefined;
    if (draft.expiry.trim() !== '') {
      expiresInHours = Number(draft.expiry);
      if (!Number.isFinite(expiresInHours) || expiresInHours <= 0) {
        return refuse('expiry', 'Expiry: a number of hours above 0, or leave it blank for the agency default.');
      }
    }
    setInvalid(null);
    keyboard.close();
    const result = await run(() =>
      call(api, 'hotlists.manual.add', {
        plate,
        state: draft.state || null,
        reason,
        ...(expiresInHours !== undefined ? { expiresInHours } : {}),
      }),
    );
    if (!result?.ok) return;
    const store = useHotListsStore.getState();
    store.setLastAdded(result.value);
    store.setDraft(EMPTY_DRAFT);
    // Shown at once; the reload below brings the engine's full list.
    if (store.manual) store.setManual([result.value.entry, ...store.manual.filter((e) => e.id !== result.value.entry.id)]);
    void loadManualEntries(api);
    onAdded?.();
  }

  function typePlate(typed: string) {
    setDraft({ plate: cleanPlate(typed) });
    if (invalid === 'plate') setInvalid(null);
  }

  function typeReason(typed: string) {
    setDraft({ reason: typed });
    if (invalid === 'reason') setInvalid(null);
  }

  function pick(reason: string) {
    setDraft({ pick: draft.pick === reason ? '' : reason });
    if (invalid === 'reason') setInvalid(null);
  }

  const partial = isPartial(draft.plate);
  const fieldClass = (field: Field, base: string) => `${base}${invalid === field ? ' input-invalid' : ''}`;

  return (
    <form className="manual-form" onSubmit={submit} noValidate aria-label="Add a plate by hand">
      <div className="section-title">
        <h2>Add a plate by hand</h2>
        <span className="panel-meta">The reason is kept with the entry</span>
      </div>
      <div className="manual-fields">
        <label className="field field-plate">
          <span className="field-label">Plate</span>
          <span className="osk-field">
            <input
              ref={refs.plate}
              className={fieldClass('plate', 'input input-plate')}
              data-testid="manual-plate"
              value={draft.plate}
              maxLength={12}
              autoComplete="off"
              autoCapitalize="characters"
              autoCorrect="off"
              spellCheck={false}
              placeholder="ABC1234"
              aria-invalid={invalid === 'plate'}
              disabled={busy}
              onChange={(e) => typePlate(e.target.value)}
              {...keyboard.touchOpens('plate')}
            />
            <KeyboardButton open={keyboard.target === 'plate'} label="the plate" disabled={busy} onClick={() => keyboard.toggle('plate')} testId="manual-plate-keyboard" />
          </span>
          <span className={partial ? 'field-hint field-hint-on' : 'field-hint'}>
            {partial ? 'Partial plate: * any run of characters, ? one character' : '* and ? for unknown characters'}
          </span>
        </label>
        <label className="field field-state">
          <span className="field-label">State of issuance (optional)</span>
          <select
            className="input input-select"
            data-testid="manual-state"
            value={draft.state}
            disabled={busy}
            onChange={(e) => setDraft({ state: e.target.value })}
          >
            <option value="">Unknown (any state)</option>
            {US_STATES.map(([code, name]) => (
              <option key={code} value={code}>
                {code} · {name}
              </option>
            ))}
          </select>
        </label>
        {quickReasons.length > 0 && (
          <div className="field field-reason" role="group" aria-label="Quick reasons">
            <span className="field-label">Reason (required): pick one, add words if needed</span>
            <div className="quick-reasons">
              {quickReasons.map((text) => (
                <button
                  key={text}
                  type="button"
                  className={draft.pick === text ? 'btn quick-reason btn-selected' : 'btn quick-reason'}
                  aria-pressed={draft.pick === text}
                  disabled={busy}
                  data-testid="manual-quick-reason"
                  onClick={() => pick(text)}
                >
                  {text}
                </button>
              ))}
            </div>
          </div>
        )}
        <label className="field field-reason">
          <span className="field-label">{quickReasons.length > 0 ? (draft.pick ? 'More about it (optional)' : 'Or write the reason') : 'Reason (required)'}</span>
          <span className="osk-field">
            <textarea
              ref={refs.reason}
              className={fieldClass('reason', 'input note')}
              data-testid="manual-reason"
              value={draft.reason}
              maxLength={draft.pick ? 498 - draft.pick.length : 500}
              rows={2}
              placeholder="Why is this plate of interest? e.g. vehicle seen leaving a burglary, case 24-1187"
              aria-required={!draft.pick}
              aria-invalid={invalid === 'reason'}
              disabled={busy}
              onChange={(e) => typeReason(e.target.value)}
              {...keyboard.touchOpens('reason')}
            />
            <KeyboardButton open={keyboard.target === 'reason'} label="the reason" disabled={busy} onClick={() => keyboard.toggle('reason')} testId="manual-reason-keyboard" />
          </span>
        </label>
        <label className="field field-expiry">
          <span className="field-label">Expires in (optional)</span>
          <span className="input-suffixed">
            <input
              ref={refs.expiry}
              className={fieldClass('expiry', 'input input-expiry')}
              data-testid="manual-expiry"
              value={draft.expiry}
              inputMode="decimal"
              autoComplete="off"
              maxLength={6}
              placeholder="agency default"
              aria-invalid={invalid === 'expiry'}
              disabled={busy}
              onChange={(e) => {
                setDraft({ expiry: e.target.value.replace(/[^0-9.]/g, '') });
                if (invalid === 'expiry') setInvalid(null);
              }}
            />
            <span className="input-suffix">hours</span>
          </span>
        </label>
        <button type="submit" className="btn btn-primary btn-xl manual-submit" data-testid="manual-submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add to hot list'}
        </button>
        {keyboard.target === 'plate' && (
          <OnScreenKeyboard kind="plate-pattern" label="Plate" value={draft.plate} onChange={typePlate} onDone={keyboard.close} maxLength={12} fieldRef={refs.plate} docked disabled={busy} testId="manual-keyboard" />
        )}
        {keyboard.target === 'reason' && (
          <OnScreenKeyboard kind="text" label="Reason" value={draft.reason} onChange={typeReason} onDone={keyboard.close} maxLength={draft.pick ? 498 - draft.pick.length : 500} fieldRef={refs.reason} docked disabled={busy} testId="manual-keyboard" />
        )}
      </div>
      {error && (
        <p className="error-text" role="alert" data-testid="manual-error">
          Not added: {error}
        </p>
      )}
    </form>
  );
}

/** The entry just stored, and the reads earlier this shift that it matches. */
export function ManualAddResult() {
  const added = useHotListsStore((s) => s.lastAdded);
  const now = useNow();
  if (!added) return null;
  const { entry, readsThisShift } = added;
  const found = readsThisShift.length;
  return (
    <section className={found > 0 ? 'manual-added manual-added-found' : 'manual-added'} data-testid="manual-added" aria-label="Manual entry added">
      <div className="manual-added-head">
        <span className="manual-added-mark" aria-hidden="true">
          ✓
        </span>
        <span className="manual-added-title">Added to list “{entry.list}”</span>
        <button type="button" className="btn btn-quiet" data-testid="manual-added-dismiss" onClick={() => useHotListsStore.getState().setLastAdded(null)}>
          Done
        </button>
      </div>
      <div className="manual-added-entry">
        <PlateText plate={entry.plate} testId="manual-added-plate" />
        <span className="state-value">{entry.state ?? 'Any state'}</span>
        {entry.partial && <span className="tag tag-partial">PARTIAL</span>}
        <span className="manual-added-expiry">{expiryText(entry.expiresAt, now)}</span>
      </div>
      <p className="manual-added-reason">
        <span className="cell-label">Reason</span> {entry.reason}
      </p>
      <EarlierReads reads={readsThisShift} />
    </section>
  );
}

/** Beyond this many, the earlier reads fold behind "Show all" so the form stays in reach. */
const EARLIER_SHOWN = 4;

function EarlierReads({ reads }: { reads: EarlierRead[] }) {
  const [all, setAll] = useState(false);
  if (reads.length === 0) {
    return (
      <p className="earlier-none" data-testid="manual-earlier-reads" data-count={0}>
        No earlier reads this shift match.
      </p>
    );
  }
  const n = reads.length;
  // Newest first: where the vehicle was seen last matters most.
  const sorted = [...reads].sort((a, b) => b.capturedAt - a.capturedAt || b.readId - a.readId);
  const shown = all ? sorted : sorted.slice(0, EARLIER_SHOWN);
  return (
    <div className="earlier-reads" data-testid="manual-earlier-reads" data-count={n} role="alert">
      <h3 className="earlier-title">
        {n} earlier {n === 1 ? 'read' : 'reads'} this shift {n === 1 ? 'matches' : 'match'}
      </h3>
      <p className="earlier-sub">A camera saw {n === 1 ? 'this plate' : 'these plates'} before the entry was made. Check each read. Newest first.</p>
      <ol className="earlier-list">
        {shown.map((read) => (
          <EarlierReadRow key={read.readId} read={read} />
        ))}
      </ol>
      {n > shown.length && (
        <button type="button" className="btn earlier-more" data-testid="manual-earlier-more" onClick={() => setAll(true)}>
          Show all {n} reads
        </button>
      )}
    </div>
  );
}

function EarlierReadRow({ read }: { read: EarlierRead }) {
  const cameraName = useStatusStore((s) => s.status?.cameras.find((c) => c.id === read.cameraId)?.name ?? read.cameraId);
  return (
    <li className="earlier-row" data-testid="manual-earlier-read" data-read-id={read.readId}>
      <ReadImage readId={read.readId} kind="crop" alt={`Plate ${read.plate}`} className="earlier-thumb" />
      <PlateText plate={read.plate} />
      <div className="read-cell read-state">
        <span className="cell-label">State</span>
        <span className="cell-value">{read.state ?? 'not read'}</span>
      </div>
      <div className="read-cell read-time">
        <span className="cell-label">Time</span>
        <span className="cell-value">{formatClock(read.capturedAt)}</span>
      </div>
      <div className="read-cell">
        <span className="cell-label">Camera</span>
        <span className="cell-value">{cameraName}</span>
      </div>
      <div className="read-cell">
        <span className="cell-label">Match</span>
        <span className={read.kind === 'exact' ? 'cell-value' : 'cell-value match-loose'}>{MATCH_SHORT[read.kind]}</span>
      </div>
    </li>
  );
}

/** The manual entries in force, newest first. */
export function ManualEntriesList() {
  const entries = useHotListsStore((s) => s.manual);
  const error = useHotListsStore((s) => s.manualError);
  const now = useNow();
  return (
    <section className="manual-list" aria-label="Manual entries">
      <div className="section-title">
        <h2>Manual entries</h2>
        <span className="panel-meta">{entries ? `${entries.length} in force` : ''}</span>
      </div>
      {error && (
        <p className="error-text" role="alert" data-testid="manual-list-error">
          Could not load the manual entries: {error}
        </p>
      )}
      {entries === null && !error && <p className="list-empty">Loading…</p>}
      {entries?.length === 0 && <p className="list-empty">No plates entered by hand.</p>}
      {entries && entries.length > 0 && (
        <ol className="manual-rows">
          {entries.map((entry) => (
            <ManualEntryRow key={entry.id} entry={entry} now={now} />
          ))}
        </ol>
      )}
    </section>
  );
}

function ManualEntryRow({ entry, now }: { entry: ManualEntryView; now: number }) {
  const api = useApi();
  const [removing, setRemoving] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, setError, run } = useRequest();
  const reasonOk = reason.trim().length >= 3;

  async function confirm() {
    if (!reasonOk) return;
    const result = await run(() => call(api, 'hotlists.manual.remove', { id: entry.id, reason: reason.trim() }));
    if (!result?.ok) return;
    const store = useHotListsStore.getState();
    if (store.manual) store.setManual(store.manual.filter((e) => e.id !== entry.id));
    if (store.lastAdded?.entry.id === entry.id) store.setLastAdded(null);
    void loadManualEntries(api);
  }

  return (
    <li className={removing ? 'manual-row manual-row-removing' : 'manual-row'} data-testid="manual-entry-row" data-entry-id={entry.id}>
      <div className="manual-row-main">
        <div className="manual-row-plate">
          <PlateText plate={entry.plate} />
          <span className="state-value">{entry.state ?? 'Any state'}</span>
          {entry.partial && <span className="tag tag-partial">PARTIAL</span>}
          {entry.list !== 'manual' && <span className="tag">{entry.list}</span>}
        </div>
        <p className="manual-row-reason">{entry.reason}</p>
        <div className="manual-row-meta">
          Entered by {entry.enteredBy} at {formatDayTime(entry.enteredAt, now)} · {expiryText(entry.expiresAt, now)}
        </div>
      </div>
      {!removing && (
        <button type="button" className="btn btn-remove" data-testid="manual-remove" onClick={() => setRemoving(true)}>
          Remove
        </button>
      )}
      {removing && (
        <div className="manual-remove">
          <label className="field">
            <span className="field-label">Why remove it? (required)</span>
            <textarea
              className="input note"
              data-testid="manual-remove-reason"
              value={reason}
              maxLength={500}
              rows={2}
              placeholder="e.g. vehicle located, case closed"
              disabled={busy}
              autoFocus
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <div className="manual-remove-actions">
            <button
              type="button"
              className="btn"
              data-testid="manual-remove-cancel"
              disabled={busy}
              onClick={() => {
                setRemoving(false);
                setReason('');
                setError(null);
              }}
            >
              Keep it
            </button>
            <button type="button" className="btn btn-danger" data-testid="manual-remove-confirm" disabled={busy || !reasonOk} onClick={confirm}>
              {busy ? 'Removing…' : 'Remove entry'}
            </button>
          </div>
          {error && (
            <p className="error-text" role="alert" data-testid="manual-remove-error">
              Not removed: {error}
            </p>
          )}
        </div>
      )}
    </li>
  );
}
