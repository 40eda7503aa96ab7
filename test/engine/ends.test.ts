/**
 * The end-character rule of the thorough reader: an end character fewer than
 * half of the (network, view) greedy paths have at that end gives way to the
 * reading without it, when the mixture proposed that reading.
 */
import { describe, expect, it } from 'vitest';
import { dropUnsupportedEnd, endSupport } from '../../src/main/engine/recognition/ends.js';

const cands = (...plates: string[]) => plates.map((plate, i) => ({ plate, confidence: 0.5 / (i + 1) }));

describe('end support', () => {
  it('aligns the first character at the right ends and the last at the left ends', () => {
    // 3KCS1M: the first path is the reading; 13KCS1M has the 3 six from its right end (first) but a 1
    // sixth from its left (not last); KCS1M and 3KC1M are shorter and support neither end.
    expect(endSupport('3KCS1M', ['3KCS1M', '13KCS1M', 'KCS1M', '3KC1M'])).toEqual({ first: 2, last: 1 });
    expect(endSupport('25895J', ['25895J', '25895J', '25895'])).toEqual({ first: 2, last: 2 });
  });

  it('counts a path with a swapped middle character as supporting both ends', () => {
    expect(endSupport('ABC123', ['A8C123', 'ABC1Z3'])).toEqual({ first: 2, last: 2 });
  });
});

describe('dropping an unsupported end character', () => {
  it('drops a first character most paths do not see (a drawing read as a different character by each)', () => {
    const paths = ['3KCS1M', 'UKCS1M', 'KCS1M', '1KCS1M', 'KCS1M', '13KCS1M'];
    const out = dropUnsupportedEnd(cands('3KCS1M', 'KCS1M', '13KCS1M'), paths);
    expect(out.map((c) => c.plate)).toEqual(['KCS1M', '3KCS1M', '13KCS1M']);
    // Each candidate keeps its own probability.
    expect(out[0]!.confidence).toBe(0.25);
  });

  it('drops an unsupported last character when the first is supported', () => {
    const out = dropUnsupportedEnd(cands('ABC1234', 'ABC123'), ['ABC123', 'ABC1234', 'ABC123', 'ABC1231']);
    expect(out[0]!.plate).toBe('ABC123');
  });

  it('keeps an end character that half of the paths or more see there', () => {
    // The P of a stacked DP, read by most pairs: the rule cannot tell it from a character of the plate.
    const paths = ['P853FL', 'P853FL', 'P853FL', '853FL'];
    expect(dropUnsupportedEnd(cands('P853FL', '853FL'), paths)[0]!.plate).toBe('P853FL');
    expect(dropUnsupportedEnd(cands('25895J', '25895'), ['25895J', '25895'])[0]!.plate).toBe('25895J');
  });

  it('never makes up a reading the mixture did not propose', () => {
    const out = dropUnsupportedEnd(cands('3KCS1M', '1KCS1M'), ['KCS1M', 'KCS1M', '3KCS1M']);
    expect(out.map((c) => c.plate)).toEqual(['3KCS1M', '1KCS1M']);
  });

  it('leaves short readings and single paths alone', () => {
    expect(dropUnsupportedEnd(cands('3ABC', 'ABC'), ['ABC', 'ABC', '3ABC'])[0]!.plate).toBe('3ABC');
    expect(dropUnsupportedEnd(cands('3KCS1M', 'KCS1M'), ['KCS1M'])[0]!.plate).toBe('3KCS1M');
    expect(dropUnsupportedEnd([], ['KCS1M', 'KCS1M'])).toEqual([]);
  });
});
