/**
 * The plate detector's canvas: with size_multiple in its description, a frame
 * of another shape than 640x384 is letterboxed at the same scale onto the
 * smaller canvas that holds it (sides rounded up to 32), and the shipped
 * detector finds the same plate there as on the full canvas.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultModelDir } from '../../src/main/engine/recognition/index.js';
import { detectorCanvas, ProjectPlateDetector } from '../../src/main/engine/recognition/project-models.js';
import { renderPlateScene } from '../helpers/images.js';

const full = { width: 640, height: 384 };
const trimmed = { width: 640, height: 384, size_multiple: 32 };

describe('detector canvas', () => {
  it('keeps the letterbox scale and cuts the padding down to multiples of 32', () => {
    // 4:3: 512 x 384 at s = 0.8 instead of 640 x 384
    expect(detectorCanvas(640, 480, trimmed)).toEqual({ s: 0.8, rw: 512, rh: 384, W: 512, H: 384 });
    expect(detectorCanvas(640, 480, full)).toEqual({ s: 0.8, rw: 512, rh: 384, W: 640, H: 384 });
    // 16:9: 640 x 360 still needs the full 384 rows
    expect(detectorCanvas(1280, 720, trimmed)).toEqual({ s: 0.5, rw: 640, rh: 360, W: 640, H: 384 });
    // a wide strip (a region of interest): 640 x 192
    expect(detectorCanvas(1000, 300, trimmed)).toEqual({ s: 0.64, rw: 640, rh: 192, W: 640, H: 192 });
    // portrait: 216 x 384 rounded up to 224 x 384
    expect(detectorCanvas(918, 1632, trimmed)).toMatchObject({ rw: 216, rh: 384, W: 224, H: 384 });
  });

  it('names a frame without area', () => {
    expect(() => detectorCanvas(0, 480, trimmed)).toThrow(/frame of 0 x 480 pixels has no area/);
  });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-detector-canvas-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('refuses a description whose canvas is not a multiple of size_multiple', async () => {
    const spec = JSON.parse(fs.readFileSync(path.join(defaultModelDir(), 'plate-detector.json'), 'utf8'));
    spec.input.size_multiple = 100;
    fs.writeFileSync(path.join(tmp, 'plate-detector.json'), JSON.stringify(spec));
    fs.copyFileSync(path.join(defaultModelDir(), 'plate-detector.onnx'), path.join(tmp, 'plate-detector.onnx'));
    await expect(ProjectPlateDetector.create(tmp, 1)).rejects.toThrow(/plate-detector\.json: input: width and height must be multiples of size_multiple/);
  });

  it('finds the same plate on the trimmed canvas as on the full one (shipped detector)', async () => {
    const spec = JSON.parse(fs.readFileSync(path.join(defaultModelDir(), 'plate-detector.json'), 'utf8'));
    // shipped without it (full canvas); the shipped network takes the smaller canvases
    expect(spec.input.size_multiple).toBeUndefined();
    spec.input.size_multiple = 32;
    fs.writeFileSync(path.join(tmp, 'plate-detector.json'), JSON.stringify(spec));
    fs.copyFileSync(path.join(defaultModelDir(), 'plate-detector.onnx'), path.join(tmp, 'plate-detector.onnx'));
    const trimmedDetector = await ProjectPlateDetector.create(tmp, 1);
    const padded = await ProjectPlateDetector.create(defaultModelDir(), 1);
    try {
      for (const [w, h] of [[640, 480], [800, 600], [480, 640]] as const) {
        const scene = renderPlateScene('KT4821', w, h);
        const a = await trimmedDetector.detect(scene);
        const b = await padded.detect(scene);
        expect(a.length, `${w}x${h}`).toBe(1);
        expect(b.length, `${w}x${h}`).toBe(1);
        a[0]!.box.forEach((v, k) => expect(Math.abs(v - b[0]!.box[k]!), `${w}x${h} box[${k}]`).toBeLessThanOrEqual(2));
        expect(Math.abs(a[0]!.score - b[0]!.score)).toBeLessThan(0.05);
      }
    } finally {
      await trimmedDetector.dispose();
      await padded.dispose();
    }
  });
});
