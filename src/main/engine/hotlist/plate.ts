/**
 * Plate strings as the hot lists see them: normalisation of what a list file or
 * an officer typed, the look-alike fold that turns a plate into its lookup key,
 * and wildcard patterns for partial plates.
 *
 * The lookup key folds every character of an OCR look-alike class onto one
 * symbol, so one indexed equality query finds the exact entry and every entry
 * that differs from the read only by look-alike characters.
 */

import { LOOKALIKE_CLASSES } from '../plate-alphabet.js';

export { LOOKALIKE_CLASSES };

const FOLD: Uint8Array = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) table[c] = c;
  for (const cls of LOOKALIKE_CLASSES) {
    const canonical = cls.charCodeAt(0);
    for (let i = 0; i < cls.length; i++) table[cls.charCodeAt(i)] = canonical;
  }
  return table;
})();

/** Maps every look-alike character to its class symbol; other characters pass through. */
export function foldPlate(plate: string): string {
  let out = '';
  for (let i = 0; i < plate.length; i++) {
    const c = plate.charCodeAt(i);
    out += String.fromCharCode(c < 128 ? FOLD[c]! : c);
  }
  return out;
}

/** True when two characters are the same or OCR look-alikes of each other. */
export function lookAlike(a: string, b: string): boolean {
  return a === b || (a.length === 1 && b.length === 1 && foldPlate(a) === foldPlate(b));
}

/** SQL expression computing foldPlate(column) with nested replace(), for migrations. */
export function foldSql(column: string): string {
  let expr = `upper(${column})`;
  for (const cls of LOOKALIKE_CLASSES) {
    for (let i = 1; i < cls.length; i++) expr = `replace(${expr}, '${cls[i]}', '${cls[0]}')`;
  }
  return expr;
}

export const PLATE_MAX_LENGTH = 10;

/**
 * Upper-cases and removes the separators people and files put in plates
 * (spaces, hyphens, dots). Returns null when what is left is not 1-10 A-Z0-9.
 */
export function normalisePlate(raw: string): string | null {
  const plate = raw.toUpperCase().replace(/[\s\-.·]/g, '');
  return /^[A-Z0-9]{1,10}$/.test(plate) ? plate : null;
}

/** Like normalisePlate but also keeps `*` (any run of characters) and `?` (one character). */
export function normalisePattern(raw: string): string | null {
  const pattern = raw.toUpperCase().replace(/[\s\-.·]/g, '');
  return /^[A-Z0-9*?]{1,10}$/.test(pattern) ? pattern.replace(/\*+/g, '*') : null;
}

export function isPattern(plate: string): boolean {
  return plate.includes('*') || plate.includes('?');
}

export { differingPositions } from '../../../shared/plates.js';

export interface CompiledPattern {
  readonly pattern: string;
  /** Matches a plate (look-alikes folded); returns the positions of the read that differ from literal characters, or null. */
  match(plate: string): number[] | null;
}

/**
 * Compiles a wildcard plate into a matcher over look-alike folded text. Each
 * literal character is its own capture group so the positions where the read
 * differs from the entry (look-alike swaps) can be reported.
 */
export function compilePattern(pattern: string): CompiledPattern {
  let source = '^';
  const literals: string[] = [];
  for (const ch of pattern) {
    if (ch === '*') source += '(?:.*)';
    else if (ch === '?') source += '(?:.)';
    else {
      source += `(${foldPlate(ch)})`;
      literals.push(ch);
    }
  }
  source += '$';
  const regex = new RegExp(source, 'd');
  return {
    pattern,
    match(plate: string): number[] | null {
      const m = regex.exec(foldPlate(plate));
      if (!m) return null;
      const differing: number[] = [];
      for (let g = 0; g < literals.length; g++) {
        const at = m.indices![g + 1]![0];
        if (plate[at] !== literals[g]) differing.push(at);
      }
      return differing;
    },
  };
}

/** Number of characters a pattern pins down (wildcards excluded). */
export function literalCount(pattern: string): number {
  let n = 0;
  for (const ch of pattern) if (ch !== '*' && ch !== '?') n++;
  return n;
}
