import { describe, expect, it } from 'vitest';
import { ctcDecode, ctcDecodeFrames, ctcFrames, ctcGreedy, ctcTextProbability } from '../../src/main/engine/recognition/ctc.js';

const charOf = [null, 'A', 'B', '1'];

/** Builds a T x C probability matrix from per-step winners with the given confidence. */
function steps(winners: number[], p = 0.9): Float32Array {
  const C = charOf.length;
  const out = new Float32Array(winners.length * C);
  winners.forEach((w, t) => {
    for (let c = 0; c < C; c++) out[t * C + c] = c === w ? p : (1 - p) / (C - 1);
  });
  return out;
}

describe('ctcDecode', () => {
  it('collapses repeats and drops blanks', () => {
    const probs = steps([1, 1, 0, 2, 0, 3, 3]);
    const result = ctcDecode(probs, 0, 7, 4, charOf);
    expect(result.candidates[0]!.text).toBe('AB1');
    expect(result.charConfidences).toHaveLength(3);
    for (const c of result.charConfidences) expect(c).toBeCloseTo(0.9, 5);
  });

  it('keeps a doubled character separated by a blank', () => {
    const result = ctcDecode(steps([1, 0, 1]), 0, 3, 4, charOf);
    expect(result.candidates[0]!.text).toBe('AA');
  });

  it('returns alternatives best first with probabilities that sum to at most 1', () => {
    const C = 4;
    const probs = new Float32Array(3 * C);
    // step 0: A; step 1: B (0.55) or 1 (0.45); step 2: blank
    probs.set([0.02, 0.96, 0.01, 0.01], 0);
    probs.set([0, 0, 0.55, 0.45], C);
    probs.set([1, 0, 0, 0], 2 * C);
    const result = ctcDecode(probs, 0, 3, C, charOf);
    expect(result.candidates.map((c) => c.text).slice(0, 2)).toEqual(['AB', 'A1']);
    expect(result.candidates[0]!.probability).toBeGreaterThan(result.candidates[1]!.probability);
    expect(result.candidates.reduce((s, c) => s + c.probability, 0)).toBeLessThanOrEqual(1.0001);
  });

  it('treats classes outside the alphabet as blank', () => {
    const result = ctcDecode(steps([1, 0, 2]), 0, 3, 4, [null, 'A', null, '1']);
    expect(result.candidates[0]!.text).toBe('A');
  });

  it('reads an offset inside a batch', () => {
    const a = steps([1, 0, 0]);
    const b = steps([2, 0, 3]);
    const batch = new Float32Array(a.length + b.length);
    batch.set(a, 0);
    batch.set(b, a.length);
    expect(ctcDecode(batch, a.length, 3, 4, charOf).candidates[0]!.text).toBe('B1');
  });
});

/** Every alignment of T steps over C classes, collapsed by the CTC rule, with its probability. */
function bruteForce(probs: Float32Array, T: number): Map<string, number> {
  const C = charOf.length;
  const out = new Map<string, number>();
  const path: number[] = [];
  const walk = (t: number, p: number): void => {
    if (t === T) {
      let text = '';
      let prev = -1;
      for (const c of path) {
        if (c !== prev && charOf[c] !== null) text += charOf[c];
        prev = c;
      }
      out.set(text, (out.get(text) ?? 0) + p);
      return;
    }
    for (let c = 0; c < C; c++) {
      path.push(c);
      walk(t + 1, p * probs[t * C + c]!);
      path.pop();
    }
  };
  walk(0, 1);
  return out;
}

/** A reproducible random T x C softmax-like matrix. */
function randomProbs(T: number, seed: number): Float32Array {
  const C = charOf.length;
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out = new Float32Array(T * C);
  for (let t = 0; t < T; t++) {
    let sum = 0;
    for (let c = 0; c < C; c++) sum += out[t * C + c] = Math.pow(rand(), 3) + 1e-3;
    for (let c = 0; c < C; c++) out[t * C + c]! /= sum;
  }
  return out;
}

describe('ctcTextProbability', () => {
  it('equals the sum over every alignment that collapses to the text', () => {
    for (const seed of [1, 7, 42]) {
      const T = 5;
      const probs = randomProbs(T, seed);
      const frames = ctcFrames(probs, 0, T, charOf.length, charOf);
      const exact = bruteForce(probs, T);
      let total = 0;
      for (const [text, p] of exact) {
        expect(ctcTextProbability(frames, text)).toBeCloseTo(p, 6);
        total += ctcTextProbability(frames, text);
      }
      expect(total).toBeCloseTo(1, 5);
    }
  });

  it('agrees with the beam search probabilities of its candidates', () => {
    const T = 6;
    const probs = randomProbs(T, 3);
    const frames = ctcFrames(probs, 0, T, charOf.length, charOf);
    const decoded = ctcDecodeFrames(frames, 64, 5);
    for (const c of decoded.candidates) expect(ctcTextProbability(frames, c.text)).toBeCloseTo(c.probability, 6);
  });

  it('is 0 for text outside the alphabet or longer than the output can hold', () => {
    const frames = ctcFrames(steps([1, 0, 2]), 0, 3, 4, charOf);
    expect(ctcTextProbability(frames, 'AZ')).toBe(0);
    // AA needs a blank between the two As: three steps hold at most "AA", not "AAA".
    expect(ctcTextProbability(frames, 'AAA')).toBe(0);
    expect(ctcTextProbability(frames, 'AA')).toBeGreaterThan(0);
  });

  it('greedy decoding gives each character its peak probability', () => {
    const g = ctcGreedy(ctcFrames(steps([1, 1, 0, 3], 0.8), 0, 4, 4, charOf));
    expect(g.text).toBe('A1');
    expect(g.confidences.map((c) => Number(c.toFixed(3)))).toEqual([0.8, 0.8]);
  });
});
