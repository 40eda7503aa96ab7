/**
 * Users of the system (policy C.2, A.1-3): each has a role, a trained flag and
 * a PIN kept as a salted scrypt hash. Only trained users may sign in.
 */
import crypto from 'node:crypto';
import type { Role, User } from '../../../shared/contract.js';
import type { Db } from '../store/db.js';
import { audit } from './audit.js';

export class LoginRefused extends Error {}

const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

function hashPin(pin: string, salt = crypto.randomBytes(16)): string {
  const key = crypto.scryptSync(pin, salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

function pinMatches(pin: string, stored: string): boolean {
  const [scheme, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = crypto.scryptSync(pin, Buffer.from(salt, 'base64'), expected.length, { N: 16384, r: 8, p: 1 });
  return crypto.timingSafeEqual(expected, actual);
}

export interface NewUser {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly trained: boolean;
  readonly pin: string;
}

export function addUser(db: Db, user: NewUser, byUserId: string | null, now = Date.now()): User {
  if (!ID_PATTERN.test(user.id)) throw new Error(`user id "${user.id}" must be 1-64 letters, digits, '.', '_' or '-'`);
  if (!/^\d{4,12}$/.test(user.pin)) throw new Error('PIN must be 4 to 12 digits');
  if (user.name.trim() === '') throw new Error('name must not be empty');
  const exists = db.prepare('SELECT 1 FROM users WHERE id = ?').get(user.id);
  if (exists) throw new Error(`user "${user.id}" already exists`);
  db.transaction(() => {
    db.prepare('INSERT INTO users (id, name, role, trained, pin_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      user.id,
      user.name.trim(),
      user.role,
      user.trained ? 1 : 0,
      hashPin(user.pin),
      now,
    );
    audit(db, { userId: byUserId, action: 'user.add', detail: { id: user.id, role: user.role, trained: user.trained } }, now);
  })();
  return { id: user.id, name: user.name.trim(), role: user.role };
}

export function listUsers(db: Db): (User & { trained: boolean })[] {
  return (db.prepare('SELECT id, name, role, trained FROM users ORDER BY id').all() as { id: string; name: string; role: Role; trained: number }[]).map(
    (row) => ({ id: row.id, name: row.name, role: row.role, trained: row.trained === 1 }),
  );
}

/** Checks the PIN and the trained flag; every attempt is audited. */
export function login(db: Db, userId: string, pin: string, now = Date.now()): User {
  const row = db.prepare('SELECT id, name, role, trained, pin_hash FROM users WHERE id = ?').get(userId) as
    | { id: string; name: string; role: Role; trained: number; pin_hash: string }
    | undefined;
  if (!row || !pinMatches(pin, row.pin_hash)) {
    audit(db, { userId: null, action: 'session.login-failed', detail: { userId } }, now);
    throw new LoginRefused('unknown officer ID or wrong PIN');
  }
  if (row.trained !== 1) {
    audit(db, { userId: row.id, action: 'session.login-refused', detail: { reason: 'not trained' } }, now);
    throw new LoginRefused(`${row.name} is not marked as trained on the LPR system (policy C.2); ask an administrator`);
  }
  audit(db, { userId: row.id, action: 'session.login', detail: {} }, now);
  return { id: row.id, name: row.name, role: row.role };
}
