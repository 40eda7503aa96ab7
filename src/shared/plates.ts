/** Plate text rules used by both the engine (matching) and the screens (showing where plates differ). */

/** Positions where two plates differ, character by character (positions past the shorter one count as differing). */
export function differingPositions(read: string, entry: string): number[] {
  const out: number[] = [];
  const n = Math.max(read.length, entry.length);
  for (let i = 0; i < n; i++) if (read[i] !== entry[i]) out.push(i);
  return out;
}
