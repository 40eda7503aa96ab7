/**
 * Shift-start sync of a list from a file path (USB stick, network share) or an
 * HTTP(S) URL. Downloads go to a .part file beside the database with a
 * conditional request (ETag / Last-Modified); a dropped connection is resumed
 * with a Range request (or retried from the start when the server cannot
 * resume), and the complete file is then imported atomically. A failure of any
 * kind leaves the previous list in force and is recorded on the list.
 * Plain http:// is refused unless the list allows it, and a list with a
 * detached checksum or signature is checked before it replaces the old one
 * (integrity.ts). The list's age is its data's (store.ts DataDate): the
 * server's Last-Modified or the file's mtime, never the time of the sync.
 */
import { audit } from '../governance/audit.js';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Db } from '../store/db.js';
import { formatOf, parseListConfig, type ListConfig, type ListConfigInput, type ListFormat } from './config.js';
import { faultOf, HotListImportError, HotListInputError, HotListSyncError } from './errors.js';
import { fileStamp, importHotListFile, type ImportProgress, type ImportResult } from './importer.js';
import { isUrl, requireHttps, verifyListFile } from './integrity.js';
import { CLEAR_LIST_ERROR, ensureList, getList, recordListError, settingsOf } from './store.js';

export type SyncProgress =
  | { readonly phase: 'download'; readonly bytes: number; readonly totalBytes: number | null; readonly attempt: number }
  | ImportProgress;

export interface SyncOptions {
  readonly list: string;
  /** Path or http(s) URL; default: the configured or stored source of the list. */
  readonly from?: string;
  readonly config?: ListConfigInput;
  readonly format?: ListFormat;
  /** Re-download and re-import even when the source says it has not changed. */
  readonly force?: boolean;
  /** Folder for partial downloads (kept between attempts so a download can resume). */
  readonly downloadDir: string;
  /** Extra trusted CA certificates (PEM) for the agency's HTTPS server. */
  readonly ca?: string | Buffer;
  /** Attempts after the first when the connection drops or the server errs (default 4). */
  readonly retries?: number;
  /** First pause between attempts, doubled each time (default 1000 ms). */
  readonly retryDelayMs?: number;
  /** Give up on a connection silent for this long (default 30 s). */
  readonly idleTimeoutMs?: number;
  readonly onProgress?: (progress: SyncProgress) => void;
  readonly userId?: string | null;
  readonly now?: () => number;
  readonly minKnownCharacters?: number;
}

export interface SyncResult {
  readonly list: string;
  readonly source: string;
  /** imported: a new list is in force; not-modified: the server confirmed the copy in the car; unchanged: the file is the one imported last time. */
  readonly outcome: 'imported' | 'not-modified' | 'unchanged';
  readonly entries: number;
  readonly import: ImportResult | null;
  readonly downloadedBytes: number;
  readonly attempts: number;
}

export { isUrl };

export async function syncHotList(db: Db, options: SyncOptions): Promise<SyncResult> {
  const now = options.now ?? Date.now;
  const stored = getList(db, options.list);
  if (stored?.kind === 'manual') throw new HotListInputError(`list "${options.list}" holds manual entries and has nothing to sync`);
  const config = options.config ? parseListConfig({ ...options.config, name: options.list }) : stored ? settingsOf(stored) : parseListConfig({ name: options.list });
  const source = options.from ?? config.source ?? (stored && stored.source !== '' ? stored.source : undefined);
  if (!source) throw new HotListInputError(`list "${options.list}" has no source: give --from PATH|URL or set "source" in hotlists.json`);
  const format = options.format ?? formatOf(config, source);
  if (isUrl(source)) {
    try {
      requireHttps(source, config);
    } catch (error) {
      throw fail(db, options.list, source, error, now, options.userId, { format, settings: config });
    }
  }
  const ca = (): string | Buffer | undefined => options.ca ?? (config.caFile ? fs.readFileSync(config.caFile) : undefined);
  const sameSource = stored !== undefined && stored.source === (isUrl(source) ? source : path.resolve(source));
  const importOptions = {
    list: options.list,
    format,
    config: { ...config, source },
    ...(options.userId !== undefined ? { userId: options.userId } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.minKnownCharacters !== undefined ? { minKnownCharacters: options.minKnownCharacters } : {}),
  };

  if (!isUrl(source)) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(source);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const missing = code === 'ENOENT' || code === 'ENOTDIR';
      const reason = missing ? 'no such file (is the USB stick or share mounted?)' : (error as Error).message;
      throw fail(db, options.list, source, new HotListImportError(source, null, reason, missing ? 'missing' : 'unexpected'), now, options.userId, { format, settings: config });
    }
    if (!stat.isFile()) throw fail(db, options.list, source, new HotListImportError(source, null, 'not a file', 'missing'), now, options.userId, { format, settings: config });
    const stamp = fileStamp(stat);
    if (!options.force && sameSource && stored?.source_stamp === stamp && stored.entry_count > 0) {
      // The car already holds exactly what the source offers: that confirms it current.
      const at = now();
      db.prepare(`UPDATE hot_lists SET checked_at = ?, ${CLEAR_LIST_ERROR} WHERE id = ?`).run(at, stored.id);
      audit(db, { userId: options.userId ?? null, action: 'hotlist.sync', detail: { list: options.list, source, outcome: 'unchanged' } }, at);
      return { list: options.list, source, outcome: 'unchanged', entries: stored.entry_count, import: null, downloadedBytes: 0, attempts: 0 };
    }
    try {
      const caPem = ca();
      await verifyListFile(source, source, config, { ...(caPem ? { ca: caPem } : {}), ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}) });
    } catch (error) {
      throw fail(db, options.list, source, error, now, options.userId, { format, settings: config });
    }
    const result = await importHotListFile(db, source, { ...importOptions, sourceState: { stamp }, totalBytes: stat.size });
    return { list: options.list, source, outcome: 'imported', entries: result.entries, import: result, downloadedBytes: 0, attempts: 0 };
  }

  fs.mkdirSync(options.downloadDir, { recursive: true });
  const part = path.join(options.downloadDir, `${options.list}.part`);
  const conditional = !options.force && sameSource && stored !== undefined && stored.entry_count > 0
    ? { etag: stored.etag, lastModified: stored.last_modified }
    : { etag: null, lastModified: null };
  let downloaded: Downloaded;
  let caPem: string | Buffer | undefined;
  try {
    caPem = ca();
    downloaded = await download(source, part, conditional, { ...options, ...(caPem ? { ca: caPem } : {}) });
  } catch (error) {
    throw fail(db, options.list, source, error, now, options.userId, { format, settings: config });
  }
  if (downloaded.status === 'not-modified') {
    const at = now();
    const list = ensureList(db, options.list, { kind: 'imported', source, format, settings: config, now: at });
    db.prepare(`UPDATE hot_lists SET checked_at = ?, ${CLEAR_LIST_ERROR} WHERE id = ?`).run(at, list.id);
    audit(db, { userId: options.userId ?? null, action: 'hotlist.sync', detail: { list: options.list, source, outcome: 'not-modified' } }, at);
    return { list: options.list, source, outcome: 'not-modified', entries: list.entry_count, import: null, downloadedBytes: 0, attempts: downloaded.attempts };
  }
  try {
    try {
      await verifyListFile(part, source, config, { ...(caPem ? { ca: caPem } : {}), ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}) });
    } catch (error) {
      throw fail(db, options.list, source, error, now, options.userId, { format, settings: config });
    }
    const serverDate = downloaded.lastModified === null ? NaN : Date.parse(downloaded.lastModified);
    const result = await importHotListFile(db, part, {
      ...importOptions,
      source,
      label: source,
      totalBytes: downloaded.bytes,
      sourceState: { etag: downloaded.etag, lastModified: downloaded.lastModified },
      dataDate: Number.isFinite(serverDate) ? { at: serverDate, from: 'server' } : { at: now(), from: 'download' },
    });
    return { list: options.list, source, outcome: 'imported', entries: result.entries, import: result, downloadedBytes: downloaded.bytes, attempts: downloaded.attempts };
  } finally {
    removePart(part);
  }
}


function fail(
  db: Db,
  list: string,
  source: string,
  error: unknown,
  now: () => number,
  userId: string | null | undefined,
  init: { format: ListFormat; settings: ListConfig },
): Error {
  const err = error instanceof HotListSyncError || error instanceof HotListImportError || error instanceof HotListInputError
    ? error
    : new HotListSyncError(source, (error as Error).message ?? String(error), faultOf(error).kind);
  try {
    // A list that never loaded is kept too, so its failure stays on every screen until a sync succeeds.
    const row = getList(db, list) ?? ensureList(db, list, { kind: 'imported', source, format: init.format, settings: init.settings, now: now() });
    recordListError(db, row.id, faultOf(err), now());
    audit(db, { userId: userId ?? null, action: 'hotlist.sync-failed', detail: { list, source, error: err.message } }, now());
  } catch {
    // Reporting the failure must not hide it.
  }
  return err;
}

function removePart(part: string): void {
  fs.rmSync(part, { force: true });
  fs.rmSync(`${part}.json`, { force: true });
}

type Downloaded =
  | { status: 'not-modified'; attempts: number }
  | { status: 'complete'; bytes: number; etag: string | null; lastModified: string | null; attempts: number };

interface PartState {
  url: string;
  etag: string | null;
  lastModified: string | null;
  total: number | null;
}

/** A failure worth another attempt; status: the server's HTTP status when it answered with one. */
class RetryableError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

const MAX_REDIRECTS = 5;

/**
 * Fetches `url` into `part`, resuming a previous partial download of the same
 * version when the server supports ranges. Throws HotListSyncError when the
 * download cannot be completed.
 */
async function download(
  url: string,
  part: string,
  conditional: { etag: string | null; lastModified: string | null },
  options: SyncOptions,
): Promise<Downloaded> {
  const retries = options.retries ?? 4;
  const baseDelay = options.retryDelayMs ?? 1000;
  let state = readPartState(part, url);
  let lastError: RetryableError | null = null;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, baseDelay * 2 ** (attempt - 2)));
    try {
      const outcome = await fetchOnce(url, part, state, conditional, options, attempt);
      if (outcome.status === 'not-modified') {
        removePart(part);
        return { status: 'not-modified', attempts: attempt };
      }
      return { ...outcome, attempts: attempt };
    } catch (error) {
      if (!(error instanceof RetryableError)) {
        removePart(part);
        throw error instanceof HotListSyncError ? error : new HotListSyncError(url, (error as Error).message, faultOf(error).kind);
      }
      lastError = error;
      state = readPartState(part, url);
    }
  }
  removePart(part);
  // The server kept answering with an error status: it refuses; otherwise it could not be reached or kept breaking off.
  const status = lastError?.status ?? null;
  throw new HotListSyncError(url, `download failed after ${retries + 1} attempts: ${lastError?.message ?? ''}; the previous list stays in force`, status === null ? 'unreachable' : 'refused', status);
}

function readPartState(part: string, url: string): PartState | null {
  try {
    const state = JSON.parse(fs.readFileSync(`${part}.json`, 'utf8')) as PartState;
    if (state.url !== url || (!state.etag && !state.lastModified)) return null;
    if (!fs.existsSync(part)) return null;
    return state;
  } catch {
    return null;
  }
}

function fetchOnce(
  url: string,
  part: string,
  resume: PartState | null,
  conditional: { etag: string | null; lastModified: string | null },
  options: SyncOptions,
  attempt: number,
  redirects = 0,
): Promise<{ status: 'not-modified' } | { status: 'complete'; bytes: number; etag: string | null; lastModified: string | null }> {
  const have = resume ? fs.statSync(part).size : 0;
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'patrol-lpr hotlist sync' };
  if (resume && have > 0) {
    headers.range = `bytes=${have}-`;
    headers['if-range'] = resume.etag ?? resume.lastModified!;
  } else {
    if (conditional.etag) headers['if-none-match'] = conditional.etag;
    if (conditional.lastModified) headers['if-modified-since'] = conditional.lastModified;
  }
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (error: Error | null, value?: Awaited<ReturnType<typeof fetchOnce>>) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(value!);
    };
    const request = client.request(target, { method: 'GET', headers, ...(options.ca ? { ca: options.ca } : {}) }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && status !== 304 && response.headers.location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) return done(new HotListSyncError(url, 'too many redirects', 'refused', status));
        const next = new URL(response.headers.location, target).toString();
        if (target.protocol === 'https:' && !/^https:/i.test(next)) {
          return done(new HotListSyncError(url, `the server redirects to ${next}, which is not https://; refused`, 'insecure'));
        }
        fetchOnce(next, part, null, conditional, options, attempt, redirects + 1).then((v) => done(null, v), (e: Error) => done(e));
        return;
      }
      if (status === 304) {
        response.resume();
        return done(null, { status: 'not-modified' });
      }
      if (status === 416) {
        // The part on disk no longer fits the file on the server: start again.
        response.resume();
        removePart(part);
        return done(new RetryableError('server refused to resume; restarting the download'));
      }
      if (status === 408 || status === 429 || status >= 500) {
        response.resume();
        return done(new RetryableError(`server answered HTTP ${status}`, status));
      }
      if (status !== 200 && status !== 206) {
        response.resume();
        return done(new HotListSyncError(url, `server answered HTTP ${status} ${response.statusMessage ?? ''}`.trim(), 'refused', status));
      }
      const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
      if (contentType.includes('text/html')) {
        response.resume();
        return done(new HotListSyncError(url, 'server returned an HTML page, not a list file (login portal or error page?)', 'bad-format'));
      }
      const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding !== 'identity' && encoding !== '') {
        response.resume();
        return done(new HotListSyncError(url, `server sent a ${encoding}-encoded body; configure it to serve the list uncompressed`, 'bad-format'));
      }
      let offset = 0;
      let total: number | null = null;
      let etag = typeof response.headers.etag === 'string' ? response.headers.etag : null;
      let lastModified = typeof response.headers['last-modified'] === 'string' ? response.headers['last-modified'] : null;
      const length = response.headers['content-length'] === undefined ? null : Number(response.headers['content-length']);
      if (status === 206) {
        const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(response.headers['content-range'] ?? ''));
        if (!range || Number(range[1]) !== have || !resume) {
          response.resume();
          removePart(part);
          return done(new RetryableError('server sent a range that does not continue the partial download; restarting'));
        }
        offset = have;
        total = range[3] === '*' ? null : Number(range[3]);
        etag = etag ?? resume.etag;
        lastModified = lastModified ?? resume.lastModified;
      } else {
        total = length !== null && Number.isFinite(length) ? length : null;
      }
      const partState: PartState = { url, etag, lastModified, total };
      fs.writeFileSync(`${part}.json`, JSON.stringify(partState));
      const out = fs.createWriteStream(part, offset > 0 ? { flags: 'a' } : { flags: 'w' });
      let bytes = offset;
      let lastReport = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes - lastReport >= 1 << 20) {
          lastReport = bytes;
          options.onProgress?.({ phase: 'download', bytes, totalBytes: total, attempt });
        }
      });
      let finishing = false;
      const finish = (error: Error | null) => {
        if (finishing) return;
        finishing = true;
        out.end(() => {
          if (error) return done(error);
          if (total !== null && bytes !== total) {
            return done(new RetryableError(`connection dropped after ${bytes} of ${total} bytes`));
          }
          options.onProgress?.({ phase: 'download', bytes, totalBytes: total, attempt });
          done(null, { status: 'complete', bytes, etag, lastModified });
        });
      };
      response.on('aborted', () => finish(new RetryableError(`connection dropped after ${bytes}${total !== null ? ` of ${total}` : ''} bytes`)));
      response.on('error', (error) => finish(new RetryableError(`connection dropped after ${bytes} bytes: ${error.message}`)));
      response.on('end', () => {
        if (!response.complete) return finish(new RetryableError(`connection dropped after ${bytes}${total !== null ? ` of ${total}` : ''} bytes`));
        finish(null);
      });
      out.on('error', (error) => {
        response.destroy();
        done(new HotListSyncError(url, `cannot write ${part}: ${error.message}`, 'storage'));
      });
      response.pipe(out, { end: false });
    });
    request.setTimeout(options.idleTimeoutMs ?? 30_000, () => request.destroy(new RetryableError('no data from the server (timed out)')));
    request.on('error', (error) => {
      if (error instanceof RetryableError) return done(error);
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME/i.test(code) || /certificate/i.test(error.message)) {
        return done(new HotListSyncError(url, `TLS: ${error.message} (set "caFile" for the agency's certificate authority)`, 'insecure'));
      }
      done(new RetryableError(`${code ? `${code}: ` : ''}${error.message}`));
    });
    request.end();
  });
}
