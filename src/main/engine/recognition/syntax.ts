/**
 * Plate formats as a prior over readings that differ only in look-alike
 * characters. A format is the plate written as L (letter) and D (digit):
 * 355BCT -> DDDLLL. models/plate-syntax.json (made by training/syntax.py from
 * the training annotations) counts the formats per state, over US plates and
 * over every plate. When the glyphs of 8 and B are alike, the network can only
 * guess; on an Arkansas plate the prior knows DDDLLL is common and DDDDLL
 * unseen.
 *
 * The prior only moves probability between the members of one family:
 * readings that differ only in characters of the same look-alike class. It
 * never changes a reading's length or its other characters, and never moves
 * probability from one family to another. The 0/O/D/Q class is left out: the
 * annotations write the digit 0 for the letter O as well (288 of the 299
 * 0-or-O characters, 43 of the 53 between two letters), so a format cannot
 * tell which one the plate is written with, and the network decides.
 */

import fs from 'node:fs';
import { z } from 'zod';
import { LOOKALIKE_CLASSES } from '../plate-alphabet.js';
import { parseJson } from '../json-file.js';

/** Weight of the wider distribution in each narrower one (pseudo-counts). */
export const SYNTAX_PSEUDO_COUNT = 5;
/**
 * Exponent on the prior. The networks learned part of the real format
 * distribution already (real crops are 45% of each training batch), so the
 * full prior would count it twice; with the square root a reading the network
 * gives 25:1 keeps its place against a format 25 times as common.
 */
export const PRIOR_EXPONENT = 0.5;
/** Families with more members than this are not enumerated; their readings keep the network's ranking. */
export const MAX_FAMILY_SIZE = 256;

const countsSchema = z.record(z.string(), z.number().int().nonnegative()).superRefine((counts, ctx) => {
  for (const format of Object.keys(counts)) {
    if (!/^[LD]{1,16}$/.test(format)) ctx.addIssue({ code: 'custom', path: [format], message: 'a format is L and D only (1 to 16 of them)' });
  }
});
const syntaxSchema = z.object({
  states: z.record(z.string(), countsSchema).superRefine((states, ctx) => {
    for (const code of Object.keys(states)) {
      if (!/^[A-Z]{2}$/.test(code)) ctx.addIssue({ code: 'custom', path: [code], message: 'a state is a two-letter code' });
    }
  }),
  us: countsSchema,
  any: countsSchema,
});

export type SyntaxCounts = z.infer<typeof syntaxSchema>;

/** L for a letter, D for a digit. */
export function plateFormat(plate: string): string {
  let out = '';
  for (const ch of plate) out += ch >= '0' && ch <= '9' ? 'D' : 'L';
  return out;
}

/** The look-alike classes the prior chooses within (all but the 0/O/D/Q class). */
export const PRIOR_CLASSES: readonly string[] = LOOKALIKE_CLASSES.filter((cls) => !cls.includes('O'));
const CLASS_OF: ReadonlyMap<string, string> = new Map(PRIOR_CLASSES.flatMap((cls) => Array.from(cls, (ch) => [ch, cls] as const)));

/** The family a reading belongs to: each character of a prior class replaced by that class's first character. */
export function familyKey(plate: string): string {
  return Array.from(plate, (ch) => CLASS_OF.get(ch)?.[0] ?? ch).join('');
}

/**
 * Every reading in the family of `plate` (itself included), or null when
 * there are more than `limit`.
 */
export function lookalikeFamily(plate: string, limit = MAX_FAMILY_SIZE): string[] | null {
  const choices = Array.from(plate, (ch) => CLASS_OF.get(ch) ?? ch);
  if (choices.reduce((n, c) => n * c.length, 1) > limit) return null;
  let out = [''];
  for (const c of choices) out = out.flatMap((prefix) => Array.from(c, (ch) => prefix + ch));
  return out;
}

class Distribution {
  private readonly total: number;
  constructor(
    private readonly counts: Readonly<Record<string, number>>,
    private readonly fallback: (format: string) => number,
    private readonly pseudo: number,
  ) {
    this.total = Object.values(counts).reduce((a, b) => a + b, 0);
  }

  p(format: string): number {
    return ((this.counts[format] ?? 0) + this.pseudo * this.fallback(format)) / (this.total + this.pseudo);
  }
}

export class PlateSyntax {
  private readonly any: Distribution;
  private readonly us: Distribution;
  private readonly states: ReadonlyMap<string, Distribution>;

  constructor(counts: SyntaxCounts) {
    // Every plate: add-one over the formats seen, the same one count for an unseen format.
    const seen = Object.keys(counts.any).length;
    this.any = new Distribution(counts.any, () => 1 / (seen + 1), seen + 1);
    this.us = new Distribution(counts.us, (f) => this.any.p(f), SYNTAX_PSEUDO_COUNT);
    this.states = new Map(Object.entries(counts.states).map(([s, c]) => [s, new Distribution(c, (f) => this.us.p(f), SYNTAX_PSEUDO_COUNT)]));
  }

  /** models/plate-syntax.json; null when the file is not there; an error naming the file when it is malformed. */
  static load(file: string): PlateSyntax | null {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`${file}: cannot read: ${(error as Error).message}`);
    }
    return new PlateSyntax(parseJson(text, syntaxSchema, file));
  }

  /**
   * Probability of a format given how likely each state is: the mixture over
   * the states of each state's formats. A code that is not a state (UNKNOWN,
   * or a non-US plate) uses the formats of every plate; a state without
   * counts uses the US formats.
   */
  prior(format: string, stateProbs: readonly { code: string; p: number }[]): number {
    return this.priorGiven(stateProbs)(format);
  }

  /**
   * prior() for one plate's state probabilities, as a function of the format:
   * the states are looked up once and each format is worked out once, however
   * many readings of a family share it.
   */
  priorGiven(stateProbs: readonly { code: string; p: number }[]): (format: string) => number {
    const parts: { dist: Distribution; p: number }[] = [];
    let mass = 0;
    for (const { code, p } of stateProbs) {
      if (p <= 0) continue;
      parts.push({ dist: /^[A-Z]{2}$/.test(code) ? (this.states.get(code) ?? this.us) : this.any, p });
      mass += p;
    }
    const known = new Map<string, number>();
    return (format) => {
      let value = known.get(format);
      if (value === undefined) {
        value = mass > 0 ? parts.reduce((sum, { dist, p }) => sum + p * dist.p(format), 0) / mass : this.any.p(format);
        known.set(format, value);
      }
      return value;
    };
  }
}

export interface ScoredReading {
  readonly plate: string;
  /** Probability of the reading under the OCR alone. */
  readonly confidence: number;
}

/**
 * Re-ranks readings with the format prior. The families of the `families`
 * most probable readings are completed (every look-alike variant, scored with
 * `probability`); within a family each member gets the family's probability
 * mass shared in proportion to OCR probability x format prior ^ PRIOR_EXPONENT.
 * Readings of other families keep their probability. Best first.
 */
export function rerankWithSyntax(
  readings: readonly ScoredReading[],
  probability: (plate: string) => number,
  prior: (format: string) => number,
  families = 3,
): ScoredReading[] {
  // The readings grouped by family, families in the order of their most probable reading.
  const byFamily = new Map<string, ScoredReading[]>();
  for (const r of [...readings].sort((a, b) => b.confidence - a.confidence)) {
    const key = familyKey(r.plate);
    const group = byFamily.get(key);
    if (group) group.push(r);
    else byFamily.set(key, [r]);
  }
  const out: ScoredReading[] = [];
  let rank = 0;
  for (const group of byFamily.values()) {
    const members = rank++ < families ? lookalikeFamily(group[0]!.plate) : null;
    if (!members) {
      out.push(...group);
      continue;
    }
    const known = new Map(group.map((r) => [r.plate, r.confidence]));
    const probs = members.map((m) => known.get(m) ?? probability(m));
    const mass = probs.reduce((a, b) => a + b, 0);
    const weights = members.map((m, i) => probs[i]! * Math.pow(prior(plateFormat(m)), PRIOR_EXPONENT));
    const wsum = weights.reduce((a, b) => a + b, 0);
    members.forEach((plate, i) => {
      const confidence = wsum > 0 ? (mass * weights[i]!) / wsum : probs[i]!;
      if (confidence > 0) out.push({ plate, confidence });
    });
  }
  return out.sort((a, b) => b.confidence - a.confidence);
}
