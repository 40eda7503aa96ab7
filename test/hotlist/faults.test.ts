/**
 * Each kind of hot-list fault, produced through the real sync and import code
 * (a missing file, a refusing or absent server on 127.0.0.1, a malformed or
 * empty file, a checksum that does not match, a full database...), recorded on
 * the list with the engine's detail, and read back from its status.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { faultOf, hotListStatus, importHotListCsv, syncHotList, type SyncOptions } from '../../src/main/engine/hotlist/index.js';
import type { Db } from '../../src/main/engine/store/db.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { migrations } from '../../src/main/engine/store/migrations.js';
import type { HotListFault } from '../../src/shared/contract.js';
import type { HotListFaultKind } from '../../src/shared/hotlists.js';
import { entryCount, freshDb, tempDir, writeFile } from './helpers.js';

const servers: http.Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => {
    s.closeAllConnections();
    s.close(resolve);
  })));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An address on 127.0.0.1 where nothing listens: a port just given back. */
async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const CSV_HEADER = 'plate,state,list_code,description\n';
const OLD = CSV_HEADER + 'OLD111,CA,V,stolen\n';
const NEW = CSV_HEADER + Array.from({ length: 3000 }, (_, i) => `N${String(i).padStart(5, '0')},CA,V,stolen vehicle ${i}`).join('\n') + '\n';

function options(dir: string, over: Partial<SyncOptions> = {}): SyncOptions {
  return { list: 'county', downloadDir: path.join(dir, 'downloads'), retries: 0, retryDelayMs: 1, idleTimeoutMs: 5000, ...over };
}

/** A car holding the county list (one entry), as before the sync that fails. */
async function withOldList(): Promise<{ db: Db; dir: string }> {
  const { db, dir } = freshDb();
  await syncHotList(db, options(dir, { from: writeFile(dir, 'old.csv', OLD), config: { name: 'county' } }));
  expect(entryCount(db, 'county')).toBe(1);
  return { db, dir };
}

/** The failure as thrown, and as the list's status carries it; the old list stays in force. */
async function faultOfSync(db: Db, attempt: Promise<unknown>): Promise<HotListFault> {
  const thrown = await attempt.then(
    () => null,
    (error: unknown) => error,
  );
  expect(thrown, 'the sync should have failed').toBeInstanceOf(Error);
  const status = hotListStatus(db, Date.now()).find((l) => l.name === 'county')!;
  expect(status.stale).toBe(true);
  expect(status.fault).not.toBeNull();
  // What was thrown and what was recorded agree.
  expect(faultOf(thrown)).toEqual({ kind: status.fault!.kind, detail: status.fault!.detail, status: status.fault!.status, line: status.fault!.line });
  expect(entryCount(db, 'county')).toBe(1);
  return status.fault!;
}

function saw(fault: HotListFault, kind: HotListFaultKind): void {
  expect(fault.kind, fault.detail).toBe(kind);
}

/** One test per kind: a kind added to HOTLIST_FAULT_KINDS without a test here does not compile. */
const CASES: Record<HotListFaultKind, string> = {
  missing: 'missing: the file the source names is not there',
  unreachable: 'unreachable: nothing answers at the address',
  refused: 'refused: the server answers with an error status, kept with the fault',
  insecure: 'insecure: plain http:// for a list that does not allow it',
  'bad-format': 'bad-format: a malformed line (with its number), and an HTML page where a list should be',
  empty: 'empty: a file with no entries',
  integrity: 'integrity: a checksum that does not match the file',
  storage: 'storage: the database cannot grow to take the new list in',
  unexpected: 'unexpected: any other error, with its detail (here the agency CA file the settings name is not there)',
};

describe('hot-list faults, typed where they are found', () => {
  it(CASES.missing, async () => {
    const { db, dir } = await withOldList();
    const gone = path.join(dir, 'usb', 'county.csv');
    const fault = await faultOfSync(db, syncHotList(db, options(dir, { from: gone })));
    saw(fault, 'missing');
    expect(fault).toMatchObject({ status: null, line: null, detail: `${gone}: no such file (is the USB stick or share mounted?)` });
    // A folder where a file should be is no list file either.
    fs.mkdirSync(path.join(dir, 'folder.csv'));
    saw(await faultOfSync(db, syncHotList(db, options(dir, { from: path.join(dir, 'folder.csv') }))), 'missing');
  });

  it(CASES.unreachable, async () => {
    const { db, dir } = await withOldList();
    const base = await closedPort();
    const fault = await faultOfSync(db, syncHotList(db, options(dir, { from: `${base}/county.csv`, config: { name: 'county', allowPlainHttp: true } })));
    saw(fault, 'unreachable');
    expect(fault.detail).toMatch(/ECONNREFUSED/);
    expect(fault.status).toBeNull();
  });

  it(CASES.refused, async () => {
    const { db, dir } = await withOldList();
    const base = await serve((req, res) => {
      if (req.url === '/busy.csv') return void res.writeHead(503).end();
      res.writeHead(404).end();
    });
    const config = { name: 'county', allowPlainHttp: true };
    const notFound = await faultOfSync(db, syncHotList(db, options(dir, { from: `${base}/county.csv`, config })));
    saw(notFound, 'refused');
    expect(notFound).toMatchObject({ status: 404, detail: `${base}/county.csv: server answered HTTP 404 Not Found` });
    // A server that keeps answering 503 through the retries refuses too, with its last status.
    const busy = await faultOfSync(db, syncHotList(db, options(dir, { from: `${base}/busy.csv`, config, retries: 1 })));
    saw(busy, 'refused');
    expect(busy).toMatchObject({ status: 503, detail: expect.stringMatching(/download failed after 2 attempts: server answered HTTP 503/) });
  });

  it(CASES.insecure, async () => {
    const { db, dir } = await withOldList();
    const base = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(NEW));
    const fault = await faultOfSync(db, syncHotList(db, options(dir, { from: `${base}/county.csv`, config: { name: 'county' } })));
    saw(fault, 'insecure');
    expect(fault.detail).toMatch(/plain http:\/\/ is refused/);
  });

  it(CASES['bad-format'], async () => {
    const { db, dir } = await withOldList();
    const bad = writeFile(dir, 'bad.csv', CSV_HEADER + 'AAA111,CA,V,x\nBBB222,CAL,V,y\n');
    const fault = await faultOfSync(db, syncHotList(db, options(dir, { from: bad })));
    saw(fault, 'bad-format');
    expect(fault).toMatchObject({ line: 3, status: null, detail: `${bad}:3: state "CAL" is not a two-letter code` });
    const base = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in</html>'));
    const portal = await faultOfSync(db, syncHotList(db, options(dir, { from: `${base}/county.csv`, config: { name: 'county', allowPlainHttp: true } })));
    saw(portal, 'bad-format');
    expect(portal).toMatchObject({ line: null, detail: expect.stringMatching(/HTML page/) });
  });

  it(CASES.empty, async () => {
    const { db, dir } = await withOldList();
    const fault = await faultOfSync(db, syncHotList(db, options(dir, { from: writeFile(dir, 'empty.csv', CSV_HEADER) })));
    saw(fault, 'empty');
    expect(fault.detail).toMatch(/the file has no entries/);
  });

  it(CASES.integrity, async () => {
    const { db, dir } = await withOldList();
    const file = writeFile(dir, 'new.csv', NEW);
    writeFile(dir, 'new.csv.sha256', `${crypto.createHash('sha256').update('something else').digest('hex')}  new.csv\n`);
    const fault = await faultOfSync(db, syncHotList(db, options(dir, { from: file, config: { name: 'county', sha256: true } })));
    saw(fault, 'integrity');
    expect(fault.detail).toMatch(/SHA-256 mismatch/);
  });

  it(CASES.storage, async () => {
    const { db, dir } = await withOldList();
    const file = writeFile(dir, 'new.csv', NEW);
    // A full disk, as SQLite meets it: no page beyond the ones the database has now.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 2}`);
    const fault = await faultOfSync(db, syncHotList(db, options(dir, { from: file })));
    saw(fault, 'storage');
    expect(fault.detail).toMatch(/full/);
  });

  it(CASES.unexpected, async () => {
    const { db, dir } = await withOldList();
    const base = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(NEW));
    const caFile = path.join(dir, 'no-such-ca.pem');
    const fault = await faultOfSync(db, syncHotList(db, options(dir, { from: `${base}/county.csv`, config: { name: 'county', allowPlainHttp: true, caFile } })));
    saw(fault, 'unexpected');
    expect(fault.detail).toContain('no-such-ca.pem');
  });

  it('a direct import records its kind too, and a success clears it', async () => {
    const { db, dir } = await withOldList();
    await expect(importHotListCsv(db, writeFile(dir, 'b.csv', CSV_HEADER + 'OK1,CA,V,x\nBAD!,CA,V,y\n'), { list: 'county' })).rejects.toThrow(/:3:/);
    expect(hotListStatus(db, Date.now())[0]!.fault).toMatchObject({ kind: 'bad-format', line: 3 });
    await importHotListCsv(db, writeFile(dir, 'c.csv', CSV_HEADER + 'OK2,CA,V,x\n'), { list: 'county' });
    expect(hotListStatus(db, Date.now())[0]).toMatchObject({ fault: null, stale: false });
    const row = db.prepare('SELECT last_error, last_error_kind, last_error_status, last_error_line FROM hot_lists').get();
    expect(row).toEqual({ last_error: null, last_error_kind: null, last_error_status: null, last_error_line: null });
  });

});

describe('migration 82: the kind of a stored failure', () => {
  it('keeps a failure stored before it, which reads as unexpected with its detail', () => {
    const file = path.join(tempDir(), 'lpr.sqlite');
    const index = migrations.findIndex((m) => m.version === 82);
    expect(index).toBeGreaterThan(0);
    const before = openDatabase(file, migrations.slice(0, index));
    before
      .prepare(`INSERT INTO hot_lists (name, source, updated_at, entry_count, kind, settings, generation, last_error, last_error_at) VALUES ('county', '/mnt/share/county.csv', 1000, 0, 'imported', '{}', 0, ?, 2000)`)
      .run('/mnt/share/county.csv: no such file (is the USB stick or share mounted?)');
    before.close();
    const after = openDatabase(file);
    try {
      const [county] = hotListStatus(after, 3000);
      expect(county!.fault).toEqual({ kind: 'unexpected', detail: '/mnt/share/county.csv: no such file (is the USB stick or share mounted?)', at: 2000, status: null, line: null });
      expect(county!.stale).toBe(true);
      expect(county!.staleReason).toBe('county list could not be loaded. The reader met an error while updating it. There is no copy of it on the car: reads are not checked against it.');
    } finally {
      after.close();
    }
  });
});
