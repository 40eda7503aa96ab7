/**
 * Where the cameras' finished passes go: one Read per vehicle pass. A better
 * view of a stored pass goes to its read (beside it once the read raised a
 * hit); a corrected vote updates the pass's read and matches it again; the
 * same plate seen by another camera moments ago is the same pass, not a second
 * read. Each new read is stored with the hits and alerts it raises in one
 * transaction (the recorder), and what it raised is announced.
 */
import cv from './opencv.js';
import type { Mat } from '@u4/opencv4nodejs';
import type { AlertView, ReadSummary } from '../../shared/contract.js';
import type { CameraPass, ObservationPayload } from './camera/pipeline.js';
import { logger } from './log.js';
import type { ReadRecorder } from './store/recorder.js';
import type { ReadStore } from './store/reads.js';
import type { TrackedRead } from './tracking/tracker.js';

const log = logger('passes');

/** The same plate seen by two of the car's cameras this close in time is one vehicle pass. */
export const SAME_PASS_MS = 10_000;

/** Passes still in view, and plates seen lately, kept at most this many (passes end within seconds). */
const PASSES_KEPT = 1000;
const PLATES_KEPT = 500;

/** What a delivered pass tells the screens. */
export interface PassEvents {
  read(read: ReadSummary): void;
  /** A stored read got a better view. */
  readView(readId: number): void;
  alert(alert: AlertView): void;
}

export interface PassDeliveryOptions {
  readonly reads: Pick<ReadStore, 'correct' | 'addView'>;
  readonly recorder: Pick<ReadRecorder, 'record' | 'rematch'>;
  readonly now: () => number;
  readonly events: PassEvents;
  /** A new pass's plate box in its frame (whether the camera still points at the road). */
  readonly onNewPass?: (cameraId: string, box: readonly [number, number, number, number], frameWidth: number, frameHeight: number) => void;
}

export class PassDelivery {
  /** The Read stored for each pass still in view, so a better view of it finds it. */
  private readonly readOfPass = new Map<string, number>();
  /** The last read of each plate seen lately, so another camera's sight of it joins the same pass. */
  private readonly recentPlates = new Map<string, { readId: number; cameraId: string; at: number }>();

  constructor(private readonly options: PassDeliveryOptions) {}

  /** A pass of one camera, as the pipeline hands it on. */
  deliver({ cameraId, passKey, read }: CameraPass): void {
    const { reads, now, events } = this.options;
    const stored = this.readOfPass.get(passKey);
    if (stored !== undefined && (read.betterImages || read.correction)) {
      const { payload } = read.best;
      const corrected = read.correction
        ? reads.correct(stored, { plate: read.plate, confidence: read.confidence, candidates: payload.candidates, state: payload.state, stateConfidence: payload.stateConfidence }, now())
        : null;
      // The images of the voted reading; a read behind a hit keeps its own (evidence) and gets these beside them.
      reads.addView(stored, {
        cropJpeg: encodeJpeg(payload.crop, 90),
        contextJpeg: encodeJpeg(fitWidth(payload.frame, 1280), 80),
        box: read.best.box,
        capturedAt: read.best.at,
        gps: payload.gps,
      }, now());
      events.readView(stored);
      this.readOfPass.delete(passKey);
      if (corrected) {
        this.rememberPlate(corrected.plate, stored, cameraId, read.best.at);
        events.read(corrected);
        this.rematch(corrected);
      }
      return;
    }
    if (stored === undefined) this.options.onNewPass?.(cameraId, read.best.box, read.best.payload.frame.cols, read.best.payload.frame.rows);
    const seen = this.recentPlates.get(read.plate);
    if (stored === undefined && seen && seen.cameraId !== cameraId && Math.abs(read.best.at - seen.at) <= SAME_PASS_MS) {
      // Another camera saw this plate moments ago: the same vehicle passing the car.
      this.readOfPass.set(passKey, seen.readId);
      return;
    }
    const summary = this.accept(cameraId, read);
    this.readOfPass.set(passKey, summary.id);
    this.rememberPlate(summary.plate, summary.id, cameraId, read.best.at);
    if (this.readOfPass.size > PASSES_KEPT) this.readOfPass.delete(this.readOfPass.keys().next().value!);
  }

  /**
   * Stores a tracked Read with the hits and alerts it raises (one transaction)
   * and tells the screens. While storage fails the read is matched and its
   * alerts shown from memory; it is written when the store recovers.
   */
  accept(cameraId: string, tracked: TrackedRead<ObservationPayload>): ReadSummary {
    const { payload } = tracked.best;
    const { read, alerts } = this.options.recorder.record({
      plate: tracked.plate,
      confidence: tracked.confidence,
      state: payload.state,
      stateConfidence: payload.stateConfidence,
      box: tracked.best.box,
      candidates: payload.candidates,
      cameraId,
      capturedAt: tracked.best.at,
      gps: payload.gps,
      cropJpeg: encodeJpeg(payload.crop, 90),
      contextJpeg: encodeJpeg(fitWidth(payload.frame, 1280), 80),
    });
    this.options.events.read(read);
    this.announce(read, alerts);
    return read;
  }

  private rememberPlate(plate: string, readId: number, cameraId: string, at: number): void {
    this.recentPlates.delete(plate);
    this.recentPlates.set(plate, { readId, cameraId, at });
    if (this.recentPlates.size > PLATES_KEPT) this.recentPlates.delete(this.recentPlates.keys().next().value!);
  }

  /** A corrected reading of a stored read is matched again; what it raises is announced. */
  private rematch(read: ReadSummary): void {
    try {
      this.announce(read, this.options.recorder.rematch(read));
    } catch (error) {
      log.error({ read: read.id, err: (error as Error).message }, 'could not match a corrected read again; it is matched at the next start');
    }
  }

  private announce(read: ReadSummary, alerts: readonly AlertView[]): void {
    for (const alert of alerts) {
      log.info({ alert: alert.id, plate: read.plate, list: alert.entry.listName, kind: alert.match.kind, latencyMs: this.options.now() - read.capturedAt }, 'alert raised');
      this.options.events.alert(alert);
    }
  }
}

export function encodeJpeg(image: Mat, quality: number): Buffer {
  return cv.imencode('.jpg', image, [cv.IMWRITE_JPEG_QUALITY, quality]);
}

function fitWidth(image: Mat, maxWidth: number): Mat {
  if (image.cols <= maxWidth) return image;
  return image.resize(Math.round((image.rows * maxWidth) / image.cols), maxWidth);
}
