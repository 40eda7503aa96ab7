/**
 * A session belongs to one connection (one screen): who signed in on it, with
 * which role, whether it is locked, and when that officer's shift began. Each
 * browser tab and the Electron window has its own, so a second screen never
 * acts as whoever signed in last on the first.
 *
 * Sign-in hands the screen a resume token; the token's hash is kept in the
 * database so that the same screen signs in again after a reload or an engine
 * restart without the officer typing the PIN again, until sign-out or until
 * the token is older than a shift.
 */
import crypto from 'node:crypto';
import type { User } from '../../../shared/contract.js';
import type { Db } from '../store/db.js';

/** A resume token outlives neither sign-out nor a long shift. */
export const RESUME_TOKEN_LIFETIME_MS = 14 * 3600_000;

export class Session {
  user: User | null = null;
  locked = false;
  /** When this user signed in (their shift's counters count from here). */
  signedInAt: number | null = null;
  /** Hash of the resume token of the current sign-in. */
  tokenHash: string | null = null;

  constructor(readonly id: string) {}

  get signedIn(): boolean {
    return this.user !== null;
  }
}

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Stores resume tokens (hashed) for signed-in sessions. */
export class SessionTokens {
  constructor(
    private readonly db: Db,
    private readonly lifetimeMs = RESUME_TOKEN_LIFETIME_MS,
  ) {}

  /** A new token for a sign-in; only its hash is stored. */
  issue(userId: string, signedInAt: number): { token: string; hash: string } {
    const token = crypto.randomBytes(32).toString('base64url');
    const hash = hashToken(token);
    this.db
      .prepare('INSERT INTO sessions (token_hash, user_id, signed_in_at, last_seen_at) VALUES (?, ?, ?, ?)')
      .run(hash, userId, signedInAt, signedInAt);
    return { token, hash };
  }

  /** The sign-in a token stands for, or null when it is unknown, ended or too old. */
  find(token: string, now: number): { userId: string; signedInAt: number; locked: boolean; hash: string } | null {
    const hash = hashToken(token);
    const row = this.db
      .prepare('SELECT user_id, signed_in_at, locked FROM sessions WHERE token_hash = ? AND ended_at IS NULL')
      .get(hash) as { user_id: string; signed_in_at: number; locked: number } | undefined;
    if (!row) return null;
    if (now - row.signed_in_at > this.lifetimeMs || now < row.signed_in_at - 60_000) {
      this.end(hash, now);
      return null;
    }
    this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(now, hash);
    return { userId: row.user_id, signedInAt: row.signed_in_at, locked: row.locked === 1, hash };
  }

  setLocked(hash: string, locked: boolean): void {
    this.db.prepare('UPDATE sessions SET locked = ? WHERE token_hash = ?').run(locked ? 1 : 0, hash);
  }

  end(hash: string, now: number): void {
    this.db.prepare('UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL').run(now, hash);
  }

  /** Ends every open sign-in of a user (the user was disabled). */
  endAllOf(userId: string, now: number): void {
    this.db.prepare('UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL').run(now, userId);
  }
}
