/**
 * Deployments and the shift summary (B.1.d, C.7). A special detail's approval
 * comes from a supervisor who signs in on the officer's screen (their PIN is
 * checked like a sign-in, without signing the officer out) or from a code the
 * supervisor issued with `lpr deployment approve-code`.
 */
import { login } from '../governance/users.js';
import { ALL_ROLES, PATROL, handlers } from './types.js';

export const deploymentHandlers = handlers({
  // Every signed-in user has a session, so every role can read its own deployment and summary (and sign out through it).
  'deployments.current': {
    roles: ALL_ROLES,
    handle: (_request, { engine, user }) => engine.deployments.current(user.id),
  },
  'deployments.start': {
    roles: PATROL,
    handle: ({ kind, purpose }, { engine, user, now }) => engine.deployments.start(user, kind, purpose, now),
  },
  'deployments.approve': {
    roles: PATROL,
    handle: async (request, { engine, user, now }) => {
      if ('code' in request) return engine.deployments.approveWithCode(request.deploymentId, request.code, user.id, now);
      const supervisor = await login(engine.db, request.supervisorId, request.pin, now);
      return engine.deployments.approve(request.deploymentId, supervisor, 'supervisor-pin', now);
    },
  },
  'deployments.end': {
    roles: PATROL,
    handle: ({ deploymentId }, { engine, user, now }) => engine.deployments.end(deploymentId, user, now),
  },
  'shift.summary': {
    roles: ALL_ROLES,
    handle: (_request, { engine, session, user, now }) => engine.deployments.shiftSummary(user, session.signedInAt ?? now, now),
  },
});
