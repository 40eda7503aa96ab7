/**
 * Sign-in (policy C.2): officer ID and PIN. Only officers the engine knows as
 * trained get in; its refusal is shown as it comes. Beside the fields, the
 * keyboard for the field being typed: letters for the ID, the keypad for the
 * PIN. The login tap is also the user gesture that unlocks audio for the
 * alert tone.
 */
import { useRef, useState, type FormEvent } from 'react';
import { call, useApi } from '../api.js';
import { alertTone } from '../audio/tone.js';
import { useSessionStore, useStartStore, useStatusStore } from '../stores/index.js';
import { FirstAdministrator } from './FirstAdministrator.js';
import { rememberSignIn } from '../lib/resume.js';
import { restoreScreen } from '../lib/ui-memory.js';
import { loadShift } from '../sync.js';
import { OnScreenKeyboard } from './OnScreenKeyboard.js';
import { PinKeypad } from './PinKeypad.js';

type Field = 'user' | 'pin';

export function LoginScreen() {
  const needsFirstAdministrator = useStatusStore((s) => s.status?.needsFirstAdministrator ?? false);
  return needsFirstAdministrator ? <FirstAdministrator /> : <SignIn />;
}

function SignIn() {
  const api = useApi();
  const notice = useSessionStore((s) => s.notice);
  const [userId, setUserId] = useState('');
  const [pin, setPin] = useState('');
  const [field, setField] = useState<Field>('user');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const userRef = useRef<HTMLInputElement>(null);
  const pinRef = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    alertTone.prime();
    if (busy) return;
    const id = userId.trim();
    if (!id) {
      setError('Enter your officer ID.');
      userRef.current?.focus();
      return;
    }
    if (pin.length < 4) {
      setError('The PIN has at least 4 digits.');
      pinRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call(api, 'session.login', { userId: id, pin });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      setPin('');
      return;
    }
    restoreScreen(result.value.id);
    // The shift starts with the equipment check and the lists' sync (B.2, C.3); an administrator does not patrol.
    if (result.value.role !== 'administrator') useStartStore.getState().show();
    useSessionStore.getState().signedIn(rememberSignIn(result.value));
    void loadShift(api);
  }

  return (
    <div className="login" data-testid="login-screen">
      <form className="login-card" onSubmit={submit} noValidate>
        <div className="login-fields">
          <h1 className="login-title">Plate reader sign-in</h1>
          <p className="login-sub">Only officers trained on the plate reader can sign in</p>
          {notice && <p className="login-notice">{notice}</p>}
          <label className="field">
            <span className="field-label">Officer ID</span>
            <input
              ref={userRef}
              data-testid="login-user"
              className={field === 'user' ? 'input active' : 'input'}
              value={userId}
              autoComplete="username"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={64}
              onFocus={() => setField('user')}
              onChange={(e) => setUserId(e.target.value)}
              disabled={busy}
            />
          </label>
          <label className="field">
            <span className="field-label">PIN</span>
            <input
              ref={pinRef}
              data-testid="login-pin"
              className={field === 'pin' ? 'input input-pin active' : 'input input-pin'}
              type="password"
              inputMode="numeric"
              pattern="[0-9]*"
              autoComplete="current-password"
              value={pin}
              maxLength={64}
              onFocus={() => setField('pin')}
              onChange={(e) => setPin(e.target.value)}
              disabled={busy}
            />
          </label>
          <div className="login-error-slot" aria-live="assertive">
            {error && (
              <p className="error-text" data-testid="login-error" role="alert">
                {error}
              </p>
            )}
          </div>
          <button type="submit" className="btn btn-primary btn-xl" data-testid="login-submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
        <div className="login-keys login-keys-wide">
          {field === 'pin' ? (
            <PinKeypad value={pin} onChange={setPin} disabled={busy} testId="login-keypad" />
          ) : (
            <OnScreenKeyboard
              kind="id"
              label="Officer ID"
              value={userId}
              onChange={setUserId}
              onDone={() => {
                setField('pin');
                pinRef.current?.focus();
              }}
              doneLabel="Next: PIN"
              maxLength={64}
              fieldRef={userRef}
              disabled={busy}
              testId="login-keyboard"
            />
          )}
        </div>
      </form>
    </div>
  );
}
