/**
 * Evidence export and the dissemination log (D.1). Anyone who works the car
 * may export a hit, or their own search's results, naming to whom, why and the
 * case; supervisors and administrators read and export the log.
 */
import path from 'node:path';
import { disseminationCsv, disseminationLog, exportEvidence } from '../records/evidence.js';
import { ALL_ROLES, SUPERVISORS, handlers } from './types.js';

export const evidenceHandlers = handlers({
  'evidence.export': {
    roles: ALL_ROLES,
    handle: (request, { engine, user, now }) => {
      const { recipientPerson, recipientAgency, reason, caseNumber } = request;
      const source = 'hitId' in request ? { hitId: request.hitId } : { searchId: request.searchId };
      return exportEvidence(engine.db, source, { recipientPerson, recipientAgency, reason, caseNumber }, { user, now, outDir: path.join(engine.dataDir, 'exports') });
    },
  },
  'evidence.log': {
    roles: SUPERVISORS,
    handle: ({ limit }, { engine }) => {
      const entries = disseminationLog(engine.db, limit);
      return { entries, csv: disseminationCsv(entries) };
    },
  },
});
