/**
 * The database key: a passphrase of 12 or more characters, or a raw 256-bit
 * key written x'64 hex digits'. It comes from $LPR_DB_KEY or a key file
 * (`--key-file FILE`); the Electron app keeps its own, generated on first run.
 * The demo has a published key of its own: its folder holds only demo data.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';

export const DB_KEY_ENV = 'LPR_DB_KEY';

/** The demo's key, published on purpose: the demo's folder holds only demo footage and a demo officer. */
export const DEMO_DB_KEY_TEXT = 'patrol-lpr-demo-database-key';

const RAW_KEY = /^x'[0-9a-fA-F]{64}'$/;
export const MIN_PASSPHRASE_LENGTH = 12;

/** A checked key as SQLCipher takes it (passphrase or x'HEX'). */
export interface DbKey {
  readonly text: string;
  /** Where it came from, for messages ("$LPR_DB_KEY", "key file /x/y"). */
  readonly from: string;
}

export class DatabaseKeyError extends Error {}

export const KEY_HELP = `set ${DB_KEY_ENV} (a passphrase of ${MIN_PASSPHRASE_LENGTH} or more characters, or x'64 hex digits') or give --key-file FILE`;

/** Checks a key's text; `from` names where it came from in the error. */
export function parseDbKey(text: string, from: string): DbKey {
  if (text.startsWith("x'") || text.startsWith("X'")) {
    if (!RAW_KEY.test(text)) throw new DatabaseKeyError(`the key in ${from} starts like a raw key but is not x' followed by 64 hex digits and '`);
    return { text: `x'${text.slice(2, 66).toLowerCase()}'`, from };
  }
  if (text.length < MIN_PASSPHRASE_LENGTH) {
    throw new DatabaseKeyError(`the key in ${from} is ${text.length === 0 ? 'empty' : 'too short'}: a passphrase needs ${MIN_PASSPHRASE_LENGTH} or more characters (or give x'64 hex digits')`);
  }
  if (/[\0\r\n]/.test(text)) throw new DatabaseKeyError(`the key in ${from} holds a line break or NUL; put the passphrase on one line`);
  return { text, from };
}

/** $LPR_DB_KEY, or null when it is not set. */
export function keyFromEnvironment(env: NodeJS.ProcessEnv = process.env): DbKey | null {
  const text = env[DB_KEY_ENV];
  if (text === undefined || text === '') return null;
  return parseDbKey(text, `$${DB_KEY_ENV}`);
}

/** A key file holds the key on its first line (a final line break is ignored). */
export function readKeyFile(file: string): DbKey {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatabaseKeyError(`cannot read key file ${file}: ${code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`);
  }
  return parseDbKey(text.replace(/\r?\n$/, ''), `key file ${file}`);
}

/** A fresh random raw key (256 bits). */
export function newRawKey(): DbKey {
  return { text: `x'${crypto.randomBytes(32).toString('hex')}'`, from: 'a new random key' };
}

export function demoDbKey(): DbKey {
  return { text: DEMO_DB_KEY_TEXT, from: 'the demo key' };
}

/** The key as an SQL string literal for PRAGMA key/rekey. */
export function keyLiteral(key: DbKey): string {
  return `'${key.text.replace(/'/g, "''")}'`;
}
