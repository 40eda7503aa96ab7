/**
 * Retention periods on the administrator's screen (B.1.a): each kind's
 * period, checked with the same rule the settings file uses, saved through
 * the audited settings change with a reason; and a purge run now with its
 * counts. Shown only to roles that may change settings.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Responses } from '../../shared/contract.js';
import type { CarSettings } from '../../shared/settings.js';
import { parsePeriod, RETENTION_KINDS, RETENTION_LABELS, type RetentionKind } from '../../shared/records.js';
import { call, useApi } from '../api.js';

export function RetentionSection() {
  const api = useApi();
  const [settings, setSettings] = useState<CarSettings | null>(null);
  const [draft, setDraft] = useState<Record<RetentionKind, string> | null>(null);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [purged, setPurged] = useState<Responses['retention.purge'] | null>(null);

  useEffect(() => {
    void call(api, 'settings.get', {}).then((r) => {
      if (r.ok) {
        setSettings(r.value.settings);
        setDraft({ ...r.value.settings.retention });
      } else setError(r.error);
    });
  }, [api]);

  if (!settings || !draft) return error ? <p className="error-text">{error}</p> : null;
  const problems = RETENTION_KINDS.map((kind) => {
    const parsed = parsePeriod(draft[kind]);
    return parsed.ok ? null : `${RETENTION_LABELS[kind]}: ${parsed.error}`;
  }).filter((p): p is string => p !== null);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!settings || !draft) return;
    // The problem is already shown under the fields.
    if (problems.length > 0) return;
    const answer = await call(api, 'settings.update', { settings: { ...settings, retention: draft }, reason });
    if (answer.ok) {
      setSettings(answer.value.settings);
      setMessage('Saved; the next purge uses these periods.');
      setError(null);
      setReason('');
    } else setError(answer.error);
  }

  async function purgeNow() {
    const answer = await call(api, 'retention.purge', {});
    if (answer.ok) setPurged(answer.value);
    else setError(answer.error);
  }

  return (
    <form className="records-place" onSubmit={(e) => void save(e)} aria-label="Retention periods" data-testid="retention-section">
      <h2 className="records-title">Retention periods</h2>
      {RETENTION_KINDS.map((kind) => (
        <label key={kind} className="field">
          <span className="field-label">{RETENTION_LABELS[kind]}</span>
          <input className="input" data-testid={`retention-${kind}`} value={draft[kind]} onChange={(e) => setDraft({ ...draft, [kind]: e.target.value })} />
        </label>
      ))}
      <label className="field">
        <span className="field-label">Why the change</span>
        <input className="input" data-testid="retention-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <div className="records-inline">
        <button type="submit" className="btn btn-primary" data-testid="retention-save">
          Save periods
        </button>
        <button type="button" className="btn" data-testid="retention-purge" onClick={() => void purgeNow()}>
          Purge now
        </button>
      </div>
      {problems.length > 0 && (
        <p className="error-text" role="alert" data-testid="retention-problem">
          {problems[0]}
        </p>
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="retention-error">
          {error}
        </p>
      )}
      {message && <p className="history-hint">{message}</p>}
      {purged && (
        <p className="history-hint" data-testid="retention-purged">
          Purged: {purged.counts.readsWithoutHit} reads, images of {purged.counts.imagesWithoutHit}, {purged.counts.hits} hits, positions of {purged.counts.gps}, {purged.counts.audit} audit rows;{' '}
          {purged.counts.keptByHold} kept by holds.
        </p>
      )}
    </form>
  );
}
