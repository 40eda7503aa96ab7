/**
 * The alert checklist (C.4.a, C.4.b) and the disposition (C.5). The rules
 * (shared/checklist.ts) are enforced by the AlertService, not here.
 */
import { assertNever } from '../../../shared/contract.js';
import type { Engine } from '../engine.js';
import { AlertFlowError } from '../alerts/alerts.js';
import { PATROL, handlers } from './types.js';

/** An alert shown from memory while storage fails has no row yet to record a step on. */
function stored(engine: Engine, alertId: number): number {
  if (engine.recorder.heldAlerts().some((a) => a.id === alertId)) {
    throw new AlertFlowError(`alert ${alertId} is not stored yet because storage is failing; act on what the screen shows, and record this step once the storage banner is gone`);
  }
  return alertId;
}

export const alertHandlers = handlers({
  'alerts.open': {
    roles: PATROL,
    // With the alerts shown from memory while storage fails (stored under the same ids when it recovers).
    handle: (_request, { engine }) => [...engine.alerts.open(), ...engine.recorder.heldAlerts()],
  },
  'alerts.acknowledge': {
    roles: PATROL,
    handle: ({ alertId }, { engine, user, now }) => engine.alerts.acknowledge(stored(engine, alertId), user.id, now),
  },
  'alerts.check': {
    roles: PATROL,
    handle: (check, { engine, user, now }) => {
      switch (check.check) {
        case 'characters':
          return engine.alerts.checkCharacters(stored(engine, check.alertId), check.matches, user.id, now);
        case 'state':
          return engine.alerts.checkState(stored(engine, check.alertId), check.matches, user.id, now);
        case 'dispatch':
          return engine.alerts.checkDispatch(stored(engine, check.alertId), check.result, check.note, user.id, now);
        default:
          return assertNever(check, 'check');
      }
    },
  },
  'alerts.dispose': {
    roles: PATROL,
    handle: ({ alertId, kind, note, reason, actions }, { engine, user, now }) =>
      engine.alerts.dispose(stored(engine, alertId), { kind, note, reason, actions }, user.id, now, engine.carSettings.current.reasons),
  },
  'alerts.reasons': {
    roles: PATROL,
    handle: (_request, { engine }) => engine.carSettings.current.reasons,
  },
});
