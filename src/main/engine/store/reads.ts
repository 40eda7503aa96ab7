/**
 * Reads in the store: one row per vehicle pass with its plate crop and context
 * JPEG, time, camera and GPS when known.
 */
import type { GpsFix, ReadSummary } from '../../../shared/contract.js';
import { audit } from '../governance/audit.js';
import { CLOCK_SKEW_LIMIT_MS } from '../gps/gps.js';
import type { Db } from './db.js';

export interface NewRead {
  readonly plate: string;
  readonly confidence: number;
  readonly state: string | null;
  readonly stateConfidence: number;
  readonly box: readonly [number, number, number, number];
  readonly candidates: readonly { plate: string; confidence: number }[];
  readonly cameraId: string;
  readonly capturedAt: number;
  readonly gps: GpsFix | null;
  readonly cropJpeg: Buffer | null;
  readonly contextJpeg: Buffer | null;
}

interface ReadRow {
  id: number;
  plate: string;
  confidence: number;
  state: string | null;
  box_x: number;
  box_y: number;
  box_w: number;
  box_h: number;
  candidates: string;
  camera_id: string;
  captured_at: number;
  lat: number | null;
  lon: number | null;
  gps_accuracy_m: number | null;
  gps_speed_kmh: number | null;
  gps_heading_deg: number | null;
  gps_quality: string | null;
  gps_satellites: number | null;
  gps_time: number | null;
  gps_clock_offset_ms: number | null;
}

const SUMMARY_COLUMNS =
  'id, plate, confidence, state, box_x, box_y, box_w, box_h, candidates, camera_id, captured_at, lat, lon, gps_accuracy_m, ' +
  'gps_speed_kmh, gps_heading_deg, gps_quality, gps_satellites, gps_time, gps_clock_offset_ms';

function gpsOf(row: ReadRow, lat: number, lon: number): GpsFix {
  const offset = row.gps_clock_offset_ms;
  return {
    lat,
    lon,
    accuracyM: row.gps_accuracy_m,
    speedKmh: row.gps_speed_kmh,
    headingDeg: row.gps_heading_deg,
    quality: row.gps_quality as GpsFix['quality'],
    satellites: row.gps_satellites,
    fixTime: row.gps_time,
    clockOffsetMs: offset,
    clockSkewed: offset !== null && Math.abs(offset) > CLOCK_SKEW_LIMIT_MS,
  };
}

/** A read as the screens see it, before (or without) storing it. */
export function summaryOf(id: number, read: NewRead): ReadSummary {
  const [x, y, w, h] = read.box.map((v) => Math.round(v)) as [number, number, number, number];
  return {
    id,
    plate: read.plate,
    confidence: read.confidence,
    state: read.state,
    box: [x, y, w, h],
    cameraId: read.cameraId,
    capturedAt: read.capturedAt,
    // As it reads back once stored (same rounding), so what a screen was shown stays what is stored.
    gps: read.gps
      ? gpsOf(
          {
            gps_accuracy_m: read.gps.accuracyM ?? null,
            gps_speed_kmh: read.gps.speedKmh ?? null,
            gps_heading_deg: read.gps.headingDeg ?? null,
            gps_quality: read.gps.quality ?? null,
            gps_satellites: read.gps.satellites ?? null,
            gps_time: read.gps.fixTime ?? null,
            gps_clock_offset_ms: read.gps.clockOffsetMs === undefined || read.gps.clockOffsetMs === null ? null : Math.round(read.gps.clockOffsetMs),
          } as ReadRow,
          read.gps.lat,
          read.gps.lon,
        )
      : null,
    candidates: read.candidates.map((c) => ({ plate: c.plate, confidence: c.confidence })),
  };
}

function toSummary(row: ReadRow): ReadSummary {
  return {
    id: row.id,
    plate: row.plate,
    confidence: row.confidence,
    state: row.state,
    box: [row.box_x, row.box_y, row.box_w, row.box_h],
    cameraId: row.camera_id,
    capturedAt: row.captured_at,
    gps: row.lat !== null && row.lon !== null ? gpsOf(row, row.lat, row.lon) : null,
    candidates: JSON.parse(row.candidates) as ReadSummary['candidates'],
  };
}

export class ReadStore {
  private readonly insert;
  private readonly byId;
  private readonly recentStmt;
  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO reads (id, plate, confidence, state, state_confidence, box_x, box_y, box_w, box_h, candidates, camera_id,
        captured_at, lat, lon, gps_accuracy_m, gps_speed_kmh, gps_heading_deg, gps_quality, gps_satellites, gps_time,
        gps_clock_offset_ms, crop_jpeg, context_jpeg)
       VALUES (@id, @plate, @confidence, @state, @stateConfidence, @x, @y, @w, @h, @candidates, @cameraId,
        @capturedAt, @lat, @lon, @accuracy, @speed, @heading, @quality, @satellites, @gpsTime, @clockOffset, @crop, @context)`,
    );
    this.byId = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM reads WHERE id = ?`);
    this.recentStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM reads ORDER BY captured_at DESC, id DESC LIMIT ?`);
  }

  /**
   * Stores a read. `id` is given only for a read that was held in memory while
   * storage failed: the id it was shown with then is the one it keeps.
   */
  add(read: NewRead, id: number | null = null): ReadSummary {
    const [x, y, w, h] = read.box.map((v) => Math.round(v));
    const info = this.insert.run({
      id,
      plate: read.plate,
      confidence: read.confidence,
      state: read.state,
      stateConfidence: read.stateConfidence,
      x,
      y,
      w,
      h,
      candidates: JSON.stringify(read.candidates),
      cameraId: read.cameraId,
      capturedAt: read.capturedAt,
      lat: read.gps?.lat ?? null,
      lon: read.gps?.lon ?? null,
      accuracy: read.gps?.accuracyM ?? null,
      speed: read.gps?.speedKmh ?? null,
      heading: read.gps?.headingDeg ?? null,
      quality: read.gps?.quality ?? null,
      satellites: read.gps?.satellites ?? null,
      gpsTime: read.gps?.fixTime ?? null,
      clockOffset: read.gps?.clockOffsetMs === undefined || read.gps.clockOffsetMs === null ? null : Math.round(read.gps.clockOffsetMs),
      crop: read.cropJpeg,
      context: read.contextJpeg,
    });
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** The largest read id stored (0 when none). */
  maxId(): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) AS n FROM reads').get() as { n: number }).n;
  }

  /** The read was matched against the hot lists (its hits and alerts are stored with it). */
  markMatched(id: number, at: number): void {
    this.db.prepare('UPDATE reads SET matched_at = ? WHERE id = ?').run(at, id);
  }

  /** Reads stored without a match result, oldest first. */
  unmatched(limit: number): ReadSummary[] {
    return (this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM reads WHERE matched_at IS NULL ORDER BY id LIMIT ?`).all(limit) as ReadRow[]).map(toSummary);
  }

  /**
   * Drops the images of the oldest reads that have no hit (never evidence
   * behind an alert), at most `limit` reads. Returns the ids whose images went.
   */
  dropOldestImagesWithoutHit(limit: number): number[] {
    const ids = (
      this.db
        .prepare(
          `SELECT r.id FROM reads r
           WHERE (r.crop_jpeg IS NOT NULL OR r.context_jpeg IS NOT NULL)
             AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.read_id = r.id)
           ORDER BY r.captured_at, r.id LIMIT ?`,
        )
        .all(limit) as { id: number }[]
    ).map((r) => r.id);
    const clear = this.db.prepare('UPDATE reads SET crop_jpeg = NULL, context_jpeg = NULL WHERE id = ?');
    for (const id of ids) clear.run(id);
    return ids;
  }

  get(id: number): ReadSummary | null {
    const row = this.byId.get(id) as ReadRow | undefined;
    return row ? toSummary(row) : null;
  }

  recent(limit: number): ReadSummary[] {
    return (this.recentStmt.all(limit) as ReadRow[]).map(toSummary);
  }

  image(id: number, kind: 'crop' | 'context'): Buffer | null {
    const column = kind === 'crop' ? 'crop_jpeg' : 'context_jpeg';
    const row = this.db.prepare(`SELECT ${column} AS jpeg FROM reads WHERE id = ?`).get(id) as { jpeg: Buffer | null } | undefined;
    if (!row) throw new Error(`read ${id} does not exist`);
    return row.jpeg;
  }

  /**
   * A better view of the same pass (the car closer). Until the read has raised
   * a hit its images, box, time and position are replaced together, so the
   * evidence stays consistent. Once it has, they are evidence and never change
   * (the database refuses too): the view is stored beside the read instead,
   * and the addition audited. Says which it did.
   */
  addView(id: number, view: Pick<NewRead, 'cropJpeg' | 'contextJpeg' | 'box' | 'capturedAt' | 'gps'>, now = Date.now()): 'replaced' | 'extra' {
    const [x, y, w, h] = view.box.map((v) => Math.round(v));
    return this.db.transaction((): 'replaced' | 'extra' => {
      if (!this.hasHit(id)) {
        this.db
          .prepare(
            `UPDATE reads SET crop_jpeg = ?, context_jpeg = ?, box_x = ?, box_y = ?, box_w = ?, box_h = ?, captured_at = ?,
               lat = ?, lon = ?, gps_accuracy_m = ? WHERE id = ?`,
          )
          .run(view.cropJpeg, view.contextJpeg, x, y, w, h, view.capturedAt, view.gps?.lat ?? null, view.gps?.lon ?? null, view.gps?.accuracyM ?? null, id);
        return 'replaced';
      }
      const info = this.db
        .prepare(
          `INSERT INTO read_views (read_id, crop_jpeg, context_jpeg, box_x, box_y, box_w, box_h, captured_at, lat, lon, gps_accuracy_m, added_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, view.cropJpeg, view.contextJpeg, x, y, w, h, view.capturedAt, view.gps?.lat ?? null, view.gps?.lon ?? null, view.gps?.accuracyM ?? null, now);
      audit(this.db, { userId: null, action: 'read.extra-view', detail: { readId: id, viewId: Number(info.lastInsertRowid), capturedAt: view.capturedAt } }, now);
      return 'extra';
    })();
  }

  /**
   * The pass's vote changed its mind (later frames out-voted the first
   * reading): the read's text, confidence, candidates and state are replaced.
   * On a read that already raised a hit the change is audited with what it
   * was, and its images stay as they are (they are evidence).
   */
  correct(id: number, reading: Pick<NewRead, 'plate' | 'confidence' | 'candidates' | 'state' | 'stateConfidence'>, now = Date.now()): ReadSummary {
    return this.db.transaction((): ReadSummary => {
      const before = this.get(id);
      if (!before) throw new Error(`read ${id} does not exist`);
      this.db
        // Unmatched until the new reading is matched, so a crash in between is matched again at start-up.
        .prepare('UPDATE reads SET plate = ?, confidence = ?, candidates = ?, state = ?, state_confidence = ?, matched_at = NULL WHERE id = ?')
        .run(reading.plate, reading.confidence, JSON.stringify(reading.candidates), reading.state, reading.stateConfidence, id);
      if (this.hasHit(id)) {
        audit(this.db, { userId: null, action: 'read.corrected', detail: { readId: id, before: { plate: before.plate, state: before.state }, after: { plate: reading.plate, state: reading.state } } }, now);
      }
      return this.get(id)!;
    })();
  }

  /** Did this read raise a hit (its images are then evidence)? */
  hasHit(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM hits WHERE read_id = ? LIMIT 1').get(id) !== undefined;
  }

  /** The latest closer view stored beside a read, or null when there is none. */
  extraImage(id: number, kind: 'crop' | 'context'): Buffer | null {
    if (!this.get(id)) throw new Error(`read ${id} does not exist`);
    const column = kind === 'crop' ? 'crop_jpeg' : 'context_jpeg';
    const row = this.db.prepare(`SELECT ${column} AS jpeg FROM read_views WHERE read_id = ? ORDER BY id DESC LIMIT 1`).get(id) as { jpeg: Buffer | null } | undefined;
    return row?.jpeg ?? null;
  }

  countSince(since: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM reads WHERE captured_at >= ?').get(since) as { n: number }).n;
  }
}
