/**
 * One screen's link to the engine, whatever carries it (Electron IPC through
 * the utility process, or browser mode's WebSocket): its session, its requests
 * and the events it may see. Reads, alerts, sync progress and GPS go only to
 * a signed-in screen; a locked screen still gets alerts (the tone sounds over
 * the lock) and its status, but not the feed.
 */
import { eventSchemas, type EventName, type EventOf, type Result } from '../../../shared/contract.js';
import type { Engine } from '../engine.js';
import type { Session } from './session.js';

export type EventSink = <E extends EventName>(event: E, payload: EventOf<E>) => void;

export class Connection {
  private readonly unsubscribe: (() => void)[];
  private closed = false;

  constructor(
    private readonly engine: Engine,
    readonly session: Session,
    private readonly sink: EventSink,
    private readonly onClose: () => void,
  ) {
    this.unsubscribe = (Object.keys(eventSchemas) as EventName[]).map((event) =>
      engine.on(event, (payload: EventOf<EventName>) => {
        // Each screen's status is its own (user, lock, counters of its shift).
        if (event === 'status') this.deliver('status', engine.statusFor(session));
        else if (!this.closed && this.mayReceive(event)) this.sink(event, payload as never);
      }),
    );
  }

  private mayReceive(event: EventName): boolean {
    if (!this.session.user) return false;
    if (this.session.locked) return event === 'alert';
    return true;
  }

  deliver<E extends EventName>(event: E, payload: EventOf<E>): void {
    if (!this.closed) this.sink(event, payload);
  }

  invoke(channel: string, payload: unknown): Promise<Result<unknown>> {
    if (this.closed) return Promise.resolve({ ok: false, error: 'the connection is closed' });
    return this.engine.handle(channel, payload, this.session);
  }

  /** The screen went away; its sign-in stays resumable with its token. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unsubscribe) off();
    this.onClose();
  }
}
