/**
 * The plate-format prior: formats, look-alike families, the smoothed
 * per-state distributions, re-ranking inside a family only, and loading
 * models/plate-syntax.json with errors that name the file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultModelDir } from '../../src/main/engine/recognition/index.js';
import {
  familyKey,
  lookalikeFamily,
  plateFormat,
  PlateSyntax,
  rerankWithSyntax,
  type SyntaxCounts,
} from '../../src/main/engine/recognition/syntax.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-syntax-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const counts: SyntaxCounts = {
  states: { AR: { DDDLLL: 10, LLLDDD: 1 }, IL: { LDDDDDD: 4, DDDDDDD: 2 } },
  us: { DDDLLL: 30, LLLDDD: 20, DLLLDDD: 40, LDDDDDD: 4, DDDDDDD: 6 },
  any: { DDDLLL: 30, LLLDDD: 20, DLLLDDD: 40, LDDDDDD: 4, DDDDDDD: 6, LLDDDLL: 25 },
};

describe('plate formats and look-alike families', () => {
  it('writes letters as L and digits as D', () => {
    expect(plateFormat('355BCT')).toBe('DDDLLL');
    expect(plateFormat('7ABC123')).toBe('DLLLDDD');
  });

  it('varies every character of the 8/B, 5/S, 2/Z, 6/G and 1/I/L/T classes and nothing else', () => {
    expect(familyKey('B5Z')).toBe(familyKey('852'));
    expect(new Set(lookalikeFamily('8S'))).toEqual(new Set(['8S', 'BS', '85', 'B5']));
    expect(lookalikeFamily('1')).toHaveLength(4);
    expect(lookalikeFamily('AXY')).toEqual(['AXY']);
  });

  it('leaves 0, O, D and Q to the network: the annotations write 0 for O', () => {
    expect(lookalikeFamily('0OD')).toEqual(['0OD']);
    expect(familyKey('0')).not.toBe(familyKey('O'));
  });

  it('gives up on families larger than the limit', () => {
    expect(lookalikeFamily('1111', 100)).toBeNull(); // 4^4 = 256 readings
    expect(lookalikeFamily('1111', 256)).toHaveLength(256);
  });
});

describe('format prior', () => {
  const syntax = new PlateSyntax(counts);

  it("prefers a state's own common format, and backs off to the US formats for a state it has no counts for", () => {
    const ar = [{ code: 'AR', p: 1 }];
    expect(syntax.prior('DDDLLL', ar)).toBeGreaterThan(10 * syntax.prior('DDDDLL', ar));
    const nv = [{ code: 'NV', p: 1 }];
    expect(syntax.prior('DLLLDDD', nv)).toBeGreaterThan(syntax.prior('DDDLLL', nv));
    // Not a state: every plate's formats, where the European LLDDDLL was counted.
    const unknown = [{ code: 'UNKNOWN', p: 1 }];
    expect(syntax.prior('LLDDDLL', unknown)).toBeGreaterThan(syntax.prior('LLDDDLL', nv));
  });

  it('mixes the states by how likely each is', () => {
    const half = syntax.prior('LDDDDDD', [
      { code: 'AR', p: 0.5 },
      { code: 'IL', p: 0.5 },
    ]);
    const ar = syntax.prior('LDDDDDD', [{ code: 'AR', p: 1 }]);
    const il = syntax.prior('LDDDDDD', [{ code: 'IL', p: 1 }]);
    expect(half).toBeCloseTo((ar + il) / 2, 12);
  });

  it('is a distribution over the formats seen plus a share for the unseen', () => {
    const any = [{ code: 'UNKNOWN', p: 1 }];
    const seen = Object.keys(counts.any).reduce((sum, f) => sum + syntax.prior(f, any), 0);
    expect(seen).toBeLessThan(1);
    expect(seen + syntax.prior('LLLLLLLL', any)).toBeCloseTo(1, 12);
  });
});

describe('re-ranking with the prior', () => {
  const syntax = new PlateSyntax(counts);
  const il = (format: string): number => syntax.prior(format, [{ code: 'IL', p: 1 }]);

  it('turns a near tie between look-alikes towards the common format and keeps the family mass', () => {
    const ocr: Record<string, number> = { P602B49: 0.33, P602849: 0.31, XYZ: 0.2 };
    const probability = (plate: string): number => ocr[plate] ?? 0;
    const out = rerankWithSyntax(
      Object.entries(ocr).map(([plate, confidence]) => ({ plate, confidence })),
      probability,
      il,
    );
    expect(out[0]!.plate).toBe('P602849');
    const family = out.filter((r) => familyKey(r.plate) === familyKey('P602849'));
    expect(family.reduce((s, r) => s + r.confidence, 0)).toBeCloseTo(0.64, 12);
    expect(out.find((r) => r.plate === 'XYZ')!.confidence).toBeCloseTo(0.2, 12);
  });

  it('keeps a reading the network gives 25:1 against a format 25 times as common, not one it gives 4:1', () => {
    const prior = (format: string): number => (format === 'LDDDDDD' ? 0.25 : 0.01);
    for (const [odds, winner] of [[25, 'P602B49'], [4, 'P602849']] as const) {
      const ocr: Record<string, number> = { P602B49: (0.95 * odds) / (odds + 1), P602849: 0.95 / (odds + 1) };
      const out = rerankWithSyntax(
        Object.entries(ocr).map(([plate, confidence]) => ({ plate, confidence })),
        (plate) => ocr[plate] ?? 0,
        prior,
      );
      expect(out[0]!.plate).toBe(winner);
    }
  });

  it('scores family members the network did not propose with the probability it is given', () => {
    const asked: string[] = [];
    const out = rerankWithSyntax([{ plate: '8A', confidence: 0.5 }], (plate) => (asked.push(plate), plate === 'BA' ? 0.4 : 0), () => 1);
    expect(asked.sort()).toEqual(['BA']);
    expect(out.map((r) => r.plate)).toEqual(['8A', 'BA']);
    expect(out[1]!.confidence).toBeCloseTo(0.4, 12);
  });

  it('never changes which family is best: a flat prior keeps the network ranking', () => {
    const readings = [
      { plate: 'ABC123', confidence: 0.6 },
      { plate: 'ABC12', confidence: 0.3 },
    ];
    const out = rerankWithSyntax(readings, (p) => readings.find((r) => r.plate === p)?.confidence ?? 0, () => 0.1);
    expect(out.map((r) => [r.plate, r.confidence])).toEqual([
      ['ABC123', 0.6],
      ['ABC12', 0.3],
    ]);
  });
});

describe('models/plate-syntax.json', () => {
  it('is shipped, valid, and counts the states', () => {
    const file = path.join(defaultModelDir(), 'plate-syntax.json');
    expect(PlateSyntax.load(file)).toBeInstanceOf(PlateSyntax);
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as SyntaxCounts;
    expect(Object.keys(raw.states).length).toBeGreaterThan(40);
  });

  it('is optional: no file, no prior', () => {
    expect(PlateSyntax.load(path.join(tmp, 'absent.json'))).toBeNull();
  });

  it('refuses a malformed file naming it and the bad entry', () => {
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ ...counts, states: { AR: { 'DDD-LLL': 3 } } }));
    expect(() => PlateSyntax.load(bad)).toThrow(/bad\.json: states\.AR\.DDD-LLL.*L and D only/);
    fs.writeFileSync(bad, '{"states": ');
    expect(() => PlateSyntax.load(bad)).toThrow(/bad\.json: not JSON/);
    fs.writeFileSync(bad, JSON.stringify({ states: {}, us: {} }));
    expect(() => PlateSyntax.load(bad)).toThrow(/bad\.json: any/);
  });
});
