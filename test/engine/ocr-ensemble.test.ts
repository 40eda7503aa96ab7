/**
 * The plate OCR as an ensemble: extra networks in the model folder
 * (plate-ocr-2.onnx ...) are found in order, a copy of the same network gives
 * exactly the single network's reading, and a network whose description does
 * not match its output is refused naming the file; the format prior file is
 * picked up from the folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import cv from '../../src/main/engine/opencv.js';
import { defaultModelDir } from '../../src/main/engine/recognition/index.js';
import { createProjectRecognizer, DEFAULT_VIEW_MARGINS, ocrModelFiles, ProjectPlateReader, viewMargins } from '../../src/main/engine/recognition/project-models.js';
import { TwoStageRecognizer } from '../../src/main/engine/recognition/recognizer.js';
import { familyKey } from '../../src/main/engine/recognition/syntax.js';
import type { Image, PlateDetector, PlateReader, PlateText } from '../../src/main/engine/recognition/types.js';
import { renderPlateScene } from '../helpers/images.js';

const modelDir = defaultModelDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-ocr-ensemble-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function folderWith(name: string, extra: Record<string, (json: Record<string, unknown>) => Record<string, unknown>>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  for (const f of ['plate-ocr.onnx', 'plate-ocr.json']) fs.copyFileSync(path.join(modelDir, f), path.join(dir, f));
  const spec = JSON.parse(fs.readFileSync(path.join(modelDir, 'plate-ocr.json'), 'utf8')) as Record<string, unknown>;
  for (const [member, edit] of Object.entries(extra)) {
    fs.copyFileSync(path.join(modelDir, 'plate-ocr.onnx'), path.join(dir, `${member}.onnx`));
    fs.writeFileSync(path.join(dir, `${member}.json`), JSON.stringify(edit(spec)));
  }
  return dir;
}

/** Plate crops the project draws itself: the plate rectangle of a rendered scene. */
function crops(): ReturnType<typeof renderPlateScene>[] {
  return ['KT4821', '7XBR205'].map((text) => {
    const scene = renderPlateScene(text);
    const pw = Math.round(640 * 0.36);
    return scene.getRegion(new cv.Rect(Math.round((640 - pw) / 2), Math.round(360 * 0.5), pw, Math.round(pw / 2)));
  });
}

describe('plate OCR ensemble', () => {
  it('finds the extra networks in numeric order', () => {
    const dir = folderWith('order', { 'plate-ocr-10': (s) => s, 'plate-ocr-2': (s) => s });
    fs.writeFileSync(path.join(dir, 'plate-ocr-x.onnx'), 'not a member');
    expect(ocrModelFiles(dir).map((f) => path.basename(f))).toEqual(['plate-ocr.onnx', 'plate-ocr-2.onnx', 'plate-ocr-10.onnx']);
  });

  it('loads every network shipped in models/', async () => {
    const shipped = ocrModelFiles(modelDir);
    expect(shipped.length).toBeGreaterThanOrEqual(1);
    const reader = await ProjectPlateReader.create(modelDir, 1);
    try {
      expect(reader.name).toBe(shipped.length === 1 ? 'plate-ocr' : `plate-ocr x${shipped.length}`);
      const [text] = await reader.read([crops()[0]!]);
      expect(text!.candidates.length).toBeGreaterThan(0);
      expect(text!.charConfidences).toHaveLength(text!.plate.length);
    } finally {
      await reader.dispose();
    }
  });

  it('reads exactly as the single network when every member is the same network', async () => {
    const single = await ProjectPlateReader.create(folderWith('single', {}), 1);
    const pair = await ProjectPlateReader.create(folderWith('same', { 'plate-ocr-2': (s) => s }), 1);
    try {
      expect(pair.name).toBe('plate-ocr x2');
      const input = crops();
      const [a, b] = [await single.read(input), await pair.read(input)];
      for (let i = 0; i < input.length; i++) {
        expect(b[i]!.plate).toBe(a[i]!.plate);
        expect(b[i]!.state).toBe(a[i]!.state);
        expect(b[i]!.stateConfidence).toBeCloseTo(a[i]!.stateConfidence, 5);
        expect(b[i]!.confidence).toBeCloseTo(a[i]!.confidence, 4);
        expect(b[i]!.candidates.map((c) => c.plate)).toEqual(a[i]!.candidates.map((c) => c.plate));
        b[i]!.charConfidences.forEach((c, k) => expect(c).toBeCloseTo(a[i]!.charConfidences[k]!, 5));
      }
    } finally {
      await Promise.all([single.dispose(), pair.dispose()]);
    }
  });

  it('ranks by the mean of the networks\' probabilities', async () => {
    const other = ocrModelFiles(modelDir)[1];
    if (!other) return expect(ocrModelFiles(modelDir)).toHaveLength(1); // one network shipped: nothing to mix
    const dir = folderWith('mixed', {});
    const alone = path.join(tmp, 'other-alone');
    fs.mkdirSync(alone);
    fs.copyFileSync(other, path.join(alone, 'plate-ocr.onnx'));
    fs.copyFileSync(other.replace(/\.onnx$/, '.json'), path.join(alone, 'plate-ocr.json'));
    fs.copyFileSync(other, path.join(dir, 'plate-ocr-2.onnx'));
    fs.copyFileSync(other.replace(/\.onnx$/, '.json'), path.join(dir, 'plate-ocr-2.json'));
    const readers = await Promise.all([folderWith('first-alone', {}), alone, dir].map((d) => ProjectPlateReader.create(d, 1)));
    try {
      const input = crops();
      const [first, second, pair] = await Promise.all(readers.map((r) => r.read(input)));
      let compared = 0;
      for (let i = 0; i < input.length; i++) {
        const probabilityOf = (t: PlateText, plate: string) => t.candidates.find((c) => c.plate === plate)?.confidence ?? 0;
        for (const c of pair![i]!.candidates.slice(0, 2)) {
          const a = probabilityOf(first![i]!, c.plate);
          const b = probabilityOf(second![i]!, c.plate);
          // Each single reader lists its own top candidates; compare where both list this one.
          if (a > 0 && b > 0) {
            expect(c.confidence).toBeCloseTo((a + b) / 2, 5);
            compared++;
          }
        }
        expect(pair![i]!.confidence).toBeGreaterThan(0);
      }
      expect(compared).toBeGreaterThan(0);
      expect(first![0]!.confidence).not.toBeCloseTo(second![0]!.confidence, 3);
    } finally {
      await Promise.all(readers.map((r) => r.dispose()));
    }
  });

  it('refuses a member whose description does not fit its output, naming the file', async () => {
    const dir = folderWith('mismatch', { 'plate-ocr-2': (s) => ({ ...s, alphabet: '0123456789' }) });
    const reader = await ProjectPlateReader.create(dir, 1);
    try {
      await expect(reader.read(crops())).rejects.toThrow(/plate-ocr-2\.onnx: 37 output classes, but its description lists 10 characters/);
    } finally {
      await reader.dispose();
    }
  });

  it('uses models/plate-syntax.json when the folder has one, and refuses a malformed one naming it', async () => {
    const plain = await ProjectPlateReader.create(folderWith('no-syntax', {}), 1);
    const dir = folderWith('steered-syntax', {});
    // Formats that know only letter, letter, digit, letter, digit, digit: KT4821 can only become KT4B21.
    fs.writeFileSync(path.join(dir, 'plate-syntax.json'), JSON.stringify({ states: {}, us: {}, any: { LLDLDD: 1e12 } }));
    const steered = await ProjectPlateReader.create(dir, 1);
    try {
      const [crop] = crops();
      const [a] = await plain.read([crop!]);
      const [b] = await steered.read([crop!]);
      expect(a!.plate).toBe('KT4821');
      expect(b!.plate).toBe('KT4B21');
      // The prior moved probability inside the family only: the network's reading is still a candidate.
      expect(b!.candidates.map((c) => c.plate)).toContain('KT4821');
      expect(b!.candidates.every((c) => familyKey(c.plate) === familyKey('KT4821') || a!.candidates.some((d) => d.plate === c.plate))).toBe(true);
    } finally {
      await Promise.all([plain.dispose(), steered.dispose()]);
    }
    fs.writeFileSync(path.join(dir, 'plate-syntax.json'), JSON.stringify({ states: { XX1: {} }, us: {}, any: {} }));
    await expect(ProjectPlateReader.create(dir, 1)).rejects.toThrow(/plate-syntax\.json: states\.XX1: a state is a two-letter code/);
  });

  it('refuses a member without a description, naming the file', async () => {
    const dir = folderWith('no-json', { 'plate-ocr-2': (s) => s });
    fs.rmSync(path.join(dir, 'plate-ocr-2.json'));
    await expect(ProjectPlateReader.create(dir, 1)).rejects.toThrow(/plate-ocr-2\.json/);
  });
});

describe('reading a plate in several views', () => {
  it('parses LPR_OCR_VIEWS and names a bad value', () => {
    expect(viewMargins(undefined)).toEqual([...DEFAULT_VIEW_MARGINS]);
    expect(viewMargins('')).toEqual([]);
    expect(viewMargins('none')).toEqual([]);
    expect(viewMargins('-0.01, 0.06')).toEqual([-0.01, 0.06]);
    expect(() => viewMargins('0.05,wide')).toThrow('LPR_OCR_VIEWS: "wide" is not a margin between -0.2 and 0.5');
    expect(() => viewMargins('0.9')).toThrow(/LPR_OCR_VIEWS: "0.9"/);
  });

  it('reads a plate given twice as the same view exactly as once', async () => {
    // settleAt above 1: the second view is always read.
    const reader = await ProjectPlateReader.create(folderWith('views', {}), 1, { settleAt: 2 });
    try {
      const [crop] = crops();
      const [once] = await reader.read([crop!]);
      let asked = 0;
      const [twice] = await reader.readViews([crop!], () => (asked++, [crop!]));
      expect(asked).toBe(1);
      expect(twice!.plate).toBe(once!.plate);
      expect(twice!.confidence).toBeCloseTo(once!.confidence, 5);
      expect(twice!.candidates.map((c) => c.plate)).toEqual(once!.candidates.map((c) => c.plate));
    } finally {
      await reader.dispose();
    }
  });

  it('cuts the further views of a plate, one per margin, when the reader asks for them', async () => {
    const detector: PlateDetector = {
      name: 'one box',
      detect: async () => [{ box: [200, 180, 100, 50], score: 0.9 }],
      dispose: async () => {},
    };
    const seen: [number, number][][] = [];
    const text: PlateText = { plate: 'ABC123', confidence: 0.9, charConfidences: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9], candidates: [{ plate: 'ABC123', confidence: 0.9 }], state: null, stateConfidence: 0 };
    const reader: PlateReader = {
      name: 'recording',
      read: async () => {
        throw new Error('read() must not be used when views are asked for');
      },
      readViews: async (first: readonly Image[], moreViews: (index: number) => readonly Image[]) => {
        seen.push(...first.map((m, i) => [m, ...moreViews(i)].map((v) => [v.cols, v.rows] as [number, number])));
        return first.map(() => text);
      },
      dispose: async () => {},
    };
    const recognizer = new TwoStageRecognizer(detector, reader, { cropMargin: 0, extraViewMargins: [0.1, 0.2] });
    const result = await recognizer.recognize(renderPlateScene('ABC123'), { effort: 'thorough' });
    expect(result.plates.map((p) => p.plate)).toEqual(['ABC123']);
    expect(seen).toEqual([[[100, 50], [120, 60], [140, 70]]]);
    expect([result.plates[0]!.crop.cols, result.plates[0]!.crop.rows]).toEqual([100, 50]);
  });

  it('reads a bare crop with the views that cut inside it, and ignores the ones that would need more than the crop', async () => {
    const dir = folderWith('crop-views', {});
    for (const f of ['plate-detector.onnx', 'plate-detector.json']) fs.copyFileSync(path.join(modelDir, f), path.join(dir, f));
    // settleAt above 1: every view is read, however sure the first one is.
    const recognizer = await createProjectRecognizer(dir, 1, [-0.05, 0.06], { settleAt: 2 });
    const reader = await ProjectPlateReader.create(dir, 1, { settleAt: 2 });
    try {
      const [crop] = crops();
      const inner = crop!.getRegion(new cv.Rect(Math.round(crop!.cols * 0.05), Math.round(crop!.rows * 0.05), Math.round(crop!.cols * 0.9), Math.round(crop!.rows * 0.9)));
      const got = await recognizer.readCrop!(crop!, { effort: 'thorough' });
      const [want] = await reader.readViews([crop!], () => [inner]);
      const [alone] = await reader.read([crop!]);
      expect(got.plate).toBe(want!.plate);
      expect(got.confidence).toBeCloseTo(want!.confidence, 6);
      expect(got.candidates).toEqual(want!.candidates);
      expect(got.confidence).not.toBeCloseTo(alone!.confidence, 6);
    } finally {
      await Promise.all([recognizer.dispose(), reader.dispose()]);
    }
  });

  it('reads the further views only of the plates it is not yet sure of', async () => {
    const dir = folderWith('settle', {});
    const [settled, thorough] = await Promise.all([ProjectPlateReader.create(dir, 1, { settleAt: 0 }), ProjectPlateReader.create(dir, 1, { settleAt: 2 })]);
    try {
      const [crop] = crops();
      const inner = crop!.getRegion(new cv.Rect(Math.round(crop!.cols * 0.1), Math.round(crop!.rows * 0.1), Math.round(crop!.cols * 0.8), Math.round(crop!.rows * 0.8)));
      const [once] = await settled.read([crop!]);
      let asked = false;
      const [firstOnly] = await settled.readViews([crop!], () => ((asked = true), [inner]));
      expect(asked).toBe(false); // sure already: no further view is even cut
      const [both] = await thorough.readViews([crop!], () => [inner]);
      const [innerOnly] = await thorough.read([inner]);
      expect(firstOnly).toEqual(once);
      // Both views in one mixture: the mean of the two views' probabilities for the best reading.
      const p = (t: PlateText | undefined, plate: string) => t!.candidates.find((c) => c.plate === plate)?.confidence;
      const a = p(once, both!.plate);
      const b = p(innerOnly, both!.plate);
      expect(a).toBeDefined();
      expect(b).toBeDefined();
      expect(both!.confidence).toBeCloseTo((a! + b!) / 2, 4);
      expect(both!.confidence).not.toBeCloseTo(once!.confidence, 4);
    } finally {
      await Promise.all([settled.dispose(), thorough.dispose()]);
    }
  });
});
