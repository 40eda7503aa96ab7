/**
 * An end character the ensemble does not agree on. When several networks read
 * a plate over several views, the mixture can favour a reading with one more
 * character at an end even though most of the (network, view) pairs do not see
 * that character there: each pair sees something beside the registration (a
 * drawing at the plate's left, a bolt, the frame's edge) as a different
 * character, and their small shares add up in the mixture. A character of the
 * plate itself is read at its place by most of the pairs.
 *
 * So the reading keeps an end character only when at least half of the pairs'
 * greedy paths have it at that end; otherwise the same reading without it
 * becomes the best, provided the mixture proposed that reading among its
 * candidates (the rule never makes up a reading, and keeps each candidate's
 * own probability). Measured on every annotated image of the three sets (see
 * models/plate-ocr.md): it changes two of 1,121 plates.
 */

/** Readings shorter than this keep their ends (what is left must still look like a registration). */
export const END_RULE_MIN_CHARS = 5;

/**
 * How many paths have the reading's first character at its place, aligning
 * each path with the reading at their right ends (a path with a character
 * dropped or swapped in the middle still supports the end), and likewise the
 * last character, aligning at the left ends. A path shorter than the reading
 * supports neither.
 */
export function endSupport(reading: string, paths: readonly string[]): { first: number; last: number } {
  const n = reading.length;
  let first = 0;
  let last = 0;
  for (const p of paths) {
    if (n === 0 || p.length < n) continue;
    if (p[p.length - n] === reading[0]) first++;
    if (p[n - 1] === reading[n - 1]) last++;
  }
  return { first, last };
}

/**
 * The candidates (best first) with the best one's unsupported end character
 * dropped: the first character when fewer than half of the paths support it,
 * else the last likewise; one end at most. The reading without it moves to the
 * top when it is among the candidates; otherwise nothing changes.
 */
export function dropUnsupportedEnd<C extends { readonly plate: string }>(candidates: readonly C[], paths: readonly string[]): C[] {
  const best = candidates[0];
  if (!best || best.plate.length < END_RULE_MIN_CHARS || paths.length < 2) return [...candidates];
  const { first, last } = endSupport(best.plate, paths);
  const half = paths.length / 2;
  const without = first < half ? best.plate.slice(1) : last < half ? best.plate.slice(0, -1) : null;
  const k = without === null ? -1 : candidates.findIndex((c) => c.plate === without);
  if (k < 0) return [...candidates];
  return [candidates[k]!, ...candidates.filter((_, i) => i !== k)];
}
