/**
 * A recognizer turns one frame into plate readings. The two-stage recognizer
 * runs any PlateDetector, rectifies each plate and hands the crops in one batch
 * to any PlateReader; the result carries per-stage timings.
 */
import type { Mat } from '@u4/opencv4nodejs';
import { cropBox, expandQuad, quadLength, rectify } from './geometry.js';
import type { Box, PlateDetector, PlateReader, PlateText, Quad } from './types.js';

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

export interface Recognizer {
  readonly name: string;
  recognize(frame: Mat): Promise<FrameRecognition>;
  /** Reads an image that is already a plate crop (no detection), when the recognizer can. */
  readCrop?(crop: Mat): Promise<PlateRecognition>;
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
   * Further margins to cut each plate with, read together with the first when
   * the reader can combine views (test-time augmentation); none by default.
   */
  readonly extraViewMargins?: readonly number[];
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

export class TwoStageRecognizer implements Recognizer {
  readonly name: string;
  constructor(
    private readonly detector: PlateDetector,
    private readonly reader: PlateReader,
    protected readonly options: TwoStageOptions = {},
  ) {
    this.name = `${detector.name} + ${reader.name}`;
  }

  async recognize(frame: Mat): Promise<FrameRecognition> {
    const t0 = performance.now();
    const detections = (await this.detector.detect(frame))
      .sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])
      .slice(0, this.options.maxPlates ?? 4);
    const cut = (d: (typeof detections)[number], margin: number): Mat => plateCrop(frame, d.box, d.quad ?? null, this.options.cropHeight ?? 48, margin);
    const crops = detections.map((d) => cut(d, this.options.cropMargin ?? 0.05));
    const extra = this.options.extraViewMargins ?? [];
    const t1 = performance.now();
    // Further views are cut only for the plates the reader asks them for.
    const texts =
      crops.length === 0 ? [] : extra.length > 0 && this.reader.readViews ? await this.reader.readViews(crops, (i) => extra.map((m) => cut(detections[i]!, m))) : await this.reader.read(crops);
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
    await Promise.all([this.detector.dispose(), this.reader.dispose()]);
  }
}
