import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHotListMatcher, hotListStatus, syncHotList, HotListImportError, HotListSyncError } from '../../src/main/engine/hotlist/index.js';
import type { Db } from '../../src/main/engine/store/db.js';
import { allRows, entryCount, freshDb, NCIC_HEADER, ncicLine, tempDir, writeFile } from './helpers.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const servers: http.Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => {
    s.closeAllConnections();
    s.close(resolve);
  })));
});

async function serve(handler: Handler, tls?: { key: Buffer; cert: Buffer }): Promise<string> {
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/lists/ncic.txt`;
}

function ncicFile(plates: string[]): Buffer {
  return Buffer.from([NCIC_HEADER, ...plates.map((p) => ncicLine('V', p, 'CA'))].join('\n') + '\n');
}

const OLD = ncicFile(['OLD111']);
const NEW = ncicFile(Array.from({ length: 2000 }, (_, i) => `N${i}`));

function options(dir: string) {
  // The test servers speak plain http on 127.0.0.1 (https is tested on its own below).
  return { list: 'ncic', config: { name: 'ncic', allowPlainHttp: true }, downloadDir: path.join(dir, 'downloads'), retries: 3, retryDelayMs: 5, idleTimeoutMs: 2000 };
}

/** Serves `body` with an ETag; Range requests get 206 when `ranges`. */
function fileHandler(body: Buffer, etag: string, log: http.IncomingHttpHeaders[], opts: { ranges?: boolean; dropFirstAt?: number; dropAlways?: number } = {}): Handler {
  let requests = 0;
  return (req, res) => {
    log.push(req.headers);
    requests++;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && opts.ranges && req.headers['if-range'] === etag) {
      const start = Number(range[1]);
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`, etag });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { 'content-length': body.length, etag, 'content-type': 'text/plain', 'accept-ranges': opts.ranges ? 'bytes' : 'none' });
    const dropAt = opts.dropAlways ?? (requests === 1 ? opts.dropFirstAt : undefined);
    if (dropAt !== undefined) {
      res.write(body.subarray(0, dropAt), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  };
}

async function withOldList(db: Db, dir: string): Promise<void> {
  const file = writeFile(dir, 'old.txt', OLD);
  await syncHotList(db, { ...options(dir), from: file });
  expect(entryCount(db, 'ncic')).toBe(1);
}

function expectOldListInForce(db: Db): void {
  expect(entryCount(db, 'ncic')).toBe(1);
  expect(allRows(db)).toBe(1);
  expect(createHotListMatcher(db).match({ plate: 'OLD111', state: 'CA', candidates: [] })).toHaveLength(1);
}

describe('syncHotList from a file', () => {
  it('imports, then skips the same file, then imports a changed one', async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'usb.txt', OLD);
    const progress: string[] = [];
    expect(await syncHotList(db, { ...options(dir), from: file, onProgress: (p) => progress.push(p.phase) })).toMatchObject({ outcome: 'imported', entries: 1 });
    expect(progress).toContain('import');
    expect(progress.at(-1)).toBe('cleanup');
    expect(await syncHotList(db, { ...options(dir), from: file })).toMatchObject({ outcome: 'unchanged' });
    fs.writeFileSync(file, NEW);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(await syncHotList(db, { ...options(dir) })).toMatchObject({ outcome: 'imported', entries: 2000 });
  });

  it('reports a missing file and keeps the list', async () => {
    const { db, dir } = freshDb();
    await withOldList(db, dir);
    await expect(syncHotList(db, { ...options(dir), from: path.join(dir, 'gone.txt') })).rejects.toThrow(/gone.txt: no such file/);
    expectOldListInForce(db);
    expect(hotListStatus(db, Date.now())[0]!.fault).toMatchObject({ kind: 'missing', detail: expect.stringMatching(/gone\.txt: no such file/) });
  });

  it('keeps a list that never loaded and failed its first sync in the status, stale with the reason, until a sync succeeds', async () => {
    const { db, dir } = freshDb();
    await expect(syncHotList(db, { ...options(dir), from: path.join(dir, 'gone.txt') })).rejects.toThrow(/gone.txt: no such file/);
    const [failed] = hotListStatus(db, Date.now());
    expect(failed).toMatchObject({ name: options(dir).list, entries: 0, updatedAt: null, stale: true });
    expect(failed!.fault).toMatchObject({ kind: 'missing' });
    expect(failed!.staleReason).toBe(
      'ncic list could not be loaded. The list file is missing: the USB stick or network share may not be connected. There is no copy of it on the car: reads are not checked against it.',
    );
    writeFile(dir, 'ncic.txt', ncicFile(['ABC1234']));
    await syncHotList(db, { ...options(dir), from: path.join(dir, 'ncic.txt') });
    expect(hotListStatus(db, Date.now())[0]).toMatchObject({ entries: 1, stale: false, fault: null });
  });
});

describe('syncHotList over HTTP', () => {
  it('downloads with a conditional request and accepts 304 as current', async () => {
    const { db, dir } = freshDb();
    const log: http.IncomingHttpHeaders[] = [];
    const url = await serve(fileHandler(NEW, '"v1"', log));
    let now = 1_000_000;
    const first = await syncHotList(db, { ...options(dir), from: url, now: () => now });
    expect(first).toMatchObject({ outcome: 'imported', entries: 2000, attempts: 1 });
    now += 3600_000;
    expect(await syncHotList(db, { ...options(dir), from: url, now: () => now })).toMatchObject({ outcome: 'not-modified', entries: 2000 });
    expect(log[1]!['if-none-match']).toBe('"v1"');
    // 304 confirms the copy (checkedAt) but does not make its data younger: no Last-Modified, so its age counts from the download.
    expect(hotListStatus(db, now)[0]).toMatchObject({ updatedAt: 1_000_000, dataFrom: 'download', checkedAt: now, stale: false, source: url });
    expect(await syncHotList(db, { ...options(dir), from: url, force: true })).toMatchObject({ outcome: 'imported' });
    expect(log[2]!['if-none-match']).toBeUndefined();
    expect(fs.readdirSync(path.join(dir, 'downloads'))).toEqual([]);
  });

  it('resumes a dropped download with a Range request', async () => {
    const { db, dir } = freshDb();
    const log: http.IncomingHttpHeaders[] = [];
    const url = await serve(fileHandler(NEW, '"v2"', log, { ranges: true, dropFirstAt: 20_000 }));
    const result = await syncHotList(db, { ...options(dir), from: url });
    expect(result).toMatchObject({ outcome: 'imported', entries: 2000, attempts: 2, downloadedBytes: NEW.length });
    expect(log[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(log[1]!.range!)![0])).toBeGreaterThan(0);
    expect(log[1]!['if-range']).toBe('"v2"');
  });

  it('starts again when the server cannot resume', async () => {
    const { db, dir } = freshDb();
    const log: http.IncomingHttpHeaders[] = [];
    const url = await serve(fileHandler(NEW, '"v3"', log, { ranges: false, dropFirstAt: 20_000 }));
    expect(await syncHotList(db, { ...options(dir), from: url })).toMatchObject({ outcome: 'imported', entries: 2000, attempts: 2 });
  });

  it('gives up after the retries when the server keeps dropping, keeping the list', async () => {
    const { db, dir } = freshDb();
    await withOldList(db, dir);
    const url = await serve(fileHandler(NEW, '"v4"', [], { dropAlways: 5000 }));
    await expect(syncHotList(db, { ...options(dir), from: url })).rejects.toThrow(/download failed after 4 attempts: connection dropped after \d+ of \d+ bytes; the previous list stays in force/);
    expectOldListInForce(db);
    expect(hotListStatus(db, Date.now())[0]!.fault).toMatchObject({ kind: 'unreachable', status: null, detail: expect.stringMatching(/connection dropped/) });
    expect(fs.readdirSync(path.join(dir, 'downloads'))).toEqual([]);
  });

  it('refuses garbage, an HTML page and an HTTP error, keeping the list', async () => {
    const { db, dir } = freshDb();
    await withOldList(db, dir);
    const garbage = Buffer.alloc(5000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 251;
    const url = await serve((req, res) => {
      if (req.url!.endsWith('garbage')) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(garbage);
      else if (req.url!.endsWith('html')) res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Please log in</html>');
      else if (req.url!.endsWith('text')) res.writeHead(200).end('this is not a hot list\nat all\n');
      else if (req.url!.endsWith('cut')) {
        // No length, closes cleanly in the middle of a record.
        res.writeHead(200, { connection: 'close' });
        res.end(NEW.subarray(0, 5000));
      } else res.writeHead(404).end('not found');
    });
    const base = url.replace(/ncic\.txt$/, '');
    await expect(syncHotList(db, { ...options(dir), from: `${base}garbage` })).rejects.toThrow(HotListImportError);
    await expect(syncHotList(db, { ...options(dir), from: `${base}garbage` })).rejects.toThrow(new RegExp(`^${base}garbage:1: contains NUL bytes`));
    await expect(syncHotList(db, { ...options(dir), from: `${base}html` })).rejects.toThrow(/returned an HTML page/);
    await expect(syncHotList(db, { ...options(dir), from: `${base}text` })).rejects.toThrow(/text:2: record is 6 characters long/);
    await expect(syncHotList(db, { ...options(dir), from: `${base}cut` })).rejects.toThrow(/cut:\d+: .*truncated file\?/);
    await expect(syncHotList(db, { ...options(dir), from: `${base}missing` })).rejects.toThrow(HotListSyncError);
    await expect(syncHotList(db, { ...options(dir), from: `${base}missing` })).rejects.toThrow(/HTTP 404/);
    expectOldListInForce(db);
  });

  it('times out a silent server', async () => {
    const { db, dir } = freshDb();
    await withOldList(db, dir);
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('V');
    });
    await expect(syncHotList(db, { ...options(dir), from: url, retries: 1, idleTimeoutMs: 200 })).rejects.toThrow(/after 2 attempts/);
    expectOldListInForce(db);
  });
});

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!opensslAvailable())('syncHotList over HTTPS (self-signed certificate made with openssl)', () => {
  function certificate(): { key: Buffer; cert: Buffer } {
    const dir = tempDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) };
  }

  it('syncs when the agency CA is trusted, resumes a drop, and refuses an untrusted server', async () => {
    const tls = certificate();
    const { db, dir } = freshDb();
    await withOldList(db, dir);
    const log: http.IncomingHttpHeaders[] = [];
    const url = await serve(fileHandler(NEW, '"tls"', log, { ranges: true, dropFirstAt: 30_000 }), tls);
    await expect(syncHotList(db, { ...options(dir), from: url })).rejects.toThrow(/TLS: .*caFile/);
    expectOldListInForce(db);
    const caFile = writeFile(dir, 'agency-ca.pem', tls.cert);
    const result = await syncHotList(db, { ...options(dir), from: url, config: { name: 'ncic', caFile } });
    expect(result).toMatchObject({ outcome: 'imported', entries: 2000, attempts: 2 });
    expect(log.at(-1)!.range).toBeDefined();
  });
});
