/**
 * Browser mode's window.lpr: the same LprApi carried over one WebSocket to the
 * `lpr serve` bridge (see src/shared/bridge-protocol.ts). The socket is
 * re-opened automatically when it drops; callers watch `connection` to show
 * that the car is not talking to the engine.
 */
import {
  eventSchemas,
  type Channel,
  type EventName,
  type EventOf,
  type LprApi,
  type RequestOf,
  type Responses,
  type Result,
} from '../../shared/contract.js';
import { BRIDGE_PATH, type ClientMessage } from '../../shared/bridge-protocol.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Where the UI learns whether the engine can be reached. */
export interface ConnectionSource {
  state(): ConnectionState;
  onChange(listener: (state: ConnectionState) => void): () => void;
}

export interface WsClient extends LprApi {
  readonly connection: ConnectionSource;
  /** Closes the socket for good (no reconnect). */
  close(): void;
}

/** The part of the DOM WebSocket the client uses, so tests can pass a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WsClientOptions {
  /** Defaults to ws(s)://<location.host>/bridge. */
  url?: string;
  createSocket?: WebSocketFactory;
  /** Waits between reconnect attempts; the last one repeats. */
  reconnectDelaysMs?: readonly number[];
  /** An invoke with no answer after this long resolves to an error. */
  requestTimeoutMs?: number;
  /**
   * A long-running invoke (a hot-list sync: minutes for a large list on a
   * slow link) resolves to an error only after this long with neither an
   * answer nor one of its progress events.
   */
  longRequestIdleMs?: number;
}

/** Channels that may run for minutes, and the event that shows they are still at work. */
const LONG_RUNNING: Partial<Record<Channel, EventName>> = {
  'hotlists.sync': 'hotListSync',
};

const OPEN = 1;

interface PendingInvoke {
  resolve(result: Result<unknown>): void;
  timer: ReturnType<typeof setTimeout>;
  /** Re-arms the timer (a long-running invoke, on each of its progress events). */
  rearm(): void;
  /** The progress event that keeps this invoke alive, if any. */
  progressEvent: EventName | null;
  /** Sent on the current socket (false: still waiting for a connection). */
  sent: boolean;
  message: string;
}

export function defaultBridgeUrl(loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}${BRIDGE_PATH}`;
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (record.ok === true) return 'value' in record;
  return record.ok === false && typeof record.error === 'string';
}

export function createWsClient(options: WsClientOptions = {}): WsClient {
  const url = options.url ?? defaultBridgeUrl();
  const createSocket: WebSocketFactory = options.createSocket ?? ((u) => new WebSocket(u) as unknown as WebSocketLike);
  const delays = options.reconnectDelaysMs ?? [250, 500, 1000, 2000, 3000];
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const longRequestIdleMs = options.longRequestIdleMs ?? 120_000;

  let socket: WebSocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let closedForGood = false;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  const pending = new Map<number, PendingInvoke>();
  const eventListeners = new Map<EventName, Set<(payload: never) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of [...connectionListeners]) {
      try {
        listener(next);
      } catch (error) {
        console.error('connection listener failed', error);
      }
    }
  }

  function settle(id: number, result: Result<unknown>): void {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(result);
  }

  function flushQueued(): void {
    if (!socket || socket.readyState !== OPEN) return;
    for (const entry of pending.values()) {
      if (entry.sent) continue;
      socket.send(entry.message);
      entry.sent = true;
    }
  }

  function handleMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      console.warn('bridge: ignoring a message that is not JSON');
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as Record<string, unknown>;
    if (m.type === 'result' && typeof m.id === 'number') {
      settle(m.id, isResult(m.result) ? m.result : { ok: false, error: 'malformed answer from the engine' });
      return;
    }
    if (m.type === 'event' && typeof m.event === 'string') {
      if (!Object.prototype.hasOwnProperty.call(eventSchemas, m.event)) {
        console.warn(`bridge: ignoring unknown event "${m.event}"`);
        return;
      }
      const name = m.event as EventName;
      for (const entry of pending.values()) {
        if (entry.progressEvent === name) entry.rearm();
      }
      const parsed = eventSchemas[name].safeParse(m.payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        console.warn(`bridge: dropping malformed "${name}" event: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`);
        return;
      }
      for (const listener of [...(eventListeners.get(name) ?? [])]) {
        try {
          (listener as (payload: unknown) => void)(parsed.data);
        } catch (error) {
          console.error(`bridge: "${name}" listener failed`, error);
        }
      }
    }
  }

  function scheduleReconnect(): void {
    if (closedForGood || reconnectTimer !== null) return;
    const delay = delays[Math.min(attempt, delays.length - 1)] ?? 1000;
    attempt += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  }

  function connect(): void {
    if (closedForGood) return;
    setState('connecting');
    let ws: WebSocketLike;
    try {
      ws = createSocket(url);
    } catch (error) {
      console.warn('bridge: could not open the socket', error);
      setState('closed');
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      setState('open');
      flushQueued();
    };
    ws.onmessage = (event) => {
      if (socket === ws) handleMessage(event.data);
    };
    ws.onerror = () => {
      // onclose follows and does the work.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      // Requests already on the wire may or may not have been applied; the
      // caller is told, and re-reads state after the reconnect.
      for (const [id, entry] of [...pending]) {
        if (entry.sent) settle(id, { ok: false, error: 'connection to the engine was lost' });
      }
      setState('closed');
      scheduleReconnect();
    };
  }

  const api: WsClient = {
    invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<Responses[C]>> {
      if (closedForGood) return Promise.resolve({ ok: false, error: 'connection to the engine is closed' });
      const id = nextId++;
      const outgoing: ClientMessage = { type: 'invoke', id, channel, request };
      const progressEvent = LONG_RUNNING[channel] ?? null;
      const timeoutMs = progressEvent ? longRequestIdleMs : requestTimeoutMs;
      const expire = () => settle(id, { ok: false, error: `the engine did not answer "${channel}" in time` });
      return new Promise<Result<Responses[C]>>((resolve) => {
        const entry: PendingInvoke = {
          resolve: resolve as (result: Result<unknown>) => void,
          timer: setTimeout(expire, timeoutMs),
          rearm() {
            clearTimeout(entry.timer);
            entry.timer = setTimeout(expire, timeoutMs);
          },
          progressEvent,
          sent: false,
          message: JSON.stringify(outgoing),
        };
        pending.set(id, entry);
        flushQueued();
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
      let set = eventListeners.get(event);
      if (!set) {
        set = new Set();
        eventListeners.set(event, set);
      }
      const stored = listener as (payload: never) => void;
      set.add(stored);
      return () => {
        eventListeners.get(event)?.delete(stored);
      };
    },
    connection: {
      state: () => state,
      onChange(listener) {
        connectionListeners.add(listener);
        return () => {
          connectionListeners.delete(listener);
        };
      },
    },
    close() {
      closedForGood = true;
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const ws = socket;
      socket = null;
      ws?.close();
      for (const id of [...pending.keys()]) settle(id, { ok: false, error: 'connection to the engine is closed' });
      setState('closed');
    },
  };

  connect();
  return api;
}
