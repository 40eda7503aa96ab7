/** Plate text rules used by both the engine (matching) and the screens (showing where plates differ). */

/** Positions where two plates differ, character by character (positions past the shorter one count as differing). */
export function differingPositions(read: string, entry: string): number[] {
  const out: number[] = [];
  const n = Math.max(read.length, entry.length);
  for (let i = 0; i < n; i++) if (read[i] !== entry[i]) out.push(i);
  return out;
}

/** The characters a plate is written with: what the recognizer reads and the hot lists store. */
export const PLATE_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** The wildcards of a partial plate: `*` any run of characters, `?` one character. */
export const PLATE_WILDCARDS = '*?';

/** True when `char` may be typed into a plate (with `wildcards`, a partial plate too). */
export function isPlateCharacter(char: string, wildcards = false): boolean {
  return char.length === 1 && (PLATE_CHARACTERS.includes(char) || (wildcards && PLATE_WILDCARDS.includes(char)));
}

/** What is left of typed text once it is upper-cased and everything that is not a plate character is dropped. */
export function keepPlateCharacters(typed: string, wildcards = false): string {
  let out = '';
  for (const char of typed.toUpperCase()) if (isPlateCharacter(char, wildcards)) out += char;
  return out;
}
