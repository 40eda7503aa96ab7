/**
 * The pipeline's side of a camera's grabber: starts the grabber process
 * (grabber-process.ts), asks it for frames and turns them back into Mats.
 * A grabber that does not open in time, or sends no frame for too long, is
 * killed and reported as failed; the pipeline decides when to try again.
 */
import cv from '../opencv.js';
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LatestSlot } from './slot.js';
import { FrameSourceError, openSource, sourceOptions, type Frame } from './source.js';
import type { GrabberConfig, GrabberMessage } from './grabber-protocol.js';

export interface GrabberTimeouts {
  /** A source that has not opened after this long is given up (ms). */
  readonly openMs: number;
  /** A source that sends no frame for this long is failed (ms). */
  readonly frameMs: number;
}

/**
 * A camera silent for 3 s is failed: with the pipeline's reporting and the
 * screen's update that puts a dead camera's banner before the officer within
 * the 5 s the officer's screen must meet (a camera that closes its stream is
 * failed at once; one that hangs, or whose cable is cut, only by this).
 */
export const DEFAULT_GRABBER_TIMEOUTS: GrabberTimeouts = { openMs: 20_000, frameMs: 3000 };

/** A silence timer that fires this much after it was due ran late: this process was busy, not the camera silent (ms). */
const LATE_MS = 150;
/** The wait added each time the silence timer ran late (ms). */
const LATE_GRACE_MS = 500;

/** How long a grabber process may take to start (before its source is opened). */
const STARTUP_MS = 60_000;

export interface GrabbedFrame extends Frame {
  /** The grabber's totals when it sent this frame. */
  readonly framesRead: number;
  readonly framesDropped: number;
}

export interface Grabber {
  /** Resolves once the source is open, with its description and nominal rate. */
  open(): Promise<{ description: string; fps: number }>;
  /**
   * The newest frame; null when a replay has ended. Rejects when the source
   * fails or stays silent. Each frame's image is a Mat of its own, the
   * caller's to free.
   */
  next(): Promise<GrabbedFrame | null>;
  close(): void;
}

export type GrabberFactory = (config: GrabberConfig, timeouts: GrabberTimeouts) => Grabber;

/**
 * The built grabber process next to this module, or in the build folder when
 * the engine runs from its TypeScript sources (tests after `npm run build`).
 */
export function grabberProcessFile(): string | null {
  const here = fileURLToPath(new URL('./grabber-process.js', import.meta.url));
  const candidates = [here, here.replace(/([\\/])src([\\/]main[\\/]engine[\\/]camera[\\/])/, '$1dist$1src$2')];
  return candidates.find((file) => fs.existsSync(file)) ?? null;
}

/** Grabs in a process of its own: the default. */
export const processGrabber: GrabberFactory = (config, timeouts) => {
  const file = grabberProcessFile();
  if (!file) throw new FrameSourceError('grabber-died', `camera ${config.cameraId}: the grabber process is not built (run npm run build)`);
  return new ProcessGrabber(file, config, timeouts);
};

/** Where frame files go: memory (/dev/shm) where the system has it, else the temporary folder. */
function frameFileDir(): string {
  return fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
}

let frameFiles = 0;

class ProcessGrabber implements Grabber {
  private readonly child: ChildProcess;
  /** The file the grabber writes each frame's pixels to, read here once the frame is announced. */
  private readonly frameFile: string;
  private frameFd: number | null = null;
  private frameBuffer: Buffer | null = null;
  private waiting: { resolve: (m: GrabberMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  private failure: Error | null = null;
  /** Messages that arrived before anyone waited for them (several can come in one read of the channel). */
  private readonly early: GrabberMessage[] = [];
  private opened: Promise<{ description: string; fps: number }>;
  private closed = false;

  constructor(
    file: string,
    private readonly config: GrabberConfig,
    private readonly timeouts: GrabberTimeouts,
  ) {
    this.frameFile = path.join(frameFileDir(), `lpr-frames-${process.pid}-${++frameFiles}.raw`);
    this.child = fork(file, [JSON.stringify({ ...config, frameFile: this.frameFile } satisfies GrabberConfig)], {
      serialization: 'advanced',
      // The host's own runtime flags (a test runner's loaders, Electron's switches) are not the grabber's.
      execArgv: [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // In Electron's utility process execPath is the Electron binary: run it as Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    this.child.on('message', (message: GrabberMessage) => this.settle(message));
    this.child.on('error', (error) => this.fail(new FrameSourceError('grabber-died', `camera ${config.cameraId}: grabber process: ${error.message}`)));
    this.child.on('exit', (code, signal) => {
      if (!this.closed) this.fail(new FrameSourceError('grabber-died', `camera ${config.cameraId}: grabber process for ${config.source} stopped (${signal ?? `exit code ${code}`})`));
    });
    // Starting a process and loading OpenCV takes a while on a busy machine; the source's own time starts after.
    this.opened = this.await(STARTUP_MS, 'grabber-died', `grabber process did not start within ${STARTUP_MS / 1000} s`)
      .then((m) => {
        if (m.type !== 'ready') throw new FrameSourceError('grabber-died', `camera ${config.cameraId}: unexpected "${m.type}" from the grabber while starting`);
        return this.await(this.timeouts.openMs, 'no-answer', `did not open within ${Math.round(this.timeouts.openMs / 1000)} s`);
      })
      .then((m) => {
        if (m.type !== 'open') throw new FrameSourceError('grabber-died', `camera ${config.cameraId}: unexpected "${m.type}" from the grabber while opening`);
        return { description: m.description, fps: m.fps };
      });
    this.opened.catch(() => undefined);
  }

  open(): Promise<{ description: string; fps: number }> {
    return this.opened;
  }

  async next(): Promise<GrabbedFrame | null> {
    await this.opened;
    if (this.closed) return null;
    const reply = this.await(this.timeouts.frameMs, 'stalled', `no frame for ${Math.round(this.timeouts.frameMs / 1000)} s`);
    try {
      this.child.send({ type: 'want' });
    } catch (error) {
      this.fail(new FrameSourceError('grabber-died', `camera ${this.config.cameraId}: grabber process gone: ${(error as Error).message}`));
    }
    const m = await reply;
    if (m.type === 'end') return null;
    if (m.type !== 'frame') throw new FrameSourceError('grabber-died', `camera ${this.config.cameraId}: unexpected "${m.type}" from the grabber`);
    const image = new cv.Mat(m.data ? Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength) : this.readFrameFile(m), m.rows, m.cols, m.matType);
    return { cameraId: this.config.cameraId, seq: m.seq, capturedAt: m.capturedAt, image, framesRead: m.framesRead, framesDropped: m.framesDropped };
  }

  /** The announced frame's pixels from the frame file (the Mat made from them copies them: the buffer is reused). */
  private readFrameFile(m: Extract<GrabberMessage, { type: 'frame' }>): Buffer {
    const size = m.bytes;
    if (!this.frameBuffer || this.frameBuffer.length !== size) this.frameBuffer = Buffer.allocUnsafe(size);
    try {
      this.frameFd ??= fs.openSync(this.frameFile, 'r');
      const got = fs.readSync(this.frameFd, this.frameBuffer, 0, size, 0);
      if (got !== size) throw new Error(`${got} of ${size} bytes`);
    } catch (error) {
      throw new FrameSourceError('grabber-died', `camera ${this.config.cameraId}: cannot read the frame file ${this.frameFile}: ${(error as Error).message}`);
    }
    return this.frameBuffer;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.child.kill('SIGKILL');
    if (this.frameFd !== null) fs.closeSync(this.frameFd);
    this.frameFd = null;
    fs.rmSync(this.frameFile, { force: true });
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) {
      clearTimeout(waiting.timer);
      waiting.resolve({ type: 'end', framesRead: 0, framesDropped: 0 });
    }
  }

  /** The grabber's next message; none within `ms` (and its grace) fails the camera with this kind, saying `silence`. */
  private await(ms: number, kind: 'grabber-died' | 'no-answer' | 'stalled', silence: string): Promise<GrabberMessage> {
    const early = this.early.shift();
    if (early) return Promise.resolve(early);
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.resolve({ type: 'end', framesRead: 0, framesDropped: 0 });
    return new Promise((resolve, reject) => {
      let grace = ms;
      const arm = (delay: number): NodeJS.Timeout => {
        const due = performance.now() + delay;
        return setTimeout(() => {
          // A timer that fires late fired after this process was busy (loading a model, say):
          // the frame may be waiting in the channel, read only after timers. It gets a moment
          // more, up to the silence allowed once again, before the camera is called silent.
          const late = performance.now() - due;
          if (late > LATE_MS && grace > 0 && this.waiting) {
            const extra = Math.min(LATE_GRACE_MS, grace);
            grace -= extra;
            this.waiting.timer = arm(extra);
            return;
          }
          const seconds = kind === 'grabber-died' ? null : ms / 1000;
          this.fail(new FrameSourceError(kind, `camera ${this.config.cameraId}: ${this.config.source} ${silence}`, seconds));
          this.child.kill('SIGKILL');
        }, delay);
      };
      this.waiting = { resolve, reject, timer: arm(ms) };
    });
  }

  private settle(message: GrabberMessage): void {
    if (message.type === 'error') {
      this.fail(new FrameSourceError(message.kind, message.message));
      return;
    }
    const waiting = this.waiting;
    this.waiting = null;
    if (!waiting) {
      this.early.push(message);
      return;
    }
    clearTimeout(waiting.timer);
    waiting.resolve(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(this.failure);
    }
  }
}

/**
 * Grabs on this thread, for hosts that cannot start the grabber process
 * (the engine run from sources with nothing built). A source that blocks
 * blocks the engine here; the process grabber exists to prevent that.
 */
export const inThreadGrabber: GrabberFactory = (config) => {
  const source = openSource(config.source, sourceOptions(config));
  const slot = new LatestSlot<Frame>(source.fps > 0 && !config.everyFrame);
  let framesRead = 0;
  let failure: Error | null = null;
  void (async () => {
    try {
      for (;;) {
        const frame = await source.next();
        if (!frame) break;
        framesRead++;
        await slot.put(frame);
      }
    } catch (error) {
      failure = error as Error;
    } finally {
      slot.close();
    }
  })();
  return {
    open: () => Promise.resolve({ description: source.description, fps: source.fps }),
    async next() {
      const frame = await slot.take();
      if (!frame && failure) throw failure;
      return frame ? { ...frame, framesRead, framesDropped: slot.dropped } : null;
    },
    close() {
      slot.close();
      source.close();
    },
  };
};

/** The process grabber where it is built, else grabbing on this thread. */
export const defaultGrabber: GrabberFactory = (config, timeouts) =>
  grabberProcessFile() ? processGrabber(config, timeouts) : inThreadGrabber(config, timeouts);
