/**
 * Lists come from the agency intact (policy D): https:// unless a list is
 * marked allowPlainHttp, and a detached SHA-256 and/or Ed25519 signature is
 * checked before a list replaces the one in force; a mismatch keeps the old
 * list and says why. The HTTPS server is on 127.0.0.1 with a certificate made
 * in the test.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHotListMatcher, hotListStatus, syncHotList } from '../../src/main/engine/hotlist/index.js';
import { parseSha256File, parseSigningKey } from '../../src/main/engine/hotlist/integrity.js';
import type { Db } from '../../src/main/engine/store/db.js';
import type { HotListFaultKind } from '../../src/shared/hotlists.js';
import { entryCount, freshDb, NCIC_HEADER, ncicLine, tempDir, writeFile } from './helpers.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => {
    s.closeAllConnections();
    s.close(resolve);
  })));
});

const OLD = Buffer.from([NCIC_HEADER, ncicLine('V', 'OLD111', 'CA')].join('\n') + '\n');
const NEW = Buffer.from([NCIC_HEADER, ncicLine('V', 'NEW111', 'CA'), ncicLine('V', 'NEW222', 'CA')].join('\n') + '\n');
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest();
const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PUBLIC_RAW_B64 = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).subarray(12).toString('base64');
const sign = (b: Buffer, key = privateKey) => crypto.sign(null, sha256(b), key);

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Serves files by path: { '/ncic.txt': Buffer, ... }. */
async function serve(files: Record<string, Buffer>, tls?: { key: Buffer; cert: Buffer }): Promise<string> {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': file.length, 'content-type': 'application/octet-stream' });
    res.end(file);
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function options(dir: string) {
  return { list: 'ncic', downloadDir: path.join(dir, 'downloads'), retries: 0, retryDelayMs: 5, idleTimeoutMs: 5000 };
}

async function withOldList(db: Db, dir: string): Promise<void> {
  await syncHotList(db, { ...options(dir), from: writeFile(dir, 'old.txt', OLD), config: { name: 'ncic' } });
  expect(entryCount(db, 'ncic')).toBe(1);
}

function expectOldList(db: Db, reason: RegExp, kind: HotListFaultKind): void {
  expect(entryCount(db, 'ncic')).toBe(1);
  expect(createHotListMatcher(db).match({ plate: 'OLD111', state: 'CA', candidates: [] })).toHaveLength(1);
  const status = hotListStatus(db, Date.now()).find((l) => l.name === 'ncic')!;
  expect(status.fault?.detail).toMatch(reason);
  expect(status.fault?.kind).toBe(kind);
  expect(status.stale).toBe(true);
}

describe('plain http', () => {
  it('is refused unless the list allows it, naming the list and the setting', async () => {
    const { db, dir } = freshDb();
    await withOldList(db, dir);
    const base = await serve({ '/ncic.txt': NEW });
    await expect(syncHotList(db, { ...options(dir), from: `${base}/ncic.txt`, config: { name: 'ncic' } })).rejects.toThrow(
      /plain http:\/\/ is refused for the list of list "ncic".*"allowPlainHttp": true/,
    );
    expectOldList(db, /plain http/, 'insecure');
    const result = await syncHotList(db, { ...options(dir), from: `${base}/ncic.txt`, config: { name: 'ncic', allowPlainHttp: true } });
    expect(result).toMatchObject({ outcome: 'imported', entries: 2 });
  });

  it('is refused for a checksum fetched over it, too', async () => {
    const { db, dir } = freshDb();
    await withOldList(db, dir);
    const base = await serve({ '/ncic.txt.sha256': Buffer.from(sha256(NEW).toString('hex')) });
    const file = writeFile(dir, 'new.txt', NEW);
    await expect(syncHotList(db, { ...options(dir), from: file, config: { name: 'ncic', sha256: `${base}/ncic.txt.sha256` } })).rejects.toThrow(/plain http:\/\/ is refused for the checksum or signature/);
    expectOldList(db, /plain http/, 'insecure');
  });
});

describe('detached SHA-256 and Ed25519 signature on a local file', () => {
  it('imports when the checksum file (sha256sum format) matches, keeps the old list when it does not', async () => {
    const { db, dir } = freshDb();
    await withOldList(db, dir);
    const file = writeFile(dir, 'new.txt', NEW);
    writeFile(dir, 'new.txt.sha256', `${'0'.repeat(64)}  new.txt\n`);
    await expect(syncHotList(db, { ...options(dir), from: file, config: { name: 'ncic', sha256: true } })).rejects.toThrow(
      new RegExp(`SHA-256 mismatch: the file's is ${sha256(NEW).toString('hex')}, .*new\\.txt\\.sha256 says 0{64}.*previous list stays in force`),
    );
    expectOldList(db, /SHA-256 mismatch/, 'integrity');
    writeFile(dir, 'new.txt.sha256', `${sha256(NEW).toString('hex').toUpperCase()}  new.txt\n`);
    expect(await syncHotList(db, { ...options(dir), from: file, config: { name: 'ncic', sha256: true } })).toMatchObject({ outcome: 'imported', entries: 2 });
    expect(hotListStatus(db, Date.now())[0]!.fault).toBeNull();
  });

  it('checks an Ed25519 signature with the PEM or raw base64 key; a wrong key or altered file keeps the old list', async () => {
    const { db, dir } = freshDb();
    await withOldList(db, dir);
    const file = writeFile(dir, 'new.txt', NEW);
    const other = crypto.generateKeyPairSync('ed25519').privateKey;
    writeFile(dir, 'new.txt.sig', sign(NEW, other));
    await expect(syncHotList(db, { ...options(dir), from: file, config: { name: 'ncic', signingKey: PUBLIC_PEM } })).rejects.toThrow(/the signature in .*new\.txt\.sig does not match/);
    expectOldList(db, /signature/, 'integrity');
    writeFile(dir, 'new.txt.sig', sign(NEW).toString('base64') + '\n');
    fs.appendFileSync(file, ncicLine('V', 'EVIL11', 'CA') + '\n');
    await expect(syncHotList(db, { ...options(dir), from: file, config: { name: 'ncic', signingKey: PUBLIC_PEM } })).rejects.toThrow(/does not match/);
    expectOldList(db, /signature/, 'integrity');
    fs.writeFileSync(file, NEW);
    expect(await syncHotList(db, { ...options(dir), from: file, config: { name: 'ncic', signingKey: PUBLIC_RAW_B64 } })).toMatchObject({ outcome: 'imported', entries: 2 });
  });

  it('names a missing signature file, a signature without a key, and a key that is not Ed25519', async () => {
    const { db, dir } = freshDb();
    await withOldList(db, dir);
    const file = writeFile(dir, 'new.txt', NEW);
    await expect(syncHotList(db, { ...options(dir), from: file, config: { name: 'ncic', signingKey: PUBLIC_PEM } })).rejects.toThrow(/new\.txt\.sig: no such file/);
    await expect(syncHotList(db, { ...options(dir), from: file, config: { name: 'ncic', signature: `${file}.sig` } })).rejects.toThrow(/names a "signature" but no "signingKey"/);
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parseSigningKey(rsa, 'ncic')).toThrow(/"signingKey" is a rsa key; an Ed25519 key is needed/);
    expect(() => parseSigningKey('AAAA', 'ncic')).toThrow(/decodes to 3 bytes/);
    expect(() => parseSha256File('hello\n', 'x.sha256')).toThrow(/x\.sha256: is not a SHA-256 checksum file/);
    expectOldList(db, /no "signingKey"/, 'integrity');
  });
});

describe.skipIf(!opensslAvailable())('over HTTPS with a self-signed certificate (openssl, 127.0.0.1)', () => {
  function certificate(): { key: Buffer; cert: Buffer } {
    const dir = tempDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'key.pem'),
      '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) };
  }

  it('checks the detached checksum and signature from the server before the list replaces the old one', async () => {
    const tls = certificate();
    const { db, dir } = freshDb();
    await withOldList(db, dir);
    const caFile = writeFile(dir, 'agency-ca.pem', tls.cert);
    const files: Record<string, Buffer> = {
      '/ncic.txt': NEW,
      '/ncic.txt.sha256': Buffer.from(`${sha256(NEW).toString('hex')}  ncic.txt\n`),
      '/ncic.txt.sig': sign(NEW),
    };
    const base = await serve(files, tls);
    const config = { name: 'ncic', caFile, sha256: true as const, signingKey: PUBLIC_PEM };
    // Tampered in transit: the list no longer matches its checksum.
    files['/ncic.txt'] = Buffer.concat([NEW, Buffer.from(ncicLine('V', 'EVIL11', 'CA') + '\n')]);
    await expect(syncHotList(db, { ...options(dir), from: `${base}/ncic.txt`, config })).rejects.toThrow(/SHA-256 mismatch/);
    expectOldList(db, /SHA-256 mismatch/, 'integrity');
    expect(fs.readdirSync(path.join(dir, 'downloads'))).toEqual([]);
    // Checksum replaced to match, but the signature was made for the real list.
    files['/ncic.txt.sha256'] = Buffer.from(sha256(files['/ncic.txt']).toString('hex'));
    await expect(syncHotList(db, { ...options(dir), from: `${base}/ncic.txt`, config })).rejects.toThrow(/signature .* does not match/);
    expectOldList(db, /signature/, 'integrity');
    files['/ncic.txt'] = NEW;
    files['/ncic.txt.sha256'] = Buffer.from(`${sha256(NEW).toString('hex')}  ncic.txt\n`);
    const result = await syncHotList(db, { ...options(dir), from: `${base}/ncic.txt`, config });
    expect(result).toMatchObject({ outcome: 'imported', entries: 2 });
    expect(createHotListMatcher(db).match({ plate: 'NEW222', state: 'CA', candidates: [] })).toHaveLength(1);
  });
});
