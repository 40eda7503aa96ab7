/**
 * Two-line plates. The OCR networks read one row of characters, so a plate
 * with two rows (motorcycle, trailer and square plates) is cut in the gap
 * between the rows and the lower row is put to the right of the upper one;
 * the reading is then "upper row, lower row". The Python reference that the
 * training samples are made with is training/layout.py; both cut the same rows.
 */
import cv from '../opencv.js';
import type { Mat } from '@u4/opencv4nodejs';
import type { PlateText } from './types.js';

/**
 * A crop this wide (width / height) or wider is a one-row plate and is never
 * cut: US car plates are 2:1 and European ones over 4:1, while US motorcycle
 * plates are 7:4 and square European ones about 1.1 to 1.4. The detector,
 * trained on one-row plates, tends to trim a tall plate towards 2:1, so every
 * crop narrower than a car plate is looked at.
 */
export const TWO_LINE_MAX_ASPECT = 2;
/** The gap between the rows is looked for in this band of the crop's height. */
const CUT_BAND = [0.3, 0.7] as const;
/** The columns looked at: the rim and bolts at the sides are left out. */
const INNER_COLUMNS = [0.1, 0.9] as const;
/** The gap row's contrast must be under this share of the mean contrast of the rows above it and of those below. */
const GAP_CONTRAST = 0.5;

/** Standard deviation of each row of a width x height 8-bit image over its inner columns. */
export function rowContrast(gray: Uint8Array, width: number, height: number): Float64Array {
  const c0 = Math.round(INNER_COLUMNS[0] * width);
  const c1 = Math.max(c0 + 1, Math.round(INNER_COLUMNS[1] * width));
  const n = c1 - c0;
  const out = new Float64Array(height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let x = c0; x < c1; x++) sum += gray[row + x]!;
    const mean = sum / n;
    let sq = 0;
    for (let x = c0; x < c1; x++) sq += (gray[row + x]! - mean) ** 2;
    out[y] = Math.sqrt(sq / n);
  }
  return out;
}

function mean(values: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return sum / Math.max(1, to - from);
}

/**
 * The row between the two rows of characters of a BGR plate crop, or null
 * when the crop is too wide or shows no clear gap with characters above and
 * below it.
 */
export function findCut(crop: Mat): number | null {
  const { rows: h, cols: w } = crop;
  if (h < 8 || w / h >= TWO_LINE_MAX_ASPECT) return null;
  // a copy of a one-channel crop, as a region of a larger image is not contiguous in memory
  const gray = crop.channels === 1 ? crop.copy() : crop.cvtColor(cv.COLOR_BGR2GRAY);
  const ink = rowContrast(new Uint8Array(gray.getData()), w, h);
  const lo = Math.floor(CUT_BAND[0] * h);
  const hi = Math.ceil(CUT_BAND[1] * h);
  let cut = lo;
  for (let y = lo + 1; y < hi; y++) if (ink[y]! < ink[cut]!) cut = y;
  const above = mean(ink, 0, cut);
  const below = mean(ink, cut, h);
  return ink[cut]! < GAP_CONTRAST * Math.min(above, below) ? cut : null;
}

/** The rows above and below `cut`, each resized to half the crop's height, side by side: a 2W x H/2 crop. */
export function joinRows(crop: Mat, cut: number): Mat {
  const { rows: h, cols: w } = crop;
  if (!(cut >= 1 && cut < h)) throw new Error(`joinRows: cut ${cut} is outside the crop's 1..${h - 1} rows`);
  const half = Math.max(1, Math.round(h / 2));
  const top = crop.getRegion(new cv.Rect(0, 0, w, cut)).resize(half, w, 0, 0, cv.INTER_LINEAR);
  const bottom = crop.getRegion(new cv.Rect(0, cut, w, h - cut)).resize(half, w, 0, 0, cv.INTER_LINEAR);
  const joined = new cv.Mat(half, 2 * w, crop.type, 0);
  top.copyTo(joined.getRegion(new cv.Rect(0, 0, w, half)));
  bottom.copyTo(joined.getRegion(new cv.Rect(w, 0, w, half)));
  return joined;
}

/** The two rows of a two-line plate crop joined into one, or null when the crop does not look like one. */
export function splitTwoLines(crop: Mat): Mat | null {
  const cut = findCut(crop);
  return cut === null ? null : joinRows(crop, cut);
}

/**
 * A two-line plate's joined reading is this probable at least before it may
 * win over a more probable one-row reading that it contains.
 */
export const JOINED_MIN_CONFIDENCE = 0.5;

/**
 * Whether a crop's reading with its rows joined replaces its reading as one
 * row: when it is more probable, or when it holds the one-row reading and more
 * and is itself at least JOINED_MIN_CONFIDENCE probable. The networks are
 * trained to pass over small text above and below the characters, so read as
 * one row a two-line plate often gives just one of its rows, and confidently.
 */
export function joinedWins(joined: PlateText, oneRow: PlateText): boolean {
  if (joined.confidence > oneRow.confidence) return true;
  return joined.confidence >= JOINED_MIN_CONFIDENCE && joined.plate.length > oneRow.plate.length && joined.plate.includes(oneRow.plate);
}
