/**
 * Browser mode: serves the built renderer on 127.0.0.1 and carries the
 * window.lpr contract over a WebSocket (src/shared/bridge-protocol.ts). It is
 * a local twin of the Electron window, not a server for anyone on the machine:
 *
 * - each start makes a random token, printed in the URL; the page trades it
 *   for an HttpOnly, SameSite=Strict cookie, and every request or upgrade
 *   without that cookie is refused (401);
 * - the Host header must name this server (127.0.0.1:PORT or localhost:PORT),
 *   so a page whose name was rebound to 127.0.0.1 cannot reach it, and a
 *   WebSocket's Origin must be the page this server served;
 * - every WebSocket is its own screen with its own session (engine.connect).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { BRIDGE_PATH, clientMessageSchema, type ServerMessage } from '../shared/bridge-protocol.js';
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

export const COOKIE_NAME = 'lpr_bridge';

export interface BrowserModeServer {
  /** The URL to open: it carries this start's token. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface BrowserModeOptions {
  /** A fixed token (tests); random per start otherwise. */
  readonly token?: string;
}

function cookieOf(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function sameSecret(a: string | null, b: string): boolean {
  if (a === null) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export async function startBrowserMode(engine: Engine, rendererDir: string, port = 0, options: BrowserModeOptions = {}): Promise<BrowserModeServer> {
  const index = path.join(rendererDir, 'index.html');
  if (!fs.existsSync(index)) throw new Error(`the renderer is not built: ${index} is missing (run npm run build)`);
  const root = path.resolve(rendererDir);
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  // The cookie is a second secret: the token in the URL only buys it.
  const cookieSecret = crypto.randomBytes(32).toString('base64url');
  let boundPort = port;

  const allowedHosts = (): string[] => [`127.0.0.1:${boundPort}`, `localhost:${boundPort}`];
  const hostAllowed = (host: string | undefined): boolean => host !== undefined && allowedHosts().includes(host.toLowerCase());
  const hasCookie = (req: http.IncomingMessage): boolean => sameSecret(cookieOf(req.headers.cookie, COOKIE_NAME), cookieSecret);

  const server = http.createServer((req, res) => {
    if (!hostAllowed(req.headers.host)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`refused: this server answers only to ${allowedHosts().join(' or ')}`);
      return;
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!sameSecret(offered, token)) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('refused: wrong token; open the URL lpr serve printed');
        return;
      }
      // Trade the token for the cookie and drop it from the address bar.
      url.searchParams.delete('token');
      res
        .writeHead(303, {
          location: url.pathname + (url.search || ''),
          'set-cookie': `${COOKIE_NAME}=${cookieSecret}; HttpOnly; SameSite=Strict; Path=/`,
          'cache-control': 'no-store',
        })
        .end();
      return;
    }
    if (!hasCookie(req)) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('refused: open the URL lpr serve printed (it carries the token)');
      return;
    }
    let file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (file === root || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = index;
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'content-security-policy': `default-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${boundPort} ws://localhost:${boundPort}; style-src 'self' 'unsafe-inline'`,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
    fs.createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: number, why: string): void => {
      log.warn({ host: req.headers.host, origin: req.headers.origin }, `bridge connection refused: ${why}`);
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why}`);
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== BRIDGE_PATH) return refuse(404, 'no such endpoint');
    if (!hostAllowed(req.headers.host)) return refuse(403, 'foreign Host');
    // Only the page this server served may drive the engine.
    if (req.headers.origin !== `http://${req.headers.host}`) return refuse(403, 'foreign or missing Origin');
    if (!hasCookie(req)) return refuse(401, 'no bridge cookie');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws) => {
    const send = (message: ServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const connection = engine.connect((event, payload) => send({ type: 'event', event, payload }));
    ws.on('close', () => connection.close());
    ws.on('message', async (data) => {
      let message;
      try {
        message = clientMessageSchema.parse(JSON.parse(String(data)));
      } catch (error) {
        log.warn({ err: (error as Error).message }, 'malformed bridge message');
        ws.close(1003, 'malformed message');
        return;
      }
      const result = await connection.invoke(message.channel, message.request);
      send({ type: 'result', id: message.id, result });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen on 127.0.0.1:${port}: ${error.message}`)));
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${boundPort}/?token=${token}`,
    port: boundPort,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
