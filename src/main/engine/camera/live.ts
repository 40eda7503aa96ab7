/**
 * What the screens see of each running camera besides its state: the
 * equipment check kept all shift long (policy B.2: black, frozen, blurred,
 * dark, bright, judged on a sample of its frames), and the small picture of
 * its newest frame for the live tiles. Both work from the frame the camera's
 * pipeline last handed to recognition, never from the source itself (a
 * running camera is not opened twice), and both are cheap: a frame is
 * measured at most once per sample and a tile encoded at most once per
 * camera per interval, however many screens ask.
 */
import cv from '../opencv.js';
import type { Mat } from '@u4/opencv4nodejs';
import type { EquipmentCheck } from '../../../shared/contract.js';
import { judgeFrames, measureFrame, type FrameMeasure } from './equipment.js';

export interface LatestFrame {
  readonly image: Mat;
  readonly capturedAt: number;
}

export interface EquipmentWatchOptions {
  /** Samples judged together (the newest this many). */
  readonly window: number;
  /** No verdict before this many samples of the camera's frames. */
  readonly minSamples: number;
}

export const DEFAULT_EQUIPMENT_WATCH: EquipmentWatchOptions = { window: 8, minSamples: 3 };

interface Watched {
  lastCapturedAt: number;
  previousGrey: Mat | null;
  readonly measures: FrameMeasure[];
  check: EquipmentCheck | null;
}

/** A camera's frames sampled now and then (the engine calls `sample` about once a second) and judged. */
export class EquipmentWatch {
  private readonly watched = new Map<string, Watched>();

  constructor(private readonly options: EquipmentWatchOptions = DEFAULT_EQUIPMENT_WATCH) {}

  /**
   * Measures the camera's newest frame when it is a new one; `null` (the
   * camera sends none: failed, stopped, out of service) forgets what was
   * seen, its state speaks for it then. Returns whether the verdict changed.
   */
  sample(cameraId: string, frame: LatestFrame | null, now: number): boolean {
    const before = this.watched.get(cameraId)?.check ?? null;
    if (!frame) {
      this.forget(cameraId);
      return before !== null;
    }
    let watched = this.watched.get(cameraId);
    if (!watched) {
      watched = { lastCapturedAt: -1, previousGrey: null, measures: [], check: null };
      this.watched.set(cameraId, watched);
    }
    if (frame.capturedAt === watched.lastCapturedAt) return false;
    watched.lastCapturedAt = frame.capturedAt;
    const { measure, grey } = measureFrame(frame.image, watched.previousGrey);
    // The pipeline frees its frames itself: keep a copy of the grey picture when it is the frame.
    watched.previousGrey?.release();
    watched.previousGrey = grey === frame.image ? grey.copy() : grey;
    watched.measures.push(measure);
    if (watched.measures.length > this.options.window) watched.measures.shift();
    if (watched.measures.length < this.options.minSamples) return false;
    const judged = judgeFrames(watched.measures);
    if (before && before.verdict === judged.verdict) {
      // The same verdict: its measures move on, its time does not (and the screens are not told).
      watched.check = { ...before, detail: judged.detail, frames: judged.frames };
      return false;
    }
    watched.check = { verdict: judged.verdict, detail: judged.detail, frames: judged.frames, since: now };
    return true;
  }

  check(cameraId: string): EquipmentCheck | null {
    return this.watched.get(cameraId)?.check ?? null;
  }

  /** A camera removed or restarted with new settings is judged afresh. */
  forget(cameraId: string): void {
    this.watched.get(cameraId)?.previousGrey?.release();
    this.watched.delete(cameraId);
  }
}

export interface FrameTileOptions {
  /** Width of the tile's picture (px); a narrower frame keeps its own. */
  readonly width: number;
  /** JPEG quality, 0-100. */
  readonly quality: number;
  /** A camera's tile is encoded again at most this often (ms); asking sooner gets the last one. */
  readonly intervalMs: number;
}

export const DEFAULT_FRAME_TILES: FrameTileOptions = { width: 320, quality: 60, intervalMs: 500 };

export interface FrameTile {
  /** data: URL of the JPEG. */
  readonly image: string;
  readonly capturedAt: number;
  readonly width: number;
  readonly height: number;
}

/** The live tiles' pictures: each camera's newest frame, scaled down and encoded once per interval. */
export class FrameTiles {
  private readonly cache = new Map<string, { tile: FrameTile; encodedAt: number }>();
  /** Tiles encoded so far (tests check the cache holds). */
  encoded = 0;

  constructor(
    private readonly now: () => number,
    private readonly options: FrameTileOptions = DEFAULT_FRAME_TILES,
  ) {}

  /** The tile of the camera's newest frame at a width (default the options'); null when it sends none. */
  tile(cameraId: string, frame: LatestFrame | null, width = this.options.width): FrameTile | null {
    if (!frame) {
      this.forget(cameraId);
      return null;
    }
    const key = `${cameraId}\n${width}`;
    const cached = this.cache.get(key);
    const now = this.now();
    if (cached && (cached.tile.capturedAt === frame.capturedAt || now - cached.encodedAt < this.options.intervalMs)) return cached.tile;
    const { image } = frame;
    const scaled = image.cols > width ? image.resize(Math.max(1, Math.round((image.rows * width) / image.cols)), width) : image;
    const jpeg = cv.imencode('.jpg', scaled, [cv.IMWRITE_JPEG_QUALITY, this.options.quality]);
    const size = { width: scaled.cols, height: scaled.rows };
    if (scaled !== image) scaled.release();
    const tile: FrameTile = { image: `data:image/jpeg;base64,${jpeg.toString('base64')}`, capturedAt: frame.capturedAt, ...size };
    this.encoded++;
    this.cache.set(key, { tile, encodedAt: now });
    return tile;
  }

  forget(cameraId: string): void {
    for (const key of [...this.cache.keys()]) if (key.startsWith(`${cameraId}\n`)) this.cache.delete(key);
  }
}
