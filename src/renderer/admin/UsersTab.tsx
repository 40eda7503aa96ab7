/**
 * Users tab: every account with its role, trained flag, state (disabled,
 * locked out after wrong PINs), and the administrator's actions on it. Each
 * action is one request, audited by the engine; refusals show where they
 * happened. New PINs are checked with the same rule the engine applies.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { pinProblem, userIdProblem } from '../../shared/accounts.js';
import { ROLES, type Role, type UserRecordView } from '../../shared/contract.js';
import { call, useApi } from '../api.js';
import { formatClock } from '../lib/format.js';
import { useRequest } from '../lib/hooks.js';
import { useSessionStore, useStatusStore } from '../stores/index.js';
import { UserIdField } from '../components/UserIdField.js';

const ROLE_TEXT: Record<Role, string> = { officer: 'Officer', supervisor: 'Supervisor', administrator: 'Administrator' };

export function UsersTab() {
  const api = useApi();
  const [users, setUsers] = useState<UserRecordView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const result = await call(api, 'users.list', {});
    if (result.ok) {
      setUsers(result.value);
      setLoadError(null);
    } else setLoadError(result.error);
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const replace = (changed: UserRecordView) => setUsers((list) => (list ?? []).map((u) => (u.id === changed.id ? changed : u)));

  return (
    <div className="users-tab" data-testid="users-tab">
      <section className="users-list-section">
        <h2 className="admin-section-title">Accounts</h2>
        {loadError && (
          <p className="error-text" role="alert" data-testid="users-error">
            Could not load the users: {loadError}
          </p>
        )}
        {users === null && !loadError && <p className="muted">Loading…</p>}
        <ul className="users-list">
          {users?.map((user) => <UserRow key={user.id} user={user} onChanged={replace} />)}
        </ul>
      </section>
      <NewUserForm
        onCreated={(user) => {
          setUsers((list) => [...(list ?? []), user].sort((a, b) => a.id.localeCompare(b.id)));
        }}
      />
    </div>
  );
}

type Pending = null | 'disable' | 'enable' | 'pin';

function UserRow({ user, onChanged }: { user: UserRecordView; onChanged: (user: UserRecordView) => void }) {
  const api = useApi();
  const me = useSessionStore((s) => s.user?.id);
  const pinMinLength = useStatusStore((s) => s.status?.pinMinLength ?? 6);
  const [pending, setPending] = useState<Pending>(null);
  const [text, setText] = useState('');
  const { busy, error, setError, run } = useRequest();

  async function act(request: () => ReturnType<typeof call<'users.enable'>>) {
    const result = await run(request);
    if (result?.ok) {
      onChanged(result.value);
      setPending(null);
      setText('');
    }
  }

  function confirm(event: FormEvent) {
    event.preventDefault();
    if (pending === 'pin') {
      const problem = pinProblem(text, pinMinLength);
      if (problem) return setError(problem);
      void act(() => call(api, 'users.resetPin', { id: user.id, pin: text }));
    } else if (pending) {
      if (text.trim().length < 3) return setError('Say why (at least 3 characters).');
      void act(() => call(api, pending === 'disable' ? 'users.disable' : 'users.enable', { id: user.id, reason: text.trim() }));
    }
  }

  const state = user.disabled ? 'Disabled' : user.lockedUntil ? `Locked until ${formatClock(user.lockedUntil)}` : !user.trained ? 'Not trained' : 'Active';
  return (
    <li className={user.disabled ? 'user-row user-row-off' : 'user-row'} data-testid="user-row" data-user={user.id}>
      <div className="user-main">
        <div className="user-name">
          {user.name} <span className="user-id">ID {user.id}</span>
        </div>
        <div className="user-meta">
          <span className="chip">{ROLE_TEXT[user.role]}</span>
          <span className={`chip chip-${user.disabled || user.lockedUntil ? 'bad' : user.trained ? 'good' : 'warn'}`} data-testid="user-state">
            <span className="dot" />
            {state}
          </span>
        </div>
      </div>
      <div className="user-actions">
        <label className="toggle">
          <input
            type="checkbox"
            checked={user.trained}
            disabled={busy}
            data-testid="user-trained"
            onChange={(e) => void act(() => call(api, 'users.setTrained', { id: user.id, trained: e.target.checked }))}
          />
          Trained
        </label>
        <button type="button" className="btn" data-testid="user-reset-pin" disabled={busy} onClick={() => setPending(pending === 'pin' ? null : 'pin')}>
          Reset PIN
        </button>
        {user.disabled ? (
          <button type="button" className="btn" data-testid="user-enable" disabled={busy} onClick={() => setPending(pending === 'enable' ? null : 'enable')}>
            Enable
          </button>
        ) : (
          <button type="button" className="btn btn-danger" data-testid="user-disable" disabled={busy || user.id === me} onClick={() => setPending(pending === 'disable' ? null : 'disable')}>
            Disable
          </button>
        )}
      </div>
      {pending && (
        <form className="user-confirm" onSubmit={confirm} noValidate>
          <label className="field">
            <span className="field-label">{pending === 'pin' ? `New PIN for ${user.id} (at least ${pinMinLength})` : pending === 'disable' ? 'Why disable this account?' : 'Why enable it again?'}</span>
            <input
              className={pending === 'pin' ? 'input input-pin' : 'input'}
              type={pending === 'pin' ? 'password' : 'text'}
              autoComplete={pending === 'pin' ? 'new-password' : 'off'}
              value={text}
              maxLength={pending === 'pin' ? 64 : 500}
              data-testid="user-confirm-text"
              onChange={(e) => setText(e.target.value)}
              disabled={busy}
              autoFocus
            />
          </label>
          <button type="submit" className="btn btn-primary" data-testid="user-confirm" disabled={busy}>
            {pending === 'pin' ? 'Set PIN' : pending === 'disable' ? 'Disable' : 'Enable'}
          </button>
          <button type="button" className="btn btn-quiet" onClick={() => setPending(null)} disabled={busy}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <p className="error-text user-error" role="alert" data-testid="user-error">
          {error}
        </p>
      )}
    </li>
  );
}

function NewUserForm({ onCreated }: { onCreated: (user: UserRecordView) => void }) {
  const api = useApi();
  const pinMinLength = useStatusStore((s) => s.status?.pinMinLength ?? 6);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('officer');
  const [trained, setTrained] = useState(true);
  const [pin, setPin] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, setError, run } = useRequest();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    const problem = userIdProblem(id.trim()) ?? (name.trim() === '' ? 'Enter the name.' : null) ?? pinProblem(pin, pinMinLength);
    if (problem) return setError(problem);
    const result = await run(() => call(api, 'users.create', { id: id.trim(), name: name.trim(), role, trained, pin }));
    if (!result?.ok) return;
    onCreated(result.value);
    setDone(`${ROLE_TEXT[result.value.role]} ${result.value.id} added${result.value.trained ? '' : ' (not trained: cannot sign in yet)'}.`);
    setId('');
    setName('');
    setPin('');
  }

  return (
    <form className="new-user" onSubmit={submit} noValidate data-testid="new-user-form">
      <h2 className="admin-section-title">Add a user</h2>
      <UserIdField label="ID" value={id} onChange={setId} disabled={busy} testId="new-user-id" />
      <label className="field">
        <span className="field-label">Name</span>
        <input className="input" data-testid="new-user-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} disabled={busy} />
      </label>
      <label className="field">
        <span className="field-label">Role</span>
        <select className="input input-select" data-testid="new-user-role" value={role} onChange={(e) => setRole(e.target.value as Role)} disabled={busy}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_TEXT[r]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">PIN (at least {pinMinLength})</span>
        <input className="input input-pin" type="password" autoComplete="new-password" data-testid="new-user-pin" value={pin} maxLength={64} onChange={(e) => setPin(e.target.value)} disabled={busy} />
      </label>
      <label className="toggle">
        <input type="checkbox" checked={trained} data-testid="new-user-trained" onChange={(e) => setTrained(e.target.checked)} disabled={busy} />
        Trained on the LPR system (policy C.2)
      </label>
      {error && (
        <p className="error-text" role="alert" data-testid="new-user-error">
          {error}
        </p>
      )}
      {done && (
        <p className="login-notice" data-testid="new-user-done">
          {done}
        </p>
      )}
      <button type="submit" className="btn btn-primary btn-xl" data-testid="new-user-submit" disabled={busy}>
        {busy ? 'Adding…' : 'Add user'}
      </button>
    </form>
  );
}
