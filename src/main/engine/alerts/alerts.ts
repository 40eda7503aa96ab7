/**
 * Hits and alerts, and the officer's walk through the policy's checks:
 * acknowledge the alert (silences the tone), confirm the characters and the
 * state of issuance against the image (C.4.a), record the dispatch/MDT status
 * check (C.4.b), then record the disposition (C.5). The rules live in
 * shared/checklist.ts; they are enforced here, not only in the UI. Answers can
 * be changed until the disposition is recorded, and every answer and change
 * is audited.
 */
import {
  DEFAULT_QUICK_REASONS,
  checkRefusal,
  dispositionRefusal,
  reasonsFor,
  type CheckName,
  type DispositionDraft,
  type QuickReasons,
} from '../../../shared/checklist.js';
import { normaliseColour } from '../../../shared/colours.js';
import type { AlertView, DispatchResult, DispositionAction, DispositionKind, HotListEntryView, MatchKind, ReadSummary } from '../../../shared/contract.js';
import { audit } from '../governance/audit.js';
import type { HotListMatch } from '../hotlist/types.js';
import type { Db } from '../store/db.js';
import type { ReadStore } from '../store/reads.js';

export class AlertFlowError extends Error {}

interface AlertRow {
  id: number;
  hit_id: number;
  status: AlertView['status'];
  raised_at: number;
  acknowledged_at: number | null;
  characters_match: number | null;
  state_matches: number | null;
  dispatch_result: DispatchResult | null;
  dispatch_note: string | null;
  read_id: number;
  match_kind: MatchKind;
  differing_positions: string;
  matched_plate: string;
  entry_snapshot: string;
  d_kind: DispositionKind | null;
  d_note: string | null;
  d_reason: string | null;
  d_actions: string | null;
  d_user: string | null;
  d_at: number | null;
  seen_again_count: number;
  seen_again_at: number | null;
  seen_again_camera: string | null;
  seen_again_read_id: number | null;
}

const ALERT_QUERY = `
  SELECT a.id, a.hit_id, a.status, a.raised_at, a.acknowledged_at, a.characters_match, a.state_matches,
         a.dispatch_result, a.dispatch_note, h.read_id, h.match_kind, h.differing_positions, h.matched_plate,
         h.entry_snapshot, d.kind AS d_kind, d.note AS d_note, d.reason AS d_reason, d.actions AS d_actions, d.user_id AS d_user, d.recorded_at AS d_at,
         a.seen_again_count, a.seen_again_at, a.seen_again_camera, a.seen_again_read_id
  FROM alerts a JOIN hits h ON h.id = a.hit_id LEFT JOIN dispositions d ON d.alert_id = a.id`;

const bool = (v: number | null): boolean | null => (v === null ? null : v === 1);

export interface RaisedHit {
  readonly hitId: number;
  /** Null for covert hits (recorded, never shown in the car) and for repeats of an open or recent alert. */
  readonly alert: AlertView | null;
  /** The open or recent alert this hit repeats, when it does. */
  readonly repeatOf: number | null;
  /** The open alert this hit updated ("seen again"), to be shown again in its new state; no new tone. */
  readonly updated: AlertView | null;
}

/**
 * The same list entry seen again within this window (a vehicle followed, or
 * passing again) is recorded as a hit but does not raise a second alert.
 */
export const REPEAT_WINDOW_MS = 5 * 60_000;

export class AlertService {
  constructor(
    private readonly db: Db,
    private readonly reads: ReadStore,
    private readonly repeatWindowMs = REPEAT_WINDOW_MS,
  ) {}

  /**
   * What a hit on this match would do now: nothing on screen for a covert list,
   * a repeat of a recent alert on the same entry, or a new alert. `heldAlertFor`
   * adds alerts raised in memory while storage failed.
   */
  outcome(match: HotListMatch, now: number, heldAlertFor: (entryId: number, since: number) => number | null = () => null): { kind: 'covert' } | { kind: 'repeat'; of: number } | { kind: 'alert' } {
    if (match.covert) return { kind: 'covert' };
    const since = now - this.repeatWindowMs;
    const recent = this.recentAlertFor(match.entry.id, since) ?? heldAlertFor(match.entry.id, since);
    return recent !== null ? { kind: 'repeat', of: recent } : { kind: 'alert' };
  }

  private recentAlertFor(entryId: number, since: number): number | null {
    const row = this.db
      .prepare(`SELECT a.id FROM alerts a JOIN hits h ON h.id = a.hit_id WHERE h.entry_id = ? AND a.raised_at >= ? ORDER BY a.id DESC LIMIT 1`)
      .get(entryId, since) as { id: number } | undefined;
    return row?.id ?? null;
  }

  /**
   * The alert a hit raises, before it is stored: shown and sounded from memory
   * while storage fails, stored later under the same id.
   */
  provisional(alertId: number, read: ReadSummary, match: HotListMatch, now: number): AlertView {
    return {
      id: alertId,
      status: 'pending',
      raisedAt: now,
      read,
      entry: { ...match.entry },
      match: {
        kind: match.kind,
        differingPositions: [...match.differingPositions],
        readPlate: match.matchedPlate,
        priority: match.priority,
        tone: match.alertTone ?? 'standard',
        colour: normaliseColour(match.alertColour),
      },
      acknowledgedAt: null,
      checks: { charactersMatch: null, stateMatches: null, dispatch: null, dispatchNote: null },
      disposition: null,
      raisedDuring: this.provisionalRaisedDuring(now),
    };
  }

  /** Who was signed in, as the stored alert will say; a database that cannot even be read leaves it unknown. */
  private provisionalRaisedDuring(now: number): AlertView['raisedDuring'] {
    try {
      return this.raisedDuring(now);
    } catch {
      return null;
    }
  }

  /**
   * Records a hit for a stored read and raises an alert unless the list is
   * covert. `reservedAlertId`: the alert was already decided and shown from
   * memory under this id while storage failed; it is stored as it was shown.
   */
  raise(readId: number, match: HotListMatch, now = Date.now(), reservedAlertId: number | null = null): RaisedHit {
    return this.db.transaction((): RaisedHit => {
      const hit = this.db
        .prepare(
          `INSERT INTO hits (read_id, entry_id, match_kind, differing_positions, matched_plate, entry_snapshot, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(readId, match.entry.id, match.kind, JSON.stringify(match.differingPositions), match.matchedPlate, JSON.stringify({ ...match.entry, priority: match.priority, tone: match.alertTone ?? 'standard', colour: normaliseColour(match.alertColour) }), now);
      const hitId = Number(hit.lastInsertRowid);
      audit(this.db, { userId: null, action: 'hit', detail: { hitId, readId, entryId: match.entry.id, kind: match.kind, covert: match.covert } }, now);
      if (match.covert) {
        this.db.prepare(`INSERT INTO upload_queue (kind, record_id, queued_at) VALUES ('covert-hit', ?, ?)`).run(hitId, now);
        return { hitId, alert: null, repeatOf: null, updated: null };
      }
      // One alert per entry per pass: while an alert for this entry is open, a
      // further sighting updates it ("seen again") instead of raising another.
      const open = this.db
        .prepare(`SELECT a.id FROM alerts a JOIN hits h ON h.id = a.hit_id WHERE h.entry_id = ? AND a.status != 'disposed' ORDER BY a.id DESC LIMIT 1`)
        .get(match.entry.id) as { id: number } | undefined;
      if (open) {
        const read = this.reads.get(readId);
        this.db
          .prepare(
            `UPDATE alerts SET seen_again_count = seen_again_count + 1, seen_again_at = ?, seen_again_camera = ?, seen_again_read_id = ? WHERE id = ?`,
          )
          .run(read?.capturedAt ?? now, read?.cameraId ?? '', readId, open.id);
        audit(this.db, { userId: null, action: 'hit.repeat', detail: { hitId, alertId: open.id, open: true } }, now);
        return { hitId, alert: null, repeatOf: open.id, updated: this.get(open.id) };
      }
      const recent = reservedAlertId === null ? this.recentAlertFor(match.entry.id, now - this.repeatWindowMs) : null;
      if (recent !== null) {
        audit(this.db, { userId: null, action: 'hit.repeat', detail: { hitId, alertId: recent } }, now);
        return { hitId, alert: null, repeatOf: recent, updated: null };
      }
      const alert = this.db.prepare(`INSERT INTO alerts (id, hit_id, status, raised_at) VALUES (?, ?, 'pending', ?)`).run(reservedAlertId, hitId, now);
      return { hitId, alert: this.get(Number(alert.lastInsertRowid)), repeatOf: null, updated: null };
    })();
  }

  get(alertId: number): AlertView {
    const row = this.db.prepare(`${ALERT_QUERY} WHERE a.id = ?`).get(alertId) as AlertRow | undefined;
    if (!row) throw new AlertFlowError(`alert ${alertId} does not exist`);
    return this.toView(row);
  }

  /** Alerts not yet disposed, oldest first. */
  open(): AlertView[] {
    return (this.db.prepare(`${ALERT_QUERY} WHERE a.status != 'disposed' ORDER BY a.id`).all() as AlertRow[]).map((r) => this.toView(r));
  }

  acknowledge(alertId: number, userId: string, now = Date.now()): AlertView {
    const alert = this.get(alertId);
    if (alert.status !== 'pending') return alert;
    this.db.transaction(() => {
      this.db.prepare(`UPDATE alerts SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ? WHERE id = ?`).run(now, userId, alertId);
      audit(this.db, { userId, action: 'alert.acknowledge', detail: { alertId } }, now);
    })();
    return this.get(alertId);
  }

  checkCharacters(alertId: number, matches: boolean, userId: string, now = Date.now()): AlertView {
    const alert = this.requireCheck(alertId, 'characters');
    this.update(alertId, 'characters_match = ?', [matches ? 1 : 0], userId, { check: 'characters', matches }, alert.checks.charactersMatch, now);
    return this.get(alertId);
  }

  checkState(alertId: number, matches: boolean, userId: string, now = Date.now()): AlertView {
    const alert = this.requireCheck(alertId, 'state');
    this.update(alertId, 'state_matches = ?', [matches ? 1 : 0], userId, { check: 'state', matches }, alert.checks.stateMatches, now);
    return this.get(alertId);
  }

  checkDispatch(alertId: number, result: DispatchResult, note: string, userId: string, now = Date.now()): AlertView {
    const alert = this.requireCheck(alertId, 'dispatch');
    const previous = alert.checks.dispatch === null ? null : { result: alert.checks.dispatch, note: alert.checks.dispatchNote };
    this.update(alertId, 'dispatch_result = ?, dispatch_note = ?', [result, note.trim()], userId, { check: 'dispatch', result, note: note.trim() }, previous, now);
    return this.get(alertId);
  }

  /**
   * Records the disposition, refused with the checklist's reason when it
   * contradicts the answers (shared/checklist.ts). `reasons` are the car's
   * quick-pick reasons; a picked reason must be one of those for the kind.
   */
  dispose(alertId: number, draft: DispositionDraft, userId: string, now = Date.now(), reasons: QuickReasons = DEFAULT_QUICK_REASONS): AlertView {
    const alert = this.get(alertId);
    const refused = dispositionRefusal(alert, draft, reasonsFor(reasons, draft.kind));
    if (refused) throw new AlertFlowError(`alert ${alertId}: ${refused}`);
    const note = draft.note.trim();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO dispositions (alert_id, kind, note, user_id, recorded_at, reason, actions) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(alertId, draft.kind, note, userId, now, draft.reason, JSON.stringify(draft.actions));
      this.db.prepare(`UPDATE alerts SET status = 'disposed' WHERE id = ?`).run(alertId);
      audit(this.db, { userId, action: 'alert.dispose', detail: { alertId, kind: draft.kind, reason: draft.reason, note, actions: draft.actions } }, now);
    })();
    return this.get(alertId);
  }

  private requireCheck(alertId: number, check: CheckName): AlertView {
    const alert = this.get(alertId);
    const refused = checkRefusal(alert, check);
    if (refused) throw new AlertFlowError(`alert ${alertId}: ${refused}`);
    return alert;
  }

  /** Stores an answer; a changed answer is audited as a change with the answer it replaces. */
  private update(alertId: number, set: string, values: unknown[], userId: string, detail: Record<string, unknown>, previous: unknown, now: number): void {
    this.db.transaction(() => {
      this.db.prepare(`UPDATE alerts SET ${set}, checks_by = ? WHERE id = ?`).run(...values, userId, alertId);
      const changed = previous !== null;
      audit(this.db, { userId, action: changed ? 'alert.check.change' : 'alert.check', detail: changed ? { alertId, ...detail, previous } : { alertId, ...detail } }, now);
    })();
  }

  /** The officer or supervisor signed in when an alert was raised (the latest sign-in before it), and when they signed out. */
  private raisedDuring(raisedAt: number): AlertView['raisedDuring'] {
    const row = this.db
      .prepare(
        `SELECT s.user_id, s.ended_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE u.role != 'administrator' AND s.signed_in_at <= ? AND (s.ended_at IS NULL OR s.ended_at >= ?)
         ORDER BY s.signed_in_at DESC LIMIT 1`,
      )
      .get(raisedAt, raisedAt) as { user_id: string; ended_at: number | null } | undefined;
    return row ? { userId: row.user_id, signedOutAt: row.ended_at } : null;
  }

  private toView(row: AlertRow): AlertView {
    const read = this.reads.get(row.read_id);
    if (!read) throw new Error(`alert ${row.id} refers to read ${row.read_id}, which is missing`);
    const { priority, tone, colour, ...entry } = JSON.parse(row.entry_snapshot) as HotListEntryView & { priority?: number; tone?: string; colour?: string };
    return {
      id: row.id,
      status: row.status,
      raisedAt: row.raised_at,
      read,
      entry,
      match: {
        kind: row.match_kind,
        differingPositions: JSON.parse(row.differing_positions) as number[],
        readPlate: row.matched_plate,
        priority: priority ?? 0,
        tone: tone ?? 'standard',
        // Hits stored before colours were kept show the default colour.
        colour: normaliseColour(colour),
      },
      acknowledgedAt: row.acknowledged_at,
      checks: {
        charactersMatch: bool(row.characters_match),
        stateMatches: bool(row.state_matches),
        dispatch: row.dispatch_result,
        dispatchNote: row.dispatch_note,
      },
      disposition:
        row.d_kind !== null
          ? {
              kind: row.d_kind,
              reason: row.d_reason,
              note: row.d_note ?? '',
              actions: JSON.parse(row.d_actions ?? '[]') as DispositionAction[],
              userId: row.d_user ?? '',
              recordedAt: row.d_at ?? 0,
            }
          : null,
      raisedDuring: this.raisedDuring(row.raised_at),
      seenAgain:
        row.seen_again_count > 0 && row.seen_again_read_id !== null
          ? { count: row.seen_again_count, lastAt: row.seen_again_at ?? 0, cameraId: row.seen_again_camera ?? '', readId: row.seen_again_read_id }
          : null,
    };
  }
}
