/**
 * The Electron app's database key: made at random on first run and kept in
 * the app's folder only as safeStorage ciphertext (the OS keyring or DPAPI
 * holds what unlocks it), so the database file alone, or copied with that
 * folder to another machine, opens for nobody. $LPR_DB_KEY, when set, wins
 * (an agency that manages its own keys).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseKeyError, keyFromEnvironment, newRawKey, parseDbKey, type DbKey } from '../engine/store/key.js';

/** What this module needs of Electron's safeStorage (injected, so it is tested in plain Node). */
export interface KeyProtector {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
}

export const PROTECTED_KEY_FILE = 'db-key.protected';

export function loadOrCreateDbKey(dir: string, protector: KeyProtector, env: NodeJS.ProcessEnv = process.env): DbKey {
  const fromEnv = keyFromEnvironment(env);
  if (fromEnv) return fromEnv;
  const file = path.join(dir, PROTECTED_KEY_FILE);
  if (fs.existsSync(file)) {
    let text: string;
    try {
      text = protector.decryptString(fs.readFileSync(file));
    } catch (error) {
      throw new DatabaseKeyError(
        `cannot unlock the database key in ${file}: ${(error as Error).message}. It opens only for this user on this machine; ` +
          'sign in as the user who set the app up, or set LPR_DB_KEY to the agency\'s copy of the key',
      );
    }
    return parseDbKey(text, `the protected key file ${file}`);
  }
  if (!protector.isEncryptionAvailable()) {
    throw new DatabaseKeyError(
      'the system cannot protect a database key (no keyring or DPAPI available); set LPR_DB_KEY to a key from `lpr db new-key` instead',
    );
  }
  const key = newRawKey();
  fs.mkdirSync(dir, { recursive: true });
  const scratch = `${file}.new`;
  fs.writeFileSync(scratch, protector.encryptString(key.text), { mode: 0o600 });
  const fd = fs.openSync(scratch, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(scratch, file);
  return { text: key.text, from: `the protected key file ${file}` };
}
