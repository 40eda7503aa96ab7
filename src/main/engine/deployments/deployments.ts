/**
 * Deployments (B.1.d, C.7): an officer starts and ends a routine patrol or a
 * special detail with its purpose. A special detail waits for a supervisor's
 * approval before it starts: the supervisor signs in on the same screen, or
 * gives the officer a one-time approval code (`lpr deployment approve-code`).
 * The approval (who, when, how) is stored and audited. Counters of a
 * deployment, and of an officer's shift, are counted here from the stored
 * reads, alerts and dispositions of its time span.
 */
import crypto from 'node:crypto';
import { DISPOSITION_ACTIONS } from '../../../shared/checklist.js';
import {
  APPROVAL_CODE_ALPHABET,
  type DeploymentKind,
  type DeploymentView,
  type DispositionAction,
  type DispositionKind,
  type ShiftCounters,
  type ShiftSummary,
  type User,
} from '../../../shared/contract.js';
import { audit } from '../governance/audit.js';
import type { Db } from '../store/db.js';

export class DeploymentError extends Error {}

/** How long an approval code stays usable. */
export const APPROVAL_CODE_LIFETIME_MS = 30 * 60_000;
/** Letters and digits an officer cannot mistake for one another on a screen or over the radio. */
const CODE_LENGTH = 8;

interface DeploymentRow {
  id: number;
  kind: DeploymentKind;
  purpose: string;
  officer_id: string;
  status: DeploymentView['status'];
  requested_at: number;
  approved_by: string | null;
  approved_at: number | null;
  approval_method: DeploymentView['approvalMethod'];
  started_at: number | null;
  ended_at: number | null;
}

const hashCode = (code: string): string => crypto.createHash('sha256').update(code).digest('hex');

/** Codes are typed by hand: spaces and dashes are ignored, and case does not matter. */
export function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

export class DeploymentService {
  constructor(private readonly db: Db) {}

  get(id: number): DeploymentView {
    const row = this.db.prepare('SELECT * FROM deployments WHERE id = ?').get(id) as DeploymentRow | undefined;
    if (!row) throw new DeploymentError(`deployment ${id} does not exist`);
    return toView(row);
  }

  /** The officer's deployment in progress or waiting for approval, if any. */
  current(officerId: string): DeploymentView | null {
    const row = this.db
      .prepare(`SELECT * FROM deployments WHERE officer_id = ? AND status IN ('awaiting-approval', 'active') ORDER BY id DESC LIMIT 1`)
      .get(officerId) as DeploymentRow | undefined;
    return row ? toView(row) : null;
  }

  /** A routine patrol starts at once; a special detail waits for a supervisor's approval. */
  start(officer: User, kind: DeploymentKind, purpose: string, now: number): DeploymentView {
    const text = purpose.trim();
    if (kind === 'special' && text.length < 3) throw new DeploymentError('a special detail needs its purpose (policy C.7)');
    const open = this.db
      .prepare(`SELECT id, status FROM deployments WHERE status IN ('awaiting-approval', 'active') ORDER BY id LIMIT 1`)
      .get() as { id: number; status: string } | undefined;
    if (open) throw new DeploymentError(`deployment ${open.id} is ${open.status === 'active' ? 'in progress' : 'waiting for approval'}; end it first`);
    const id = this.db.transaction(() => {
      const status = kind === 'routine' ? 'active' : 'awaiting-approval';
      const inserted = this.db
        .prepare('INSERT INTO deployments (kind, purpose, officer_id, status, requested_at, started_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(kind, text, officer.id, status, now, kind === 'routine' ? now : null);
      const id = Number(inserted.lastInsertRowid);
      audit(this.db, { userId: officer.id, action: kind === 'routine' ? 'deployment.start' : 'deployment.request', detail: { deploymentId: id, kind, purpose: text } }, now);
      return id;
    })();
    return this.get(id);
  }

  /**
   * A supervisor approves a special detail: `supervisor` has proved who they
   * are (PIN on this screen, or the code they issued). The detail starts now.
   */
  approve(deploymentId: number, supervisor: User, method: 'supervisor-pin' | 'code', now: number): DeploymentView {
    const deployment = this.get(deploymentId);
    if (deployment.kind !== 'special') throw new DeploymentError(`deployment ${deploymentId} is a routine patrol; it needs no approval`);
    if (deployment.status !== 'awaiting-approval') throw new DeploymentError(`deployment ${deploymentId} is not waiting for approval (it is ${deployment.status})`);
    if (supervisor.role !== 'supervisor' && supervisor.role !== 'administrator') {
      throw new DeploymentError(`${supervisor.name} is not a supervisor; a special detail needs a supervisor's approval (policy C.7)`);
    }
    if (supervisor.id === deployment.officerId) throw new DeploymentError('a special detail needs the approval of a supervisor other than the officer who asks for it');
    this.db.transaction(() => {
      this.db
        .prepare(`UPDATE deployments SET status = 'active', approved_by = ?, approved_at = ?, approval_method = ?, started_at = ? WHERE id = ?`)
        .run(supervisor.id, now, method, now, deploymentId);
      audit(this.db, { userId: supervisor.id, action: 'deployment.approve', detail: { deploymentId, officerId: deployment.officerId, method, purpose: deployment.purpose } }, now);
    })();
    return this.get(deploymentId);
  }

  /** Issues a one-time approval code for a supervisor; only its hash is kept. */
  issueCode(supervisor: User, now: number, lifetimeMs = APPROVAL_CODE_LIFETIME_MS): { code: string; expiresAt: number } {
    if (supervisor.role !== 'supervisor' && supervisor.role !== 'administrator') {
      throw new DeploymentError(`${supervisor.id} is not a supervisor; only supervisors issue approval codes (policy C.7)`);
    }
    const bytes = crypto.randomBytes(CODE_LENGTH);
    const code = [...bytes].map((b) => APPROVAL_CODE_ALPHABET[b % APPROVAL_CODE_ALPHABET.length]).join('');
    const expiresAt = now + lifetimeMs;
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO deployment_approval_codes (code_hash, supervisor_id, issued_at, expires_at) VALUES (?, ?, ?, ?)').run(hashCode(code), supervisor.id, now, expiresAt);
      audit(this.db, { userId: supervisor.id, action: 'deployment.approval-code', detail: { expiresAt } }, now);
    })();
    return { code, expiresAt };
  }

  /** Approves with a code a supervisor issued; the code is used up. */
  approveWithCode(deploymentId: number, code: string, byOfficer: string, now: number): DeploymentView {
    const hash = hashCode(normaliseCode(code));
    const row = this.db
      .prepare('SELECT c.supervisor_id, c.expires_at, c.used_at, u.name, u.role FROM deployment_approval_codes c JOIN users u ON u.id = c.supervisor_id WHERE c.code_hash = ?')
      .get(hash) as { supervisor_id: string; expires_at: number; used_at: number | null; name: string; role: User['role'] } | undefined;
    const refuse = (why: string): never => {
      audit(this.db, { userId: byOfficer, action: 'deployment.approve-refused', detail: { deploymentId, why } }, now);
      throw new DeploymentError(why);
    };
    if (!row) return refuse('that approval code is not valid; check it with the supervisor');
    if (row.used_at !== null) return refuse('that approval code has already been used; ask the supervisor for a new one');
    if (row.expires_at <= now) return refuse('that approval code has expired; ask the supervisor for a new one');
    return this.db.transaction(() => {
      const approved = this.approve(deploymentId, { id: row.supervisor_id, name: row.name, role: row.role }, 'code', now);
      this.db.prepare('UPDATE deployment_approval_codes SET used_at = ?, used_for = ? WHERE code_hash = ?').run(now, deploymentId, hash);
      return approved;
    })();
  }

  /** Ends the officer's deployment (one waiting for approval is withdrawn). */
  end(deploymentId: number, officer: User, now: number): DeploymentView {
    const deployment = this.get(deploymentId);
    if (deployment.officerId !== officer.id && officer.role === 'officer') throw new DeploymentError(`deployment ${deploymentId} is ${deployment.officerId}'s; only they or a supervisor can end it`);
    if (deployment.status !== 'active' && deployment.status !== 'awaiting-approval') throw new DeploymentError(`deployment ${deploymentId} has already ended`);
    const status = deployment.status === 'active' ? 'ended' : 'withdrawn';
    this.db.transaction(() => {
      this.db.prepare('UPDATE deployments SET status = ?, ended_at = ? WHERE id = ?').run(status, now, deploymentId);
      audit(this.db, { userId: officer.id, action: status === 'ended' ? 'deployment.end' : 'deployment.withdraw', detail: { deploymentId } }, now);
    })();
    return this.get(deploymentId);
  }

  /**
   * What happened in [from, to): reads taken, alerts raised (covert hits and
   * repeats of an open alert are not counted: they were never news on this
   * screen), how those alerts were disposed, and the officer's actions.
   */
  counters(from: number, to: number): ShiftCounters {
    const reads = (this.db.prepare('SELECT count(*) AS n FROM reads WHERE captured_at >= ? AND captured_at < ?').get(from, to) as { n: number }).n;
    const hits = (this.db.prepare('SELECT count(*) AS n FROM alerts WHERE raised_at >= ? AND raised_at < ?').get(from, to) as { n: number }).n;
    const disposed = this.db
      .prepare('SELECT d.kind, d.actions FROM dispositions d JOIN alerts a ON a.id = d.alert_id WHERE a.raised_at >= ? AND a.raised_at < ?')
      .all(from, to) as { kind: DispositionKind; actions: string }[];
    const dispositions: Record<DispositionKind, number> = { confirmed: 0, misread: 0, 'not-on-list': 0, other: 0 };
    const actions = Object.fromEntries(DISPOSITION_ACTIONS.map((a) => [a, 0])) as Record<DispositionAction, number>;
    for (const d of disposed) {
      dispositions[d.kind] += 1;
      for (const action of JSON.parse(d.actions) as DispositionAction[]) actions[action] += 1;
    }
    return { reads, hits, confirmedHits: dispositions.confirmed, undisposed: hits - disposed.length, dispositions, actions };
  }

  /** The signed-in officer's shift since `from`, with each of their deployments in it. */
  shiftSummary(officer: User, from: number, now: number): ShiftSummary {
    const rows = this.db
      .prepare(`SELECT * FROM deployments WHERE officer_id = ? AND (ended_at IS NULL OR ended_at >= ?) AND requested_at < ? ORDER BY id`)
      .all(officer.id, from, now + 1) as DeploymentRow[];
    return {
      officer,
      from,
      to: now,
      counters: this.counters(from, now + 1),
      deployments: rows.map((row) => {
        const deployment = toView(row);
        const counters = deployment.startedAt === null ? null : this.counters(deployment.startedAt, (deployment.endedAt ?? now) + 1);
        return { deployment, counters };
      }),
    };
  }
}

function toView(row: DeploymentRow): DeploymentView {
  return {
    id: row.id,
    kind: row.kind,
    purpose: row.purpose,
    officerId: row.officer_id,
    status: row.status,
    requestedAt: row.requested_at,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    approvalMethod: row.approval_method,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}
