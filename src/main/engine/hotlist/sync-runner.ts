/**
 * Starts a shift-start sync in its worker thread (sync-worker.ts) and relays
 * its progress; the engine only asks for a sync and hears how it went.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { openDatabase } from '../store/db.js';
import { syncEveryHotList, type SyncOutcome } from './sync-every.js';
import type { SyncWorkerInput, SyncWorkerMessage } from './sync-worker.js';
import type { SyncProgress } from './sync.js';

/**
 * Runs the sync in a worker thread (built code), or in this thread when the
 * engine runs from TypeScript sources (tests), where a worker cannot load.
 */
export async function runSyncWorker(input: SyncWorkerInput, onProgress: (list: string, progress: SyncProgress) => void): Promise<SyncOutcome[]> {
  const workerFile = new URL('./sync-worker.js', import.meta.url);
  if (!fs.existsSync(workerFile)) {
    const db = openDatabase(input.dbFile, undefined, { key: input.dbKey });
    try {
      return await syncEveryHotList(db, input.config, { downloadDir: input.downloadDir, userId: input.userId, onProgress });
    } finally {
      db.close();
    }
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: input });
    let settled = false;
    worker.on('message', (message: SyncWorkerMessage) => {
      if (message.type === 'progress') onProgress(message.list, message.progress);
      else if (message.type === 'done') {
        settled = true;
        resolve(message.outcomes);
      } else {
        settled = true;
        reject(new Error(message.error));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the sync worker stopped (exit code ${code})`));
    });
  });
}
