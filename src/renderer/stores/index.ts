/** All renderer stores, and one reset for sign-out and for tests. */
import { resetAdminStore } from './admin.js';
import { resetAlertsStore } from './alerts.js';
import { resetConnectionStore } from './connection.js';
import { resetHistoryStore } from './history.js';
import { resetHitsStore } from './hits.js';
import { resetDraftsStore } from './drafts.js';
import { resetHotListsStore } from './hotlists.js';
import { resetReadsStore } from './reads.js';
import { resetRecordsStore } from './records.js';
import { resetSessionStore } from './session.js';
import { resetShiftStore } from './shift.js';
import { resetStartStore } from './start.js';
import { resetStatusStore } from './status.js';

export { useAdminStore } from './admin.js';
export { useAlertsStore, selectCurrentAlert } from './alerts.js';
export { useConnectionStore } from './connection.js';
export { useHistoryStore } from './history.js';
export { useHitsStore } from './hits.js';
export { useDraftsStore } from './drafts.js';
export { useHotListsStore } from './hotlists.js';
export { useReadsStore } from './reads.js';
export { useRecordsStore } from './records.js';
export { useSessionStore } from './session.js';
export { useShiftStore } from './shift.js';
export { useStartStore } from './start.js';
export { useStatusStore } from './status.js';

export function resetAllStores(): void {
  resetAdminStore();
  resetAlertsStore();
  resetConnectionStore();
  resetHistoryStore();
  resetHitsStore();
  resetDraftsStore();
  resetHotListsStore();
  resetReadsStore();
  resetRecordsStore();
  resetSessionStore();
  resetShiftStore();
  resetStartStore();
  resetStatusStore();
}
