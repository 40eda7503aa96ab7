/**
 * Records each Read with what it raised, and rides through storage faults.
 *
 * A read, its hits, alerts and upload-queue rows are committed in one
 * transaction, so a power cut never leaves a read without its match result
 * (and reads that still have none, from an older version or a failed match,
 * are matched again at start-up).
 *
 * When the disk is full or failing (SQLITE_FULL, SQLITE_IOERR) or the file
 * turns out damaged (SQLITE_CORRUPT), matching and alerting go on: the read is
 * matched (the hot lists are only read), its alerts are shown and sounded
 * from memory under the ids they will be stored with, and the read waits in a
 * bounded buffer that is written as soon as the store takes writes again, with
 * no restart. Free space is watched: below the low-space mark the images of
 * the oldest reads without a hit are dropped first (audited), so the evidence
 * behind alerts is the last thing to go.
 */
import fs from 'node:fs';
import type { AlertView, ReadSummary } from '../../../shared/contract.js';
import type { AlertService } from '../alerts/alerts.js';
import { audit } from '../governance/audit.js';
import type { HotListMatch, HotListMatcher } from '../hotlist/types.js';
import { logger } from '../log.js';
import type { Db } from './db.js';
import { summaryOf, type NewRead, type ReadStore } from './reads.js';

const log = logger('recorder');

export type StorageState = 'ok' | 'full' | 'failing' | 'damaged';

export interface StorageStatus {
  readonly state: StorageState;
  /** What is wrong and what to do, for the banner; null when all is well. */
  readonly message: string | null;
  /** Reads waiting in memory to be written. */
  readonly buffered: number;
  /** Reads lost because the buffer overflowed while storage failed (never ones with an alert). */
  readonly lost: number;
  /** Free space on the data folder's disk, bytes (null when unknown). */
  readonly freeBytes: number | null;
}

export interface RecorderOptions {
  readonly now: () => number;
  /** Reads kept in memory with their images while storage fails; beyond, the oldest without an alert lose their images. */
  readonly bufferReads: number;
  /** Below this much free space the oldest images of reads without a hit are dropped. */
  readonly lowSpaceBytes: number;
  /** The folder whose disk is watched (the data folder). */
  readonly dataDir: string | null;
  /** How often a failed store is tried again and free space checked. */
  readonly retryMs: number;
  /** Storage state changed (the status shows it). */
  readonly onChange: () => void;
  /** The database turned out damaged while running: the next start moves it aside. */
  readonly onDamaged?: (error: Error) => void;
}

export interface Recorded {
  readonly read: ReadSummary;
  /** Alerts the read raised (on screen now, stored or held). */
  readonly alerts: AlertView[];
}

interface HeldRead {
  readonly id: number;
  read: NewRead;
  readonly summary: ReadSummary;
  readonly at: number;
  /** Null when matching itself failed: it is matched when written. */
  readonly matches: { match: HotListMatch; alertId: number | null }[] | null;
  readonly alerts: AlertView[];
}

// BUSY and LOCKED: another connection (a hot-list sync, `lpr` run beside the engine) held the
// file past the busy timeout; the read waits in memory like any other write that cannot go in.
const FAULT_CODES = /^SQLITE_(FULL|IOERR|CORRUPT|NOTADB|BUSY|LOCKED)/;

/** An error of the store itself (disk, file, a lock held by another connection), not of the data or the code. */
export function isStorageFault(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && FAULT_CODES.test(code);
}

function stateOf(error: unknown): StorageState {
  const code = String((error as { code?: unknown }).code);
  if (code.startsWith('SQLITE_FULL')) return 'full';
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) return 'damaged';
  return 'failing';
}

/** Images dropped per step below the low-space mark. */
const DROP_BATCH = 200;
/** Free pages inside the file that new reads can use before more images are dropped. */
const ROOM_INSIDE_BYTES = 32 * 2 ** 20;

export class ReadRecorder {
  private readonly held: HeldRead[] = [];
  private state: StorageState = 'ok';
  private message: string | null = null;
  private lost = 0;
  private freeBytes: number | null = null;
  private reservedReadId = 0;
  private reservedAlertId = 0;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly reads: ReadStore,
    private readonly alerts: AlertService,
    private readonly matcher: HotListMatcher,
    private readonly options: RecorderOptions,
  ) {
    this.timer = setInterval(() => this.tick(), options.retryMs);
    this.timer.unref();
    this.checkSpace();
  }

  status(): StorageStatus {
    return { state: this.state, message: this.message, buffered: this.held.length, lost: this.lost, freeBytes: this.freeBytes };
  }

  /** Stores a read with its hits and alerts, or holds it in memory while storage fails. Never throws for a storage fault. */
  record(read: NewRead): Recorded {
    if (this.held.length === 0) {
      try {
        return this.commit(read, null);
      } catch (error) {
        if (!isStorageFault(error)) throw error;
        this.fault(error as Error);
      }
    }
    return this.hold(read);
  }

  /**
   * Start-up: reads stored without a match result are matched now, each with
   * its hits and alerts in one transaction. Returns the alerts raised.
   */
  rematchUnmatched(): AlertView[] {
    const raised: AlertView[] = [];
    let count = 0;
    for (let batch = this.reads.unmatched(500); batch.length > 0; batch = this.reads.unmatched(500)) {
      for (const read of batch) {
        raised.push(...this.db.transaction(() => this.matchStored(read, this.options.now(), null))());
        count++;
      }
    }
    if (count > 0) log.warn({ reads: count, alerts: raised.length }, 'reads stored without a match result were matched at start-up');
    return raised;
  }

  /** A stored read whose reading changed (a corrected vote): matched again with the new reading, in one transaction. */
  rematch(read: ReadSummary): AlertView[] {
    return this.db.transaction(() => this.matchStored(read, this.options.now(), null))();
  }

  /** A held read's image (not stored yet), or undefined when the read is not held. */
  heldImage(readId: number, kind: 'crop' | 'context'): Buffer | null | undefined {
    const held = this.held.find((h) => h.id === readId);
    if (!held) return undefined;
    return kind === 'crop' ? held.read.cropJpeg : held.read.contextJpeg;
  }

  /** Alerts raised from memory and not stored yet (still open on screen). */
  heldAlerts(): AlertView[] {
    return this.held.flatMap((h) => h.alerts);
  }

  /** Reads held in memory, newest first (the feed shows them with the stored ones). */
  heldReads(): ReadSummary[] {
    return this.held.map((h) => h.summary).reverse();
  }

  /** Tries the buffer and the space check now (also runs on a timer). */
  tick(): void {
    if (this.closed) return;
    this.checkSpace();
    if (this.held.length > 0) this.flush();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    if (this.held.length > 0) {
      this.flush();
      if (this.held.length > 0) log.error({ reads: this.held.length }, 'reads still held in memory at shutdown could not be written');
    }
  }

  private matchStored(read: ReadSummary, now: number, reserved: HeldRead['matches']): AlertView[] {
    const matches = reserved ?? this.matcher.match(read).map((match) => ({ match, alertId: null }));
    const raised: AlertView[] = [];
    for (const { match, alertId } of matches) {
      const { alert, updated } = this.alerts.raise(read.id, match, now, alertId);
      // An open alert seen again is sent again, updated, like a new one.
      if (updated) raised.push(updated);
      if (alert) raised.push(alert);
    }
    this.reads.markMatched(read.id, now);
    return raised;
  }

  private commit(read: NewRead, held: HeldRead | null): Recorded {
    return this.db.transaction((): Recorded => {
      const stored = this.reads.add(read, held?.id ?? null);
      const alerts = this.matchStored(stored, held?.at ?? this.options.now(), held?.matches ?? null);
      return { read: stored, alerts };
    })();
  }

  private fault(error: Error): void {
    const state = stateOf(error);
    const first = this.state === 'ok';
    this.state = state;
    this.message =
      state === 'full'
        ? 'Storage is full: reads and alerts are kept in memory and written when space returns. Free disk space on this computer.'
        : state === 'damaged'
          ? 'The database is damaged: reads and alerts are kept in memory. Restart the app; it moves the damaged file aside and starts a fresh one. Tell an administrator.'
          : /^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown }).code))
            ? 'The database is held by another task (a hot-list sync or a records job): reads and alerts are kept in memory and written as soon as it is free. Tell an administrator if this stays.'
            : `The database cannot be written (${error.message}): reads and alerts are kept in memory and written when it recovers. Tell an administrator.`;
    log.error({ err: error.message, code: (error as { code?: string }).code }, 'storage failed; holding reads in memory');
    if (state === 'damaged') this.options.onDamaged?.(error);
    // Ids continue from the store's, so what is shown now is what is stored later.
    if (first) {
      this.reservedReadId = this.safeMax(() => this.reads.maxId(), this.reservedReadId);
      this.reservedAlertId = this.safeMax(() => (this.db.prepare('SELECT coalesce(max(id), 0) AS n FROM alerts').get() as { n: number }).n, this.reservedAlertId);
      if (state === 'full') this.makeRoom('storage full');
    }
    this.options.onChange();
  }

  private safeMax(read: () => number, fallback: number): number {
    try {
      return Math.max(read(), fallback);
    } catch {
      return fallback;
    }
  }

  private hold(read: NewRead): Recorded {
    const id = ++this.reservedReadId;
    const at = this.options.now();
    const summary = summaryOf(id, read);
    let matches: HeldRead['matches'];
    const alerts: AlertView[] = [];
    try {
      matches = this.matcher.match(summary).map((match) => {
        const outcome = this.alerts.outcome(match, at, (entryId, since) => this.heldAlertFor(entryId, since));
        if (outcome.kind !== 'alert') return { match, alertId: null };
        const alert = this.alerts.provisional(++this.reservedAlertId, summary, match, at);
        alerts.push(alert);
        return { match, alertId: alert.id };
      });
    } catch (error) {
      // The hot lists cannot be read either: the read is matched when it is written.
      log.error({ err: (error as Error).message, read: id }, 'matching failed while storage fails; the read is matched when written');
      matches = null;
    }
    this.held.push({ id, read, summary, at, matches, alerts });
    this.bound();
    this.options.onChange();
    return { read: summary, alerts };
  }

  private heldAlertFor(entryId: number, since: number): number | null {
    for (let i = this.held.length - 1; i >= 0; i--) {
      const h = this.held[i]!;
      if (h.at < since) break;
      const hit = h.matches?.find((m) => m.alertId !== null && m.match.entry.id === entryId);
      if (hit) return hit.alertId;
    }
    return null;
  }

  /** Keeps the buffer bounded: images of the oldest reads without an alert go first, then those reads. */
  private bound(): void {
    const limit = this.options.bufferReads;
    const withImages = this.held.filter((h) => h.read.cropJpeg !== null || h.read.contextJpeg !== null);
    for (const h of withImages.slice(0, Math.max(0, withImages.length - limit))) {
      if (h.alerts.length > 0) continue;
      h.read = { ...h.read, cropJpeg: null, contextJpeg: null };
    }
    while (this.held.length > limit * 10) {
      const at = this.held.findIndex((h) => h.alerts.length === 0);
      if (at < 0) break;
      this.held.splice(at, 1);
      this.lost++;
    }
  }

  private flush(): void {
    while (this.held.length > 0) {
      const next = this.held[0]!;
      try {
        if (next.matches === null) {
          const matched = this.db.transaction(() => {
            const stored = this.reads.add(next.read, next.id);
            return this.matchStored(stored, next.at, null);
          })();
          if (matched.length > 0) log.warn({ read: next.id, alerts: matched.length }, 'a read held while storage failed raised alerts when written');
        } else {
          this.commit(next.read, next);
        }
      } catch (error) {
        if (!isStorageFault(error)) {
          // Not the disk: this read cannot be stored at all; keep the rest moving.
          log.error({ err: (error as Error).message, read: next.id }, 'a held read could not be stored');
          this.held.shift();
          this.lost++;
          continue;
        }
        if (stateOf(error) !== this.state) this.fault(error as Error);
        return;
      }
      this.held.shift();
    }
    if (this.state !== 'ok') {
      log.warn({ lost: this.lost }, 'storage recovered; every held read is written');
      if (this.state !== 'damaged') {
        this.state = 'ok';
        this.message = null;
      }
      this.options.onChange();
    }
  }

  /** Free space on the data folder's disk; below the mark, old images without a hit make room. */
  private checkSpace(): void {
    if (!this.options.dataDir) return;
    try {
      const stats = fs.statfsSync(this.options.dataDir);
      this.freeBytes = stats.bavail * stats.bsize;
    } catch {
      this.freeBytes = null;
      return;
    }
    if (this.freeBytes < this.options.lowSpaceBytes) this.makeRoom('low disk space');
  }

  /**
   * Drops images of the oldest reads without a hit, a batch at a time, audited.
   * A database made by this version gives the pages back to the disk
   * (incremental auto-vacuum); an older one reuses them for new reads, so
   * nothing more is dropped while it holds enough free pages of its own.
   */
  private makeRoom(reason: string): void {
    try {
      const pageSize = this.db.pragma('page_size', { simple: true }) as number;
      const freePages = this.db.pragma('freelist_count', { simple: true }) as number;
      if (freePages * pageSize >= ROOM_INSIDE_BYTES) return;
      const ids = this.db.transaction(() => {
        const dropped = this.reads.dropOldestImagesWithoutHit(DROP_BATCH);
        if (dropped.length > 0) {
          audit(this.db, { userId: null, action: 'storage.images-dropped', detail: { reason, reads: dropped.length, firstReadId: dropped[0], lastReadId: dropped[dropped.length - 1], freeBytes: this.freeBytes } }, this.options.now());
        }
        return dropped;
      })();
      if (ids.length === 0) return;
      log.warn({ reason, reads: ids.length, freeBytes: this.freeBytes }, 'dropped the images of the oldest reads without a hit');
      if (this.db.pragma('auto_vacuum', { simple: true }) === 2) {
        this.db.pragma('incremental_vacuum');
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      }
    } catch (error) {
      log.error({ err: (error as Error).message }, 'could not drop old images to make room');
    }
  }
}
