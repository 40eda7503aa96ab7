/**
 * Encryption at rest (SQLCipher 4): nothing readable in the database file, its
 * WAL or anywhere in the data folder; the cipher library with the key reads
 * the tables; a wrong or missing key is refused with the file named and its
 * bytes unchanged; a plain database is encrypted once in place; rekey.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importHotListCsv } from '../../src/main/engine/hotlist/index.js';
import { databaseFileKind, migrate, openDatabase, rekeyDatabase, type Db } from '../../src/main/engine/store/db.js';
import { DatabaseKeyError, keyFromEnvironment, newRawKey, parseDbKey, type DbKey } from '../../src/main/engine/store/key.js';
import { ReadStore, type NewRead } from '../../src/main/engine/store/reads.js';
import { loadOrCreateDbKey, PROTECTED_KEY_FILE, type KeyProtector } from '../../src/main/electron/db-key.js';
import { lprBuilt, projectRoot, runLpr } from '../helpers/cli.js';

const PLATE = 'ZQX4821';
const LAT = 37.7749291;
const LON = -122.4194163;
const jpeg = fs.readFileSync(path.join(projectRoot, 'demo', 'footage', 'frame0000.jpg'));

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-crypt-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function double(value: number): Buffer {
  const b = Buffer.alloc(8);
  // SQLite stores a REAL as a big-endian IEEE double.
  b.writeDoubleBE(value);
  return b;
}

/**
 * What must never be readable at rest. The JPEG is looked for by its first 8
 * bytes (FF D8 FF E0 00 10 'JF'): ciphertext holds a random FF D8 FF about once
 * in 16 MB, so three bytes alone would make the test fail by chance.
 */
const secrets: readonly [string, Buffer][] = [
  ['plate text', Buffer.from(PLATE, 'latin1')],
  ['GPS latitude as stored', double(LAT)],
  ['GPS longitude as stored', double(LON)],
  ['JPEG header', jpeg.subarray(0, 8)],
];

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Each secret found in each file of the folder, as "what in which file". */
function leaks(dir: string): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = fs.readFileSync(file);
    for (const [what, needle] of secrets) if (bytes.includes(needle)) found.push(`${what} in ${path.basename(file)}`);
  }
  return found;
}

function aRead(): NewRead {
  return {
    plate: PLATE,
    confidence: 0.97,
    state: 'CA',
    stateConfidence: 0.9,
    box: [100, 200, 120, 40],
    candidates: [{ plate: PLATE, confidence: 0.97 }],
    cameraId: 'front',
    capturedAt: 1_760_000_000_000,
    gps: { lat: LAT, lon: LON, accuracyM: 4 },
    cropJpeg: jpeg,
    contextJpeg: jpeg,
  };
}

/** A car's data: a hot list naming the plate and a read of it with its images and position. */
async function fillCar(db: Db, listDir: string): Promise<number> {
  const csv = path.join(listDir, 'stolen.csv');
  fs.writeFileSync(csv, `plate,state,list_code,description\n${PLATE},CA,V,stolen vehicle\n`);
  await importHotListCsv(db, csv, { list: 'stolen' });
  return new ReadStore(db).add(aRead()).id;
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

const testKey = (): DbKey => keyFromEnvironment()!;

describe('encryption at rest', () => {
  it('the suite runs with a test key, so every test database is encrypted', () => {
    expect(testKey().text.length).toBeGreaterThanOrEqual(12);
  });

  it('leaves no plate, GPS coordinate or JPEG header in the database, its WAL or the data folder', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'lpr.sqlite');
    const db = openDatabase(file);
    const id = await fillCar(db, tempDir());
    const reads = new ReadStore(db);
    // Reads with images, while the WAL still holds the pages.
    expect(reads.get(id)?.plate).toBe(PLATE);
    expect(reads.image(id, 'context')?.equals(jpeg)).toBe(true);
    expect(reads.recent(10)).toHaveLength(1);
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(jpeg.length);
    expect(leaks(dataDir)).toEqual([]);
    db.close();
    expect(databaseFileKind(file)).toBe('encrypted');
    expect(leaks(dataDir)).toEqual([]);
  });

  it('the same data in a plain SQLite file shows every secret (so the check above can see them)', async () => {
    const dataDir = tempDir();
    const db = new Database(path.join(dataDir, 'lpr.sqlite'));
    db.pragma('journal_mode = WAL');
    migrate(db, 'plain');
    await fillCar(db, tempDir());
    expect(leaks(dataDir).map((l) => l.replace(/ in .*/, '')).sort()).toEqual(secrets.map(([what]) => what).sort());
    db.close();
  });

  it('the cipher library, set to SQLCipher 4 with the key, reads the tables', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'lpr.sqlite');
    const db = openDatabase(file);
    await fillCar(db, tempDir());
    db.close();
    const other = new Database(file, { readonly: true, fileMustExist: true });
    try {
      other.pragma(`cipher = 'sqlcipher'`);
      other.pragma('legacy = 4');
      other.pragma(`key = '${testKey().text}'`);
      expect(other.prepare('SELECT plate, lat, lon FROM reads').all()).toEqual([{ plate: PLATE, lat: LAT, lon: LON }]);
      expect(other.prepare('SELECT name FROM hot_lists').all()).toEqual([{ name: 'stolen' }]);
    } finally {
      other.close();
    }
  });

  it('refuses a wrong key and a missing key, naming the file, and leaves its bytes as they were', async () => {
    const file = path.join(tempDir(), 'lpr.sqlite');
    const db = openDatabase(file);
    await fillCar(db, tempDir());
    db.close();
    const before = sha256(file);
    const wrong = parseDbKey('not-the-right-key-at-all', 'a test');
    expect(() => openDatabase(file, undefined, { key: wrong })).toThrow(DatabaseKeyError);
    expect(() => openDatabase(file, undefined, { key: wrong })).toThrow(`cannot open database ${file}: the key from a test does not open it`);
    expect(() => openDatabase(file, undefined, { key: null })).toThrow(`database ${file} is kept encrypted and no key was given`);
    expect(sha256(file)).toBe(before);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('checks keys: passphrases of 12 or more characters, or x followed by 64 hex digits', () => {
    expect(() => parseDbKey('short', '$LPR_DB_KEY')).toThrow('the key in $LPR_DB_KEY is too short');
    expect(() => parseDbKey('', 'key file /k')).toThrow('the key in key file /k is empty');
    expect(() => parseDbKey("x'abc'", 'key file /k')).toThrow("starts like a raw key but is not x' followed by 64 hex digits");
    const raw = newRawKey();
    expect(raw.text).toMatch(/^x'[0-9a-f]{64}'$/);
    expect(parseDbKey(raw.text.toUpperCase().replace("X'", "x'"), 'here').text).toBe(raw.text);
  });

  it('opens with a raw 256-bit key as well as with a passphrase', async () => {
    const file = path.join(tempDir(), 'lpr.sqlite');
    const key = newRawKey();
    const db = openDatabase(file, undefined, { key });
    await fillCar(db, tempDir());
    db.close();
    const again = openDatabase(file, undefined, { key });
    expect(new ReadStore(again).recent(1)[0]?.plate).toBe(PLATE);
    again.close();
    expect(() => openDatabase(file)).toThrow(DatabaseKeyError);
  });

  it('encrypts a plain database in place once, with what was still in its WAL', () => {
    const dir = tempDir();
    const file = path.join(dir, 'lpr.sqlite');
    // A plain database as an older version left it, cut off with rows only in its WAL (a crash).
    const plain = new Database(path.join(dir, 'live.sqlite'));
    plain.pragma('journal_mode = WAL');
    plain.pragma('wal_autocheckpoint = 0');
    plain.exec(`CREATE TABLE evidence (plate TEXT); INSERT INTO evidence VALUES ('${PLATE}');`);
    fs.copyFileSync(path.join(dir, 'live.sqlite'), file);
    fs.copyFileSync(path.join(dir, 'live.sqlite-wal'), `${file}-wal`);
    plain.close();
    fs.rmSync(path.join(dir, 'live.sqlite'));
    expect(databaseFileKind(file)).toBe('plain');
    // A scratch copy left by an earlier attempt that crashed midway is replaced, not trusted.
    fs.writeFileSync(`${file}.encrypting`, 'half-written');

    const db = openDatabase(file);
    expect(db.prepare('SELECT plate FROM evidence').all()).toEqual([{ plate: PLATE }]);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'reads'`).get()).toEqual({ n: 1 });
    db.close();
    expect(databaseFileKind(file)).toBe('encrypted');
    expect(fs.existsSync(`${file}.encrypting`)).toBe(false);
    expect(leaks(dir)).toEqual([]);
    // Once: the next open finds it encrypted and just opens it.
    const again = openDatabase(file);
    expect(again.prepare('SELECT plate FROM evidence').all()).toEqual([{ plate: PLATE }]);
    again.close();
  });

  it('rekey: the new key opens the database and the old one no longer does', async () => {
    const file = path.join(tempDir(), 'lpr.sqlite');
    const db = openDatabase(file);
    const id = await fillCar(db, tempDir());
    const next = parseDbKey('the-new-key-of-this-car', 'a test');
    rekeyDatabase(db, next);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(() => openDatabase(file)).toThrow(DatabaseKeyError);
    const reopened = openDatabase(file, undefined, { key: next });
    expect(new ReadStore(reopened).image(id, 'crop')?.equals(jpeg)).toBe(true);
    reopened.close();
  });
});

describe('the Electron app\'s key', () => {
  /** safeStorage's stand-in: reversible, and visibly not the plain key. */
  const protector = (available = true): KeyProtector => ({
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from(plain, 'utf8').reverse(),
    decryptString: (cipher) => Buffer.from(cipher).reverse().toString('utf8'),
  });

  it('is made on first run, kept only protected, and the same on the next run', () => {
    const dir = tempDir();
    const first = loadOrCreateDbKey(dir, protector(), {});
    expect(first.text).toMatch(/^x'[0-9a-f]{64}'$/);
    const stored = fs.readFileSync(path.join(dir, PROTECTED_KEY_FILE));
    expect(stored.includes(Buffer.from(first.text))).toBe(false);
    expect((fs.statSync(path.join(dir, PROTECTED_KEY_FILE)).mode & 0o077)).toBe(0);
    expect(loadOrCreateDbKey(dir, protector(), {}).text).toBe(first.text);
  });

  it('refuses to make a key the system cannot protect, and says what to do', () => {
    expect(() => loadOrCreateDbKey(tempDir(), protector(false), {})).toThrow(/set LPR_DB_KEY to a key from `lpr db new-key`/);
  });

  it('takes $LPR_DB_KEY when the agency sets one', () => {
    expect(loadOrCreateDbKey(tempDir(), protector(), { LPR_DB_KEY: 'agency-managed-key-1' }).text).toBe('agency-managed-key-1');
  });
});

describe.skipIf(!lprBuilt)('lpr and the key', () => {
  async function carWithData(): Promise<{ dataDir: string; file: string }> {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'lpr.sqlite');
    const db = openDatabase(file);
    await fillCar(db, tempDir());
    db.close();
    return { dataDir, file };
  }
  const envWith = (key: string | undefined): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, LPR_LOG_LEVEL: 'silent' };
    if (key === undefined) delete env.LPR_DB_KEY;
    else env.LPR_DB_KEY = key;
    return env;
  };

  it('without a key or with a wrong one: a clear error naming the file, exit 78, the file unchanged', async () => {
    const { dataDir, file } = await carWithData();
    const before = sha256(file);
    const none = await runLpr(['user', 'list', '--data-dir', dataDir], { env: envWith(undefined) });
    expect(none.code).toBe(78);
    expect(none.stderr).toContain(`database ${file} is kept encrypted and no key was given: set LPR_DB_KEY`);
    const wrong = await runLpr(['hotlist', 'status', '--data-dir', dataDir], { env: envWith('a-wrong-key-for-this-car') });
    expect(wrong.code).toBe(78);
    expect(wrong.stderr).toContain(`cannot open database ${file}: the key from $LPR_DB_KEY does not open it`);
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
    expect(sha256(file)).toBe(before);
  });

  it('--key-file on any command, db new-key, db rekey and db check', async () => {
    const { dataDir, file } = await carWithData();
    const keyDir = tempDir();
    const oldKeyFile = path.join(keyDir, 'old.key');
    fs.writeFileSync(oldKeyFile, `${testKey().text}\n`);
    const listed = await runLpr(['hotlist', 'status', '--json', '--key-file', oldKeyFile, '--data-dir', dataDir], { env: envWith(undefined) });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('stolen');

    const newKeyFile = path.join(keyDir, 'new.key');
    const made = await runLpr(['db', 'new-key', '--out', newKeyFile], { env: envWith(undefined) });
    expect(made.code, made.stderr).toBe(0);
    expect(fs.readFileSync(newKeyFile, 'utf8')).toMatch(/^x'[0-9a-f]{64}'\n$/);
    const again = await runLpr(['db', 'new-key', '--out', newKeyFile], { env: envWith(undefined) });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; a key file is never overwritten');

    const rekeyed = await runLpr(['db', 'rekey', '--key-file', oldKeyFile, '--new-key-file', newKeyFile, '--data-dir', dataDir], { env: envWith(undefined) });
    expect(rekeyed.code, rekeyed.stderr).toBe(0);
    expect(rekeyed.stdout).toContain('key changed');
    const old = await runLpr(['db', 'check', '--key-file', oldKeyFile, '--data-dir', dataDir], { env: envWith(undefined) });
    expect(old.code).toBe(78);
    const checked = await runLpr(['db', 'check', '--json', '--key-file', newKeyFile, '--data-dir', dataDir], { env: envWith(undefined) });
    expect(checked.code, checked.stderr).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({ file, ok: true, problems: [] });
  });
});
