/**
 * The PIN keypad: digits, clear and delete, large enough for a gloved finger.
 * One keypad for every PIN typed on screen (sign-in, the locked screen, a
 * supervisor's approval); the physical keyboard types into the field as well.
 */
import type { SyntheticEvent } from 'react';
import { PIN_MAX_LENGTH } from '../../shared/accounts.js';
import './OnScreenKeyboard.css';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'] as const;
type Key = (typeof KEYS)[number];

/** Keys must not take the focus from the PIN field. */
const keepFocus = (event: SyntheticEvent) => event.preventDefault();

export interface PinKeypadProps {
  value: string;
  onChange(value: string): void;
  /** What the keys type into, as the officer sees it ("PIN", "Supervisor's PIN"). */
  label?: string;
  disabled?: boolean;
  testId?: string;
}

export function PinKeypad({ value, onChange, label = 'PIN', disabled = false, testId = 'pin-keypad' }: PinKeypadProps) {
  function press(key: Key) {
    if (key === 'clear') onChange('');
    else if (key === 'back') onChange(value.slice(0, -1));
    else if (value.length < PIN_MAX_LENGTH) onChange(value + key);
  }

  return (
    <div className="pin-keypad" role="group" aria-label={`Keypad: ${label}`} data-testid={testId} onMouseDown={keepFocus}>
      <div className="pin-keypad-target">Typing into: {label}</div>
      <div className="pin-keypad-grid">
        {KEYS.map((key) => (
          <button
            key={key}
            type="button"
            className={`btn pin-key pin-key-${key}`}
            disabled={disabled}
            onClick={() => press(key)}
            aria-label={key === 'back' ? 'Delete last digit' : key === 'clear' ? 'Clear' : key}
          >
            {key === 'back' ? '⌫' : key === 'clear' ? 'Clear' : key}
          </button>
        ))}
      </div>
    </div>
  );
}
