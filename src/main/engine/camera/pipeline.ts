/**
 * One camera's pipeline: its grabber (a process of its own), the recognizer
 * call and the tracker that joins a pass's frames into one Read. The car's
 * cameras take the recognizer in turns (turns.ts): when its turn comes, a
 * camera asks its grabber for the newest frame. A reading that hits a hot list
 * makes its pass's read from its first frame, so the alert does not wait for a
 * second frame to confirm it. It supervises
 * its grabber: a source that fails or stays silent is marked failed and
 * reopened with back-off (reset after a good minute); a replay that ends stops.
 * Finished passes go to the engine through `onPass`; the pipeline knows
 * nothing of the store or the hot lists.
 */
import type { Mat } from '@u4/opencv4nodejs';
import type { CameraFault, CameraStatus, GpsFix } from '../../../shared/contract.js';
import type { Region } from '../../../shared/settings.js';
import { logger } from '../log.js';
import type { FrameRecognition, Recognizer } from '../recognition/recognizer.js';
import { PlateTracker, type TrackedRead } from '../tracking/tracker.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { DEFAULT_GRABBER_TIMEOUTS, defaultGrabber, type GrabbedFrame, type Grabber, type GrabberFactory, type GrabberTimeouts } from './grabber.js';
import { cameraFault, isLiveSource } from './source.js';
import { RecognitionTurns, type Turn } from './turns.js';

const log = logger('camera');

export interface CameraConfig {
  readonly id: string;
  readonly name: string;
  /** Image folder, video file, device index, stream URL or GStreamer pipeline. */
  readonly source: string;
  /** Replay rate for files, rate asked of a live device; 0 = source's own pace. */
  readonly fps: number;
  readonly loop?: boolean;
  /** Frame size asked of a live device. */
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  /** Frames are turned clockwise by this much before recognition. */
  readonly rotation?: 0 | 90 | 180 | 270 | undefined;
  /** Plates are looked for only inside this part of the frame (the car settings' roi). */
  readonly roi?: Region | undefined;
  /** No picture for this long fails the camera (s); unset: the supervision's frame timeout. */
  readonly stallSeconds?: number | undefined;
}

/**
 * How long a camera may send nothing before it is failed: its own stall time
 * or the supervision's, but never less than two frame intervals at the rate
 * asked of it (a camera set to one picture every 2 s is not silent after 3 s).
 */
export function grabberTimeouts(config: CameraConfig, supervision: CameraSupervision): GrabberTimeouts {
  const stallMs = config.stallSeconds !== undefined ? config.stallSeconds * 1000 : supervision.timeouts.frameMs;
  const twoFrames = config.fps > 0 ? 2000 / config.fps : 0;
  return { ...supervision.timeouts, frameMs: Math.max(stallMs, twoFrames) };
}

export interface ObservationPayload {
  readonly frame: Mat;
  /** Position when the frame was taken. */
  readonly gps: GpsFix | null;
  readonly crop: Mat;
  readonly state: string | null;
  readonly stateConfidence: number;
  readonly candidates: { plate: string; confidence: number }[];
}

/** A tracked pass of one camera; `passKey` names the track across the pipeline's life. */
export interface CameraPass {
  readonly cameraId: string;
  readonly passKey: string;
  readonly read: TrackedRead<ObservationPayload>;
}

/** Where the time of one recognized frame went (the cameras bench prints these). */
export interface FrameTimings {
  readonly cameraId: string;
  /** When the grabber took the frame from the source. */
  readonly capturedAt: number;
  /** Capture to arrival here: the frame's wait in the grabber's slot and its trip over the channel (ms). */
  readonly grabMs: number;
  /** Arrival to the start of its recognition (ms): nearly nothing unless the grabber answered late and the camera waited for another turn. */
  readonly queueMs: number;
  /** How long the camera waited for its turn at the recognizer before asking for this frame (ms; not part of the frame's age). */
  readonly turnWaitMs: number;
  readonly detectMs: number;
  readonly ocrMs: number;
  /** Tracking, storing and matching the reads this frame made ready (ms). */
  readonly storeMs: number;
  /** Reads this frame made ready. */
  readonly reads: number;
}

/** How long a camera holding the recognizer's turn waits for its grabber before letting the next camera in (ms). */
const TURN_FRAME_WAIT_MS = 100;

export interface CameraSupervision {
  readonly backoff: BackoffPolicy;
  readonly timeouts: GrabberTimeouts;
}

export const DEFAULT_SUPERVISION: CameraSupervision = { backoff: DEFAULT_BACKOFF, timeouts: DEFAULT_GRABBER_TIMEOUTS };

export interface PipelineOptions {
  readonly recognizer: Recognizer;
  readonly gps: () => GpsFix | null;
  readonly now: () => number;
  readonly onPass: (pass: CameraPass) => void;
  /** The status changed (state at once; counters at most once a second). */
  readonly onStatus: (status: CameraStatus) => void;
  readonly supervision?: CameraSupervision;
  readonly grabber?: GrabberFactory;
  /** The recognizer's turns, shared by every camera of the car (default: this camera's own). */
  readonly turns?: RecognitionTurns;
  /**
   * Whether a reading would raise an alert (a hot-list hit): such a reading at
   * or above EARLY_ALERT_CONFIDENCE makes its pass's read at once, without
   * waiting for a second frame to confirm it.
   */
  readonly isHot?: (plate: PlateReading) => boolean;
  /** Each recognized frame's timings. */
  readonly onFrame?: (timings: FrameTimings) => void;
}

/** What `isHot` is asked about. */
export interface PlateReading {
  readonly plate: string;
  readonly state: string | null;
  readonly candidates: readonly { readonly plate: string; readonly confidence: number }[];
}

/** A hot reading at least this confident is alerted on from its first frame. */
export const EARLY_ALERT_CONFIDENCE = 0.5;

/** Frames per second over the last few seconds, from the grabber's running count. */
class RateMeter {
  private samples: { at: number; count: number }[] = [];
  add(at: number, count: number): number {
    this.samples.push({ at, count });
    while (this.samples.length > 2 && at - this.samples[0]!.at > 5000) this.samples.shift();
    const first = this.samples[0]!;
    return at > first.at ? ((count - first.count) * 1000) / (at - first.at) : 0;
  }
  reset(): void {
    this.samples = [];
  }
}

export class CameraPipeline {
  private current: CameraStatus;
  private stopped = true;
  private grabber: Grabber | null = null;
  private wake: (() => void) | null = null;
  private running: Promise<void> = Promise.resolve();
  private session = 0;
  private lastCountEmit = 0;
  private readonly supervision: CameraSupervision;
  private readonly turns: RecognitionTurns;
  /** The newest frame recognition took (the settings screen's preview of a running camera); null while not live. */
  latestFrame: { readonly image: Mat; readonly capturedAt: number } | null = null;

  constructor(
    readonly config: CameraConfig,
    private readonly options: PipelineOptions,
  ) {
    this.supervision = options.supervision ?? DEFAULT_SUPERVISION;
    this.turns = options.turns ?? new RecognitionTurns();
    this.current = {
      id: config.id,
      name: config.name,
      state: 'stopped',
      fps: 0,
      framesRead: 0,
      framesDropped: 0,
      lastFrameAt: null,
      fault: null,
      nextRetryAt: null,
      outOfServiceReason: null,
    };
  }

  get status(): CameraStatus {
    return this.current;
  }

  /** Starts grabbing (again). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.set({ state: 'starting', outOfServiceReason: null, fault: null, nextRetryAt: null });
    this.running = this.supervise();
  }

  /** Stops grabbing and waits until the camera's loop has ended. */
  async stop(state: 'stopped' | 'out-of-service' = 'stopped', reason: string | null = null): Promise<void> {
    this.stopped = true;
    this.grabber?.close();
    this.turns.cancel(this.config.id);
    this.wake?.();
    await this.running;
    this.set({ state, fps: 0, nextRetryAt: null, outOfServiceReason: state === 'out-of-service' ? reason : null });
  }

  /** Resolves when the camera's loop has ended (a replay without loop, or stop). */
  done(): Promise<void> {
    return this.running;
  }

  private set(change: Partial<CameraStatus>, counters = false): void {
    this.current = { ...this.current, ...change };
    if (counters) {
      const now = this.options.now();
      if (now - this.lastCountEmit < 1000) return;
      this.lastCountEmit = now;
    }
    this.options.onStatus(this.current);
  }

  private async supervise(): Promise<void> {
    const { config } = this;
    const live = isLiveSource(config.source);
    const backoff = new Backoff(this.supervision.backoff);
    while (!this.stopped) {
      let ended = false;
      let failure: CameraFault | null = null;
      try {
        ended = await this.play(backoff);
      } catch (error) {
        failure = cameraFault(error);
      } finally {
        this.grabber?.close();
        this.grabber = null;
      }
      if (this.stopped) return;
      if (ended && !live) {
        log.info({ camera: config.id }, 'replay ended');
        this.set({ state: 'stopped', fps: 0, fault: { kind: 'ended', detail: `camera ${config.id}: ${config.source} ended`, seconds: null } });
        return;
      }
      failure ??= { kind: 'ended', detail: `camera ${config.id}: ${config.source} stopped sending frames`, seconds: null };
      if (!live) {
        log.error({ camera: config.id, fault: failure.kind, err: failure.detail }, 'camera failed');
        this.set({ state: 'failed', fps: 0, fault: failure });
        return;
      }
      const delay = backoff.failed(this.options.now());
      log.warn({ camera: config.id, fault: failure.kind, err: failure.detail, delayMs: delay }, 'camera failed; reopening');
      this.set({ state: 'failed', fps: 0, fault: failure, nextRetryAt: this.options.now() + delay });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
      if (this.stopped) return;
      this.set({ state: 'reconnecting', nextRetryAt: null });
    }
  }

  /** Plays one opening of the source; true when it ended (a replay's end), throws when it failed. */
  private async play(backoff: Backoff): Promise<boolean> {
    const { config } = this;
    const session = ++this.session;
    const grabber = (this.options.grabber ?? defaultGrabber)(
      { cameraId: config.id, source: config.source, fps: config.fps, loop: config.loop ?? false, width: config.width, height: config.height, rotation: config.rotation },
      grabberTimeouts(config, this.supervision),
    );
    this.grabber = grabber;
    if (this.stopped) grabber.close();
    const opened = await grabber.open();
    log.info({ camera: config.id, source: opened.description }, 'camera started');
    const isHot = this.options.isHot;
    const tracker = new PlateTracker<ObservationPayload>(
      isHot ? { confirms: (o) => o.confidence >= EARLY_ALERT_CONFIDENCE && isHot({ plate: o.plate, state: o.payload.state, candidates: o.payload.candidates }) } : {},
    );
    const rate = new RateMeter();
    const base = { read: this.current.framesRead, dropped: this.current.framesDropped };
    const deliver = (read: TrackedRead<ObservationPayload>): void =>
      this.options.onPass({ cameraId: config.id, passKey: `${config.id}#${session}#${read.trackId}`, read });
    // The Mats this camera holds: frames and plate crops are freed as soon as neither the tracker
    // (the evidence of a pass still in view) nor the settings screen's preview needs them. OpenCV's
    // memory is not reported to V8 (opencv-quiet.ts), so the GC alone would free them late, and
    // at three cameras the process grew by hundreds of MB between collections.
    let held = new Set<Mat>();
    const releaseUnheld = (): void => {
      const keep = new Set<Mat>();
      for (const o of tracker.held()) keep.add(o.payload.frame).add(o.payload.crop);
      if (this.latestFrame) keep.add(this.latestFrame.image);
      for (const mat of held) if (!keep.has(mat)) mat.release();
      held = keep;
    };
    let ended = false;
    try {
      for (;;) {
        const got = await this.frameInTurn(grabber);
        if (!got) {
          ended = !this.stopped;
          break;
        }
        const { frame, turn, receivedAt, turnWaitMs } = got;
        held.add(frame.image);
        let recognition: FrameRecognition;
        let gps: GpsFix | null;
        let startedAt: number;
        try {
          const now = this.options.now();
          backoff.frame(now);
          const fps = rate.add(now, frame.framesRead);
          const wasLive = this.current.state === 'live';
          this.set(
            {
              state: 'live',
              fps,
              framesRead: base.read + frame.framesRead,
              framesDropped: base.dropped + frame.framesDropped,
              lastFrameAt: frame.capturedAt,
              fault: null,
              nextRetryAt: null,
            },
            wasLive,
          );
          this.latestFrame = { image: frame.image, capturedAt: frame.capturedAt };
          gps = this.options.gps();
          startedAt = Date.now();
          recognition = await this.options.recognizer.recognize(frame.image, config.roi ? { roi: config.roi } : {});
        } finally {
          // The next camera's turn: storing and matching below need no recognizer.
          turn.release();
        }
        const storeFrom = performance.now();
        const ready = tracker.observe(
          recognition.plates.map((p) => ({
            plate: p.plate,
            confidence: p.confidence,
            box: p.box,
            at: frame.capturedAt,
            payload: { frame: frame.image, gps, crop: p.crop, state: p.state, stateConfidence: p.stateConfidence, candidates: [...p.candidates] },
          })),
          frame.capturedAt,
        );
        for (const read of ready) deliver(read);
        for (const p of recognition.plates) held.add(p.crop);
        releaseUnheld();
        this.options.onFrame?.({
          cameraId: config.id,
          capturedAt: frame.capturedAt,
          grabMs: Math.max(0, receivedAt - frame.capturedAt),
          queueMs: Math.max(0, startedAt - receivedAt),
          turnWaitMs,
          detectMs: recognition.timings.detectMs,
          ocrMs: recognition.timings.ocrMs,
          storeMs: performance.now() - storeFrom,
          reads: ready.length,
        });
      }
    } finally {
      this.latestFrame = null;
      rate.reset();
      for (const read of tracker.flush()) deliver(read);
      releaseUnheld();
    }
    return ended;
  }

  /**
   * Waits for this camera's turn at the recognizer and asks the grabber for
   * its newest frame once the camera is next in line, so the frame comes over
   * while the camera before it is read, and is as fresh as it can be when the
   * turn comes. A grabber slow to answer (a source gone silent) does not hold
   * the turn: the others go meanwhile, and the camera takes its next turn when
   * the frame has come. Null when the source ended or the camera stopped.
   */
  private async frameInTurn(grabber: Grabber): Promise<{ frame: GrabbedFrame; turn: Turn; receivedAt: number; turnWaitMs: number } | null> {
    const id = this.config.id;
    let asked: Promise<GrabbedFrame | null> | null = null;
    const ask = (): Promise<GrabbedFrame | null> => {
      if (!asked) {
        asked = grabber.next();
        // Awaited below; a camera stopped meanwhile never gets there.
        asked.catch(() => undefined);
      }
      return asked;
    };
    let from = performance.now();
    let turn = await this.turns.take(id, () => void ask());
    let turnWaitMs = performance.now() - from;
    try {
      const pending = ask();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), TURN_FRAME_WAIT_MS)));
      let frame = await Promise.race([pending, late]).finally(() => clearTimeout(timer));
      let receivedAt = Date.now();
      if (frame === 'late') {
        turn.release();
        frame = await pending;
        receivedAt = Date.now();
        if (!frame || this.stopped) return null;
        from = performance.now();
        turn = await this.turns.take(id);
        turnWaitMs += performance.now() - from;
      }
      if (!frame || this.stopped) {
        turn.release();
        return null;
      }
      return { frame, turn, receivedAt, turnWaitMs };
    } catch (error) {
      turn.release();
      throw error;
    }
  }
}

