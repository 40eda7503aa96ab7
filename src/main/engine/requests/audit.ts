/**
 * The audit trail on the administrator's Audit tab: the rows with filters and
 * the chain's verification. Supervisors review it too (hits, exports).
 */
import { listAudit, verifyAuditChain } from '../governance/audit.js';
import { handlers, SUPERVISORS } from './types.js';

export const auditHandlers = handlers({
  'audit.list': {
    roles: SUPERVISORS,
    handle: (filter, { engine }) => listAudit(engine.db, filter),
  },
  'audit.verify': {
    roles: SUPERVISORS,
    handle: (_request, { engine }) => verifyAuditChain(engine.db),
  },
});
