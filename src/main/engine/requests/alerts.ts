/**
 * The alert checklist (C.4.a, C.4.b) and the disposition (C.5). The rules
 * (shared/checklist.ts) are enforced by the AlertService, not here.
 */
import { assertNever } from '../../../shared/contract.js';
import { PATROL, handlers } from './types.js';

export const alertHandlers = handlers({
  'alerts.open': {
    roles: PATROL,
    handle: (_request, { engine }) => engine.alerts.open(),
  },
  'alerts.acknowledge': {
    roles: PATROL,
    handle: ({ alertId }, { engine, user, now }) => engine.alerts.acknowledge(alertId, user.id, now),
  },
  'alerts.check': {
    roles: PATROL,
    handle: (check, { engine, user, now }) => {
      switch (check.check) {
        case 'characters':
          return engine.alerts.checkCharacters(check.alertId, check.matches, user.id, now);
        case 'state':
          return engine.alerts.checkState(check.alertId, check.matches, user.id, now);
        case 'dispatch':
          return engine.alerts.checkDispatch(check.alertId, check.result, check.note, user.id, now);
        default:
          return assertNever(check, 'check');
      }
    },
  },
  'alerts.dispose': {
    roles: PATROL,
    handle: ({ alertId, kind, note, reason, actions }, { engine, user, now }) =>
      engine.alerts.dispose(alertId, { kind, note, reason, actions }, user.id, now, engine.carSettings.current.reasons),
  },
  'alerts.reasons': {
    roles: PATROL,
    handle: (_request, { engine }) => engine.carSettings.current.reasons,
  },
});
