/**
 * Sign-in, sign-out, screen lock and status: the channels a screen uses before
 * and around a shift. Sign-in and resume act on the calling connection's
 * session only.
 */
import type { Role, SignedIn, User } from '../../../shared/contract.js';
import { audit } from '../governance/audit.js';
import { login } from '../governance/users.js';
import type { Engine } from '../engine.js';
import type { Session } from '../session/session.js';
import { logger } from '../log.js';
import { ALL_ROLES, handlers } from './types.js';

const log = logger('session');

function signIn(engine: Engine, session: Session, user: User, signedInAt: number, token: { token: string; hash: string }, locked: boolean): SignedIn {
  session.user = user;
  session.signedInAt = signedInAt;
  session.tokenHash = token.hash;
  session.locked = locked;
  return { ...user, resumeToken: token.token };
}

export const sessionHandlers = handlers({
  'session.login': {
    roles: 'anyone',
    handle: async ({ userId, pin }, { engine, session, now }) => {
      const user = await login(engine.db, userId, pin, now, { settings: engine.carSettings.current.accounts, clock: () => engine.clock() });
      // The PIN check takes time off-thread; the sign-in starts when it answered.
      const at = engine.clock();
      // Signing in on a screen that already has someone signed in ends that sign-in.
      if (session.tokenHash) engine.sessionTokens.end(session.tokenHash, at);
      const signedIn = signIn(engine, session, user, at, engine.sessionTokens.issue(user.id, at), false);
      engine.sessionChanged(session);
      // Policy C.3: the shift starts with the newest lists. Progress reaches the screen as
      // hotListSync events; a list that fails stays flagged until a sync succeeds.
      void engine.syncHotLists(user.id).catch((error: Error) => log.info({ err: error.message }, 'shift-start sync did not run'));
      return signedIn;
    },
  },
  'session.resume': {
    roles: 'anyone',
    handle: ({ token }, { engine, session, now }) => {
      const found = engine.sessionTokens.find(token, now);
      const row = found
        ? (engine.db.prepare('SELECT id, name, role, trained, disabled FROM users WHERE id = ?').get(found.userId) as
            | { id: string; name: string; role: Role; trained: number; disabled: number }
            | undefined)
        : undefined;
      if (!found || !row || row.trained !== 1 || row.disabled === 1) {
        if (found) engine.sessionTokens.end(found.hash, now);
        throw new Error('this sign-in has ended; sign in again');
      }
      const user: User = { id: row.id, name: row.name, role: row.role };
      audit(engine.db, { userId: user.id, action: 'session.resume', detail: { connection: session.id } }, now);
      const signedIn = signIn(engine, session, user, found.signedInAt, { token, hash: found.hash }, found.locked);
      engine.sessionChanged(session);
      return signedIn;
    },
  },
  'session.logout': {
    roles: 'anyone',
    whileLocked: true,
    handle: (_request, { engine, session, now }) => {
      if (session.user) audit(engine.db, { userId: session.user.id, action: 'session.logout', detail: {} }, now);
      if (session.tokenHash) engine.sessionTokens.end(session.tokenHash, now);
      session.user = null;
      session.signedInAt = null;
      session.tokenHash = null;
      session.locked = false;
      engine.sessionChanged(session);
      return null;
    },
  },
  'session.lock': {
    roles: ALL_ROLES,
    whileLocked: true,
    handle: (_request, { engine, session, user, now }) => {
      if (!session.locked) {
        session.locked = true;
        if (session.tokenHash) engine.sessionTokens.setLocked(session.tokenHash, true);
        audit(engine.db, { userId: user.id, action: 'session.lock', detail: {} }, now);
        engine.sessionChanged(session);
      }
      return null;
    },
  },
  'session.unlock': {
    roles: ALL_ROLES,
    whileLocked: true,
    handle: async ({ pin }, { engine, session, user, now }) => {
      if (!session.locked) return null;
      // Audited by login as session.unlock / session.unlock-failed; wrong PINs here count
      // towards the lockout like any other.
      await login(engine.db, user.id, pin, now, { settings: engine.carSettings.current.accounts, clock: () => engine.clock(), purpose: 'session.unlock' });
      session.locked = false;
      if (session.tokenHash) engine.sessionTokens.setLocked(session.tokenHash, false);
      engine.sessionChanged(session);
      return null;
    },
  },
  'status.get': {
    roles: 'anyone',
    whileLocked: true,
    handle: (_request, { engine, session }) => engine.statusFor(session),
  },
});
