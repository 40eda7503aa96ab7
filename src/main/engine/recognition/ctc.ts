/**
 * CTC decoding for plate OCR outputs: a prefix beam search that keeps the top
 * candidates with their probabilities (the hot-list matcher uses them), and
 * per-character confidences of the best reading. Classes outside the plate
 * alphabet (punctuation, other scripts) count as blank, which both ignores
 * them and keeps them from merging neighbouring characters.
 */

export interface CtcCandidate {
  readonly text: string;
  readonly probability: number;
}

export interface CtcResult {
  readonly candidates: CtcCandidate[];
  /** Per-character confidence of candidates[0]. */
  readonly charConfidences: number[];
  /** The greedy path (best class per step) and each of its characters' peak probability. */
  readonly greedy: { readonly text: string; readonly confidences: number[] };
}

interface Slots {
  /** The distinct characters, in first-seen order. */
  readonly alphabet: readonly string[];
  /** For each class, its character's index in `alphabet`, or -1 for blank/ignored. */
  readonly classSlot: readonly number[];
}

// A model's class table is fixed: work its slots out once, not for every crop.
const slotCache = new WeakMap<readonly (string | null)[], Slots>();

function slotsOf(charOf: readonly (string | null)[]): Slots {
  let slots = slotCache.get(charOf);
  if (!slots) {
    const alphabet: string[] = [];
    const slot = new Map<string, number>();
    for (const ch of charOf) if (ch !== null && !slot.has(ch)) {
      slot.set(ch, alphabet.length);
      alphabet.push(ch);
    }
    slots = { alphabet, classSlot: charOf.map((ch) => (ch === null ? -1 : slot.get(ch)!)) };
    slotCache.set(charOf, slots);
  }
  return slots;
}

/** One crop's output collapsed to blank mass and per-character mass over the plate alphabet. */
export interface CtcFrames {
  readonly steps: number;
  readonly alphabet: readonly string[];
  /** blank[t]: probability of blank (or an ignored class) at step t. */
  readonly blank: Float64Array;
  /** mass[t * alphabet.length + s]: probability of alphabet[s] at step t. */
  readonly mass: Float64Array;
}

/**
 * @param probs  T x C probabilities (softmax already applied), row-major, at `offset`.
 * @param charOf maps a class index to its character, or null for blank/ignored classes.
 */
export function ctcFrames(probs: Float32Array, offset: number, steps: number, classes: number, charOf: readonly (string | null)[]): CtcFrames {
  const { alphabet, classSlot } = slotsOf(charOf);
  const A = alphabet.length;
  const blank = new Float64Array(steps);
  const mass = new Float64Array(steps * A);
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let b = 0;
    for (let c = 0; c < classes; c++) {
      const p = probs[row + c]!;
      const s = classSlot[c]!;
      if (s < 0) b += p;
      else mass[t * A + s]! += p;
    }
    blank[t] = b;
  }
  return { steps, alphabet, blank, mass };
}

export function ctcDecode(
  probs: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  charOf: readonly (string | null)[],
  beamWidth = 8,
  topN = 5,
): CtcResult {
  return ctcDecodeFrames(ctcFrames(probs, offset, steps, classes, charOf), beamWidth, topN);
}

/** Greedy path: the best class per step, repeats collapsed; each character's confidence is its peak probability. */
export function ctcGreedy(frames: CtcFrames): { text: string; confidences: number[] } {
  const { steps, alphabet, blank, mass } = frames;
  const A = alphabet.length;
  const chars: string[] = [];
  const conf: number[] = [];
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    let best = -1;
    let bestP = blank[t]!;
    for (let s = 0; s < A; s++) if (mass[t * A + s]! > bestP) {
      bestP = mass[t * A + s]!;
      best = s;
    }
    if (best >= 0 && best !== prev) {
      chars.push(alphabet[best]!);
      conf.push(bestP);
    } else if (best >= 0 && best === prev) {
      conf[conf.length - 1] = Math.max(conf[conf.length - 1]!, bestP);
    }
    prev = best;
  }
  return { text: chars.join(''), confidences: conf };
}

export function ctcDecodeFrames(frames: CtcFrames, beamWidth = 8, topN = 5): CtcResult {
  const { steps, alphabet, blank, mass } = frames;
  const A = alphabet.length;
  const greedy = ctcGreedy(frames);

  // Prefix beam search: each prefix keeps P(ends in blank) and P(ends in its last char).
  type Beam = { pb: number; pnb: number; last: number };
  let beams = new Map<string, Beam>([['', { pb: 1, pnb: 0, last: -1 }]]);
  for (let t = 0; t < steps; t++) {
    const next = new Map<string, Beam>();
    const add = (prefix: string, last: number, pb: number, pnb: number): void => {
      const beam = next.get(prefix);
      if (beam) {
        beam.pb += pb;
        beam.pnb += pnb;
      } else next.set(prefix, { pb, pnb, last });
    };
    const pBlank = blank[t]!;
    for (const [prefix, beam] of beams) {
      const total = beam.pb + beam.pnb;
      add(prefix, beam.last, total * pBlank, 0);
      for (let s = 0; s < A; s++) {
        const p = mass[t * A + s]!;
        if (p < 1e-4) continue;
        if (s === beam.last) {
          // Repeat without a blank collapses; after a blank it is a new character.
          add(prefix, s, 0, beam.pnb * p);
          add(prefix + alphabet[s], s, 0, beam.pb * p);
        } else {
          add(prefix + alphabet[s], s, 0, total * p);
        }
      }
    }
    beams = new Map([...next.entries()].sort((a, b) => b[1].pb + b[1].pnb - (a[1].pb + a[1].pnb)).slice(0, beamWidth));
  }
  const candidates = [...beams.entries()]
    .map(([text, beam]) => ({ text, probability: beam.pb + beam.pnb }))
    .filter((c) => c.text.length > 0)
    .sort((a, b) => b.probability - a.probability)
    .slice(0, topN);
  const best = candidates[0]?.text ?? '';
  const charConfidences =
    greedy.text === best ? greedy.confidences : Array.from(best, () => Math.pow(candidates[0]?.probability ?? 0, 1 / Math.max(1, best.length)));
  return { candidates, charConfidences, greedy };
}

/**
 * Exact probability that the model's output collapses to `text` (the CTC forward
 * algorithm, summed over every alignment). 0 when `text` has a character outside
 * the alphabet or is longer than the output can hold.
 */
export function ctcTextProbability(frames: CtcFrames, text: string): number {
  const { steps, alphabet, blank, mass } = frames;
  const A = alphabet.length;
  if (text.length === 0) {
    let p = 1;
    for (let t = 0; t < steps; t++) p *= blank[t]!;
    return p;
  }
  const label: number[] = [];
  for (const ch of text) {
    const s = alphabet.indexOf(ch);
    if (s < 0) return 0;
    label.push(s);
  }
  // Extended label: blank, c1, blank, c2, ..., cL, blank. Index 2k+1 is character k.
  const S = 2 * label.length + 1;
  let alpha = new Float64Array(S);
  let next = new Float64Array(S);
  const at = (t: number, i: number): number => (i % 2 === 0 ? blank[t]! : mass[t * A + label[(i - 1) / 2]!]!);
  alpha[0] = at(0, 0);
  alpha[1] = at(0, 1);
  for (let t = 1; t < steps; t++) {
    for (let i = 0; i < S; i++) {
      let a = alpha[i]!;
      if (i >= 1) a += alpha[i - 1]!;
      if (i >= 2 && i % 2 === 1 && label[(i - 1) / 2] !== label[(i - 3) / 2]) a += alpha[i - 2]!;
      next[i] = a * at(t, i);
    }
    [alpha, next] = [next, alpha];
  }
  return alpha[S - 1]! + alpha[S - 2]!;
}
