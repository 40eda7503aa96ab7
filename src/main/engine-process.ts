/**
 * Entry of the engine's utility process in the Electron app. It runs the
 * engine in plain Node and talks to the main process over Electron's
 * parentPort: requests in, results and events out. An inference stall here
 * never freezes the window, and main restarts this process if it dies.
 */
import path from 'node:path';
import { Engine, type CameraConfig } from './engine/engine.js';
import { loadHotListsConfig } from './engine/hotlist/index.js';
import { createRecognizer } from './engine/recognition/index.js';
import { prepareDemo } from './engine/demo.js';
import { eventSchemas, type EventName } from '../shared/contract.js';
import { logger } from './engine/log.js';

interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export type ToEngine =
  | { type: 'start'; dataDir: string; cameras: CameraConfig[]; threads: number; /** Add the demo officer, hot list and footage camera. */ demo?: boolean }
  | { type: 'invoke'; id: number; channel: string; request: unknown };

export type FromEngine =
  | { type: 'ready'; recognizer: string }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'event'; event: string; payload: unknown }
  | { type: 'fatal'; error: string };

const log = logger('engine-process');
const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!port) throw new Error('engine-process must run as an Electron utility process');

let engine: Engine | null = null;
const queued: Extract<ToEngine, { type: 'invoke' }>[] = [];

async function serveInvoke(message: Extract<ToEngine, { type: 'invoke' }>): Promise<void> {
  const result = await engine!.handle(message.channel, message.request);
  port!.postMessage({ type: 'result', id: message.id, result } satisfies FromEngine);
}

port.on('message', ({ data }) => {
  const message = data as ToEngine;
  if (message.type === 'start') {
    void (async () => {
      try {
        const recognizer = await createRecognizer({ threads: message.threads });
        engine = new Engine({
          dbFile: path.join(message.dataDir, 'lpr.sqlite'),
          recognizer,
          hotLists: loadHotListsConfig(path.join(message.dataDir, 'hotlists.json')),
          downloadDir: path.join(message.dataDir, 'downloads'),
        });
        for (const event of Object.keys(eventSchemas) as EventName[]) {
          engine.on(event, (payload) => port.postMessage({ type: 'event', event, payload } satisfies FromEngine));
        }
        const cameras = [...message.cameras];
        if (message.demo) {
          const { camera, added } = await prepareDemo(engine);
          if (added.length > 0) log.info({ added }, 'demo data added');
          cameras.push(camera);
        }
        for (const camera of cameras) engine.startCamera(camera);
        port.postMessage({ type: 'ready', recognizer: recognizer.name } satisfies FromEngine);
        for (const pending of queued.splice(0)) await serveInvoke(pending);
      } catch (error) {
        log.error({ err: (error as Error).message }, 'engine failed to start');
        port.postMessage({ type: 'fatal', error: (error as Error).message } satisfies FromEngine);
      }
    })();
  } else if (message.type === 'invoke') {
    if (engine) void serveInvoke(message);
    else queued.push(message);
  }
});
