/**
 * How hard the recognizer looks: the fast path reads each plate once with one
 * network; "thorough" hands the plates with their further views to the
 * ensemble, loaded on first use only; "auto" reads thoroughly only the plates
 * the fast reading is unsure of. The camera's region of interest bounds the
 * detector and its boxes come back in frame pixels. The fast path's network
 * is the distilled one when the folder has it, else the ensemble member with
 * the most held-out reads; the shipped files keep within their size budget.
 * By default ("auto") the ensemble reads again only the plates the fast
 * reading is unsure of, and a car without its ensemble keeps reading.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import cv from '../../src/main/engine/opencv.js';
import { defaultModelDir } from '../../src/main/engine/recognition/index.js';
import { createProjectRecognizer, FAST_OCR_FILE, fastOcrFile, ocrModelFiles } from '../../src/main/engine/recognition/project-models.js';
import {
  DEFAULT_EFFORT,
  detectInRegion,
  ESCALATE_BELOW,
  ESCALATE_FLOOR,
  ESCALATE_MIN_CHARS,
  regionRect,
  TwoStageRecognizer,
  worthReadingAgain,
} from '../../src/main/engine/recognition/recognizer.js';
import type { Image, PlateDetector, PlateReader, PlateText } from '../../src/main/engine/recognition/types.js';
import { renderPlateScene } from '../helpers/images.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-effort-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const text = (plate: string, confidence: number): PlateText => ({
  plate,
  confidence,
  charConfidences: Array.from(plate, () => confidence),
  candidates: [{ plate, confidence }],
  state: null,
  stateConfidence: 0,
});

/** Two plates side by side in a 640x360 frame, the left one larger. */
const twoBoxes: PlateDetector = {
  name: 'two boxes',
  detect: async () => [
    { box: [40, 200, 160, 80], score: 0.9 },
    { box: [400, 200, 100, 50], score: 0.9 },
  ],
  dispose: async () => {},
};

/** A fast reader sure of the larger plate (0.97) and unsure of the smaller (0.4). */
function fastReader(): PlateReader & { calls: number[] } {
  const calls: number[] = [];
  return {
    name: 'fast',
    calls,
    read: async (crops: readonly Image[]) => {
      calls.push(crops.length);
      return crops.map((c) => (c.cols >= 150 ? text('SURE1', 0.97) : text('UNSURE', 0.4)));
    },
    dispose: async () => {},
  };
}

/** A thorough reader recording the crop widths and view counts it is given. */
function thoroughReader(): PlateReader & { seen: { width: number; views: number }[] } {
  const seen: { width: number; views: number }[] = [];
  return {
    name: 'thorough',
    seen,
    read: async () => {
      throw new Error('the thorough reader is asked with views');
    },
    readViews: async (crops: readonly Image[], moreViews: (i: number) => readonly Image[]) => {
      crops.forEach((c, i) => seen.push({ width: c.cols, views: moreViews(i).length }));
      return crops.map(() => text('THOROUGH', 0.8));
    },
    dispose: async () => {},
  };
}

describe('effort', () => {
  it('"fast" reads with the fast reader alone and never loads the thorough one', async () => {
    const fast = fastReader();
    let loads = 0;
    const recognizer = new TwoStageRecognizer(twoBoxes, fast, { cropMargin: 0, extraViewMargins: [0.1] }, async () => (loads++, thoroughReader()));
    const { plates } = await recognizer.recognize(renderPlateScene('X'), { effort: 'fast' });
    expect(plates.map((p) => p.plate)).toEqual(['SURE1', 'UNSURE']);
    expect(fast.calls).toEqual([2]);
    expect(loads).toBe(0);
    await recognizer.dispose();
  });

  it('by default reads again thoroughly the plate the fast reading is unsure of (effort "auto")', async () => {
    const fast = fastReader();
    const thorough = thoroughReader();
    const recognizer = new TwoStageRecognizer(twoBoxes, fast, { cropMargin: 0, extraViewMargins: [0.1] }, async () => thorough);
    const { plates } = await recognizer.recognize(renderPlateScene('X'));
    expect(DEFAULT_EFFORT).toBe('auto');
    expect(thorough.seen).toEqual([{ width: 100, views: 1 }]);
    expect(plates.map((p) => [p.plate, p.box[0]])).toEqual([
      ['SURE1', 40],
      ['THOROUGH', 400],
    ]);
    await recognizer.dispose();
  });

  it('leaves readings that are most likely no plate to the fast reader: under 5% probable or under 4 characters', () => {
    expect(worthReadingAgain({ plate: 'KCS1M', confidence: 0.29 })).toBe(true);
    expect(worthReadingAgain({ plate: 'KCS1M', confidence: ESCALATE_FLOOR })).toBe(true);
    expect(worthReadingAgain({ plate: 'KCS1M', confidence: 0.04 })).toBe(false);
    expect(worthReadingAgain({ plate: 'T0E', confidence: 0.5 })).toBe(false);
    expect(worthReadingAgain({ plate: 'T0E1', confidence: 0.5 })).toBe(true);
    expect(worthReadingAgain({ plate: 'SURE12', confidence: ESCALATE_BELOW })).toBe(false);
    expect(ESCALATE_MIN_CHARS).toBe(4);
  });

  it('"auto" asks the thorough reader about no plate when every reading is sure, short or improbable', async () => {
    const detector: PlateDetector = { ...twoBoxes, detect: async () => [...(await twoBoxes.detect(renderPlateScene('X'))), { box: [300, 40, 60, 30], score: 0.5 }] };
    const reader: PlateReader = {
      name: 'fast',
      read: async (crops: readonly Image[]) => crops.map((c) => (c.cols >= 150 ? text('SURE12', 0.97) : c.cols >= 100 ? text('AB', 0.4) : text('BADGE1', 0.02))),
      dispose: async () => {},
    };
    let loads = 0;
    const recognizer = new TwoStageRecognizer(detector, reader, { cropMargin: 0, minConfidence: 0.01 }, async () => (loads++, thoroughReader()));
    const { plates } = await recognizer.recognize(renderPlateScene('X'));
    expect(plates.map((p) => p.plate)).toEqual(['SURE12', 'AB', 'BADGE1']);
    expect(loads).toBe(0);
    await recognizer.dispose();
  });

  it('"auto" keeps the fast readings when the thorough reader does not load, and loads it again at the next unsure plate', async () => {
    let loads = 0;
    const recognizer = new TwoStageRecognizer(twoBoxes, fastReader(), {}, async () => {
      loads++;
      if (loads === 1) throw new Error('cannot load model plate-ocr-3.onnx: damaged');
      return thoroughReader();
    });
    const first = await recognizer.recognize(renderPlateScene('X'), { effort: 'auto' });
    expect(first.plates.map((p) => p.plate)).toEqual(['SURE1', 'UNSURE']);
    const second = await recognizer.recognize(renderPlateScene('X'), { effort: 'auto' });
    expect(second.plates.map((p) => p.plate).sort()).toEqual(['SURE1', 'THOROUGH']);
    expect(loads).toBe(2);
    await recognizer.dispose();
  });

  it('prepare() loads the thorough reader once, before any plate needs it', async () => {
    let loads = 0;
    const thorough = thoroughReader();
    const recognizer = new TwoStageRecognizer(twoBoxes, fastReader(), { cropMargin: 0 }, async () => (loads++, thorough));
    await recognizer.prepare();
    expect(loads).toBe(1);
    await recognizer.recognize(renderPlateScene('X'));
    expect(loads).toBe(1);
    expect(thorough.seen).toHaveLength(1);
    await recognizer.dispose();
  });

  it('"thorough" reads every plate with its further views, loading the ensemble once', async () => {
    const fast = fastReader();
    const thorough = thoroughReader();
    let loads = 0;
    const recognizer = new TwoStageRecognizer(twoBoxes, fast, { cropMargin: 0, extraViewMargins: [0.1, -0.05] }, async () => (loads++, thorough));
    for (let i = 0; i < 2; i++) {
      const { plates } = await recognizer.recognize(renderPlateScene('X'), { effort: 'thorough' });
      expect(plates.map((p) => p.plate)).toEqual(['THOROUGH', 'THOROUGH']);
    }
    expect(loads).toBe(1);
    expect(fast.calls).toEqual([]);
    expect(thorough.seen).toEqual([
      { width: 160, views: 2 },
      { width: 100, views: 2 },
      { width: 160, views: 2 },
      { width: 100, views: 2 },
    ]);
    await recognizer.dispose();
  });

  it('"auto" reads again thoroughly only the plate the fast reading is unsure of', async () => {
    const fast = fastReader();
    const thorough = thoroughReader();
    const recognizer = new TwoStageRecognizer(twoBoxes, fast, { cropMargin: 0, extraViewMargins: [0.1], escalateBelow: 0.9 }, async () => thorough);
    const { plates } = await recognizer.recognize(renderPlateScene('X'), { effort: 'auto' });
    expect(fast.calls).toEqual([2]);
    expect(thorough.seen).toEqual([{ width: 100, views: 1 }]);
    expect(plates.map((p) => [p.plate, p.box[0]])).toEqual([
      ['SURE1', 40],
      ['THOROUGH', 400],
    ]);
    await recognizer.dispose();
  });

  it('a thorough reader that fails to load is reported, and tried again on the next call', async () => {
    let loads = 0;
    const recognizer = new TwoStageRecognizer(twoBoxes, fastReader(), {}, async () => {
      loads++;
      if (loads === 1) throw new Error('cannot load model plate-ocr-3.onnx: damaged');
      return thoroughReader();
    });
    await expect(recognizer.recognize(renderPlateScene('X'), { effort: 'thorough' })).rejects.toThrow('plate-ocr-3.onnx: damaged');
    const { plates } = await recognizer.recognize(renderPlateScene('X'), { effort: 'thorough' });
    expect(plates).toHaveLength(2);
    expect(loads).toBe(2);
  });
});

describe('region of interest', () => {
  it('turns fractions into whole pixels inside the frame', () => {
    expect(regionRect(640, 360, { x: 0, y: 0, w: 1, h: 1 })).toEqual({ x: 0, y: 0, w: 640, h: 360 });
    expect(regionRect(640, 360, { x: 0.25, y: 0.5, w: 0.5, h: 0.5 })).toEqual({ x: 160, y: 180, w: 320, h: 180 });
    expect(regionRect(100, 100, { x: 0.999, y: 0.999, w: 0.001, h: 0.001 })).toEqual({ x: 99, y: 99, w: 1, h: 1 });
  });

  it('runs the detector on the region only and puts its boxes and corners back in frame pixels', async () => {
    const sizes: [number, number][] = [];
    const detector: PlateDetector = {
      name: 'records its input',
      detect: async (frame) => {
        sizes.push([frame.cols, frame.rows]);
        return [{ box: [10, 20, 60, 30], quad: [[10, 20], [70, 20], [70, 50], [10, 50]], score: 0.9 }];
      },
      dispose: async () => {},
    };
    const frame = new cv.Mat(360, 640, cv.CV_8UC3, [0, 0, 0]);
    const [inside] = await detectInRegion(detector, frame, { x: 0.5, y: 0.25, w: 0.5, h: 0.5 });
    expect(sizes).toEqual([[320, 180]]);
    expect(inside!.box).toEqual([330, 110, 60, 30]);
    expect(inside!.quad).toEqual([[330, 110], [390, 110], [390, 140], [330, 140]]);
    const [whole] = await detectInRegion(detector, frame, undefined);
    expect(sizes[1]).toEqual([640, 360]);
    expect(whole!.box).toEqual([10, 20, 60, 30]);
  });

  it('finds no plate outside the region with the project models, and the plate inside it', async () => {
    const recognizer = await createProjectRecognizer(defaultModelDir(), 1);
    try {
      const scene = renderPlateScene('KT4821');
      // The rendered plate sits in the middle of the lower half.
      const above = await recognizer.recognize(scene, { roi: { x: 0, y: 0, w: 1, h: 0.45 } });
      expect(above.plates).toEqual([]);
      // Full width, so the detector sees the plate at the same scale as in the whole frame.
      const below = await recognizer.recognize(scene, { roi: { x: 0, y: 0.4, w: 1, h: 0.6 } });
      const all = await recognizer.recognize(scene);
      expect(below.plates.map((p) => p.plate)).toEqual(all.plates.map((p) => p.plate));
      // The same plate in frame pixels (the stride-4 grid falls differently on the region: a few pixels).
      below.plates[0]!.box.forEach((v, k) => expect(Math.abs(v - all.plates[0]!.box[k]!)).toBeLessThan(8));
    } finally {
      await recognizer.dispose();
    }
  });
});

describe("the fast path's network", () => {
  const modelDir = defaultModelDir();
  function folder(name: string, members: Record<string, number>, withFast: boolean): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    const spec = JSON.parse(fs.readFileSync(path.join(modelDir, 'plate-ocr.json'), 'utf8')) as Record<string, unknown>;
    for (const [member, exact] of Object.entries(members)) {
      fs.writeFileSync(path.join(dir, `${member}.onnx`), 'weights');
      fs.writeFileSync(path.join(dir, `${member}.json`), JSON.stringify({ ...spec, validation: { 'us-dev': { n: 40, exact }, eu: { n: 10, exact: 0.5 } } }));
    }
    if (withFast) fs.writeFileSync(path.join(dir, FAST_OCR_FILE), 'weights');
    return dir;
  }

  it('is the member with the most held-out reads, the first on a tie', () => {
    expect(path.basename(fastOcrFile(folder('pick', { 'plate-ocr': 0.8, 'plate-ocr-2': 0.9, 'plate-ocr-3': 0.9 }, false)))).toBe('plate-ocr-2.onnx');
  });

  it('is the distilled network when the folder has it', () => {
    expect(path.basename(fastOcrFile(folder('distilled', { 'plate-ocr': 0.8, 'plate-ocr-2': 0.9 }, true)))).toBe(FAST_OCR_FILE);
  });

  it('keeps within the size budget: under 10 MB on the default path, under 30 MB shipped (decimal megabytes)', () => {
    const size = (f: string): number => fs.statSync(f).size;
    const MB = 1000 * 1000;
    const defaultPath = size(path.join(modelDir, 'plate-detector.onnx')) + size(fastOcrFile(modelDir));
    expect(defaultPath).toBeLessThan(10 * MB);
    const shipped = fs.readdirSync(modelDir).reduce((sum, f) => sum + size(path.join(modelDir, f)), 0);
    expect(shipped).toBeLessThan(30 * MB);
    expect(ocrModelFiles(modelDir).length).toBeGreaterThanOrEqual(1);
  });
});
