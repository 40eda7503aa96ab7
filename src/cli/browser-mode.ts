/**
 * Browser mode: serves the built renderer on 127.0.0.1 and carries the
 * window.lpr contract over a WebSocket (src/shared/bridge-protocol.ts). The
 * engine parses every request with the same schemas as in Electron, so this
 * stays a faithful twin of the Electron path.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { BRIDGE_PATH, clientMessageSchema, type ServerMessage } from '../shared/bridge-protocol.js';
import { eventSchemas, type EventName } from '../shared/contract.js';
import type { Engine } from '../main/engine/engine.js';
import { logger } from '../main/engine/log.js';

const log = logger('browser-mode');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface BrowserModeServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startBrowserMode(engine: Engine, rendererDir: string, port = 0): Promise<BrowserModeServer> {
  const index = path.join(rendererDir, 'index.html');
  if (!fs.existsSync(index)) throw new Error(`the renderer is not built: ${index} is missing (run npm run build)`);
  const root = path.resolve(rendererDir);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (file === root || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = index;
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; style-src 'self' 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
    });
    fs.createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    const host = req.headers.host ?? '';
    // Only the page this server served may drive the engine.
    const sameOrigin = origin === undefined || origin === `http://${host}`;
    if (url.pathname !== BRIDGE_PATH || !sameOrigin) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };

  const unsubscribe = (Object.keys(eventSchemas) as EventName[]).map((event) =>
    engine.on(event, (payload) => {
      for (const client of wss.clients) send(client, { type: 'event', event, payload });
    }),
  );

  wss.on('connection', (ws) => {
    ws.on('message', async (data) => {
      let message;
      try {
        message = clientMessageSchema.parse(JSON.parse(String(data)));
      } catch (error) {
        log.warn({ err: (error as Error).message }, 'malformed bridge message');
        ws.close(1003, 'malformed message');
        return;
      }
      const result = await engine.handle(message.channel, message.request);
      send(ws, { type: 'result', id: message.id, result });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen on 127.0.0.1:${port}: ${error.message}`)));
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${boundPort}/`,
    port: boundPort,
    close: async () => {
      unsubscribe.forEach((off) => off());
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
