import fc from 'fast-check';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  differingPositions,
  foldPlate,
  foldSql,
  LOOKALIKE_CLASSES,
  normalisePattern,
  normalisePlate,
} from '../../src/main/engine/hotlist/plate.js';
import { migrations } from '../../src/main/engine/store/migrations.js';

const plateChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
const plateArb = fc.array(plateChar, { minLength: 1, maxLength: 10 }).map((a) => a.join(''));

/** Replaces characters by random members of their look-alike class. */
function confuse(plate: string, picks: number[]): string {
  return [...plate]
    .map((ch, i) => {
      const cls = LOOKALIKE_CLASSES.find((c) => c.includes(ch));
      return cls ? cls[(picks[i] ?? 0) % cls.length]! : ch;
    })
    .join('');
}

describe('plates', () => {
  it('normalises what files and officers type', () => {
    expect(normalisePlate(' ab-12 3.4 ')).toBe('AB1234');
    expect(normalisePlate('')).toBeNull();
    expect(normalisePlate('ÄB123')).toBeNull();
    expect(normalisePlate('ABCDEFGHIJK')).toBeNull();
    expect(normalisePattern('ab*?1**')).toBe('AB*?1*');
  });

  it('folds look-alikes to one key', () => {
    expect(foldPlate('OD0Q')).toBe('0000');
    expect(foldPlate('IL1T')).toBe('1111');
    expect(foldPlate('ZSBG')).toBe('2586');
    expect(foldPlate('ABC')).toBe('A8C');
  });

  it('the migration SQL folds exactly like foldPlate (property)', () => {
    const db = new Database(':memory:');
    const stmt = db.prepare(`SELECT ${foldSql('?')}`).pluck();
    fc.assert(fc.property(plateArb, (plate) => stmt.get(plate) === foldPlate(plate)), { numRuns: 500 });
    const migration2 = migrations.find((m) => m.version === 2)!;
    expect(migration2.sql).toContain(foldSql('plate'));
    db.close();
  });

  it('look-alike variants share the key and differ only where swapped (property)', () => {
    fc.assert(
      fc.property(plateArb, fc.array(fc.nat(3), { minLength: 10, maxLength: 10 }), (plate, picks) => {
        const variant = confuse(plate, picks);
        expect(foldPlate(variant)).toBe(foldPlate(plate));
        for (const at of differingPositions(variant, plate)) expect(variant[at]).not.toBe(plate[at]);
      }),
    );
  });

  it('patterns match like globs over folded text and report look-alike differences (property)', () => {
    fc.assert(
      fc.property(plateArb, fc.nat(9), fc.nat(9), fc.array(fc.nat(3), { minLength: 10, maxLength: 10 }), (plate, a, b, picks) => {
        const i = Math.min(a % plate.length, b % plate.length);
        const j = Math.max(a % plate.length, b % plate.length);
        const pattern = plate.slice(0, i) + '*' + plate.slice(j + 1);
        const compiled = compilePattern(pattern);
        expect(compiled.match(plate)).toEqual([]);
        const variant = confuse(plate, picks);
        const differing = compiled.match(variant);
        expect(differing).not.toBeNull();
        for (const at of differing!) expect(variant[at]).not.toBe(plate[at]);
      }),
    );
  });

  it('? stands for exactly one character', () => {
    const p = compilePattern('AB?123');
    expect(p.match('ABX123')).toEqual([]);
    expect(p.match('AB123')).toBeNull();
    expect(p.match('A8X123')).toEqual([1]);
    expect(compilePattern('*7X').match('ABC7X')).toEqual([]);
    expect(compilePattern('*7X').match('ABC7Y')).toBeNull();
  });
});
