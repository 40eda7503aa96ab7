/**
 * Lists come from the agency intact (policy D): a list over plain http:// is
 * refused unless the list says otherwise, and a detached SHA-256 and/or an
 * Ed25519 signature is checked before a downloaded or copied file may replace
 * the list in force.
 *
 * The signature is Ed25519 over the file's SHA-256 digest (32 bytes), so the
 * file is read once, as a stream, however large it is. An agency signs with:
 *   openssl dgst -sha256 -binary list.txt > list.digest
 *   openssl pkeyutl -sign -rawin -inkey agency-key.pem -in list.digest -out list.txt.sig
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { ListConfig } from './config.js';
import { HotListSyncError } from './errors.js';

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Refuses a plain-http source unless the list allows it; names the list and the setting. */
export function requireHttps(url: string, config: Pick<ListConfig, 'name' | 'allowPlainHttp'>, what = 'list'): void {
  if (!/^http:\/\//i.test(url) || config.allowPlainHttp) return;
  throw new HotListSyncError(
    url,
    `plain http:// is refused for the ${what} of list "${config.name}": anyone on the way could change it; use https:// ` +
      `(or set "allowPlainHttp": true for this list if the agency has no HTTPS server)`,
    'insecure',
  );
}

/** SHA-256 of a file, hex, read as a stream. */
export async function sha256OfFile(file: string): Promise<Buffer> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest();
}

export interface FetchOptions {
  readonly ca?: string | Buffer;
  readonly idleTimeoutMs?: number;
}

const MAX_DETACHED_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;

/** A small detached file (checksum, signature) from a path or URL. */
export async function readDetached(location: string, config: Pick<ListConfig, 'name' | 'allowPlainHttp'>, options: FetchOptions): Promise<Buffer> {
  if (!isUrl(location)) {
    try {
      const stat = fs.statSync(location);
      if (stat.size > MAX_DETACHED_BYTES) throw new HotListSyncError(location, `is ${stat.size} bytes; a checksum or signature file is a few bytes`, 'integrity');
      return fs.readFileSync(location);
    } catch (error) {
      if (error instanceof HotListSyncError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      // Without its checksum or signature the file cannot be checked, and an unchecked file is not taken.
      throw new HotListSyncError(location, code === 'ENOENT' ? 'no such file' : (error as Error).message, 'integrity');
    }
  }
  return fetchSmall(location, config, options, 0);
}

function fetchSmall(url: string, config: Pick<ListConfig, 'name' | 'allowPlainHttp'>, options: FetchOptions, redirects: number): Promise<Buffer> {
  requireHttps(url, config, 'checksum or signature');
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(target, { method: 'GET', headers: { 'accept-encoding': 'identity' }, ...(options.ca ? { ca: options.ca } : {}) }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new HotListSyncError(url, 'too many redirects', 'refused', status));
        fetchSmall(new URL(response.headers.location, target).toString(), config, options, redirects + 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        response.resume();
        return reject(new HotListSyncError(url, `server answered HTTP ${status} ${response.statusMessage ?? ''}`.trim(), 'refused', status));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_DETACHED_BYTES) {
          response.destroy();
          reject(new HotListSyncError(url, `is over ${MAX_DETACHED_BYTES} bytes; a checksum or signature file is a few bytes`, 'integrity'));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', (error) => reject(new HotListSyncError(url, error.message, 'unreachable')));
    });
    request.setTimeout(options.idleTimeoutMs ?? 30_000, () => request.destroy(new Error('no data from the server (timed out)')));
    request.on('error', (error) => reject(error instanceof HotListSyncError ? error : new HotListSyncError(url, error.message, 'unreachable')));
    request.end();
  });
}

/** The digest in a checksum file: the bare hex digest, or `sha256sum` output (first line). */
export function parseSha256File(text: string, location: string): string {
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
  const token = first?.split(/\s+/)[0] ?? '';
  if (!/^[0-9a-fA-F]{64}$/.test(token)) {
    throw new HotListSyncError(location, 'is not a SHA-256 checksum file (expected 64 hex digits, as sha256sum writes them)', 'integrity');
  }
  return token.toLowerCase();
}

// DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The agency's key from the settings: PEM, or base64 of the raw 32 bytes. */
export function parseSigningKey(text: string, listName: string): crypto.KeyObject {
  let key: crypto.KeyObject;
  try {
    if (text.includes('-----BEGIN')) {
      key = crypto.createPublicKey(text);
    } else {
      const raw = Buffer.from(text.trim(), 'base64');
      if (raw.length !== 32) throw new Error(`base64 key decodes to ${raw.length} bytes, an Ed25519 public key has 32`);
      key = crypto.createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    }
  } catch (error) {
    throw new HotListSyncError(`list "${listName}"`, `"signingKey" is not a usable public key: ${(error as Error).message}`, 'integrity');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new HotListSyncError(`list "${listName}"`, `"signingKey" is a ${key.asymmetricKeyType ?? 'unknown'} key; an Ed25519 key is needed`, 'integrity');
  }
  return key;
}

/** A signature file: the raw 64 bytes, or their base64. */
function parseSignature(bytes: Buffer, location: string): Buffer {
  if (bytes.length === 64) return bytes;
  const text = bytes.toString('latin1').trim();
  if (/^[A-Za-z0-9+/=\s]+$/.test(text)) {
    const decoded = Buffer.from(text, 'base64');
    if (decoded.length === 64) return decoded;
  }
  throw new HotListSyncError(location, `is not an Ed25519 signature (expected 64 bytes, or their base64; got ${bytes.length} bytes)`, 'integrity');
}

export interface IntegrityChecked {
  readonly sha256: string;
  readonly checksum: boolean;
  readonly signature: boolean;
}

/**
 * Checks a complete list file against the list's detached checksum and
 * signature, when it has them. Throws HotListSyncError saying what did not
 * match; the caller keeps the previous list.
 */
export async function verifyListFile(file: string, source: string, config: ListConfig, options: FetchOptions): Promise<IntegrityChecked> {
  const wantsChecksum = config.sha256 !== undefined;
  const wantsSignature = config.signingKey !== undefined || config.signature !== undefined;
  if (!wantsChecksum && !wantsSignature) return { sha256: '', checksum: false, signature: false };
  if (config.signature !== undefined && config.signingKey === undefined) {
    throw new HotListSyncError(source, `list "${config.name}" names a "signature" but no "signingKey" (the agency's Ed25519 public key) to check it with`, 'integrity');
  }
  const digest = await sha256OfFile(file);
  const hex = digest.toString('hex');
  if (wantsChecksum) {
    const location = config.sha256 === true ? `${source}.sha256` : config.sha256!;
    const expected = parseSha256File((await readDetached(location, config, options)).toString('latin1'), location);
    if (expected !== hex) {
      throw new HotListSyncError(source, `SHA-256 mismatch: the file's is ${hex}, ${location} says ${expected} (damaged or altered in transit); the previous list stays in force`, 'integrity');
    }
  }
  if (wantsSignature) {
    const key = parseSigningKey(config.signingKey!, config.name);
    const location = config.signature ?? `${source}.sig`;
    const signature = parseSignature(await readDetached(location, config, options), location);
    if (!crypto.verify(null, digest, key, signature)) {
      throw new HotListSyncError(source, `the signature in ${location} does not match the file and the agency's key (altered, or signed with another key); the previous list stays in force`, 'integrity');
    }
  }
  return { sha256: hex, checksum: wantsChecksum, signature: wantsSignature };
}
