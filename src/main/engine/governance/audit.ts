/**
 * The audit log: who did what and when, append-only. Callers pass a
 * JSON-serialisable detail; it is stored as text.
 */
import type { Db } from '../store/db.js';

export interface AuditEvent {
  readonly userId: string | null;
  readonly action: string;
  readonly detail: Record<string, unknown>;
}

export function audit(db: Db, event: AuditEvent, now = Date.now()): void {
  db.prepare('INSERT INTO audit_log (at, user_id, action, detail) VALUES (?, ?, ?, ?)').run(
    now,
    event.userId,
    event.action,
    JSON.stringify(event.detail),
  );
}

export interface AuditRow {
  id: number;
  at: number;
  userId: string | null;
  action: string;
  detail: Record<string, unknown>;
}

export function auditTrail(db: Db, limit = 100): AuditRow[] {
  return (db.prepare('SELECT id, at, user_id, action, detail FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as {
    id: number;
    at: number;
    user_id: string | null;
    action: string;
    detail: string;
  }[]).map((r) => ({ id: r.id, at: r.at, userId: r.user_id, action: r.action, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}
