/**
 * The retention purge (B.1.a): removes exactly the records whose period has
 * ended and that no active hold keeps, reclaims the space, and audits what it
 * removed per kind. Every cut-off derives from one "as of" time read once at
 * the start, so a clock that moves during the purge changes nothing; a clock
 * behind the last purge only removes less, and is noted in the audit row.
 *
 * Kinds and what each removes once its period has passed (measured from the
 * read's capture time):
 * - hits: the hit, its alert, checks and disposition, and its read, unless
 *   the alert is still open (C.5 wants a disposition) or the hit or its
 *   disposition is still waiting to go back to the agency;
 * - readsWithoutHit: the read with its images;
 * - imagesWithoutHit: the images of a read, which stays as text;
 * - gps: the position of a read without a hit;
 * - audit: audit rows older than the period.
 */
import { retentionPeriods, type RetentionKind, type RetentionSettings } from '../../../shared/records.js';
import { audit, purgeAuditRows } from '../governance/audit.js';
import { logger } from '../log.js';
import type { Db } from '../store/db.js';
import { HELD_BY_ACTIVE_HOLD } from './holds.js';

const log = logger('retention');

export interface PurgeCounts {
  /** Hits removed, with their alerts and dispositions and the reads they were on. */
  readonly hits: number;
  readonly alerts: number;
  readonly dispositions: number;
  readonly readsOfHits: number;
  readonly readsWithoutHit: number;
  /** Reads whose images were removed (the read itself stays). */
  readonly imagesWithoutHit: number;
  /** Reads whose position was removed. */
  readonly gps: number;
  readonly audit: number;
  /** Reads past a period that a hold kept. */
  readonly keptByHold: number;
  /** Hits past their period kept because their alert is open or they wait for upload. */
  readonly hitsKeptOpen: number;
}

export interface PurgeResult {
  readonly asOf: number;
  readonly trigger: string;
  readonly counts: PurgeCounts;
  /** When the clock was behind the last purge's time, by how much (ms). */
  readonly clockBehindMs: number | null;
  /** Space given back; 'failed' (with why) leaves it for the next purge, the records are gone either way. */
  readonly vacuum: { readonly freedPages: number; readonly mode: 'incremental' | 'converted' | 'failed'; readonly error?: string };
}

export interface PurgeOptions {
  readonly asOf: number;
  readonly settings: RetentionSettings;
  /** Who or what started it: "start-up", "hourly", or a user's id. */
  readonly trigger: string;
  readonly userId: string | null;
}

const NO_HIT = 'NOT EXISTS (SELECT 1 FROM hits x WHERE x.read_id = r.id)';

export function purgeExpired(db: Db, options: PurgeOptions): PurgeResult {
  const { asOf } = options;
  if (!Number.isFinite(asOf)) throw new Error('purge: the "as of" time is not a valid time');
  const periods = retentionPeriods(options.settings);
  const cut = (kind: RetentionKind): number => asOf - periods[kind];
  const last = db.prepare('SELECT max(as_of) AS t FROM retention_runs').get() as { t: number | null };
  const clockBehindMs = last.t !== null && last.t > asOf ? last.t - asOf : null;
  if (clockBehindMs !== null) log.warn({ asOf, lastPurge: last.t, behindMs: clockBehindMs }, 'clock is behind the last purge; purging as of the earlier time (removes less, never more)');

  const counts = db.transaction((): PurgeCounts => {
    const p = { asOf };
    const n = (sql: string, params: Record<string, number>): number => db.prepare(sql).run({ ...p, ...params }).changes;
    const count = (sql: string, params: Record<string, number>): number => (db.prepare(sql).get({ ...p, ...params }) as { n: number }).n;

    // Hits: gather the expired ones first so alerts, dispositions and queue rows go with them.
    db.exec('CREATE TEMP TABLE IF NOT EXISTS purge_hits (id INTEGER PRIMARY KEY, read_id INTEGER NOT NULL)');
    db.exec('DELETE FROM temp.purge_hits');
    const expiredHitFilter = `FROM hits h JOIN reads r ON r.id = h.read_id WHERE r.captured_at < @cut AND NOT ${HELD_BY_ACTIVE_HOLD}`;
    const openFilter = `(EXISTS (SELECT 1 FROM alerts a WHERE a.hit_id = h.id AND a.status <> 'disposed')
        OR EXISTS (SELECT 1 FROM upload_queue q WHERE q.kind IN ('hit', 'covert-hit') AND q.record_id = h.id AND q.uploaded_at IS NULL)
        OR EXISTS (SELECT 1 FROM upload_queue q JOIN alerts a ON a.hit_id = h.id JOIN dispositions d ON d.alert_id = a.id
                   WHERE q.kind = 'disposition' AND q.record_id = d.id AND q.uploaded_at IS NULL))`;
    const hitsKeptOpen = count(`SELECT count(*) AS n ${expiredHitFilter} AND ${openFilter}`, { cut: cut('hits') });
    n(`INSERT INTO temp.purge_hits (id, read_id) SELECT h.id, h.read_id ${expiredHitFilter} AND NOT ${openFilter}`, { cut: cut('hits') });
    // A read is removed with its hits only when every hit on it goes.
    db.exec('CREATE TEMP TABLE IF NOT EXISTS purge_reads (id INTEGER PRIMARY KEY)');
    db.exec('DELETE FROM temp.purge_reads');
    db.exec(`INSERT INTO temp.purge_reads (id) SELECT DISTINCT ph.read_id FROM temp.purge_hits ph
             WHERE NOT EXISTS (SELECT 1 FROM hits o WHERE o.read_id = ph.read_id AND o.id NOT IN (SELECT id FROM temp.purge_hits))`);
    const dispositionIds = `SELECT d.id FROM dispositions d JOIN alerts a ON a.id = d.alert_id WHERE a.hit_id IN (SELECT id FROM temp.purge_hits)`;
    n(`DELETE FROM upload_queue WHERE kind = 'disposition' AND record_id IN (${dispositionIds})`, {});
    const dispositions = n(`DELETE FROM dispositions WHERE id IN (${dispositionIds})`, {});
    const alerts = n('DELETE FROM alerts WHERE hit_id IN (SELECT id FROM temp.purge_hits)', {});
    n(`DELETE FROM upload_queue WHERE kind IN ('hit', 'covert-hit') AND record_id IN (SELECT id FROM temp.purge_hits)`, {});
    const hits = n('DELETE FROM hits WHERE id IN (SELECT id FROM temp.purge_hits)', {});
    const readsOfHits = n('DELETE FROM reads WHERE id IN (SELECT id FROM temp.purge_reads)', {});

    // Reads without a hit, then the images and positions of those that stay.
    const keptByHold = count(
      `SELECT count(*) AS n FROM reads r WHERE r.captured_at < @cut AND ${HELD_BY_ACTIVE_HOLD}`,
      { cut: Math.max(cut('readsWithoutHit'), cut('imagesWithoutHit'), cut('gps'), cut('hits')) },
    );
    const readsWithoutHit = n(`DELETE FROM reads AS r WHERE r.captured_at < @cut AND ${NO_HIT} AND NOT ${HELD_BY_ACTIVE_HOLD}`, { cut: cut('readsWithoutHit') });
    const imagesWithoutHit = n(
      `UPDATE reads AS r SET crop_jpeg = NULL, context_jpeg = NULL
       WHERE r.captured_at < @cut AND (r.crop_jpeg IS NOT NULL OR r.context_jpeg IS NOT NULL) AND ${NO_HIT} AND NOT ${HELD_BY_ACTIVE_HOLD}`,
      { cut: cut('imagesWithoutHit') },
    );
    const gps = n(
      `UPDATE reads AS r SET lat = NULL, lon = NULL, gps_accuracy_m = NULL
       WHERE r.captured_at < @cut AND r.lat IS NOT NULL AND ${NO_HIT} AND NOT ${HELD_BY_ACTIVE_HOLD}`,
      { cut: cut('gps') },
    );
    // Audit rows go only through the chain's checkpoint purge, so `lpr audit verify` still
    // passes. A trail that does not verify is left whole (it shows where it broke); the other
    // kinds are purged all the same and the refusal goes in this purge's audit row.
    let auditRows = 0;
    let auditError: string | null = null;
    try {
      auditRows = purgeAuditRows(db, { before: cut('audit'), userId: options.userId, reason: `retention: audit period ${options.settings.audit}` }, asOf).purged;
    } catch (error) {
      auditError = (error as Error).message;
      log.error({ err: auditError }, 'audit rows not purged');
    }
    db.exec('DELETE FROM temp.purge_hits; DELETE FROM temp.purge_reads');

    const result: PurgeCounts = { hits, alerts, dispositions, readsOfHits, readsWithoutHit, imagesWithoutHit, gps, audit: auditRows, keptByHold, hitsKeptOpen };
    db.prepare('INSERT INTO retention_runs (as_of, trigger, counts) VALUES (?, ?, ?)').run(asOf, options.trigger, JSON.stringify(result));
    audit(db, { userId: options.userId, action: 'retention.purge', detail: { asOf, trigger: options.trigger, counts: result, periods: options.settings, clockBehindMs, ...(auditError ? { auditError } : {}) } }, asOf);
    return result;
  })();

  const vacuum = reclaimSpace(db);
  log.info({ asOf, trigger: options.trigger, counts, freedPages: vacuum.freedPages }, 'purge done');
  return { asOf, trigger: options.trigger, counts, clockBehindMs, vacuum };
}

/**
 * Gives the freed pages back to the file system. A database made before
 * incremental vacuum was on is converted once with a full VACUUM.
 */
function reclaimSpace(db: Db): PurgeResult['vacuum'] {
  try {
    return vacuum(db);
  } catch (error) {
    // Another connection (a sync worker) may hold the database; the purge itself is committed.
    const message = (error as Error).message;
    log.warn({ err: message }, 'could not reclaim space after the purge; the next purge tries again');
    return { freedPages: 0, mode: 'failed', error: message };
  }
}

function vacuum(db: Db): PurgeResult['vacuum'] {
  const before = db.pragma('freelist_count', { simple: true }) as number;
  const mode = db.pragma('auto_vacuum', { simple: true }) as number;
  if (mode !== 2) {
    db.pragma('auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
    return { freedPages: before, mode: 'converted' };
  }
  db.pragma('incremental_vacuum');
  const after = db.pragma('freelist_count', { simple: true }) as number;
  return { freedPages: before - after, mode: 'incremental' };
}

/** The last purges, newest first. */
export function purgeRuns(db: Db, limit = 20): { asOf: number; trigger: string; counts: PurgeCounts }[] {
  return (db.prepare('SELECT as_of, trigger, counts FROM retention_runs ORDER BY id DESC LIMIT ?').all(limit) as { as_of: number; trigger: string; counts: string }[]).map(
    (r) => ({ asOf: r.as_of, trigger: r.trigger, counts: JSON.parse(r.counts) as PurgeCounts }),
  );
}

/**
 * Runs the purge at start and then every hour (the car runs for a shift; a
 * purge that fails is logged and audited, and the next hour tries again).
 */
export class RetentionSchedule {
  private timer: NodeJS.Timeout | null = null;
  constructor(
    private readonly db: Db,
    private readonly settings: () => RetentionSettings,
    private readonly clock: () => number,
    private readonly everyMs = 3600_000,
  ) {}

  start(): PurgeResult | null {
    const first = this.run('start-up');
    this.timer = setInterval(() => this.run('hourly'), this.everyMs);
    this.timer.unref();
    return first;
  }

  run(trigger: string): PurgeResult | null {
    try {
      return purgeExpired(this.db, { asOf: this.clock(), settings: this.settings(), trigger, userId: null });
    } catch (error) {
      const message = (error as Error).message;
      log.error({ trigger, err: message }, 'purge failed');
      try {
        audit(this.db, { userId: null, action: 'retention.purge-failed', detail: { trigger, error: message } }, this.clock());
      } catch {
        // The database itself is failing; the log has it.
      }
      return null;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
