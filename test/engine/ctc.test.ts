import { describe, expect, it } from 'vitest';
import { ctcDecode } from '../../src/main/engine/recognition/ctc.js';

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
