/**
 * First run: the car has no users at all. Before anyone can sign in, someone
 * sets up the first administrator (who then adds officers on the Users tab).
 * The engine accepts this only while no user exists.
 */
import { useState, type FormEvent } from 'react';
import { pinProblem, userIdProblem } from '../../shared/accounts.js';
import { call, useApi } from '../api.js';
import { useRequest } from '../lib/hooks.js';
import { useSessionStore, useStatusStore } from '../stores/index.js';
import { UserIdField } from './UserIdField.js';

export function FirstAdministrator() {
  const api = useApi();
  const pinMinLength = useStatusStore((s) => s.status?.pinMinLength ?? 6);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const { busy, error, setError, run } = useRequest();
  const [created, setCreated] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem =
      userIdProblem(id.trim()) ?? (name.trim() === '' ? 'Enter the administrator\'s name.' : null) ?? pinProblem(pin, pinMinLength) ?? (pin !== again ? 'The two PINs differ.' : null);
    if (problem) {
      setError(problem);
      return;
    }
    const result = await run(() => call(api, 'users.firstAdministrator', { id: id.trim(), name: name.trim(), pin }));
    if (!result?.ok) return;
    setCreated(result.value.id);
    // The sign-in screen takes over once the engine reports a user exists; it says what happened.
    useSessionStore.getState().signedOut(`Administrator ${result.value.id} created. Sign in with that ID and PIN.`);
    const status = await call(api, 'status.get', {});
    if (status.ok) useStatusStore.getState().setStatus(status.value);
  }

  return (
    <div className="login" data-testid="first-admin">
      <form className="login-card first-admin-card" onSubmit={submit} noValidate>
        <div className="login-fields">
          <h1 className="login-title">Set up this car</h1>
          <p className="login-sub">
            No users yet. Create the first administrator; they add officers and supervisors afterwards.
          </p>
          {created && <p className="login-notice">Administrator {created} created. Sign in with that ID and PIN.</p>}
          <UserIdField label="Administrator ID" value={id} onChange={setId} disabled={busy} testId="first-admin-id" />
          <label className="field">
            <span className="field-label">Name</span>
            <input className="input" data-testid="first-admin-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} disabled={busy} />
          </label>
          <div className="first-admin-pins">
            <label className="field">
              <span className="field-label">PIN (at least {pinMinLength})</span>
              <input className="input input-pin" type="password" data-testid="first-admin-pin" value={pin} maxLength={64} autoComplete="new-password" onChange={(e) => setPin(e.target.value)} disabled={busy} />
            </label>
            <label className="field">
              <span className="field-label">PIN again</span>
              <input className="input input-pin" type="password" data-testid="first-admin-pin-again" value={again} maxLength={64} autoComplete="new-password" onChange={(e) => setAgain(e.target.value)} disabled={busy} />
            </label>
          </div>
          <div className="login-error-slot" aria-live="assertive">
            {error && (
              <p className="error-text" data-testid="first-admin-error" role="alert">
                {error}
              </p>
            )}
          </div>
          <button type="submit" className="btn btn-primary btn-xl" data-testid="first-admin-submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create administrator'}
          </button>
        </div>
      </form>
    </div>
  );
}
