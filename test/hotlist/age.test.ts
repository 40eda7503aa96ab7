/**
 * A list's age is its data's age (policy C.3): the extract's own date, else the
 * file's mtime or the server's Last-Modified. Re-syncing an unchanged file or a
 * 304 does not make old data fresh, and a list whose sync failed stays stale,
 * with a reason in plain words, until a sync succeeds.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hotListStatus, importHotListNcic, syncHotList } from '../../src/main/engine/hotlist/index.js';
import { extractDateOf } from '../../src/main/engine/hotlist/formats.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { migrations } from '../../src/main/engine/store/migrations.js';
import { freshDb, NCIC_HEADER, ncicLine, tempDir, writeFile } from './helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LIMIT = 24 * HOUR;
const servers: http.Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => {
    s.closeAllConnections();
    s.close(resolve);
  })));
});

const body = (header: string) => [header, ncicLine('V', 'AGE111', 'CA'), ncicLine('P', 'AGE222', 'NV')].join('\n') + '\n';

function options(dir: string, now: () => number) {
  return { list: 'ncic', config: { name: 'ncic', allowPlainHttp: true }, downloadDir: path.join(dir, 'downloads'), retries: 0, retryDelayMs: 5, idleTimeoutMs: 5000, now };
}

function statusOf(db: Parameters<typeof hotListStatus>[0], now: number) {
  return hotListStatus(db, now, LIMIT).find((l) => l.name === 'ncic')!;
}

describe('extractDateOf', () => {
  it('finds the date of an extract header, with or without a time, and nothing else', () => {
    expect(extractDateOf('NCIC VEHICLE EXTRACT 20240101')).toBe(Date.UTC(2024, 0, 1));
    expect(extractDateOf('EXTRACT OF 2024-03-05T06:30Z')).toBe(Date.UTC(2024, 2, 5, 6, 30));
    expect(extractDateOf('HOTLIST 20240305 063015')).toBe(Date.UTC(2024, 2, 5, 6, 30, 15));
    expect(extractDateOf('NCIC VEHICLE EXTRACT')).toBeNull();
    expect(extractDateOf('EXTRACT 20240231')).toBeNull();
    expect(extractDateOf('RUN 1234567890123')).toBeNull();
  });
});

describe("a list's age is its data's age", () => {
  it("takes the extract's own date from the header, and says so when that makes it stale", async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'ncic.txt', body('NCIC VEHICLE EXTRACT 20240101'));
    const result = await importHotListNcic(db, file, { list: 'ncic' });
    expect(result.dataDate).toEqual({ at: Date.UTC(2024, 0, 1), from: 'extract' });
    const now = Date.UTC(2024, 0, 3, 12);
    expect(statusOf(db, now)).toMatchObject({ updatedAt: Date.UTC(2024, 0, 1), dataFrom: 'extract', ageMs: 2.5 * DAY, stale: true });
    expect(statusOf(db, now).staleReason).toBe("ncic list is out of date. Its data is 2 days old by the extract's own date, over the 24 h limit.");
    expect(statusOf(db, Date.UTC(2024, 0, 1, 20)).stale).toBe(false);
  });

  it("uses a file's modification time: a five-day-old file imports stale, and re-syncing it unchanged does not make it fresh", async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'usb.txt', body(NCIC_HEADER));
    const now = Date.now();
    // Whole seconds: file systems round sub-second times differently.
    const mtime = new Date(Math.floor((now - 5 * DAY) / 1000) * 1000);
    fs.utimesSync(file, mtime, mtime);
    expect(await syncHotList(db, { ...options(dir, () => now), from: file })).toMatchObject({ outcome: 'imported', entries: 2 });
    const first = statusOf(db, now);
    expect(first).toMatchObject({ updatedAt: mtime.getTime(), dataFrom: 'file', stale: true });
    expect(first.staleReason).toMatch(/^ncic list is out of date\. Its data is 5 days old by the file's date/);
    const later = now + HOUR;
    expect(await syncHotList(db, { ...options(dir, () => later), from: file })).toMatchObject({ outcome: 'unchanged' });
    expect(statusOf(db, later)).toMatchObject({ updatedAt: mtime.getTime(), checkedAt: later, stale: true });
    // A newer file from the agency is what makes it fresh.
    const fresh = new Date(Math.floor((later - HOUR) / 1000) * 1000);
    fs.writeFileSync(file, body(NCIC_HEADER) + ncicLine('V', 'AGE333', 'CA') + '\n');
    fs.utimesSync(file, fresh, fresh);
    expect(await syncHotList(db, { ...options(dir, () => later), from: file })).toMatchObject({ outcome: 'imported', entries: 3 });
    expect(statusOf(db, later)).toMatchObject({ updatedAt: fresh.getTime(), stale: false, staleReason: null });
  });

  it('stays stale after a failed sync, even with young data, until a sync succeeds', async () => {
    const { db, dir } = freshDb();
    const file = writeFile(dir, 'share.txt', body(NCIC_HEADER));
    await syncHotList(db, { ...options(dir, Date.now), from: file });
    expect(statusOf(db, Date.now())).toMatchObject({ stale: false, staleReason: null });
    const moved = `${file}.away`;
    fs.renameSync(file, moved);
    await expect(syncHotList(db, { ...options(dir, Date.now), from: file })).rejects.toThrow(/no such file/);
    const failed = statusOf(db, Date.now());
    expect(failed).toMatchObject({ stale: true, entries: 2 });
    expect(failed.fault).toMatchObject({ kind: 'missing', detail: expect.stringMatching(/share\.txt: no such file/) });
    expect(failed.staleReason).toMatch(/^ncic list could not be updated\. The list file is missing: the USB stick or network share may not be connected\.$/);
    // Still stale on every later look, however young the data.
    expect(statusOf(db, Date.now() + 1000).stale).toBe(true);
    fs.renameSync(moved, file);
    expect(await syncHotList(db, { ...options(dir, Date.now), from: file })).toMatchObject({ outcome: 'unchanged' });
    expect(statusOf(db, Date.now())).toMatchObject({ stale: false, staleReason: null, fault: null });
  });

  it("says a list that never loaded is stale because its first sync failed", async () => {
    const { db, dir } = freshDb();
    await expect(syncHotList(db, { ...options(dir, Date.now), from: path.join(dir, 'missing.txt') })).rejects.toThrow(/no such file/);
    // The first sync of a list that does not exist yet records nothing; an import that fails does.
    const bad = writeFile(dir, 'bad.txt', `${NCIC_HEADER}\nnot a record\n`);
    await expect(importHotListNcic(db, bad, { list: 'ncic' })).rejects.toThrow(/:2:/);
    expect(statusOf(db, Date.now())).toMatchObject({ stale: true, updatedAt: null });
    expect(statusOf(db, Date.now()).fault).toMatchObject({ kind: 'bad-format', line: 2, detail: expect.stringMatching(/bad\.txt:2:/) });
    expect(statusOf(db, Date.now()).staleReason).toBe('ncic list could not be loaded. The new file is damaged or in the wrong format (line 2), so it was not taken. There is no copy of it on the car: reads are not checked against it.');
  });

  it("uses the server's Last-Modified, and a 304 later does not make the data younger", async () => {
    const { db, dir } = freshDb();
    const lastModified = new Date(Date.UTC(2024, 5, 1, 8, 0, 0));
    const content = Buffer.from(body(NCIC_HEADER));
    const server = http.createServer((req, res) => {
      if (req.headers['if-modified-since'] === lastModified.toUTCString()) return void res.writeHead(304).end();
      res.writeHead(200, { 'content-length': content.length, 'content-type': 'text/plain', 'last-modified': lastModified.toUTCString() });
      res.end(content);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ncic.txt`;
    const now = Date.UTC(2024, 5, 4, 8);
    expect(await syncHotList(db, { ...options(dir, () => now), from: url })).toMatchObject({ outcome: 'imported' });
    expect(statusOf(db, now)).toMatchObject({ updatedAt: lastModified.getTime(), dataFrom: 'server', stale: true });
    expect(statusOf(db, now).staleReason).toBe("ncic list is out of date. Its data is 3 days old by the server's date, over the 24 h limit.");
    expect(await syncHotList(db, { ...options(dir, () => now + HOUR), from: url })).toMatchObject({ outcome: 'not-modified' });
    expect(statusOf(db, now + HOUR)).toMatchObject({ updatedAt: lastModified.getTime(), checkedAt: now + HOUR, stale: true });
  });

  it('migration 30 gives lists imported before it their import time as the data date', () => {
    const file = path.join(tempDir(), 'lpr.sqlite');
    const at30 = migrations.findIndex((m) => m.version === 30);
    const before = openDatabase(file, migrations.slice(0, at30));
    before.prepare(`INSERT INTO hot_lists (name, source, updated_at, entry_count) VALUES ('old', '/x', 1000, 5), ('empty', '/y', 2000, 0)`).run();
    before.close();
    const after = openDatabase(file, migrations.slice(0, at30 + 1));
    expect(after.prepare('SELECT name, data_at, data_from FROM hot_lists ORDER BY name').all()).toEqual([
      { name: 'empty', data_at: null, data_from: null },
      { name: 'old', data_at: 1000, data_from: null },
    ]);
    after.close();
  });
});
