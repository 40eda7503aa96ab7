/**
 * A recognizer turns one frame into plate readings. The two-stage recognizer
 * runs any PlateDetector (inside the camera's region of interest when it has
 * one), rectifies each plate and hands the crops in one batch to a PlateReader:
 * the cheap one, then (by default, effort "auto") the thorough one for the
 * plates the cheap one is unsure of; or only one of them when asked. The
 * result carries per-stage timings.
 */
import type { Mat } from '@u4/opencv4nodejs';
import type { Region } from '../../../shared/settings.js';
import { logger } from '../log.js';
import cv from '../opencv.js';
import { cropBox, expandQuad, quadLength, rectify } from './geometry.js';
import type { Box, DetectedPlate, PlateDetector, PlateReader, PlateText, Quad } from './types.js';

const log = logger('recognition');

export interface PlateRecognition extends PlateText {
  readonly box: Box;
  readonly quad: Quad | null;
  readonly detectorScore: number;
  /** The plate cut from the frame (rectified when the detector gave corners). */
  readonly crop: Mat;
}

export interface RecognitionTimings {
  readonly detectMs: number;
  readonly ocrMs: number;
}

export interface FrameRecognition {
  /** Best first by confidence. */
  readonly plates: PlateRecognition[];
  readonly timings: RecognitionTimings;
}

/**
 * How hard a recognizer looks at each plate. "fast": one OCR network, one
 * view. "thorough": every network of the ensemble over several views. "auto"
 * (the default: the cameras, a still image, `lpr eval`): fast, then thorough
 * for each plate the fast reading is unsure of (worthReadingAgain); on the
 * held-out photos about one plate in six, so the median frame costs what the
 * fast path costs (README, "Accuracy and speed").
 */
export type Effort = 'fast' | 'auto' | 'thorough';
export const EFFORTS: readonly Effort[] = ['fast', 'auto', 'thorough'];
export const DEFAULT_EFFORT: Effort = 'auto';

export interface RecognizeOptions {
  readonly effort?: Effort;
  /** Plates are looked for only inside this part of the frame (the camera's region of interest). */
  readonly roi?: Region;
}

export interface Recognizer {
  readonly name: string;
  recognize(frame: Mat, options?: RecognizeOptions): Promise<FrameRecognition>;
  /** Reads an image that is already a plate crop (no detection), when the recognizer can. */
  readCrop?(crop: Mat, options?: Pick<RecognizeOptions, 'effort'>): Promise<PlateRecognition>;
  /** Loads what the default effort may need later (the ensemble), so that the first unsure plate does not wait for it. */
  prepare?(): Promise<void>;
  dispose(): Promise<void>;
}

export interface TwoStageOptions {
  /** Most plates read per frame (largest detections first). */
  readonly maxPlates?: number;
  /** Readings below this confidence are dropped. */
  readonly minConfidence?: number;
  /** Crop height handed to the reader; width follows the plate's aspect. */
  readonly cropHeight?: number;
  /** Extra context around each plate, as a fraction of its size on each side. */
  readonly cropMargin?: number;
  /**
   * Further margins to cut each plate with, read together with the first by
   * the thorough reader (test-time augmentation); none by default.
   */
  readonly extraViewMargins?: readonly number[];
  /** With effort "auto", a plate read less probably than this by the fast reader is read again thoroughly. */
  readonly escalateBelow?: number;
}

/** The frame rectangle of a region given as fractions, whole pixels, at least 1x1. */
export function regionRect(width: number, height: number, roi: Region): { x: number; y: number; w: number; h: number } {
  const x = Math.min(width - 1, Math.max(0, Math.floor(roi.x * width)));
  const y = Math.min(height - 1, Math.max(0, Math.floor(roi.y * height)));
  const w = Math.max(1, Math.min(width - x, Math.ceil((roi.x + roi.w) * width) - x));
  const h = Math.max(1, Math.min(height - y, Math.ceil((roi.y + roi.h) * height) - y));
  return { x, y, w, h };
}

/** Runs the detector inside roi (a view of the frame, no copy) and puts its boxes back in frame pixels. */
export async function detectInRegion(detector: PlateDetector, frame: Mat, roi: Region | undefined): Promise<DetectedPlate[]> {
  if (!roi) return detector.detect(frame);
  const r = regionRect(frame.cols, frame.rows, roi);
  if (r.x === 0 && r.y === 0 && r.w === frame.cols && r.h === frame.rows) return detector.detect(frame);
  const found = await detector.detect(frame.getRegion(new cv.Rect(r.x, r.y, r.w, r.h)));
  return found.map((d) => ({
    ...d,
    box: [d.box[0] + r.x, d.box[1] + r.y, d.box[2], d.box[3]] as Box,
    ...(d.quad ? { quad: d.quad.map(([px, py]) => [px + r.x, py + r.y] as const) as unknown as Quad } : {}),
  }));
}

export function plateCrop(frame: Mat, box: Box, quad: Quad | null, cropHeight: number, margin = 0.05): Mat {
  if (!quad) return cropBox(frame, box, margin);
  quad = expandQuad(quad, margin);
  const width = (quadLength(quad[0], quad[1]) + quadLength(quad[3], quad[2])) / 2;
  const height = (quadLength(quad[0], quad[3]) + quadLength(quad[1], quad[2])) / 2;
  const outHeight = Math.max(8, Math.min(cropHeight * 2, Math.round(height)));
  const outWidth = Math.max(8, Math.round((outHeight * width) / Math.max(1, height)));
  return rectify(frame, quad, outWidth, outHeight);
}

/**
 * The thorough reader, created on first use (it holds several networks) and
 * shared by every later call.
 */
export type ThoroughReader = () => Promise<PlateReader>;

export class TwoStageRecognizer implements Recognizer {
  readonly name: string;
  private thorough: Promise<PlateReader> | null = null;
  constructor(
    private readonly detector: PlateDetector,
    private readonly reader: PlateReader,
    protected readonly options: TwoStageOptions = {},
    private readonly loadThorough: ThoroughReader | null = null,
  ) {
    this.name = `${detector.name} + ${reader.name}`;
  }

  /** The reader for "thorough"; the fast one when there is no other. */
  protected thoroughReader(): Promise<PlateReader> {
    if (!this.loadThorough) return Promise.resolve(this.reader);
    this.thorough ??= this.loadThorough().catch((error: unknown) => {
      this.thorough = null;
      throw error;
    });
    return this.thorough;
  }

  /**
   * Reads crops at the effort asked; moreViews(i) cuts plate i with each
   * further margin, for the thorough reader only.
   */
  protected async readAt(effort: Effort, crops: readonly Mat[], moreViews: (index: number) => readonly Mat[]): Promise<PlateText[]> {
    if (crops.length === 0) return [];
    const thoroughly = async (reader: PlateReader, some: readonly Mat[], views: (k: number) => readonly Mat[]): Promise<PlateText[]> =>
      reader.readViews ? reader.readViews(some, views) : reader.read(some);
    if (effort === 'thorough') return thoroughly(await this.thoroughReader(), crops, moreViews);
    const texts = await this.reader.read(crops);
    if (effort === 'fast' || !this.loadThorough) return texts;
    const below = this.options.escalateBelow ?? ESCALATE_BELOW;
    const unsure = texts.flatMap((t, i) => (worthReadingAgain(t, below) ? [i] : []));
    if (unsure.length === 0) return texts;
    let reader: PlateReader;
    try {
      reader = await this.thoroughReader();
    } catch (error) {
      // A car keeps reading plates without its ensemble: the fast readings stand, and the load is tried at the next unsure plate.
      log.warn({ err: (error as Error).message }, 'the thorough OCR reader did not load; the fast readings stand');
      return texts;
    }
    const again = await thoroughly(
      reader,
      unsure.map((i) => crops[i]!),
      (k) => moreViews(unsure[k]!),
    );
    unsure.forEach((i, k) => (texts[i] = again[k]!));
    return texts;
  }

  async prepare(): Promise<void> {
    await this.thoroughReader();
  }

  async recognize(frame: Mat, options: RecognizeOptions = {}): Promise<FrameRecognition> {
    const t0 = performance.now();
    const detections = (await detectInRegion(this.detector, frame, options.roi))
      .sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])
      .slice(0, this.options.maxPlates ?? 4);
    const cut = (d: (typeof detections)[number], margin: number): Mat => plateCrop(frame, d.box, d.quad ?? null, this.options.cropHeight ?? 48, margin);
    const crops = detections.map((d) => cut(d, this.options.cropMargin ?? 0.05));
    const extra = this.options.extraViewMargins ?? [];
    const t1 = performance.now();
    // Further views are cut only for the plates the thorough reader asks them for.
    const texts = await this.readAt(options.effort ?? DEFAULT_EFFORT, crops, (i) => extra.map((m) => cut(detections[i]!, m)));
    const t2 = performance.now();
    const minConfidence = this.options.minConfidence ?? 0.05;
    const plates: PlateRecognition[] = [];
    texts.forEach((text, i) => {
      const detection = detections[i]!;
      if (text.plate.length === 0 || text.confidence < minConfidence) return;
      plates.push({ ...text, box: detection.box, quad: detection.quad ?? null, detectorScore: detection.score, crop: crops[i]! });
    });
    plates.sort((a, b) => b.confidence - a.confidence);
    return { plates, timings: { detectMs: t1 - t0, ocrMs: t2 - t1 } };
  }

  async dispose(): Promise<void> {
    const thorough = this.thorough ? await this.thorough.catch(() => null) : null;
    await Promise.all([this.detector.dispose(), this.reader.dispose(), thorough && thorough !== this.reader ? thorough.dispose() : undefined]);
  }
}

/**
 * With effort "auto", a plate the fast reader gives less than this probability
 * is read again by the thorough reader (see the README's measurements).
 */
export const ESCALATE_BELOW = 0.9;
/**
 * Readings the thorough reader is not asked about: less probable than this,
 * or shorter than ESCALATE_MIN_CHARS. In the scenes these are nearly all
 * something other than a plate (a badge, a sticker, one letter of a sign), and
 * six networks over three views cost some 40 ms each on one core; the fast
 * reading of them stands.
 */
export const ESCALATE_FLOOR = 0.05;
export const ESCALATE_MIN_CHARS = 4;

/** Whether effort "auto" reads this fast reading again with the thorough reader. */
export function worthReadingAgain(text: Pick<PlateText, 'plate' | 'confidence'>, below = ESCALATE_BELOW): boolean {
  return text.confidence < below && text.confidence >= ESCALATE_FLOOR && text.plate.length >= ESCALATE_MIN_CHARS;
}
