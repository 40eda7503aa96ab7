/**
 * The one place a request is checked before it acts: the payload is parsed
 * with the contract's schema, then the caller's session must satisfy the
 * channel's roles (signed in, unlocked unless the channel allows it, role
 * admitted). Handlers never see an unchecked request, and nothing thrown
 * crosses the boundary: the caller gets a Result.
 */
import { parseRequest, type Channel, type Result, type Role } from '../../../shared/contract.js';
import type { Engine } from '../engine.js';
import { logger } from '../log.js';
import type { Session } from '../session/session.js';
import type { Handler, HandlerMap } from './types.js';

const log = logger('router');

export class AccessRefused extends Error {}

/** Why this session may not call the channel, or null when it may. */
export function refusal(channel: Channel, handler: Pick<Handler<Channel>, 'roles' | 'whileLocked'>, session: Session): string | null {
  if (handler.roles === 'anyone') return null;
  if (!session.user) return `${channel}: sign in first`;
  if (session.locked && !handler.whileLocked) return `${channel}: the screen is locked; unlock it with your PIN`;
  if (!handler.roles.includes(session.user.role)) {
    return `${channel}: not allowed for the ${session.user.role} role (allowed: ${handler.roles.join(', ')})`;
  }
  return null;
}

/** The channels a role may call, for the renderer to hide what it cannot do. */
export function channelsFor(map: HandlerMap<Channel>, role: Role | null): Channel[] {
  return (Object.keys(map) as Channel[]).filter((channel) => {
    const roles = map[channel].roles;
    return roles === 'anyone' || (role !== null && roles.includes(role));
  });
}

export async function route(map: HandlerMap<Channel>, engine: Engine, session: Session, channel: string, payload: unknown): Promise<Result<unknown>> {
  const parsed = parseRequest(channel, payload);
  if (!parsed.ok) return parsed;
  const handler = map[parsed.channel] as Handler<Channel>;
  const refused = refusal(parsed.channel, handler, session);
  if (refused) {
    log.warn({ channel, session: session.id, user: session.user?.id ?? null }, refused);
    return { ok: false, error: refused };
  }
  try {
    const value = await handler.handle(parsed.value as never, { engine, session, now: engine.clock(), user: session.user! });
    return { ok: true, value };
  } catch (error) {
    const message = (error as Error).message;
    log.warn({ channel, err: message }, 'request refused');
    return { ok: false, error: message };
  }
}
