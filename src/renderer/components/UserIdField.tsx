/**
 * A field where a user ID is typed (a new user, the first administrator, a
 * supervisor approving a special detail), with its on-screen keyboard: IDs
 * have letters, and the keyboard only offers what an ID may hold.
 */
import { useRef } from 'react';
import { KeyboardButton, OnScreenKeyboard, useKeyboardTarget } from './OnScreenKeyboard.js';

export interface UserIdFieldProps {
  /** The field's label as the officer sees it ("ID", "Administrator ID"). */
  label: string;
  value: string;
  onChange(value: string): void;
  disabled?: boolean;
  /** The input's test id; the keyboard button's and the keyboard's add "-keyboard" and "-keys". */
  testId: string;
  placeholder?: string;
  /** Set when the label is shown elsewhere (a placeholder only). */
  hideLabel?: boolean;
}

export function UserIdField({ label, value, onChange, disabled, testId, placeholder, hideLabel = false }: UserIdFieldProps) {
  const keyboard = useKeyboardTarget<'id'>();
  const ref = useRef<HTMLInputElement>(null);
  const input = (
    <span className="osk-field">
      <input
        ref={ref}
        className="input"
        data-testid={testId}
        value={value}
        maxLength={64}
        spellCheck={false}
        autoComplete="off"
        placeholder={placeholder}
        aria-label={hideLabel ? label : undefined}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        {...keyboard.touchOpens('id')}
      />
      <KeyboardButton open={keyboard.target === 'id'} label={label} disabled={disabled} onClick={() => keyboard.toggle('id')} testId={`${testId}-keyboard`} />
    </span>
  );
  return (
    <>
      {hideLabel ? (
        input
      ) : (
        <label className="field">
          <span className="field-label">{label}</span>
          {input}
        </label>
      )}
      {keyboard.target === 'id' && (
        <OnScreenKeyboard kind="id" label={label} value={value} onChange={onChange} onDone={keyboard.close} maxLength={64} fieldRef={ref} docked disabled={disabled} testId={`${testId}-keys`} />
      )}
    </>
  );
}
