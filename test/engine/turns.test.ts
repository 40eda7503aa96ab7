/**
 * The cameras take the recognizer in turns: never two recognitions at once,
 * round-robin between the cameras, the newest frame of each camera read when
 * its turn comes, a silent grabber never holding the others up, and a hot
 * reading alerted on from its first frame.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Mat } from '@u4/opencv4nodejs';
import { CameraPipeline, EARLY_ALERT_CONFIDENCE, type CameraPass, type FrameTimings } from '../../src/main/engine/camera/pipeline.js';
import type { GrabbedFrame, GrabberFactory } from '../../src/main/engine/camera/grabber.js';
import { RecognitionTurns, TurnCancelled } from '../../src/main/engine/camera/turns.js';
import type { FrameRecognition, Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import cv from '../../src/main/engine/opencv.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

describe('RecognitionTurns', () => {
  it('gives one turn at a time, to the camera that waited longest', async () => {
    const turns = new RecognitionTurns();
    const order: string[] = [];
    const first = await turns.take('a');
    const waiting = ['b', 'c', 'a'].map((id) => turns.take(id).then((turn) => (order.push(id), turn)));
    expect(turns.queue).toEqual(['b', 'c', 'a']);
    await delay(1);
    expect(order).toEqual([]);
    first.release();
    const b = await waiting[0]!;
    expect(order).toEqual(['b']);
    // Releasing twice lets in only one camera.
    b.release();
    b.release();
    await delay(1);
    expect(order).toEqual(['b', 'c']);
    (await waiting[1]!).release();
    (await waiting[2]!).release();
    expect(order).toEqual(['b', 'c', 'a']);
    expect(Object.fromEntries(turns.given)).toEqual({ a: 2, b: 1, c: 1 });
  });

  it('tells each camera when it is next in line, so it can fetch its frame during the turn before', async () => {
    const turns = new RecognitionTurns();
    const told: string[] = [];
    const a = await turns.take('a', () => told.push('a'));
    expect(told).toEqual(['a']);
    const b = turns.take('b', () => told.push('b'));
    const c = turns.take('c', () => told.push('c'));
    // b is next while a is read; c only once b's turn has come.
    expect(told).toEqual(['a', 'b']);
    a.release();
    (await b).release();
    expect(told).toEqual(['a', 'b', 'c']);
    (await c).release();
    expect(told).toEqual(['a', 'b', 'c']);
  });

  it('refuses a second wait of the same camera, and a cancelled wait gives its place away', async () => {
    const turns = new RecognitionTurns();
    const held = await turns.take('a');
    const b = turns.take('b');
    await expect(turns.take('b')).rejects.toThrow(/camera b is already waiting/);
    const c = turns.take('c');
    turns.cancel('b');
    await expect(b).rejects.toBeInstanceOf(TurnCancelled);
    held.release();
    const turn = await c;
    expect(turns.queue).toEqual([]);
    turn.release();
  });
});

/** A frame whose top-left pixel is a code: the recognizer below reads 10 as HOT123 and 20 as ABC999. */
function codedFrame(code: number): Mat {
  const frame = new cv.Mat(48, 64, cv.CV_8UC3, [90, 95, 100]);
  frame.set(0, 0, new cv.Vec3(code, code, code));
  return frame;
}

/** Recognizes slowly, one frame at a time or not: it records how many ran at once. */
class CountingRecognizer implements Recognizer {
  readonly name = 'counting';
  running = 0;
  mostAtOnce = 0;
  readonly seen: { camera: string; seq: number; mat: Mat }[] = [];
  constructor(
    private readonly ms: number,
    private readonly confidence = 0.95,
  ) {}
  async recognize(frame: Mat): Promise<FrameRecognition> {
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    const code = (frame.at(0, 0) as unknown as { x: number }).x;
    const [camera, seq] = [frame.at(1, 0) as unknown as { x: number }, frame.at(2, 0) as unknown as { x: number }];
    this.seen.push({ camera: String.fromCharCode(camera.x), seq: seq.x, mat: frame });
    await delay(this.ms);
    this.running--;
    const plate = code === 10 ? 'HOT123' : code === 20 ? 'ABC999' : null;
    if (!plate) return { plates: [], timings: { detectMs: this.ms, ocrMs: 0 } };
    return {
      plates: [{
        plate, confidence: this.confidence, charConfidences: [...plate].map(() => this.confidence), candidates: [{ plate, confidence: this.confidence }],
        state: 'CA', stateConfidence: 0.9, box: [10, 10, 30, 15], quad: null, detectorScore: 0.9, crop: frame.getRegion(new cv.Rect(10, 10, 30, 15)),
      }],
      timings: { detectMs: this.ms / 2, ocrMs: this.ms / 2 },
    };
  }
  async dispose() {}
}

/**
 * A live camera that makes a frame every `everyMs` into a one-frame slot (the
 * newest wins, as in the grabber process) and hands it over when asked; the
 * frame's pixels carry the camera's letter and the frame's number. `made`
 * holds the number of the newest frame each camera made.
 */
function liveGrabber(
  everyMs: number,
  code: (seq: number) => number,
  silentAfter = Infinity,
): { factory: GrabberFactory; made: Map<string, number>; asks: Map<string, number> } {
  const made = new Map<string, number>();
  const asks = new Map<string, number>();
  const factory: GrabberFactory = (config) => {
    let seq = 0;
    let newest: GrabbedFrame | null = null;
    let waiter: ((frame: GrabbedFrame | null) => void) | null = null;
    let closed = false;
    const timer = setInterval(() => {
      if (seq >= silentAfter) return;
      const image = codedFrame(code(seq));
      image.set(1, 0, new cv.Vec3(config.cameraId.charCodeAt(0), 0, 0));
      image.set(2, 0, new cv.Vec3(seq % 256, 0, 0));
      const frame: GrabbedFrame = { cameraId: config.cameraId, seq, capturedAt: Date.now(), image, framesRead: seq + 1, framesDropped: 0 };
      made.set(config.cameraId, seq);
      seq++;
      if (waiter) {
        const w = waiter;
        waiter = null;
        w(frame);
      } else {
        newest = frame;
      }
    }, everyMs);
    return {
      open: async () => ({ description: 'scripted live camera', fps: 1000 / everyMs }),
      next: () => {
        asks.set(config.cameraId, (asks.get(config.cameraId) ?? 0) + 1);
        if (closed) return Promise.resolve(null);
        const frame = newest;
        newest = null;
        return frame ? Promise.resolve(frame) : new Promise((resolve) => (waiter = resolve));
      },
      close: () => {
        closed = true;
        clearInterval(timer);
        waiter?.(null);
      },
    };
  };
  return { factory, made, asks };
}

interface Camera {
  readonly pipeline: CameraPipeline;
  readonly passes: CameraPass[];
  readonly frames: FrameTimings[];
}

function camera(id: string, recognizer: Recognizer, grabber: GrabberFactory, extra: { turns?: RecognitionTurns; isHot?: (plate: string) => boolean } = {}): Camera {
  const passes: CameraPass[] = [];
  const frames: FrameTimings[] = [];
  const pipeline = new CameraPipeline(
    { id, name: id, source: 'rtsp://127.0.0.1:1/stream', fps: 15 },
    {
      recognizer,
      gps: () => null,
      now: Date.now,
      onPass: (pass) => passes.push(pass),
      onStatus: () => undefined,
      onFrame: (t) => frames.push(t),
      grabber,
      ...(extra.turns ? { turns: extra.turns } : {}),
      ...(extra.isHot ? { isHot: (reading: { plate: string }) => extra.isHot!(reading.plate) } : {}),
    },
  );
  pipeline.start();
  cleanups.push(() => pipeline.stop());
  return { pipeline, passes, frames };
}

describe('cameras taking turns', () => {
  it('three cameras at 15 fps: one recognition at a time, turns shared fairly, one frame asked for per turn', async () => {
    const recognizer = new CountingRecognizer(30);
    const { factory, asks } = liveGrabber(66, () => 0);
    const turns = new RecognitionTurns();
    const cameras = ['a', 'b', 'c'].map((id) => camera(id, recognizer, factory, { turns }));
    await until('30 recognitions of each camera', () => cameras.every((c) => c.frames.length >= 30));
    expect(recognizer.mostAtOnce).toBe(1);
    const counts = cameras.map((c) => c.frames.length);
    // Round-robin: the counts stay within a turn or two of each other (a camera whose frame is late loses a turn).
    expect(Math.max(...counts) - Math.min(...counts), `turns per camera ${counts.join(', ')}`).toBeLessThanOrEqual(3);
    // Latest frame wins: a camera asks its grabber for one frame per turn (at most one ahead, while it is
    // next in line), so frames made meanwhile are dropped in the grabber, never queued here.
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      expect(asks.get(id)! - cameras[i]!.frames.length, `camera ${id}: asks beyond its recognitions`).toBeLessThanOrEqual(1);
    }
    const seen = recognizer.seen.filter((s) => s.camera === 'a').map((s) => s.seq);
    expect(seen.every((seq, i) => i === 0 || seq > seen[i - 1]!), 'frames of camera a in order').toBe(true);
    expect(seen.some((seq, i) => i > 0 && seq - seen[i - 1]! > 1), 'some frames of camera a were skipped').toBe(true);
    // A camera stopped while it waits for its turn stops at once; the others go on.
    const before = cameras[1]!.frames.length;
    await cameras[0]!.pipeline.stop();
    await until('camera b goes on after a stopped', () => cameras[1]!.frames.length >= before + 5);
    expect(turns.queue).not.toContain('a');
  });

  it('each camera on a turn of its own recognizes at the same time as the others (what shared turns prevent)', async () => {
    const recognizer = new CountingRecognizer(30);
    const { factory } = liveGrabber(66, () => 0);
    const cameras = ['a', 'b', 'c'].map((id) => camera(id, recognizer, factory));
    await until('10 recognitions of each camera', () => cameras.every((c) => c.frames.length >= 10));
    expect(recognizer.mostAtOnce).toBeGreaterThan(1);
  });

  it('a camera whose grabber goes silent does not hold the others up', async () => {
    const recognizer = new CountingRecognizer(20);
    const turns = new RecognitionTurns();
    const silent = liveGrabber(66, () => 0, 3);
    const healthy = liveGrabber(66, () => 0);
    const a = camera('a', recognizer, silent.factory, { turns });
    const b = camera('b', recognizer, healthy.factory, { turns });
    await until('camera a silent', () => silent.made.get('a') === 2 && a.frames.length > 0);
    await delay(200);
    const [fromA, fromB] = [a.frames.length, b.frames.length];
    const started = Date.now();
    await delay(1000);
    // About 15 frames a second; a turn held while a's grabber stays silent would give b none at all.
    expect(b.frames.length - fromB, `camera b recognized ${b.frames.length - fromB} frames in ${Date.now() - started} ms`).toBeGreaterThanOrEqual(3);
    expect(a.frames.length).toBe(fromA);
  });
});

describe('early alert', () => {
  it('a hot reading at or above the early-alert confidence makes its read from its first frame', async () => {
    expect(EARLY_ALERT_CONFIDENCE).toBe(0.5);
    const recognizer = new CountingRecognizer(5, 0.6);
    // Frame 2 shows the hot plate, frame 4 another plate; one frame each, nothing around them.
    const { factory } = liveGrabber(66, (seq) => (seq === 2 ? 10 : seq === 4 ? 20 : 0), 45);
    const cam = camera('a', recognizer, factory, { isHot: (plate) => plate === 'HOT123' });
    await until('the hot read', () => cam.passes.length >= 1);
    await until('both passes', () => cam.passes.length >= 2, 5000);
    const [hot, cold] = cam.passes;
    expect(hot!.read.plate).toBe('HOT123');
    expect(hot!.read.observations).toBe(1);
    // The hot read came out of the frame that saw it; the other plate only when its track ended (1.5 s without it).
    const hotFrame = cam.frames.find((f) => f.capturedAt === hot!.read.best.at)!;
    expect(hotFrame.reads).toBe(1);
    expect(cold!.read.plate).toBe('ABC999');
    expect(cam.frames.find((f) => f.capturedAt === cold!.read.best.at)!.reads).toBe(0);
  });

  it('a hot reading below the early-alert confidence waits for its track to be confirmed', async () => {
    const recognizer = new CountingRecognizer(5, 0.4);
    const { factory } = liveGrabber(66, (seq) => (seq === 2 ? 10 : 0), 45);
    const cam = camera('a', recognizer, factory, { isHot: (plate) => plate === 'HOT123' });
    await until('the frames', () => cam.frames.length >= 4);
    expect(cam.passes).toEqual([]);
    await until('the pass at its end', () => cam.passes.length >= 1, 5000);
    expect(cam.frames.find((f) => f.capturedAt === cam.passes[0]!.read.best.at)!.reads).toBe(0);
  });
});

describe('frames freed early', () => {
  it('a frame is freed once recognized, unless it is the latest (the preview) or the evidence of a pass still in view', async () => {
    const recognizer = new CountingRecognizer(5, 0.95);
    // Frame 2 shows a plate; its pass ends 1.5 s after it was last seen.
    const { factory } = liveGrabber(66, (seq) => (seq === 2 ? 10 : 0), 60);
    const cam = camera('a', recognizer, factory);
    await until('ten frames', () => cam.frames.length >= 10);
    const seen = (seq: number): Mat | undefined => recognizer.seen.find((s) => s.seq === seq)?.mat;
    await until('the plate frame', () => seen(2));
    const latest = cam.pipeline.latestFrame!.image;
    const done = recognizer.seen.map((s) => s.mat).filter((m) => m !== latest && m !== seen(2));
    expect(done.length).toBeGreaterThan(5);
    expect(done.every((m) => m.empty), 'frames recognized and not needed are freed').toBeTruthy();
    expect(latest.empty).toBeFalsy();
    expect(seen(2)!.empty, "the pass's evidence is kept while the pass is in view").toBeFalsy();
    expect(cam.passes.map((p) => p.read.plate)).toEqual(['HOT123']);
    // The pass ends 1.5 s (of frame time) after the plate was last seen.
    const after = Date.now() + 1600;
    await until('a frame well after the pass ended', () => cam.frames.some((f) => f.capturedAt > after));
    expect(seen(2)!.empty, 'freed once the pass has ended').toBeTruthy();
    await cam.pipeline.stop();
    expect(recognizer.seen.every((s) => s.mat.empty), 'all freed when the camera stops').toBeTruthy();
  });
});
