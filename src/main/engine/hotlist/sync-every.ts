/**
 * Shift-start sync of every hot list the car knows a source for: the lists
 * configured with a source in hotlists.json, and lists imported earlier from
 * a file or URL, which are synced again from where they came. One failing list
 * never stops the others; each outcome says what happened.
 */
import type { HotListFault } from '../../../shared/contract.js';
import type { Db } from '../store/db.js';
import { faultOf } from './errors.js';
import type { HotListsConfig } from './config.js';
import { allLists } from './store.js';
import { syncHotList, type SyncOptions, type SyncProgress, type SyncResult } from './sync.js';

export interface SyncEveryOptions extends Omit<SyncOptions, 'list' | 'from' | 'config' | 'onProgress'> {
  readonly onProgress?: (list: string, progress: SyncProgress) => void;
}

export interface SyncOutcome {
  readonly list: string;
  readonly result?: SyncResult;
  /** The engine's account of a failure (paths, addresses): for the administrator and the log. */
  readonly error?: string;
  /** Its kind, for the officer's words. */
  readonly fault?: HotListFault;
}

export async function syncEveryHotList(db: Db, config: HotListsConfig, options: SyncEveryOptions): Promise<SyncOutcome[]> {
  const { onProgress, ...common } = options;
  const targets: { list: string; config?: HotListsConfig['lists'][number] }[] = config.lists.filter((l) => l.source).map((l) => ({ list: l.name, config: l }));
  for (const row of allLists(db)) {
    if (row.kind === 'imported' && row.source !== '' && !targets.some((t) => t.list === row.name)) targets.push({ list: row.name });
  }
  const outcomes: SyncOutcome[] = [];
  for (const target of targets) {
    try {
      const result = await syncHotList(db, {
        ...common,
        list: target.list,
        minKnownCharacters: config.manual.minKnownCharacters,
        ...(target.config ? { config: target.config } : {}),
        ...(onProgress ? { onProgress: (p: SyncProgress) => onProgress(target.list, p) } : {}),
      });
      outcomes.push({ list: target.list, result });
    } catch (error) {
      outcomes.push({ list: target.list, error: (error as Error).message, fault: { ...faultOf(error), at: (common.now ?? Date.now)() } });
    }
  }
  return outcomes;
}
