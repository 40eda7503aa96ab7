/**
 * Audit tab: the result of verifying the whole hash chain (checked each time
 * the tab opens, and on demand), and the trail newest first with filters by
 * user, action (or action family) and day range. "Older rows" pages back.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AuditRowView, AuditVerdict, RequestOf } from '../../shared/contract.js';
import { call, useApi } from '../api.js';
import { UserIdField } from '../components/UserIdField.js';
import { formatDayTime } from '../lib/format.js';
import { useNow } from '../lib/hooks.js';

const PAGE = 50;

/** Common action families an administrator looks for. */
const ACTION_CHOICES: { value: string; label: string }[] = [
  { value: '', label: 'All actions' },
  { value: 'session.*', label: 'Sign-in, sign-out, lock' },
  { value: 'user.*', label: 'User changes' },
  { value: 'alert.*', label: 'Alert steps and dispositions' },
  { value: 'hotlist.*', label: 'Hot-list syncs and manual entries' },
  { value: 'settings.*', label: 'Settings changes' },
  { value: 'audit.*', label: 'Audit purges (checkpoints)' },
];

interface Filters {
  userId: string;
  action: string;
  /** yyyy-mm-dd as the date inputs give it, or ''. */
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { userId: '', action: '', from: '', to: '' };

function dayStart(date: string): number | undefined {
  if (!date) return undefined;
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y!, m! - 1, d!).getTime();
}

/** The request for a filter set; the "to" day is included whole. */
export function auditRequest(filters: Filters, beforeId?: number): RequestOf<'audit.list'> {
  const to = dayStart(filters.to);
  return {
    userId: filters.userId.trim() || undefined,
    action: filters.action.trim() || undefined,
    from: dayStart(filters.from),
    to: to === undefined ? undefined : to + 24 * 3600_000,
    beforeId,
    limit: PAGE,
  };
}

export function AuditTab() {
  const api = useApi();
  const now = useNow();
  const [verdict, setVerdict] = useState<AuditVerdict | null>(null);
  const [verifyError, setVerifyError] = useState<string | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [rows, setRows] = useState<AuditRowView[] | null>(null);
  const [more, setMore] = useState(false);
  const [listError, setListError] = useState<string | null>(null);

  const verify = useCallback(async () => {
    setVerifying(true);
    const result = await call(api, 'audit.verify', {});
    setVerifying(false);
    if (result.ok) {
      setVerdict(result.value);
      setVerifyError(null);
    } else setVerifyError(result.error);
  }, [api]);

  const load = useCallback(
    async (applied: Filters, beforeId?: number) => {
      const result = await call(api, 'audit.list', auditRequest(applied, beforeId));
      if (!result.ok) {
        setListError(result.error);
        return;
      }
      setListError(null);
      setRows((current) => (beforeId === undefined ? result.value : [...(current ?? []), ...result.value]));
      setMore(result.value.length === PAGE);
    },
    [api],
  );

  useEffect(() => {
    void verify();
  }, [verify]);
  useEffect(() => {
    void load(filters);
  }, [load, filters]);

  function apply(event: FormEvent) {
    event.preventDefault();
    if (draft.from && draft.to && draft.to < draft.from) {
      setListError('"To" is before "From".');
      return;
    }
    setFilters({ ...draft });
  }

  return (
    <div className="audit-tab" data-testid="audit-tab">
      <section className={`audit-verdict ${verdict === null ? '' : verdict.ok ? 'audit-verdict-good' : 'audit-verdict-bad'}`} data-testid="audit-verdict" aria-live="polite">
        <div className="audit-verdict-text">
          {verifyError ? (
            <span role="alert">Could not verify: {verifyError}</span>
          ) : verdict === null ? (
            'Verifying the audit chain…'
          ) : verdict.ok ? (
            <>
              <strong>Chain verified.</strong> {verdict.rows} rows
              {verdict.firstId !== null ? `, ${verdict.firstId} to ${verdict.lastId}` : ''}; none edited, deleted, inserted or moved.
            </>
          ) : (
            <>
              <strong>Chain BROKEN at row {verdict.rowId ?? '?'}.</strong> {verdict.reason}
            </>
          )}
        </div>
        <button type="button" className="btn" data-testid="audit-verify" onClick={() => void verify()} disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify again'}
        </button>
      </section>

      <form className="audit-filters" onSubmit={apply} noValidate>
        <UserIdField label="User ID" value={draft.userId} onChange={(userId) => setDraft({ ...draft, userId })} testId="audit-filter-user" />
        <label className="field">
          <span className="field-label">Action</span>
          <select className="input input-select" data-testid="audit-filter-action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })}>
            {ACTION_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">From</span>
          <input className="input" type="date" data-testid="audit-filter-from" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label className="field">
          <span className="field-label">To</span>
          <input className="input" type="date" data-testid="audit-filter-to" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button type="submit" className="btn btn-primary" data-testid="audit-filter-apply">
          Show
        </button>
      </form>

      {listError && (
        <p className="error-text" role="alert" data-testid="audit-error">
          {listError}
        </p>
      )}
      <ol className="audit-rows" data-testid="audit-rows">
        {rows?.map((row) => (
          <li key={row.id} className="audit-row" data-testid="audit-row" data-action={row.action}>
            <span className="audit-id">#{row.id}</span>
            <span className="audit-at">{formatDayTime(row.at, now)}</span>
            <span className="audit-user">{row.userId ?? 'system'}</span>
            <span className="audit-action">{row.action}</span>
            <span className="audit-detail">{detailText(row.detail)}</span>
          </li>
        ))}
        {rows !== null && rows.length === 0 && <li className="audit-none">No rows match.</li>}
      </ol>
      {more && rows && (
        <button type="button" className="btn audit-more" data-testid="audit-more" onClick={() => void load(filters, rows[rows.length - 1]!.id)}>
          Older rows
        </button>
      )}
    </div>
  );
}

/** "key: value · key: value", objects as compact JSON. */
function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');
}
