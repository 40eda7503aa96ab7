/**
 * Hot lists: import and sync of agency lists, manual entries (C.6), status and
 * staleness (C.3), and the matcher the pipeline runs on every read.
 */
export type { HotListMatch, HotListMatcher, ReadToMatch } from './types.js';
export { createHotListMatcher, groupByVehicle, hotListQueries, type MatcherOptions } from './matcher.js';
export {
  importHotListFile,
  importHotListCsv,
  importHotListNcic,
  listNameFromFile,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
} from './importer.js';
export { hotListStatus, DEFAULT_STALE_AFTER_MS, type HotListStatus } from './store.js';
export {
  loadHotListsConfig,
  defaultHotListsConfig,
  parseListConfig,
  DEFAULT_NCIC_LAYOUT,
  NCIC_CODES,
  MANUAL_LIST_CODE,
  type HotListsConfig,
  type ListConfig,
  type ListConfigInput,
  type ListFormat,
  type NcicLayout,
  type CsvLayout,
} from './config.js';
export { faultOf, HotListImportError, HotListInputError, HotListSyncError } from './errors.js';
export { foldPlate, normalisePlate, LOOKALIKE_CLASSES } from './plate.js';
export {
  addManualEntry,
  removeManualEntry,
  listManualEntries,
  searchReadsForEntry,
  DEFAULT_MANUAL_LIST,
  type ManualEntry,
  type ManualEntryInput,
  type ManualOptions,
  type AddManualEntryResult,
  type ReadHit,
} from './manual.js';
export { syncHotList, isUrl, type SyncOptions, type SyncProgress, type SyncResult } from './sync.js';
export { syncEveryHotList, type SyncEveryOptions, type SyncOutcome } from './sync-every.js';
