/**
 * Users of the system (policy C.2, A.1-3): each has a role, a trained flag, a
 * disabled flag and a PIN kept as a salted scrypt hash (pin-hash.ts). Only
 * trained, enabled users may sign in; wrong PINs in a row lock the account for
 * a while. Every change and every sign-in attempt is audited.
 */
import { DEFAULT_ACCOUNT_SETTINGS, pinProblem, userIdProblem, type AccountSettings } from '../../../shared/accounts.js';
import type { Role, User } from '../../../shared/contract.js';
import type { Db } from '../store/db.js';
import { audit } from './audit.js';
import { hashPin, hashPinSync, pinMatches } from './pin-hash.js';

export class LoginRefused extends Error {}

export interface NewUser {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly trained: boolean;
  readonly pin: string;
}

export interface UserRecord extends User {
  readonly trained: boolean;
  readonly disabled: boolean;
  /** Locked out after wrong PINs until this time; null when not locked. */
  readonly lockedUntil: number | null;
  readonly failedAttempts: number;
  readonly createdAt: number;
}

interface UserRow {
  id: string;
  name: string;
  role: Role;
  trained: number;
  disabled: number;
  pin_hash: string;
  failed_attempts: number;
  locked_until: number | null;
  created_at: number;
}

const SELECT_USER = 'SELECT id, name, role, trained, disabled, pin_hash, failed_attempts, locked_until, created_at FROM users';

function record(row: UserRow, now: number): UserRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    trained: row.trained === 1,
    disabled: row.disabled === 1,
    lockedUntil: row.locked_until !== null && row.locked_until > now ? row.locked_until : null,
    failedAttempts: row.failed_attempts,
    createdAt: row.created_at,
  };
}

function checkNewUser(db: Db, user: NewUser, settings: AccountSettings): string {
  const idProblem = userIdProblem(user.id);
  if (idProblem) throw new Error(idProblem);
  const pin = pinProblem(user.pin, settings.pinMinLength);
  if (pin) throw new Error(pin);
  const name = user.name.trim();
  if (name === '') throw new Error('name must not be empty');
  if (name.length > 100) throw new Error('name must be at most 100 characters');
  if (db.prepare('SELECT 1 FROM users WHERE id = ?').get(user.id)) throw new Error(`user "${user.id}" already exists`);
  return name;
}

function insertUser(db: Db, user: NewUser, name: string, pinHash: string, byUserId: string | null, now: number): User {
  db.transaction(() => {
    if (db.prepare('SELECT 1 FROM users WHERE id = ?').get(user.id)) throw new Error(`user "${user.id}" already exists`);
    db.prepare('INSERT INTO users (id, name, role, trained, pin_hash, created_at, pin_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      user.id,
      name,
      user.role,
      user.trained ? 1 : 0,
      pinHash,
      now,
      now,
    );
    audit(db, { userId: byUserId, action: 'user.add', detail: { id: user.id, name, role: user.role, trained: user.trained } }, now);
  }).immediate();
  return { id: user.id, name, role: user.role };
}

/** Adds a user, hashing on this thread: for start-up, the command line and tests. */
export function addUser(db: Db, user: NewUser, byUserId: string | null, now = Date.now(), settings: AccountSettings = DEFAULT_ACCOUNT_SETTINGS): User {
  const name = checkNewUser(db, user, settings);
  return insertUser(db, user, name, hashPinSync(user.pin), byUserId, now);
}

/** Adds a user with the PIN hashed off the engine's thread. */
export async function createUser(db: Db, user: NewUser, byUserId: string | null, now: number, settings: AccountSettings): Promise<User> {
  const name = checkNewUser(db, user, settings);
  return insertUser(db, user, name, await hashPin(user.pin), byUserId, now);
}

export function countUsers(db: Db): number {
  return db.prepare('SELECT count(*) FROM users').pluck().get() as number;
}

export function listUsers(db: Db, now = Date.now()): UserRecord[] {
  return (db.prepare(`${SELECT_USER} ORDER BY id`).all() as UserRow[]).map((row) => record(row, now));
}

export function findUser(db: Db, id: string, now = Date.now()): UserRecord | null {
  const row = db.prepare(`${SELECT_USER} WHERE id = ?`).get(id) as UserRow | undefined;
  return row ? record(row, now) : null;
}

function requireUser(db: Db, id: string, now: number): UserRecord {
  const user = findUser(db, id, now);
  if (!user) throw new Error(`no user "${id}"`);
  return user;
}

function enabledAdministrators(db: Db): number {
  return db.prepare("SELECT count(*) FROM users WHERE role = 'administrator' AND disabled = 0 AND trained = 1").pluck().get() as number;
}

/** An administrator's change to an account; `by` is who made it. */
export interface AccountChange {
  readonly by: string | null;
  readonly now: number;
}

/**
 * Disables or re-enables an account. The last enabled, trained administrator
 * cannot be disabled (nobody could manage users after that), nor can anyone
 * disable themselves.
 */
export function setDisabled(db: Db, id: string, disabled: boolean, change: AccountChange, reason: string): UserRecord {
  return db.transaction(() => {
    const user = requireUser(db, id, change.now);
    if (disabled && change.by === id) throw new Error('you cannot disable your own account; ask another administrator');
    if (disabled && user.role === 'administrator' && !user.disabled && user.trained && enabledAdministrators(db) <= 1) {
      throw new Error(`"${id}" is the only enabled administrator; add another before disabling this one`);
    }
    if (user.disabled !== disabled) {
      // Re-enabling also clears a lockout: the administrator has vouched for the person.
      db.prepare('UPDATE users SET disabled = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?').run(disabled ? 1 : 0, id);
      audit(db, { userId: change.by, action: disabled ? 'user.disable' : 'user.enable', detail: { id, reason } }, change.now);
    }
    return requireUser(db, id, change.now);
  }).immediate();
}

export function setTrained(db: Db, id: string, trained: boolean, change: AccountChange): UserRecord {
  return db.transaction(() => {
    const user = requireUser(db, id, change.now);
    if (!trained && user.role === 'administrator' && user.trained && !user.disabled && enabledAdministrators(db) <= 1) {
      throw new Error(`"${id}" is the only administrator who can sign in; add another before clearing this one's trained flag`);
    }
    if (user.trained !== trained) {
      db.prepare('UPDATE users SET trained = ? WHERE id = ?').run(trained ? 1 : 0, id);
      audit(db, { userId: change.by, action: 'user.trained', detail: { id, trained } }, change.now);
    }
    return requireUser(db, id, change.now);
  }).immediate();
}

/** Sets a new PIN (hashed off the engine's thread) and clears a lockout. */
export async function resetPin(db: Db, id: string, pin: string, change: AccountChange, settings: AccountSettings): Promise<UserRecord> {
  requireUser(db, id, change.now);
  const problem = pinProblem(pin, settings.pinMinLength);
  if (problem) throw new Error(problem);
  const pinHash = await hashPin(pin);
  return db.transaction(() => {
    requireUser(db, id, change.now);
    db.prepare('UPDATE users SET pin_hash = ?, pin_changed_at = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?').run(pinHash, change.now, id);
    audit(db, { userId: change.by, action: 'user.reset-pin', detail: { id } }, change.now);
    return requireUser(db, id, change.now);
  }).immediate();
}

export function formatTime(at: number): string {
  return new Date(at).toISOString().slice(11, 16) + ' UTC';
}

export interface LoginOptions {
  readonly settings?: AccountSettings;
  /** The clock after the PIN check (the check takes time); defaults to the clock before. */
  readonly clock?: () => number;
  /** The audit action for this attempt: sign-in by default, 'session.unlock' for the lock screen. */
  readonly purpose?: 'session.login' | 'session.unlock';
  /** Where the attempt came from when not a screen ('command line'), kept in the audit row. */
  readonly via?: string;
}

/**
 * Checks the PIN, then the account's state (locked out, disabled, trained).
 * The scrypt check runs first and for every attempt, known user or not, so an
 * unknown id, a locked account and a wrong PIN all cost the same. Every
 * attempt is audited; reaching the limit of wrong PINs in a row locks the
 * account and is audited too.
 */
export async function login(db: Db, userId: string, pin: string, now = Date.now(), options: LoginOptions = {}): Promise<User> {
  const settings = options.settings ?? DEFAULT_ACCOUNT_SETTINGS;
  const purpose = options.purpose ?? 'session.login';
  const via = options.via !== undefined ? { via: options.via } : {};
  const stored = db.prepare('SELECT pin_hash FROM users WHERE id = ?').pluck().get(userId) as string | undefined;
  const matches = await pinMatches(pin, stored ?? null);
  const at = options.clock?.() ?? now;
  const outcome = db.transaction((): User | LoginRefused => {
    const row = db.prepare(`${SELECT_USER} WHERE id = ?`).get(userId) as UserRow | undefined;
    if (!row) {
      audit(db, { userId: null, action: `${purpose}-failed`, detail: { userId, reason: 'unknown user', ...via } }, at);
      return new LoginRefused('unknown officer ID or wrong PIN');
    }
    if (row.locked_until !== null && row.locked_until > at) {
      audit(db, { userId: row.id, action: `${purpose}-refused`, detail: { reason: 'locked out', until: row.locked_until, ...via } }, at);
      return new LoginRefused(`too many wrong PINs: ${row.id} is locked until ${formatTime(row.locked_until)}; try again then or ask an administrator`);
    }
    if (!matches) {
      // A lockout that has run out starts a fresh count.
      const failures = (row.locked_until !== null ? 0 : row.failed_attempts) + 1;
      if (failures >= settings.maxFailedAttempts) {
        const until = at + Math.round(settings.lockoutMinutes * 60_000);
        db.prepare('UPDATE users SET failed_attempts = 0, locked_until = ? WHERE id = ?').run(until, row.id);
        audit(db, { userId: row.id, action: `${purpose}-failed`, detail: { reason: 'wrong PIN', failures, ...via } }, at);
        audit(db, { userId: row.id, action: 'user.locked-out', detail: { failures, until } }, at);
        return new LoginRefused(`wrong PIN ${failures} times in a row: ${row.id} is locked until ${formatTime(until)}`);
      }
      db.prepare('UPDATE users SET failed_attempts = ?, locked_until = NULL WHERE id = ?').run(failures, row.id);
      audit(db, { userId: row.id, action: `${purpose}-failed`, detail: { reason: 'wrong PIN', failures, ...via } }, at);
      return new LoginRefused('unknown officer ID or wrong PIN');
    }
    db.prepare('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(row.id);
    if (row.disabled === 1) {
      audit(db, { userId: row.id, action: `${purpose}-refused`, detail: { reason: 'disabled', ...via } }, at);
      return new LoginRefused(`the account ${row.id} is disabled; ask an administrator`);
    }
    if (row.trained !== 1) {
      audit(db, { userId: row.id, action: `${purpose}-refused`, detail: { reason: 'not trained', ...via } }, at);
      return new LoginRefused(`${row.name} is not marked as trained on the LPR system (policy C.2); ask an administrator`);
    }
    audit(db, { userId: row.id, action: purpose, detail: { ...via } }, at);
    return { id: row.id, name: row.name, role: row.role };
  }).immediate();
  // Thrown only after the transaction commits, so the failure and its audit row stay.
  if (outcome instanceof LoginRefused) throw outcome;
  return outcome;
}
