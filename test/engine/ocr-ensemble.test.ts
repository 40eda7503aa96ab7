/**
 * The plate OCR as an ensemble: extra networks in the model folder
 * (plate-ocr-2.onnx ...) are found in order, a copy of the same network gives
 * exactly the single network's reading, and a network whose description does
 * not match its output is refused naming the file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import cv from '../../src/main/engine/opencv.js';
import { defaultModelDir } from '../../src/main/engine/recognition/index.js';
import { ocrModelFiles, ProjectPlateReader } from '../../src/main/engine/recognition/project-models.js';
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

  it('refuses a member whose description does not fit its output, naming the file', async () => {
    const dir = folderWith('mismatch', { 'plate-ocr-2': (s) => ({ ...s, alphabet: '0123456789' }) });
    const reader = await ProjectPlateReader.create(dir, 1);
    try {
      await expect(reader.read(crops())).rejects.toThrow(/plate-ocr-2\.onnx: 37 output classes, but its description lists 10 characters/);
    } finally {
      await reader.dispose();
    }
  });

  it('refuses a member without a description, naming the file', async () => {
    const dir = folderWith('no-json', { 'plate-ocr-2': (s) => s });
    fs.rmSync(path.join(dir, 'plate-ocr-2.json'));
    await expect(ProjectPlateReader.create(dir, 1)).rejects.toThrow(/plate-ocr-2\.json/);
  });
});
