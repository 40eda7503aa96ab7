/**
 * Every channel of the contract and its handler, gathered from the domain
 * files. The type makes a channel without a handler a compile error.
 */
import type { Channel } from '../../../shared/contract.js';
import { alertHandlers } from './alerts.js';
import { evidenceHandlers } from './evidence.js';
import { historyHandlers } from './history.js';
import { hitHandlers } from './hits.js';
import { cameraHandlers } from './cameras.js';
import { auditHandlers } from './audit.js';
import { deploymentHandlers } from './deployments.js';
import { hotListHandlers } from './hotlists.js';
import { readHandlers } from './reads.js';
import { retentionHandlers } from './retention.js';
import { sessionHandlers } from './session.js';
import { settingsHandlers } from './settings.js';
import type { HandlerMap } from './types.js';
import { userHandlers } from './users.js';

export const allHandlers: HandlerMap<Channel> = {
  ...sessionHandlers,
  ...readHandlers,
  ...alertHandlers,
  ...hitHandlers,
  ...deploymentHandlers,
  ...hotListHandlers,
  ...settingsHandlers,
  ...historyHandlers,
  ...evidenceHandlers,
  ...retentionHandlers,
  ...cameraHandlers,
  ...userHandlers,
  ...auditHandlers,
};
