/**
 * Messages between a camera's pipeline and its grabber process
 * (grabber-process.ts). The pipeline asks for a frame when it is ready for
 * one; the grabber answers with the newest frame it holds (latest frame wins).
 */
import type { CameraFaultKind } from '../../../shared/equipment.js';

export interface GrabberConfig {
  readonly cameraId: string;
  readonly source: string;
  readonly fps: number;
  readonly loop: boolean;
  /** Frame size asked of a live device. */
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  /** Each frame turned clockwise by this much before it is handed over. */
  readonly rotation?: 0 | 90 | 180 | 270 | undefined;
  /** Hand over every frame in order instead of the newest (the equipment check compares consecutive frames). */
  readonly everyFrame?: boolean;
  /**
   * Frames' pixels are written to this file (in memory: /dev/shm where there is
   * one) and only their size crosses the channel. A 1280x720 frame is 2.7 MB:
   * through the channel's pipe it went in 64 kB pieces, each waiting for both
   * processes to be scheduled, which on a busy machine took hundreds of ms.
   */
  readonly frameFile?: string;
}

/** Pipeline → grabber. */
export type GrabberRequest = { readonly type: 'want' };

/** Grabber → pipeline. */
export type GrabberMessage =
  /** The process is up (OpenCV loaded) and opens the source now: the open time-out starts here. */
  | { readonly type: 'ready' }
  | { readonly type: 'open'; readonly description: string; readonly fps: number }
  | {
      readonly type: 'frame';
      readonly seq: number;
      readonly capturedAt: number;
      readonly rows: number;
      readonly cols: number;
      /** OpenCV's Mat type (CV_8UC3 for colour frames). */
      readonly matType: number;
      /** The pixels; null when they are in the frame file (read it before asking for the next frame). */
      readonly data: Uint8Array | null;
      /** Size of the pixels in bytes. */
      readonly bytes: number;
      /** Frames grabbed so far, and of those the ones a newer frame replaced before anyone asked. */
      readonly framesRead: number;
      readonly framesDropped: number;
    }
  | { readonly type: 'end'; readonly framesRead: number; readonly framesDropped: number }
  /** The source failed: how (the kind), and the message naming camera and source. */
  | { readonly type: 'error'; readonly kind: CameraFaultKind; readonly message: string };
