/**
 * Retention (B.1.a) and legal holds (B.1.b) on the screens: supervisors and
 * administrators place, list and release holds; administrators run a purge.
 */
import { listHolds, placeHold, releaseHold } from '../records/holds.js';
import { purgeExpired } from '../records/retention.js';
import { ADMINISTRATORS, SUPERVISORS, handlers } from './types.js';

export const retentionHandlers = handlers({
  'retention.holds.list': {
    roles: SUPERVISORS,
    handle: ({ all }, { engine, now }) => listHolds(engine.db, now, { all }),
  },
  'retention.holds.place': {
    roles: SUPERVISORS,
    handle: ({ caseNumber, reason, until, readIds, plate, from, to }, { engine, user, now }) =>
      placeHold(
        engine.db,
        { caseNumber, reason, until, ...(readIds ? { readIds } : {}), ...(plate !== undefined ? { plate } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
        { userId: user.id, now },
      ),
  },
  'retention.holds.release': {
    roles: SUPERVISORS,
    handle: ({ id, reason }, { engine, user, now }) => releaseHold(engine.db, id, { userId: user.id, reason, now }),
  },
  'retention.purge': {
    roles: ADMINISTRATORS,
    handle: (_request, { engine, user, now }) => {
      const result = purgeExpired(engine.db, { asOf: now, settings: engine.carSettings.current.retention, trigger: user.id, userId: user.id });
      return { asOf: result.asOf, counts: result.counts, clockBehindMs: result.clockBehindMs };
    },
  },
});
