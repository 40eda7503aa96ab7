/**
 * A camera's grabber, run as its own process (one per camera): it opens the
 * source and grabs frames. Opening a source and reading from it are blocking
 * native calls (a network camera that accepts and never sends holds them for
 * tens of seconds), so here they can stall only this camera; the pipeline
 * kills a grabber that stays silent and starts a new one. Frames are grabbed
 * into a one-frame slot and handed over when the pipeline asks.
 */
import { LatestSlot } from './slot.js';
import { openSource, sourceOptions, type Frame, type FrameSource } from './source.js';
import type { GrabberConfig, GrabberMessage, GrabberRequest } from './grabber-protocol.js';

function send(message: GrabberMessage, then?: () => void): void {
  if (!process.send) return;
  process.send(message, undefined, undefined, () => then?.());
}

function fail(message: string): void {
  send({ type: 'error', message }, () => process.exit(1));
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as GrabberConfig;
  // The pipeline went away (engine stopped or crashed): nothing to grab for.
  process.on('disconnect', () => process.exit(0));
  let source: FrameSource;
  send({ type: 'ready' });
  try {
    source = openSource(config.source, sourceOptions(config));
  } catch (error) {
    fail((error as Error).message);
    return;
  }
  send({ type: 'open', description: source.description, fps: source.fps });
  const slot = new LatestSlot<Frame>(source.fps > 0 && !config.everyFrame);
  let framesRead = 0;
  process.on('message', (request: GrabberRequest) => {
    if (request.type !== 'want') return;
    void slot.take().then((frame) => {
      if (!frame) {
        send({ type: 'end', framesRead, framesDropped: slot.dropped });
        return;
      }
      const { image } = frame;
      send({
        type: 'frame',
        seq: frame.seq,
        capturedAt: frame.capturedAt,
        rows: image.rows,
        cols: image.cols,
        matType: image.type,
        data: image.getData(),
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
    fail((error as Error).message);
  }
}

void main();
