/**
 * The locked screen: the signed-in officer's PIN unlocks it. Cameras keep
 * reading and hits keep alerting underneath; an alert that arrives shows here
 * and its tone sounds (App plays it), and the PIN opens straight onto it.
 * Wrong PINs count towards the account lockout like any sign-in.
 */
import { useRef, useState, type FormEvent } from 'react';
import { call, useApi } from '../api.js';
import { alertTone } from '../audio/tone.js';
import { forgetSignIn } from '../lib/resume.js';
import { useRequest } from '../lib/hooks.js';
import { selectCurrentAlert, useAlertsStore, useSessionStore, useStatusStore } from '../stores/index.js';
import { clearShift, loadShift } from '../sync.js';
import { PinKeypad } from './PinKeypad.js';

export function LockScreen() {
  const api = useApi();
  const user = useSessionStore((s) => s.user);
  const alert = useAlertsStore(selectCurrentAlert);
  const openAlerts = useAlertsStore((s) => s.open.filter((a) => a.status !== 'disposed').length);
  const [pin, setPin] = useState('');
  const { busy, error, setError, run } = useRequest();
  const pinRef = useRef<HTMLInputElement>(null);

  async function unlock(event: FormEvent) {
    event.preventDefault();
    alertTone.prime();
    if (pin.length === 0) {
      setError('Enter your PIN.');
      pinRef.current?.focus();
      return;
    }
    const result = await run(() => call(api, 'session.unlock', { pin }));
    setPin('');
    if (!result?.ok) return;
    const status = useStatusStore.getState().status;
    if (status) useStatusStore.getState().setStatus({ ...status, locked: false });
    // Reads taken while locked were not sent to this screen: load the shift again.
    void loadShift(api);
  }

  async function signOut() {
    const result = await run(() => call(api, 'session.logout', {}));
    if (!result?.ok) return;
    forgetSignIn();
    clearShift();
    useSessionStore.getState().signedOut();
  }

  return (
    <div className="login lock" data-testid="lock-screen">
      <form className="login-card" onSubmit={unlock} noValidate>
        <div className="login-fields">
          <h1 className="login-title">Screen locked</h1>
          <p className="login-sub">
            {user?.name ?? '—'} (ID {user?.id ?? '—'}) · cameras keep reading and hits keep alerting
          </p>
          {alert && alert.status === 'pending' && (
            <p className="lock-alert" role="alert" data-testid="lock-alert">
              HIT: {alert.read.plate}
              {alert.read.state ? ` (${alert.read.state})` : ''} on {alert.entry.listName} — unlock to work the alert
              {openAlerts > 1 ? ` · ${openAlerts} open alerts` : ''}
            </p>
          )}
          <label className="field">
            <span className="field-label">PIN</span>
            <input
              ref={pinRef}
              data-testid="lock-pin"
              className="input input-pin active"
              type="password"
              inputMode="numeric"
              autoComplete="current-password"
              value={pin}
              maxLength={64}
              autoFocus
              onChange={(e) => setPin(e.target.value)}
              disabled={busy}
            />
          </label>
          <div className="login-error-slot" aria-live="assertive">
            {error && (
              <p className="error-text" data-testid="lock-error" role="alert">
                {error}
              </p>
            )}
          </div>
          <button type="submit" className="btn btn-primary btn-xl" data-testid="lock-unlock" disabled={busy}>
            {busy ? 'Checking…' : 'Unlock'}
          </button>
          <button type="button" className="btn btn-quiet" data-testid="lock-signout" onClick={signOut} disabled={busy}>
            Sign out instead
          </button>
        </div>
        <div className="login-keys">
          <PinKeypad value={pin} onChange={setPin} disabled={busy} testId="lock-keypad" />
        </div>
      </form>
    </div>
  );
}
