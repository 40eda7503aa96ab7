/**
 * The settings screen's preview of a camera: a frame from the source the
 * administrator entered, turned by the entered rotation, as a small JPEG.
 * A source the car is already reading with the same settings gives its
 * latest frame (a USB device cannot be opened twice); any other source is
 * opened in a grabber process of its own, kept open while the screen keeps
 * asking and closed when it stops, so a source that hangs or never answers
 * holds only that process, and the question comes back with why.
 */
import cv from '../opencv.js';
import type { Mat } from '@u4/opencv4nodejs';
import type { CameraSettings } from '../../../shared/settings.js';
import { rotateFrame, type Rotation } from './capture.js';
import { defaultGrabber, type Grabber, type GrabberFactory, type GrabberTimeouts } from './grabber.js';
import type { CameraPipeline } from './pipeline.js';

export interface CameraPreview {
  /** data: URL of the JPEG. */
  readonly image: string;
  /** Size of the frame shown, after rotation (the preview is scaled down from it). */
  readonly width: number;
  readonly height: number;
  readonly description: string;
  /** The running camera's own latest frame, or a frame grabbed for the preview. */
  readonly from: 'running' | 'source';
  readonly capturedAt: number;
}

export interface PreviewOptions {
  readonly grabber?: GrabberFactory;
  /** A source that does not open, or sends no frame, within this long is reported (ms). */
  readonly timeoutMs?: number;
  /** A preview nobody asked for this long is closed (ms). */
  readonly idleMs?: number;
  /** Most preview sources open at once; the one asked longest ago is closed first. */
  readonly maxOpen?: number;
}

/** Longest side of the preview image. */
const PREVIEW_WIDTH = 640;

interface OpenPreview {
  readonly key: string;
  readonly grabber: Grabber;
  description: string | null;
  lastAsked: number;
  /** One frame asked at a time per source; a second question waits for the first's answer. */
  pending: Promise<CameraPreview> | null;
}

/** What must be equal for a running camera's frames to stand for the entered settings. */
function captureKey(camera: Pick<CameraSettings, 'source' | 'width' | 'height' | 'fps'>): string {
  return JSON.stringify([camera.source.trim(), camera.width ?? null, camera.height ?? null, camera.fps]);
}

function toPreview(image: Mat, description: string, from: CameraPreview['from'], capturedAt: number): CameraPreview {
  const scaled = image.cols > PREVIEW_WIDTH ? image.resize(Math.round((image.rows * PREVIEW_WIDTH) / image.cols), PREVIEW_WIDTH) : image;
  const jpeg = cv.imencode('.jpg', scaled, [cv.IMWRITE_JPEG_QUALITY, 80]);
  return { image: `data:image/jpeg;base64,${jpeg.toString('base64')}`, width: image.cols, height: image.rows, description, from, capturedAt };
}

export class CameraPreviews {
  private readonly open = new Map<string, OpenPreview>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly now: () => number,
    private readonly options: PreviewOptions = {},
  ) {
    this.timer = setInterval(() => this.closeIdle(), Math.max(1000, (options.idleMs ?? 30_000) / 3));
    this.timer.unref();
  }

  /** A preview of the entered camera; rejects with a plain reason when the source gives no frame. */
  async take(camera: CameraSettings, running: CameraPipeline | undefined): Promise<CameraPreview> {
    if (this.closed) throw new Error('the engine is stopping');
    const latest = running && running.config.source.trim() === camera.source.trim() ? running.latestFrame : null;
    if (running && latest && captureKey(running.config) === captureKey(camera)) {
      // The running camera already turns its frames by its own rotation: turn by the difference.
      const turn = (((camera.rotation - (running.config.rotation ?? 0)) % 360) + 360) % 360;
      return toPreview(rotateFrame(latest.image, turn as Rotation), `camera ${camera.id} as the car reads it now`, 'running', latest.capturedAt);
    }
    return this.grab(camera);
  }

  private grab(camera: CameraSettings): Promise<CameraPreview> {
    const key = `${camera.id}\n${captureKey(camera)}\n${camera.rotation}`;
    for (const [id, other] of this.open) {
      // The same camera with other settings: the old preview source goes.
      if (id.startsWith(`${camera.id}\n`) && id !== key) this.drop(other);
    }
    let preview = this.open.get(key);
    if (!preview) {
      this.makeRoom();
      const timeoutMs = this.options.timeoutMs ?? 10_000;
      const timeouts: GrabberTimeouts = { openMs: timeoutMs, frameMs: timeoutMs };
      const grabber = (this.options.grabber ?? defaultGrabber)(
        // A replay loops so that asking again shows the next frame, never an end.
        { cameraId: camera.id, source: camera.source, fps: camera.fps, loop: true, width: camera.width, height: camera.height, rotation: camera.rotation },
        timeouts,
      );
      preview = { key, grabber, description: null, lastAsked: this.now(), pending: null };
      this.open.set(key, preview);
    }
    preview.lastAsked = this.now();
    if (preview.pending) return preview.pending;
    const current = preview;
    current.pending = (async () => {
      try {
        const opened = await current.grabber.open();
        current.description = opened.description;
        const frame = await current.grabber.next();
        if (!frame) throw new Error(`camera ${camera.id}: ${camera.source} ended before it sent a frame`);
        return toPreview(frame.image, opened.description, 'source', frame.capturedAt);
      } catch (error) {
        // A source that failed is opened afresh at the next question.
        this.drop(current);
        throw error;
      } finally {
        current.pending = null;
      }
    })();
    return current.pending;
  }

  private drop(preview: OpenPreview): void {
    preview.grabber.close();
    if (this.open.get(preview.key) === preview) this.open.delete(preview.key);
  }

  private makeRoom(): void {
    const maxOpen = this.options.maxOpen ?? 4;
    const oldest = [...this.open.values()].sort((a, b) => a.lastAsked - b.lastAsked);
    while (oldest.length >= maxOpen) this.drop(oldest.shift()!);
  }

  private closeIdle(): void {
    const idleMs = this.options.idleMs ?? 30_000;
    const now = this.now();
    for (const preview of [...this.open.values()]) if (!preview.pending && now - preview.lastAsked > idleMs) this.drop(preview);
  }

  /** How many preview sources are open (tests). */
  get openCount(): number {
    return this.open.size;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const preview of [...this.open.values()]) this.drop(preview);
  }
}
