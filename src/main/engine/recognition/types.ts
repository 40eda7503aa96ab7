/**
 * The recognition seam: a plate detector finds plate regions in a frame, a plate
 * reader turns each rectified crop into text with per-character probabilities,
 * top candidates and (when it can tell) the state of issuance. Models drop in
 * behind these interfaces; the pipeline only sees these types.
 */

import type { Mat } from '@u4/opencv4nodejs';

/** Frames and crops are OpenCV matrices, 8-bit BGR, so resizing and warping stay in native code. */
export type Image = Mat;

/** Axis-aligned box in frame pixels: [x, y, width, height]. */
export type Box = readonly [number, number, number, number];

/** Four corners of the plate in frame pixels, clockwise from top-left. */
export type Quad = readonly [readonly [number, number], readonly [number, number], readonly [number, number], readonly [number, number]];

export interface DetectedPlate {
  readonly box: Box;
  /** Corners when the detector knows them, so the crop can be rectified. */
  readonly quad?: Quad;
  /** Detector confidence, 0..1. */
  readonly score: number;
}

export interface PlateCandidate {
  /** A-Z0-9 only. */
  readonly plate: string;
  /** 0..1 */
  readonly confidence: number;
}

export interface PlateText {
  /** Best reading, A-Z0-9 only (may be empty when nothing was legible). */
  readonly plate: string;
  /** 0..1, the probability of the best reading. */
  readonly confidence: number;
  /** Probability of each character of `plate`. */
  readonly charConfidences: readonly number[];
  /** Best first; includes `plate` itself as the first entry. */
  readonly candidates: readonly PlateCandidate[];
  /** Two-letter USPS code in upper case, or null when unsure. */
  readonly state: string | null;
  readonly stateConfidence: number;
}

export interface PlateDetector {
  readonly name: string;
  detect(frame: Image): Promise<DetectedPlate[]>;
  dispose(): Promise<void>;
}

export interface PlateReader {
  readonly name: string;
  /** Reads a batch of plate crops (each already cut out and, when possible, rectified). */
  read(crops: readonly Image[]): Promise<PlateText[]>;
  /**
   * Reads a batch of plate crops like read(), and, for a plate the reader is
   * not yet sure of, asks moreViews(i) for further views of plate i (the same
   * plate cut with other margins) and combines them into its one reading.
   */
  readViews?(crops: readonly Image[], moreViews: (index: number) => readonly Image[]): Promise<PlateText[]>;
  dispose(): Promise<void>;
}
