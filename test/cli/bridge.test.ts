/**
 * Browser mode's bridge with raw clients, the way another program on the MDT
 * or a page from elsewhere would try it: no token, a wrong token, a foreign
 * Host (DNS rebinding), a foreign or missing Origin, no cookie. Each is
 * refused. A signed-in screen does not let a second, unsigned one receive
 * reads or act.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserMode, type BrowserModeServer } from '../../src/cli/browser-mode.js';
import { Engine } from '../../src/main/engine/engine.js';
import { addUser } from '../../src/main/engine/governance/users.js';
import type { Recognizer } from '../../src/main/engine/recognition/recognizer.js';

const idle: Recognizer = {
  name: 'none',
  recognize: async () => ({ plates: [], timings: { detectMs: 0, ocrMs: 0 } }),
  dispose: async () => {},
};
const TOKEN = 'test-token-0123456789abcdef';

let dir: string;
let engine: Engine;
let server: BrowserModeServer;
let origin: string;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathAndQuery, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function cookie(): Promise<string> {
  const answer = await get(`/?token=${TOKEN}`);
  expect(answer.status).toBe(303);
  const set = String(answer.headers['set-cookie']);
  expect(set).toMatch(/HttpOnly/);
  expect(set).toMatch(/SameSite=Strict/);
  return set.split(';')[0]!;
}

/** Opens the bridge with these headers; resolves with the open socket or the refusal's HTTP status. */
function open(headers: Record<string, string>): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge`, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', () => resolve({ status: -1 }));
  });
}

/** A bridge client that records events and answers invokes. */
function client(ws: WebSocket) {
  const events: string[] = [];
  const waiting = new Map<number, (result: unknown) => void>();
  let next = 1;
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id?: number; event?: string; result?: unknown };
    if (message.type === 'event') events.push(message.event!);
    else waiting.get(message.id!)?.(message.result);
  });
  return {
    events,
    invoke: (channel: string, request: unknown) =>
      new Promise<{ ok: boolean; value?: unknown; error?: string }>((resolve) => {
        const id = next++;
        waiting.set(id, resolve as (r: unknown) => void);
        ws.send(JSON.stringify({ type: 'invoke', id, channel, request }));
      }),
  };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-bridge-'));
  const renderer = path.join(dir, 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>LPR</title>');
  engine = new Engine({ dbFile: path.join(dir, 'lpr.sqlite'), recognizer: idle });
  addUser(engine.db, { id: 'o1', name: 'Officer One', role: 'officer', trained: true, pin: '135790' }, null);
  server = await startBrowserMode(engine, renderer, 0, { token: TOKEN });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('browser-mode bridge', () => {
  it('prints a URL with the token, and trades the token for the cookie', async () => {
    expect(server.url).toBe(`${origin}/?token=${TOKEN}`);
    const c = await cookie();
    const page = await get('/', { cookie: c });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>LPR</title>');
  });

  it('refuses HTTP without the cookie, with a wrong token, or with a foreign Host', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    const c = await cookie();
    expect((await get('/', { cookie: c, host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get('/', { cookie: c, host: '127.0.0.1' })).status).toBe(403);
    expect((await get('/', { cookie: c, host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses a WebSocket with no cookie, a foreign Host, a foreign Origin or no Origin', async () => {
    const c = await cookie();
    expect(await open({ origin })).toEqual({ status: 401 });
    expect(await open({ origin, cookie: 'lpr_bridge=guessed' })).toEqual({ status: 401 });
    expect(await open({ cookie: c })).toEqual({ status: 403 });
    expect(await open({ cookie: c, origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await open({ cookie: c, origin: `http://evil.example:${server.port}`, host: `evil.example:${server.port}` })).toEqual({ status: 403 });
    const ok = await open({ cookie: c, origin });
    expect('ws' in ok).toBe(true);
    if ('ws' in ok) ok.ws.close();
  });

  it('gives each socket its own session: a signed-in tab does not let an unsigned one receive reads or act', async () => {
    const c = await cookie();
    const a = await open({ cookie: c, origin });
    const b = await open({ cookie: c, origin });
    if (!('ws' in a) || !('ws' in b)) throw new Error('bridge refused a good client');
    const signed = client(a.ws);
    const unsigned = client(b.ws);
    expect(await signed.invoke('session.login', { userId: 'o1', pin: '135790' })).toMatchObject({ ok: true, value: { id: 'o1' } });
    expect(await unsigned.invoke('alerts.open', {})).toEqual({ ok: false, error: 'alerts.open: sign in first' });
    expect(await unsigned.invoke('reads.recent', { limit: 10 })).toEqual({ ok: false, error: 'reads.recent: sign in first' });
    const unsignedStatus = await unsigned.invoke('status.get', {});
    expect(unsignedStatus).toMatchObject({ ok: true, value: { user: null, gps: null, readsThisShift: 0 } });
    // A read happens: only the signed-in socket hears of it.
    engine.reads.add({
      plate: 'ABC123', confidence: 0.9, state: 'CA', stateConfidence: 0.9, box: [1, 2, 3, 4], candidates: [], cameraId: 'front',
      capturedAt: Date.now(), gps: null, cropJpeg: Buffer.from('x'), contextJpeg: Buffer.from('y'),
    });
    (engine as unknown as { emit: (e: string, p: unknown) => void }).emit('read', engine.reads.recent(1)[0]);
    await expect.poll(() => signed.events.includes('read')).toBe(true);
    // Give the other socket every chance to have received it too, then check it did not.
    await signed.invoke('status.get', {});
    await unsigned.invoke('status.get', {});
    expect(unsigned.events).not.toContain('read');
    a.ws.close();
    b.ws.close();
  });
});
