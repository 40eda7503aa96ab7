/**
 * Runs a shift-start sync in a worker thread with its own database
 * connection, so importing millions of lines never stalls the cameras or the
 * UI. The parent gets progress and outcome messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/db.js';
import type { DbKey } from '../store/key.js';
import type { HotListsConfig } from './config.js';
import { syncEveryHotList, type SyncOutcome } from './sync-every.js';
import type { SyncProgress } from './sync.js';

export interface SyncWorkerInput {
  readonly dbFile: string;
  readonly dbKey: DbKey | null;
  readonly config: HotListsConfig;
  readonly downloadDir: string;
  readonly userId: string | null;
}

export type SyncWorkerMessage =
  | { type: 'progress'; list: string; progress: SyncProgress }
  | { type: 'done'; outcomes: SyncOutcome[] }
  | { type: 'failed'; error: string };

const port = parentPort;
if (port) {
  const input = workerData as SyncWorkerInput;
  void (async () => {
    try {
      const db = openDatabase(input.dbFile, undefined, { key: input.dbKey });
      try {
        const outcomes = await syncEveryHotList(db, input.config, {
          downloadDir: input.downloadDir,
          userId: input.userId,
          onProgress: (list, progress) => port.postMessage({ type: 'progress', list, progress } satisfies SyncWorkerMessage),
        });
        port.postMessage({ type: 'done', outcomes } satisfies SyncWorkerMessage);
      } finally {
        db.close();
      }
    } catch (error) {
      port.postMessage({ type: 'failed', error: (error as Error).message } satisfies SyncWorkerMessage);
    }
  })();
}
