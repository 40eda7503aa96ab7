/**
 * Entry of the engine's utility process in the Electron app. It starts the
 * engine with the same start-up as `lpr serve` (the car's settings.json names
 * the cameras and the GPS receiver) and talks to the main process over
 * Electron's parentPort: requests in, results and events out, each tagged with
 * the window (screen) it belongs to, which has its own session. An inference
 * stall here never freezes the window, and main restarts this process if it
 * dies.
 */
import type { Connection } from './engine/session/connection.js';
import { startEngine, type RunningEngine } from './engine/start.js';
import { logger } from './engine/log.js';

interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export type ToEngine =
  | {
      type: 'start';
      dataDir: string;
      /** Add the demo officer, hot list and footage camera (in the demo's own folder). */
      demo: boolean;
      /** The database key (passphrase or x'HEX'), unlocked by the main process. */
      dbKey: string;
    }
  | { type: 'invoke'; screen: number; id: number; channel: string; request: unknown }
  | { type: 'close-screen'; screen: number };

export type FromEngine =
  | { type: 'ready'; recognizer: string; cameras: string[] }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'event'; screen: number; event: string; payload: unknown }
  | { type: 'fatal'; error: string };

const log = logger('engine-process');
const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!port) throw new Error('engine-process must run as an Electron utility process');

let running: RunningEngine | null = null;
const queued: Extract<ToEngine, { type: 'invoke' }>[] = [];
const screens = new Map<number, Connection>();

function screen(id: number): Connection {
  let connection = screens.get(id);
  if (!connection) {
    connection = running!.engine.connect((event, payload) => port!.postMessage({ type: 'event', screen: id, event, payload } satisfies FromEngine), `window-${id}`);
    screens.set(id, connection);
  }
  return connection;
}

async function serveInvoke(message: Extract<ToEngine, { type: 'invoke' }>): Promise<void> {
  const result = await screen(message.screen).invoke(message.channel, message.request);
  port!.postMessage({ type: 'result', id: message.id, result } satisfies FromEngine);
}

port.on('message', ({ data }) => {
  const message = data as ToEngine;
  if (message.type === 'start') {
    void (async () => {
      try {
        running = await startEngine({
          dataDir: message.dataDir,
          demo: message.demo,
          dbKey: { text: message.dbKey, from: "the app's protected key" },
          say: (line) => log.info(line),
        });
        port.postMessage({ type: 'ready', recognizer: running.recognizer.name, cameras: running.cameras.map((c) => c.id) } satisfies FromEngine);
        for (const pending of queued.splice(0)) await serveInvoke(pending);
      } catch (error) {
        log.error({ err: (error as Error).message }, 'engine failed to start');
        port.postMessage({ type: 'fatal', error: (error as Error).message } satisfies FromEngine);
      }
    })();
  } else if (message.type === 'invoke') {
    if (running) void serveInvoke(message);
    else queued.push(message);
  } else if (message.type === 'close-screen') {
    screens.get(message.screen)?.close();
    screens.delete(message.screen);
  }
});
