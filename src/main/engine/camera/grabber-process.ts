/**
 * A camera's grabber, run as its own process (one per camera): it opens the
 * source and grabs frames. Opening a source and reading from it are blocking
 * native calls (a network camera that accepts and never sends holds them for
 * tens of seconds), so here they can stall only this camera; the pipeline
 * kills a grabber that stays silent and starts a new one. Frames are grabbed
 * into a one-frame slot and handed over when the pipeline asks: the pixels
 * through the frame file (in memory), the rest over the channel.
 */
import fs from 'node:fs';
import { LatestSlot } from './slot.js';
import { cameraFault, FrameSourceError, openSource, sourceOptions, type Frame, type FrameSource } from './source.js';
import type { GrabberConfig, GrabberMessage, GrabberRequest } from './grabber-protocol.js';

function send(message: GrabberMessage, then?: () => void): void {
  if (!process.send) return;
  process.send(message, undefined, undefined, () => then?.());
}

/** Tells the pipeline how the source failed (its kind crosses with the message) and ends. */
function fail(error: unknown): void {
  const { kind, detail } = cameraFault(error);
  send({ type: 'error', kind, message: detail }, () => process.exit(1));
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as GrabberConfig;
  // The pipeline went away (engine stopped or crashed): nothing to grab for, and nobody to remove the frame file.
  process.on('disconnect', () => {
    if (config.frameFile) fs.rmSync(config.frameFile, { force: true });
    process.exit(0);
  });
  let source: FrameSource;
  send({ type: 'ready' });
  try {
    source = openSource(config.source, sourceOptions(config));
  } catch (error) {
    fail(error);
    return;
  }
  send({ type: 'open', description: source.description, fps: source.fps });
  let frameFile: number | null = null;
  if (config.frameFile) {
    try {
      frameFile = fs.openSync(config.frameFile, 'w');
    } catch (error) {
      fail(new FrameSourceError('grabber-died', `camera ${config.cameraId}: cannot create the frame file ${config.frameFile}: ${(error as Error).message}`));
      return;
    }
  }
  // A frame is freed as soon as it is sent or replaced: OpenCV's memory is not the GC's to watch
  // (opencv-quiet.ts), so a frame left to the GC could wait there for many more behind it.
  const slot = new LatestSlot<Frame>(source.fps > 0 && !config.everyFrame, (frame) => frame.image.release());
  let framesRead = 0;
  process.on('message', (request: GrabberRequest) => {
    if (request.type !== 'want') return;
    void slot.take().then((frame) => {
      if (!frame) {
        send({ type: 'end', framesRead, framesDropped: slot.dropped });
        return;
      }
      const { image } = frame;
      let data: Uint8Array | null = image.getData();
      const { rows, cols, type } = image;
      const bytes = data.length;
      image.release();
      if (frameFile !== null) {
        fs.writeSync(frameFile, data, 0, data.length, 0);
        data = null;
      }
      send({
        type: 'frame',
        seq: frame.seq,
        capturedAt: frame.capturedAt,
        rows,
        cols,
        matType: type,
        data,
        bytes,
        framesRead,
        framesDropped: slot.dropped,
      });
    });
  });
  try {
    for (;;) {
      const frame = await source.next();
      if (!frame) break;
      framesRead++;
      await slot.put(frame);
    }
    slot.close();
  } catch (error) {
    fail(error);
  }
}

void main();
