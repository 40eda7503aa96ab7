/**
 * The equipment check of a camera (policy B.2): from a few seconds of its
 * frames, is it working? Each frame is measured on a small grey copy
 * (brightness, contrast, sharpness, change from the frame before) and the
 * camera gets one verdict, the first that applies of: no-signal (no frame at
 * all), black, bright (over-exposed), dark (under-exposed), frozen (the same
 * picture again and again: a live sensor always has some noise), blurred
 * (out of focus, fogged or dirty lens), ok.
 */
import cv from '../opencv.js';
import type { Mat } from '@u4/opencv4nodejs';
import { EQUIPMENT_VERDICTS, type EquipmentVerdict as VerdictWord } from '../../../shared/equipment.js';
import { DEFAULT_GRABBER_TIMEOUTS, defaultGrabber, type GrabberFactory } from './grabber.js';

export const VERDICTS = EQUIPMENT_VERDICTS;
export type Verdict = VerdictWord;

export interface FrameMeasure {
  /** Mean grey level, 0-255. */
  readonly mean: number;
  /** Standard deviation of the grey level: the picture's contrast. */
  readonly contrast: number;
  /** Share of pixels at or above 250 (blown out). */
  readonly saturated: number;
  /** Variance of the Laplacian: how much fine detail (edges) the picture holds. */
  readonly sharpness: number;
  /** Mean absolute difference from the frame before (null for the first). */
  readonly change: number | null;
}

export interface EquipmentVerdict {
  readonly verdict: Verdict;
  readonly detail: string;
  readonly frames: number;
}

/** Thresholds on the 320-pixel-wide grey copy; chosen on generated and real scenes, stated so they can be reviewed. */
export const LIMITS = {
  blackMean: 12,
  blackContrast: 6,
  brightMean: 215,
  brightSaturated: 0.6,
  darkMean: 45,
  /** Median frame-to-frame change below this: the same picture again and again (a live sensor's noise alone gives more). */
  frozenChange: 0.2,
  /** Laplacian variance below this: no edge in the picture is sharp. */
  blurredSharpness: 25,
} as const;

const WIDTH = 320;

/** The small grey copy (the frame itself when it already is one). Intermediate Mats are freed at once: OpenCV's memory is not reported to V8 (opencv-quiet.ts). */
function grey(image: Mat): Mat {
  const g = image.channels === 1 ? image : image.cvtColor(cv.COLOR_BGR2GRAY);
  if (g.cols <= WIDTH) return g;
  const small = g.resize(Math.round((g.rows * WIDTH) / g.cols), WIDTH);
  if (g !== image) g.release();
  return small;
}

/** Measures one frame, given the grey copy of the frame before (for the change). */
export function measureFrame(image: Mat, previousGrey: Mat | null): { measure: FrameMeasure; grey: Mat } {
  const g = grey(image);
  const { mean, stddev } = g.meanStdDev();
  const blown = g.threshold(249, 255, cv.THRESH_BINARY);
  const saturated = blown.countNonZero() / (g.rows * g.cols);
  blown.release();
  const laplacian = g.laplacian(cv.CV_64F);
  const lapStd = laplacian.meanStdDev().stddev.at(0, 0);
  laplacian.release();
  let change: number | null = null;
  if (previousGrey && previousGrey.rows === g.rows && previousGrey.cols === g.cols) {
    const diff = g.absdiff(previousGrey);
    change = diff.meanStdDev().mean.at(0, 0);
    diff.release();
  }
  return { measure: { mean: mean.at(0, 0), contrast: stddev.at(0, 0), saturated, sharpness: lapStd * lapStd, change }, grey: g };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** One verdict from a run of frame measures (and why the source gave none, if it did not). */
export function judgeFrames(measures: readonly FrameMeasure[], failure: string | null = null): EquipmentVerdict {
  const frames = measures.length;
  if (frames === 0) return { verdict: 'no-signal', detail: failure ?? 'no frame arrived', frames };
  const mean = median(measures.map((m) => m.mean));
  const contrast = median(measures.map((m) => m.contrast));
  const saturated = median(measures.map((m) => m.saturated));
  const sharpness = median(measures.map((m) => m.sharpness));
  const changes = measures.map((m) => m.change).filter((c): c is number => c !== null);
  // The median, not the largest: a stuck stream's decoder may still settle between its first frames.
  const change = changes.length > 0 ? median(changes) : null;
  const stats = `mean level ${round(mean)}, contrast ${round(contrast)}, sharpness ${round(sharpness)}, ${change === null ? '' : `change between frames ${round(change, 2)}, `}${frames} frames`;
  if (mean < LIMITS.blackMean && contrast < LIMITS.blackContrast) return { verdict: 'black', detail: `the picture is black (${stats}): lens cap, cable or sensor`, frames };
  if (mean > LIMITS.brightMean || saturated > LIMITS.brightSaturated) {
    return { verdict: 'bright', detail: `over-exposed: ${Math.round(saturated * 100)}% of the picture blown out (${stats})`, frames };
  }
  if (mean < LIMITS.darkMean) return { verdict: 'dark', detail: `under-exposed (${stats}): check the exposure setting or add light`, frames };
  if (changes.length >= 2 && change !== null && change < LIMITS.frozenChange) {
    return { verdict: 'frozen', detail: `the same picture in ${frames} frames (median change ${round(change, 2)} grey levels): the camera or its stream is stuck`, frames };
  }
  if (sharpness < LIMITS.blurredSharpness) return { verdict: 'blurred', detail: `no sharp edge in the picture (${stats}): focus, lens fogged or dirty`, frames };
  return { verdict: 'ok', detail: stats, frames };
}

export interface CheckOptions {
  /** How long to watch the camera (ms). */
  readonly durationMs: number;
  /** Stop after this many frames. */
  readonly maxFrames: number;
  /** A source that does not open or send within this long is no-signal (ms). */
  readonly timeoutMs: number;
  readonly grabber?: GrabberFactory;
}

/** Watches one camera for a few seconds and judges it. Never throws: a source that fails is no-signal with why. */
export async function checkCamera(cameraId: string, source: string, options: CheckOptions): Promise<EquipmentVerdict> {
  const grabber = (options.grabber ?? defaultGrabber)(
    { cameraId, source, fps: 0, loop: false, everyFrame: true },
    { ...DEFAULT_GRABBER_TIMEOUTS, openMs: options.timeoutMs, frameMs: options.timeoutMs },
  );
  const measures: FrameMeasure[] = [];
  let failure: string | null = null;
  let previous: Mat | null = null;
  try {
    await grabber.open();
    // The watch starts once the source is open (starting the grabber takes a while on a busy machine).
    const started = Date.now();
    while (measures.length < options.maxFrames && Date.now() - started < options.durationMs) {
      const frame = await grabber.next();
      if (!frame) break;
      const { measure, grey: g } = measureFrame(frame.image, previous);
      measures.push(measure);
      previous = g;
    }
  } catch (error) {
    failure = (error as Error).message;
  } finally {
    grabber.close();
  }
  if (measures.length === 0) return judgeFrames(measures, failure ?? `camera ${cameraId}: ${source} opened but sent no frame`);
  return judgeFrames(measures);
}
