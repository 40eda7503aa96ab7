// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWsClient, defaultBridgeUrl, type WebSocketLike, type WsClient } from '../../src/renderer/bridge/ws-client.js';
import { makeAlert, makeRead } from './fake-engine.js';

class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  receive(message: unknown) {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
}

let sockets: FakeSocket[];
let client: WsClient;
const latest = () => sockets[sockets.length - 1]!;

function makeClient(options: { requestTimeoutMs?: number; longRequestIdleMs?: number } = {}) {
  client = createWsClient({
    url: 'ws://127.0.0.1:8080/bridge',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    reconnectDelaysMs: [100, 400],
    ...options,
  });
  return client;
}

beforeEach(() => {
  sockets = [];
  vi.useFakeTimers();
});
afterEach(() => {
  client?.close();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('ws client', () => {
  it('derives the bridge URL from the page', () => {
    expect(defaultBridgeUrl({ protocol: 'http:', host: '127.0.0.1:5173' })).toBe('ws://127.0.0.1:5173/bridge');
    expect(defaultBridgeUrl({ protocol: 'https:', host: 'mdt.local' })).toBe('wss://mdt.local/bridge');
  });

  it('holds invokes until the socket opens, then answers each by id', async () => {
    makeClient();
    const status = client.invoke('status.get', {});
    const login = client.invoke('session.login', { userId: '1234', pin: '4321' });
    expect(latest().sent).toEqual([]);
    latest().open();
    expect(latest().sent).toEqual([
      { type: 'invoke', id: 1, channel: 'status.get', request: {} },
      { type: 'invoke', id: 2, channel: 'session.login', request: { userId: '1234', pin: '4321' } },
    ]);
    latest().receive({ type: 'result', id: 2, result: { ok: false, error: 'not trained' } });
    latest().receive({ type: 'result', id: 1, result: { ok: true, value: { user: null } } });
    await expect(login).resolves.toEqual({ ok: false, error: 'not trained' });
    await expect(status).resolves.toEqual({ ok: true, value: { user: null } });
  });

  it('delivers events parsed with the contract schemas and drops malformed ones', () => {
    makeClient();
    latest().open();
    const reads: unknown[] = [];
    const alerts: unknown[] = [];
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    client.on('read', (read) => reads.push(read));
    const stop = client.on('alert', (alert) => alerts.push(alert));
    latest().receive({ type: 'event', event: 'read', payload: makeRead() });
    latest().receive({ type: 'event', event: 'read', payload: { ...makeRead(), confidence: 'high' } });
    latest().receive({ type: 'event', event: 'nonsense', payload: {} });
    latest().receive('not json');
    latest().receive({ type: 'event', event: 'alert', payload: makeAlert() });
    stop();
    latest().receive({ type: 'event', event: 'alert', payload: makeAlert() });
    expect(reads).toEqual([makeRead()]);
    expect(alerts).toEqual([makeAlert()]);
  });

  it('keeps a failing listener from breaking the others', () => {
    makeClient();
    latest().open();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: number[] = [];
    client.on('read', () => {
      throw new Error('boom');
    });
    client.on('read', (read) => seen.push(read.id));
    latest().receive({ type: 'event', event: 'read', payload: makeRead({ id: 9 }) });
    expect(seen).toEqual([9]);
  });

  it('fails requests in flight when the socket drops, and reconnects with backoff', async () => {
    makeClient();
    const states: string[] = [];
    client.connection.onChange((s) => states.push(s));
    latest().open();
    const pending = client.invoke('alerts.open', {});
    latest().drop();
    await expect(pending).resolves.toEqual({ ok: false, error: 'connection to the engine was lost' });
    expect(client.connection.state()).toBe('closed');

    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    latest().drop();
    vi.advanceTimersByTime(399);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    const later = client.invoke('status.get', {});
    latest().open();
    expect(latest().sent).toEqual([{ type: 'invoke', id: 2, channel: 'status.get', request: {} }]);
    latest().receive({ type: 'result', id: 2, result: { ok: true, value: null } });
    await expect(later).resolves.toEqual({ ok: true, value: null });
    expect(states).toEqual(['open', 'closed', 'connecting', 'closed', 'connecting', 'open']);
  });

  it('answers with an error when the engine does not reply in time', async () => {
    makeClient({ requestTimeoutMs: 1000 });
    latest().open();
    const pending = client.invoke('status.get', {});
    vi.advanceTimersByTime(1000);
    await expect(pending).resolves.toEqual({ ok: false, error: 'the engine did not answer "status.get" in time' });
  });

  it('waits on a hot-list sync as long as its progress events keep coming', async () => {
    makeClient({ requestTimeoutMs: 1000, longRequestIdleMs: 5000 });
    latest().open();
    let settled = false;
    const sync = client.invoke('hotlists.sync', {});
    void sync.then(() => (settled = true));
    const progress = { type: 'event', event: 'hotListSync', payload: { list: 'ncic', phase: 'download', fraction: 0.5, message: 'downloading' } };
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(4000);
      latest().receive(progress);
    }
    await Promise.resolve();
    expect(settled).toBe(false);
    latest().receive({ type: 'result', id: 1, result: { ok: true, value: [] } });
    await expect(sync).resolves.toEqual({ ok: true, value: [] });
  });

  it('gives up on a hot-list sync that goes quiet', async () => {
    makeClient({ requestTimeoutMs: 1000, longRequestIdleMs: 5000 });
    latest().open();
    const sync = client.invoke('hotlists.sync', {});
    vi.advanceTimersByTime(4999);
    latest().receive({ type: 'event', event: 'read', payload: makeRead() });
    vi.advanceTimersByTime(1);
    await expect(sync).resolves.toEqual({ ok: false, error: 'the engine did not answer "hotlists.sync" in time' });
  });

  it('treats a malformed result as an error', async () => {
    makeClient();
    latest().open();
    const pending = client.invoke('status.get', {});
    latest().receive({ type: 'result', id: 1, result: { yes: 1 } });
    await expect(pending).resolves.toEqual({ ok: false, error: 'malformed answer from the engine' });
  });

  it('stops for good on close', async () => {
    makeClient();
    latest().open();
    client.close();
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
    await expect(client.invoke('status.get', {})).resolves.toMatchObject({ ok: false });
  });
});
