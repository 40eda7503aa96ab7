/**
 * The hit history of a shift: the alerts raised in it, open and disposed,
 * and for one of them its checklist step by step as the audit trail recorded
 * each answer (with its time, who gave it, and whether it changed an earlier
 * answer), and the later sightings of the same list entry.
 */
import type { AlertView, ChecklistStep, HitDetail, ReadSummary } from '../../../shared/contract.js';
import type { Db } from '../store/db.js';
import type { ReadStore } from '../store/reads.js';
import { AlertFlowError, type AlertService } from './alerts.js';

/** The most later sightings a detail lists (the newest are kept). */
const SIGHTINGS_SHOWN = 50;

/** A shift: from sign-in to now. */
export interface ShiftSpan {
  readonly from: number;
  readonly to: number;
}

/**
 * Whether alert `a` (with its disposition `d`) belongs to the shift: raised in
 * it, disposed in it, or still open (an alert raised before sign-in is the
 * officer's to work).
 */
export const IN_SHIFT = `((a.raised_at >= @from AND a.raised_at <= @to) OR a.status != 'disposed' OR (d.recorded_at >= @from AND d.recorded_at <= @to))`;
const SHIFT_ALERTS = `SELECT a.id FROM alerts a LEFT JOIN dispositions d ON d.alert_id = a.id WHERE ${IN_SHIFT}`;

/** The shift's alerts, newest first. */
export function shiftAlerts(db: Db, alerts: AlertService, shift: ShiftSpan): AlertView[] {
  const ids = db.prepare(`${SHIFT_ALERTS} ORDER BY a.raised_at DESC, a.id DESC`).pluck().all(shift) as number[];
  return ids.map((id) => alerts.get(id));
}

interface StepRow {
  at: number;
  user_id: string | null;
  action: string;
  detail: string;
}

function stepOf(row: StepRow): ChecklistStep | null {
  const d = JSON.parse(row.detail) as { check?: string; matches?: boolean; result?: string; note?: string; kind?: string; reason?: string | null };
  const base = { at: row.at, userId: row.user_id };
  switch (row.action) {
    case 'alert.acknowledge':
      return { ...base, step: 'acknowledged', answer: null, note: null, changed: false };
    case 'alert.check':
    case 'alert.check.change': {
      const changed = row.action === 'alert.check.change';
      if (d.check === 'characters' || d.check === 'state') return { ...base, step: d.check, answer: d.matches ? 'yes' : 'no', note: null, changed };
      if (d.check === 'dispatch') return { ...base, step: 'dispatch', answer: d.result ?? null, note: d.note ? d.note : null, changed };
      return null;
    }
    case 'alert.dispose': {
      const note = [d.reason, d.note].filter((s): s is string => typeof s === 'string' && s.trim() !== '').join(' · ');
      return { ...base, step: 'disposed', answer: d.kind ?? null, note: note || null, changed: false };
    }
    default:
      return null;
  }
}

/**
 * One alert of the shift. Refused for any other: the hit history shows the
 * signed-in officer's shift only.
 */
export function hitDetail(db: Db, alerts: AlertService, reads: ReadStore, alertId: number, shift: ShiftSpan): HitDetail {
  const alert = alerts.get(alertId);
  if (db.prepare(`${SHIFT_ALERTS} AND a.id = @alertId`).get({ ...shift, alertId }) === undefined) {
    throw new AlertFlowError(`alert ${alertId} was not raised or worked during this shift; search the history for earlier hits`);
  }
  const rows = db
    .prepare(
      `SELECT at, user_id, action, detail FROM audit_log
       WHERE at >= ? AND action IN ('alert.acknowledge', 'alert.check', 'alert.check.change', 'alert.dispose')
         AND json_extract(detail, '$.alertId') = ?
       ORDER BY id`,
    )
    .all(alert.raisedAt, alertId) as StepRow[];
  const steps = rows.map(stepOf).filter((s): s is ChecklistStep => s !== null);
  const hit = db.prepare('SELECT h.id, h.entry_id FROM alerts a JOIN hits h ON h.id = a.hit_id WHERE a.id = ?').get(alertId) as { id: number; entry_id: number };
  const sightingIds = db
    .prepare(
      `SELECT read_id FROM hits WHERE entry_id = ? AND id > ? AND read_id != ?
         AND NOT EXISTS (SELECT 1 FROM upload_queue q WHERE q.kind = 'covert-hit' AND q.record_id = hits.id)
       ORDER BY id DESC LIMIT ?`,
    )
    .pluck()
    .all(hit.entry_id, hit.id, alert.read.id, SIGHTINGS_SHOWN) as number[];
  const seen = new Set<number>();
  const laterSightings: ReadSummary[] = [];
  for (const readId of sightingIds.reverse()) {
    if (seen.has(readId)) continue;
    seen.add(readId);
    const read = reads.get(readId);
    if (read) laterSightings.push(read);
  }
  return { alert, steps, laterSightings };
}
