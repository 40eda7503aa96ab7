/**
 * The shape every request handler has: the roles it admits and what it does.
 * Handlers live by domain (requests/<domain>.ts) as typed maps from channel to
 * handler; the router (router.ts) is the one place that parses, checks the
 * caller's role and dispatches, so adding a channel touches one domain file.
 */
import type { z } from 'zod';
import type { Channel, Responses, Role, User, requestSchemas } from '../../../shared/contract.js';
import type { Session } from '../session/session.js';
import type { Engine } from '../engine.js';

/**
 * Who may call a channel: nobody needs to be signed in ('anyone'), or the
 * caller must be signed in, unlocked, with one of these roles.
 */
export type Access = 'anyone' | readonly Role[];

export const ALL_ROLES: readonly Role[] = ['officer', 'supervisor', 'administrator'];
/** The people who work alerts in the car. */
export const PATROL: readonly Role[] = ['officer', 'supervisor'];
export const SUPERVISORS: readonly Role[] = ['supervisor', 'administrator'];
export const ADMINISTRATORS: readonly Role[] = ['administrator'];

export interface RequestContext {
  readonly engine: Engine;
  readonly session: Session;
  readonly now: number;
  /** The signed-in user; handlers with a role list always have one. */
  readonly user: User;
}

export interface Handler<C extends Channel> {
  readonly roles: Access;
  /** May a locked session call it (sign-out, unlock, status). Default no. */
  readonly whileLocked?: boolean;
  handle(request: z.output<(typeof requestSchemas)[C]>, ctx: RequestContext): Responses[C] | Promise<Responses[C]>;
}

export type HandlerMap<K extends Channel> = { readonly [C in K]: Handler<C> };

/** Builds a domain's handler map with its channel names checked against the contract. */
export function handlers<K extends Channel>(map: HandlerMap<K>): HandlerMap<K> {
  return map;
}
