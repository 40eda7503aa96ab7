/**
 * Each way a camera stops giving pictures reaches its status as a typed fault,
 * set by the camera code where it found it: a source that is not there, a
 * stream that cannot be reached, one that accepts and never answers, one that
 * hangs mid-stream, a stream that closes, pictures that cannot be decoded,
 * a replay that ends, the grabber process killed, and any other error. The
 * screens' words come from the kind alone (src/shared/equipment.ts).
 * Needs the built grabber process (`npm run build:node`; `npm test` builds).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CameraFault, CameraStatus } from '../../src/shared/contract.js';
import { grabberProcessFile, processGrabber, type GrabberFactory } from '../../src/main/engine/camera/grabber.js';
import { CameraPipeline, type CameraConfig } from '../../src/main/engine/camera/pipeline.js';
import { FrameSourceError } from '../../src/main/engine/camera/source.js';
import type { Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import cv from '../../src/main/engine/opencv.js';
import { encodeJpeg } from '../../src/main/engine/engine.js';
import { hungCamera, MjpegCamera } from '../helpers/mjpeg.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

beforeAll(() => {
  expect(grabberProcessFile(), 'the grabber process must be built (npm run build:node)').not.toBeNull();
});

const nothing: Recognizer = {
  name: 'nothing',
  recognize: async () => ({ plates: [], timings: { detectMs: 0, ocrMs: 0 } }),
  dispose: async () => {},
};

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function folderOfFrames(count: number): string {
  const dir = tempDir('lpr-fault-frames-');
  for (let i = 0; i < count; i++) cv.imwrite(path.join(dir, `f${String(i).padStart(3, '0')}.png`), new cv.Mat(120, 160, cv.CV_8UC3, [90, 95, 100]));
  return dir;
}

async function until<T>(what: string, check: () => T | undefined | null | false, timeoutMs = 120_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A camera's pipeline on the real grabber process, with every status it reported. */
function camera(config: Omit<CameraConfig, 'name' | 'fps'> & { fps?: number }, grabber: GrabberFactory = processGrabber) {
  const statuses: CameraStatus[] = [];
  const pipeline = new CameraPipeline(
    { name: config.id, fps: 10, ...config },
    {
      recognizer: nothing,
      gps: () => null,
      now: Date.now,
      onPass: () => undefined,
      onStatus: (status) => statuses.push(status),
      supervision: { backoff: { initialMs: 200, maxMs: 1000, resetAfterMs: 60_000 }, timeouts: { openMs: 2000, frameMs: 3000 } },
      grabber,
    },
  );
  pipeline.start();
  cleanups.push(() => pipeline.stop());
  /** The first status that failed or stopped the camera with a fault. */
  const faulted = (): CameraFault | null => statuses.find((s) => (s.state === 'failed' || s.state === 'stopped') && s.fault)?.fault ?? null;
  return { pipeline, statuses, faulted };
}

/** A camera that accepts and never sends (test/helpers/mjpeg.ts), closed after the test. */
async function hungServer(): Promise<string> {
  const camera = await hungCamera();
  cleanups.push(camera.close);
  return camera.url;
}

async function mjpegCamera(): Promise<MjpegCamera> {
  const stream = new MjpegCamera([encodeJpeg(new cv.Mat(120, 160, cv.CV_8UC3, [90, 95, 100]), 80)], 10);
  await stream.start();
  cleanups.push(() => stream.kill());
  return stream;
}

/** The grabber processes this test process started for a camera (its id is in the grabber's arguments). */
function grabberPids(cameraId: string): number[] {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n');
  return lines.filter((line) => line.includes(`"cameraId":"${cameraId}"`)).map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe('camera faults', () => {
  it('a source that is not there: a missing file, and a folder with no pictures, are missing', async () => {
    const gone = camera({ id: 'gone', source: path.join(tempDir('lpr-fault-'), 'front.mp4') });
    const empty = camera({ id: 'empty', source: tempDir('lpr-fault-empty-') });
    await Promise.all([gone.pipeline.done(), empty.pipeline.done()]);
    expect(gone.pipeline.status).toMatchObject({ state: 'failed', fault: { kind: 'missing', detail: expect.stringMatching(/camera gone: video file .*front\.mp4 does not exist/), seconds: null } });
    expect(empty.pipeline.status).toMatchObject({ state: 'failed', fault: { kind: 'missing', detail: expect.stringMatching(/image folder .* has no/) } });
  });

  it('pictures that cannot be decoded: a corrupt video file, and a corrupt picture in a folder mid-replay, are undecodable', async () => {
    const file = path.join(tempDir('lpr-fault-'), 'front.mp4');
    fs.writeFileSync(file, 'not a video at all');
    const video = camera({ id: 'video', source: file });
    const folder = folderOfFrames(3);
    fs.writeFileSync(path.join(folder, 'f999.jpg'), 'not an image');
    const frames = camera({ id: 'frames', source: folder });
    await Promise.all([video.pipeline.done(), frames.pipeline.done()]);
    expect(video.pipeline.status).toMatchObject({ state: 'failed', fault: { kind: 'undecodable', detail: expect.stringContaining(file) } });
    // The error came over the grabber's channel with its kind, after the good pictures.
    expect(frames.statuses.some((s) => s.state === 'live')).toBe(true);
    expect(frames.pipeline.status).toMatchObject({ state: 'failed', fault: { kind: 'undecodable', detail: expect.stringMatching(/cannot decode .*f999\.jpg/) } });
  });

  it('a replay that reaches its end is stopped, and says it ended', async () => {
    const replay = camera({ id: 'replay', source: folderOfFrames(3), fps: 0 });
    await replay.pipeline.done();
    expect(replay.pipeline.status).toMatchObject({ state: 'stopped', framesRead: 3, fault: { kind: 'ended', seconds: null } });
  });

  it('a network camera that accepts and never answers gets no answer within its open time, and is tried again', async () => {
    const hung = camera({ id: 'hung', source: await hungServer() });
    const fault = await until('the hung camera failed', hung.faulted);
    expect(fault).toEqual({ kind: 'no-answer', detail: expect.stringMatching(/camera hung: http:\/\/127\.0\.0\.1:\d+\/video\.mjpg did not open within 2 s/), seconds: 2 });
    expect(hung.statuses.find((s) => s.fault)!.nextRetryAt).not.toBeNull();
  });

  it('a network camera that hangs mid-stream has stalled after its stall time; sending again clears the fault', async () => {
    const stream = await mjpegCamera();
    const ip = camera({ id: 'stall', source: stream.url, stallSeconds: 1 });
    await until('the camera live', () => ip.pipeline.status.state === 'live');
    stream.freeze();
    const fault = await until('the camera failed', ip.faulted);
    expect(fault).toEqual({ kind: 'stalled', detail: expect.stringMatching(/no frame for 1 s/), seconds: 1 });
    stream.thaw();
    await until('the camera live again', () => ip.pipeline.status.state === 'live');
    expect(ip.pipeline.status.fault).toBeNull();
  });

  it('a network camera whose server goes: its stream ended, then it cannot be reached until it is back', async () => {
    const stream = await mjpegCamera();
    const ip = camera({ id: 'killed', source: stream.url });
    await until('the camera live', () => ip.pipeline.status.state === 'live');
    await stream.kill();
    const first = await until('the camera failed', ip.faulted);
    expect(first).toEqual({ kind: 'ended', detail: expect.stringMatching(/camera killed: http:.* stopped sending frames/), seconds: null });
    // Reopened while the server is gone: the connection is refused.
    const refused = await until('a reopening refused', () => ip.statuses.find((s) => s.state === 'failed' && s.fault?.kind === 'unreachable'));
    expect(refused.fault).toEqual({ kind: 'unreachable', detail: expect.stringMatching(/camera killed: cannot open video http:/), seconds: null });
    await stream.start();
    await until('the camera live again', () => ip.pipeline.status.state === 'live');
    expect(ip.pipeline.status.fault).toBeNull();
  });

  it('a grabber process killed under a live camera: the grabber died, and a new one takes over', async () => {
    const stream = await mjpegCamera();
    const id = `doomed-${process.pid}`;
    const ip = camera({ id, source: stream.url });
    await until('the camera live', () => ip.pipeline.status.state === 'live');
    const pids = grabberPids(id);
    expect(pids).toHaveLength(1);
    process.kill(pids[0]!, 'SIGKILL');
    const fault = await until('the camera failed', ip.faulted);
    expect(fault).toEqual({ kind: 'grabber-died', detail: `camera ${id}: grabber process for ${stream.url} stopped (SIGKILL)`, seconds: null });
    await until('the camera live again', () => ip.pipeline.status.state === 'live');
    expect(grabberPids(id)).not.toEqual(pids);
  });

  it('any other error is unexpected, with its message as the detail; a source error keeps its own kind', async () => {
    const throwing = (error: Error): GrabberFactory => () => ({
      open: async () => {
        throw error;
      },
      next: async () => null,
      close: () => undefined,
    });
    const odd = camera({ id: 'odd', source: '/footage/front.mp4' }, throwing(new TypeError('cannot read properties of undefined')));
    const typed = camera({ id: 'typed', source: '/footage/rear.mp4' }, throwing(new FrameSourceError('unreachable', 'camera typed: refused')));
    await Promise.all([odd.pipeline.done(), typed.pipeline.done()]);
    expect(odd.pipeline.status.fault).toEqual({ kind: 'unexpected', detail: 'cannot read properties of undefined', seconds: null });
    expect(typed.pipeline.status.fault).toEqual({ kind: 'unreachable', detail: 'camera typed: refused', seconds: null });
  });
});
