/**
 * History search (C.8) and the images of what it returned. Every role may
 * search, always with a justification; images are viewed through a search.
 */
import { justificationProblem } from '../../../shared/records.js';
import { searchHistory, viewSearchImage } from '../records/history.js';
import { ALL_ROLES, handlers } from './types.js';

export const historyHandlers = handlers({
  'history.search': {
    roles: ALL_ROLES,
    handle: ({ justification, ...query }, { engine, user, now }) =>
      searchHistory(engine.db, query, justification, { userId: user.id, now, reasons: engine.carSettings.current.history.reasons }),
  },
  'history.reasons': {
    roles: ALL_ROLES,
    handle: (_request, { engine, now }) => {
      const reasons = engine.carSettings.current.history.reasons;
      return reasons.filter((r) => justificationProblem({ reason: r.code, text: 'x'.repeat(10) }, reasons, now) === null);
    },
  },
  'history.image': {
    roles: ALL_ROLES,
    handle: (request, { engine, user, now }) => {
      const jpeg = viewSearchImage(engine.db, request, { userId: user.id, mayViewOthers: user.role !== 'officer', now });
      return jpeg ? `data:image/jpeg;base64,${jpeg.toString('base64')}` : null;
    },
  },
});
