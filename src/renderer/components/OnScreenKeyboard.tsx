/**
 * The on-screen keyboard for a touchscreen in a moving car: touch-sized keys
 * for the field being typed, opened by the keyboard button beside the field
 * (or by touching the field). A plate field only offers plate characters, an
 * ID field the characters of a user ID, a case number field those of a case
 * number, an approval code field those of a code, a free-text field letters
 * and a space.
 * Which characters a field takes is the shared rule the engine checks with,
 * so the keyboard cannot type what the engine would refuse. The physical
 * keyboard keeps working: the field stays an ordinary input.
 */
import { useLayoutEffect, useRef, useState, type PointerEvent, type RefObject, type SyntheticEvent } from 'react';
import { USER_ID_PATTERN } from '../../shared/accounts.js';
import { APPROVAL_CODE_ALPHABET } from '../../shared/contract.js';
import { isPlateCharacter } from '../../shared/plates.js';
import { CASE_NUMBER_CHARACTER } from '../../shared/records.js';
import './OnScreenKeyboard.css';

/** plate: A-Z 0-9; plate-pattern: with * and ?; id: a user ID; case: a case number; code: an approval code; text: free text with a space. */
export type KeyboardKind = 'plate' | 'plate-pattern' | 'id' | 'case' | 'code' | 'text';

const TEXT_PUNCTUATION = /^[,.\-/:#'()]$/;

/** Whether a field of this kind takes the character. */
export function keyboardAccepts(kind: KeyboardKind, char: string): boolean {
  switch (kind) {
    case 'plate':
      return isPlateCharacter(char);
    case 'plate-pattern':
      return isPlateCharacter(char, true);
    case 'id':
      return USER_ID_PATTERN.test(char);
    case 'case':
      return CASE_NUMBER_CHARACTER.test(char);
    case 'code':
      // The code is typed as printed, XXXX-XXXX; the engine drops the dash.
      return char.length === 1 && (APPROVAL_CODE_ALPHABET.includes(char) || char === '-');
    case 'text':
      return /^[A-Za-z0-9 ]$/.test(char) || TEXT_PUNCTUATION.test(char);
  }
}

const DIGITS = '1234567890';
const LETTER_ROWS = ['QWERTYUIOP', 'ASDFGHJKL', 'ZXCVBNM'];
/** Characters besides letters and digits, on the last letter row, kept only where the kind accepts them. */
const EXTRA = '*?._-,/';

/** The rows of character keys a kind offers. */
export function keyboardRows(kind: KeyboardKind): string[] {
  const rows = [DIGITS, ...LETTER_ROWS];
  rows[rows.length - 1] += EXTRA;
  return rows.map((row) => [...row].filter((char) => keyboardAccepts(kind, char)).join(''));
}

/** Keys must not take the focus from the field: the caret stays where the officer left it. */
const keepFocus = (event: SyntheticEvent) => event.preventDefault();

function scrollBox(from: HTMLElement): HTMLElement | null {
  for (let box = from.parentElement; box; box = box.parentElement) {
    if (box.scrollHeight > box.clientHeight && /(auto|scroll)/.test(getComputedStyle(box).overflowY)) return box;
  }
  return null;
}

/** Scrolls the field's panel until the field sits above the docked keyboard (the spacer gives it the room). */
function keepAbove(field: HTMLElement, keyboard: HTMLElement): void {
  const fieldBox = field.getBoundingClientRect();
  const keys = keyboard.getBoundingClientRect();
  if (keys.height === 0) return; // not laid out (hidden, or no layout engine)
  const overlap = fieldBox.bottom + 12 - keys.top;
  if (overlap > 0) scrollBox(field)?.scrollBy({ top: overlap });
}

export interface OnScreenKeyboardProps {
  kind: KeyboardKind;
  /** The field's name as the officer sees it, e.g. "Plate". */
  label: string;
  value: string;
  onChange(value: string): void;
  /** The Done key: closes the keyboard, or moves on to the next field. */
  onDone(): void;
  doneLabel?: string;
  maxLength?: number;
  /** The field typed into: kept in view above the keyboard when it opens. */
  fieldRef?: RefObject<HTMLElement | null>;
  /**
   * Docked: the keyboard sits at the bottom of the screen, whatever the width
   * of the column the field is in, and leaves a spacer in its place so the
   * panel can scroll the field up above it. Otherwise it takes its place in
   * the layout (the sign-in screen's column).
   */
  docked?: boolean;
  disabled?: boolean;
  testId?: string;
}

export function OnScreenKeyboard({ kind, label, value, onChange, onDone, doneLabel = 'Done', maxLength = 64, fieldRef, docked = false, disabled = false, testId = 'keyboard' }: OnScreenKeyboardProps) {
  const ref = useRef<HTMLDivElement>(null);
  // Plates are upper case; IDs start upper case; free text starts lower case.
  const [upper, setUpper] = useState(kind !== 'text');
  const caseMatters = kind === 'id' || kind === 'text';
  const [height, setHeight] = useState(0);

  useLayoutEffect(() => {
    const keyboard = ref.current;
    const field = fieldRef?.current;
    if (!keyboard) return;
    if (docked) {
      // Again whenever the window changes size (the panel lays out anew).
      const place = () => {
        setHeight(keyboard.offsetHeight);
        if (field) requestAnimationFrame(() => keepAbove(field, keyboard));
      };
      if (typeof requestAnimationFrame !== 'function') return;
      place();
      window.addEventListener('resize', place);
      return () => window.removeEventListener('resize', place);
    } else {
      // The keyboard first, then the field, so the field stays visible if both do not fit.
      keyboard.scrollIntoView?.({ block: 'nearest' });
      field?.scrollIntoView?.({ block: 'nearest' });
    }
  }, [docked, fieldRef, kind]);

  function type(char: string) {
    if (!keyboardAccepts(kind, char) || value.length >= maxLength) return;
    onChange(value + char);
  }

  const shown = (char: string) => (caseMatters && !upper ? char.toLowerCase() : char);

  const keyboard = (
    <div ref={ref} className={`osk osk-${kind}${docked ? ' osk-docked' : ''}`} role="group" aria-label={`Keyboard: ${label}`} data-testid={testId} onMouseDown={keepFocus}>
      <div className="osk-head">
        <span className="osk-target">Typing into: {label}</span>
        <output className={kind === 'text' ? 'osk-value osk-value-text' : 'osk-value'} data-testid={`${testId}-value`}>
          {value.length > 36 ? `…${value.slice(-36)}` : value || ' '}
        </output>
      </div>
      {keyboardRows(kind).map((row) => (
        <div className="osk-row" key={row}>
          {[...row].map((char) => (
            <button
              key={char}
              type="button"
              className="btn osk-key"
              disabled={disabled}
              onClick={() => type(shown(char))}
              aria-label={shown(char)}
            >
              {shown(char)}
            </button>
          ))}
        </div>
      ))}
      <div className="osk-row osk-controls">
        {caseMatters && (
          <button type="button" className={upper ? 'btn osk-key osk-wide btn-selected' : 'btn osk-key osk-wide'} aria-pressed={upper} disabled={disabled} onClick={() => setUpper(!upper)} aria-label="Capital letters" data-testid={`${testId}-case`}>
            {upper ? 'ABC' : 'abc'}
          </button>
        )}
        {kind === 'text' && (
          <button type="button" className="btn osk-key osk-space" disabled={disabled} onClick={() => type(' ')} aria-label="Space">
            Space
          </button>
        )}
        <button type="button" className="btn osk-key osk-wide" disabled={disabled} onClick={() => onChange('')} aria-label="Clear">
          Clear
        </button>
        <button type="button" className="btn osk-key osk-wide" disabled={disabled} onClick={() => onChange(value.slice(0, -1))} aria-label="Delete last character">
          ⌫
        </button>
        <button type="button" className="btn btn-primary osk-key osk-done" disabled={disabled} onClick={onDone} data-testid={`${testId}-done`}>
          {doneLabel}
        </button>
      </div>
    </div>
  );
  if (!docked) return keyboard;
  return (
    <>
      <div className="osk-spacer" style={{ height }} aria-hidden="true" />
      {keyboard}
    </>
  );
}

/** Which field of a form has the keyboard open (null: none), and the props that open it. */
export function useKeyboardTarget<F extends string>() {
  const [target, setTarget] = useState<F | null>(null);
  return {
    target,
    open: (field: F) => setTarget(field),
    close: () => setTarget(null),
    toggle: (field: F) => setTarget((current) => (current === field ? null : field)),
    /** On the field: a touch (not a mouse) opens its keyboard, as a tablet's own keyboard would. */
    touchOpens: (field: F) => ({
      onPointerDown: (event: PointerEvent) => {
        if (event.pointerType === 'touch' || event.pointerType === 'pen') setTarget(field);
      },
    }),
  };
}

/** The button beside a field that opens or closes its keyboard. */
export function KeyboardButton({ open, label, onClick, disabled, testId }: { open: boolean; label: string; onClick(): void; disabled?: boolean; testId?: string }) {
  return (
    <button
      type="button"
      className={open ? 'btn osk-toggle btn-selected' : 'btn osk-toggle'}
      aria-label={`${open ? 'Close' : 'Open'} the keyboard for ${label}`}
      aria-expanded={open}
      title={`Keyboard for ${label}`}
      disabled={disabled}
      onClick={onClick}
      data-testid={testId}
    >
      <svg viewBox="0 0 24 16" width="28" height="20" aria-hidden="true" focusable="false">
        <rect x="1" y="1" width="22" height="14" rx="2" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M4 5h2M8 5h2M12 5h2M16 5h2M5 8.5h2M9 8.5h2M13 8.5h2M17 8.5h2M7 12h10" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
    </button>
  );
}
