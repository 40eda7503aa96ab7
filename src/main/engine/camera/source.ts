/**
 * Frame sources: a camera with an id that yields frames. Replay sources play a
 * video file (OpenCV VideoCapture) or a folder of images at a set rate, so the
 * engine and its tests run with no camera attached. Live devices use the same
 * VideoCapture path (device index, GStreamer pipeline or stream URL).
 */
import cv from '../opencv.js';
import type { Mat, VideoCapture } from '@u4/opencv4nodejs';
import fs from 'node:fs';
import path from 'node:path';
import type { CameraFault } from '../../../shared/contract.js';
import type { CameraFaultKind } from '../../../shared/equipment.js';
import { capturePlan, CaptureError, isV4l2Device, openCapture, rotateFrame, type CaptureRequest, type Rotation } from './capture.js';

export interface Frame {
  readonly cameraId: string;
  /** Monotonic frame number within this source, from 0. */
  readonly seq: number;
  /** Capture time, ms since the epoch. */
  readonly capturedAt: number;
  readonly image: Mat;
}

export interface FrameSource {
  readonly cameraId: string;
  readonly description: string;
  /** Nominal frames per second the source is paced at. */
  readonly fps: number;
  /** The next frame, or null when the source has ended (a live source never ends). */
  next(): Promise<Frame | null>;
  close(): void;
}

/** A camera's source failed; `kind` says how (the screens' words come from it), the message names the camera and source. */
export class FrameSourceError extends Error {
  constructor(
    readonly kind: CameraFaultKind,
    message: string,
    /** For no-answer and stalled: how long the source was given (s). */
    readonly seconds: number | null = null,
  ) {
    super(message);
  }
}

/** The fault a camera's failure stands for: a source error's own kind, anything else unexpected. */
export function cameraFault(error: unknown): CameraFault {
  if (error instanceof FrameSourceError) return { kind: error.kind, detail: error.message, seconds: error.seconds };
  return { kind: 'unexpected', detail: error instanceof Error ? error.message : String(error), seconds: null };
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp']);

export interface ReplayOptions {
  readonly cameraId: string;
  /** Frames per second to replay at; 0 = as fast as the consumer pulls. */
  readonly fps: number;
  /** Start again at the end instead of ending. */
  readonly loop?: boolean;
  /** Clock, replaceable in tests. */
  readonly now?: () => number;
  /** Frame size and rate asked of a live device (V4L2, GigE). */
  readonly request?: CaptureRequest;
  /** Each frame turned clockwise by this much (a camera mounted on its side or upside down). */
  readonly rotation?: Rotation;
}

/** Paces pulls to a frame rate without drifting: frame n is due at start + n/fps. */
class Pacer {
  private start = -1;
  private count = 0;
  constructor(private readonly fps: number) {}
  async wait(): Promise<void> {
    if (this.fps <= 0) return;
    const now = performance.now();
    if (this.start < 0) this.start = now;
    const due = this.start + (this.count * 1000) / this.fps;
    this.count++;
    // A consumer that fell behind does not get a burst of stale frames: restart the schedule.
    if (now - due > 1000) {
      this.start = now;
      this.count = 1;
      return;
    }
    if (due > now) await new Promise((resolve) => setTimeout(resolve, due - now));
  }
}

export function openImageFolder(dir: string, options: ReplayOptions): FrameSource {
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((name) => IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase()))
      .sort();
  } catch (error) {
    throw new FrameSourceError('missing', `camera ${options.cameraId}: cannot list image folder ${dir}: ${(error as Error).message}`);
  }
  if (names.length === 0) {
    throw new FrameSourceError('missing', `camera ${options.cameraId}: image folder ${dir} has no .jpg/.png/.bmp/.webp files`);
  }
  const now = options.now ?? Date.now;
  const pacer = new Pacer(options.fps);
  let index = 0;
  let seq = 0;
  let closed = false;
  return {
    cameraId: options.cameraId,
    description: `image folder ${dir} (${names.length} images at ${options.fps} fps)`,
    fps: options.fps,
    async next() {
      if (closed) return null;
      if (index >= names.length) {
        if (!options.loop) return null;
        index = 0;
      }
      await pacer.wait();
      const file = path.join(dir, names[index++]!);
      let image: Mat;
      try {
        image = await cv.imreadAsync(file);
      } catch (error) {
        throw new FrameSourceError('undecodable', `camera ${options.cameraId}: cannot decode ${file}: ${(error as Error).message}`);
      }
      if (image.empty) throw new FrameSourceError('undecodable', `camera ${options.cameraId}: cannot decode ${file}: not an image`);
      return { cameraId: options.cameraId, seq: seq++, capturedAt: now(), image };
    },
    close() {
      closed = true;
    },
  };
}

/**
 * Opens a video file, device index ("0"), stream URL or GStreamer pipeline
 * through OpenCV. A file that cannot be opened or whose first frame cannot be
 * decoded is refused here, naming the file.
 */
export function openVideo(source: string, options: ReplayOptions): FrameSource {
  const isFile = !isLiveSource(source);
  if (isFile && !fs.existsSync(source)) {
    throw new FrameSourceError('missing', `camera ${options.cameraId}: video file ${source} does not exist`);
  }
  let capture: VideoCapture;
  let granted: string | null = null;
  const open = (): VideoCapture => {
    try {
      const opened = openCapture(capturePlan(source, options.request ?? {}));
      granted = opened.granted;
      return opened.capture;
    } catch (error) {
      const why = error instanceof CaptureError ? error.message : (error as Error).message;
      // A device or stream that does not open is out of reach; a file that exists and does not open is one OpenCV cannot decode.
      throw new FrameSourceError(isFile ? 'undecodable' : 'unreachable', `camera ${options.cameraId}: cannot open video ${source}: ${why}`);
    }
  };
  capture = open();
  const first = capture.read();
  if (first.empty) {
    capture.release();
    throw new FrameSourceError('undecodable', `camera ${options.cameraId}: cannot read video ${source}: no decodable frame (corrupt file or unsupported format)`);
  }
  const reportedFps = capture.get(cv.CAP_PROP_FPS);
  const fps = options.fps > 0 ? options.fps : 0;
  const now = options.now ?? Date.now;
  const pacer = new Pacer(fps);
  let pending: Mat | null = first;
  let seq = 0;
  let closed = false;
  return {
    cameraId: options.cameraId,
    description: `video ${source} (${fps || reportedFps || '?'} fps${granted ? `; ${granted}` : ''})`,
    fps: fps || reportedFps || 0,
    async next() {
      if (closed) return null;
      let image: Mat | null = pending;
      pending = null;
      if (image === null) {
        image = await capture.readAsync();
        if (image.empty) {
          if (!options.loop || !isFile) return null;
          capture.release();
          capture = open();
          image = await capture.readAsync();
          if (image.empty) return null;
        }
      }
      await pacer.wait();
      return { cameraId: options.cameraId, seq: seq++, capturedAt: now(), image };
    },
    close() {
      closed = true;
      capture.release();
    },
  };
}

/** A device (index or /dev/videoN), stream URL, GigE camera or GStreamer pipeline: something that can come back after a failure. */
export function isLiveSource(source: string): boolean {
  return isV4l2Device(source) || source.includes('://') || source.includes('!');
}

/** What a grabber's configuration asks of its source. */
export function sourceOptions(config: { cameraId: string; fps: number; loop: boolean; width?: number | undefined; height?: number | undefined; rotation?: Rotation | undefined }): ReplayOptions {
  return { cameraId: config.cameraId, fps: config.fps, loop: config.loop, request: { width: config.width, height: config.height, fps: config.fps }, rotation: config.rotation ?? 0 };
}

/** A source path: a folder of images or anything VideoCapture opens; each frame turned by the rotation. */
export function openSource(source: string, options: ReplayOptions): FrameSource {
  let isDir = false;
  try {
    isDir = fs.statSync(source).isDirectory();
  } catch {
    // not a local path: a device index, URL or pipeline
  }
  const opened = isDir ? openImageFolder(source, options) : openVideo(source, options);
  const rotation = options.rotation ?? 0;
  if (rotation === 0) return opened;
  return {
    cameraId: opened.cameraId,
    description: `${opened.description}, turned ${rotation}°`,
    fps: opened.fps,
    async next() {
      const frame = await opened.next();
      if (!frame) return null;
      const image = rotateFrame(frame.image, rotation);
      // The unturned frame is not needed any more: free it now rather than at the next GC.
      if (image !== frame.image) frame.image.release();
      return { ...frame, image };
    },
    close: () => opened.close(),
  };
}
