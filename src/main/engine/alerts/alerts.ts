/**
 * Hits and alerts, and the officer's walk through the policy's checks:
 * acknowledge the alert (silences the tone), confirm the characters and the
 * state of issuance against the image (C.4.a), record the dispatch/MDT status
 * check (C.4.b), then record the disposition (C.5). The order is enforced
 * here, not only in the UI, and every step is audited.
 */
import type { AlertView, DispatchResult, DispositionKind, HotListEntryView, MatchKind } from '../../../shared/contract.js';
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
  d_user: string | null;
  d_at: number | null;
}

const ALERT_QUERY = `
  SELECT a.id, a.hit_id, a.status, a.raised_at, a.acknowledged_at, a.characters_match, a.state_matches,
         a.dispatch_result, a.dispatch_note, h.read_id, h.match_kind, h.differing_positions, h.matched_plate,
         h.entry_snapshot, d.kind AS d_kind, d.note AS d_note, d.user_id AS d_user, d.recorded_at AS d_at
  FROM alerts a JOIN hits h ON h.id = a.hit_id LEFT JOIN dispositions d ON d.alert_id = a.id`;

const bool = (v: number | null): boolean | null => (v === null ? null : v === 1);

export interface RaisedHit {
  readonly hitId: number;
  /** Null for covert hits (recorded, never shown in the car) and for repeats of a recent alert. */
  readonly alert: AlertView | null;
  /** The recent alert this hit repeats, when it does. */
  readonly repeatOf: number | null;
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

  /** Records a hit for a stored read and raises an alert unless the list is covert. */
  raise(readId: number, match: HotListMatch, now = Date.now()): RaisedHit {
    return this.db.transaction((): RaisedHit => {
      const hit = this.db
        .prepare(
          `INSERT INTO hits (read_id, entry_id, match_kind, differing_positions, matched_plate, entry_snapshot, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(readId, match.entry.id, match.kind, JSON.stringify(match.differingPositions), match.matchedPlate, JSON.stringify({ ...match.entry, priority: match.priority, tone: match.alertTone ?? 'standard' }), now);
      const hitId = Number(hit.lastInsertRowid);
      audit(this.db, { userId: null, action: 'hit', detail: { hitId, readId, entryId: match.entry.id, kind: match.kind, covert: match.covert } }, now);
      if (match.covert) {
        this.db.prepare(`INSERT INTO upload_queue (kind, record_id, queued_at) VALUES ('covert-hit', ?, ?)`).run(hitId, now);
        return { hitId, alert: null, repeatOf: null };
      }
      const recent = this.db
        .prepare(`SELECT a.id FROM alerts a JOIN hits h ON h.id = a.hit_id WHERE h.entry_id = ? AND a.raised_at >= ? ORDER BY a.id DESC LIMIT 1`)
        .get(match.entry.id, now - this.repeatWindowMs) as { id: number } | undefined;
      if (recent) {
        audit(this.db, { userId: null, action: 'hit.repeat', detail: { hitId, alertId: recent.id } }, now);
        return { hitId, alert: null, repeatOf: recent.id };
      }
      const alert = this.db.prepare(`INSERT INTO alerts (hit_id, status, raised_at) VALUES (?, 'pending', ?)`).run(hitId, now);
      return { hitId, alert: this.get(Number(alert.lastInsertRowid)), repeatOf: null };
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
    this.requireOpen(alertId);
    this.update(alertId, 'characters_match = ?', [matches ? 1 : 0], userId, { check: 'characters', matches }, now);
    return this.get(alertId);
  }

  checkState(alertId: number, matches: boolean, userId: string, now = Date.now()): AlertView {
    const alert = this.requireOpen(alertId);
    if (alert.checks.charactersMatch === null) throw new AlertFlowError('confirm the plate characters before the state of issuance');
    this.update(alertId, 'state_matches = ?', [matches ? 1 : 0], userId, { check: 'state', matches }, now);
    return this.get(alertId);
  }

  checkDispatch(alertId: number, result: DispatchResult, note: string, userId: string, now = Date.now()): AlertView {
    const alert = this.requireOpen(alertId);
    if (alert.checks.charactersMatch === null || alert.checks.stateMatches === null) {
      throw new AlertFlowError('confirm the plate characters and the state of issuance before the dispatch check');
    }
    this.update(alertId, 'dispatch_result = ?, dispatch_note = ?', [result, note.trim()], userId, { check: 'dispatch', result, note: note.trim() }, now);
    return this.get(alertId);
  }

  dispose(alertId: number, kind: DispositionKind, note: string, userId: string, now = Date.now()): AlertView {
    const alert = this.requireOpen(alertId);
    const { charactersMatch, stateMatches, dispatch } = alert.checks;
    const mismatch = charactersMatch === false || stateMatches === false;
    if (!mismatch && (charactersMatch === null || stateMatches === null || dispatch === null)) {
      throw new AlertFlowError('complete the checks (characters, state, dispatch) before recording the disposition');
    }
    if (kind === 'confirmed' && mismatch) {
      throw new AlertFlowError('cannot record "confirmed": the characters or the state were recorded as not matching');
    }
    const trimmed = note.trim();
    if ((kind === 'other' || kind === 'misread') && trimmed === '') {
      throw new AlertFlowError(`a note is required for the disposition "${kind}"`);
    }
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO dispositions (alert_id, kind, note, user_id, recorded_at) VALUES (?, ?, ?, ?, ?)').run(alertId, kind, trimmed, userId, now);
      this.db.prepare(`UPDATE alerts SET status = 'disposed' WHERE id = ?`).run(alertId);
      audit(this.db, { userId, action: 'alert.dispose', detail: { alertId, kind, note: trimmed } }, now);
    })();
    return this.get(alertId);
  }

  private requireOpen(alertId: number): AlertView {
    const alert = this.get(alertId);
    if (alert.status === 'disposed') throw new AlertFlowError(`alert ${alertId} already has a disposition; it cannot be changed`);
    if (alert.status === 'pending') throw new AlertFlowError(`acknowledge alert ${alertId} first`);
    return alert;
  }

  private update(alertId: number, set: string, values: unknown[], userId: string, detail: Record<string, unknown>, now: number): void {
    this.db.transaction(() => {
      this.db.prepare(`UPDATE alerts SET ${set}, checks_by = ? WHERE id = ?`).run(...values, userId, alertId);
      audit(this.db, { userId, action: 'alert.check', detail: { alertId, ...detail } }, now);
    })();
  }

  private toView(row: AlertRow): AlertView {
    const read = this.reads.get(row.read_id);
    if (!read) throw new Error(`alert ${row.id} refers to read ${row.read_id}, which is missing`);
    const { priority, tone, ...entry } = JSON.parse(row.entry_snapshot) as HotListEntryView & { priority?: number; tone?: string };
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
          ? { kind: row.d_kind, note: row.d_note ?? '', userId: row.d_user ?? '', recordedAt: row.d_at ?? 0 }
          : null,
    };
  }
}
