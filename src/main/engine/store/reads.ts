/**
 * Reads in the store: one row per vehicle pass with its plate crop and context
 * JPEG, time, camera and GPS when known.
 */
import type { GpsFix, ReadSummary } from '../../../shared/contract.js';
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
}

const SUMMARY_COLUMNS = 'id, plate, confidence, state, box_x, box_y, box_w, box_h, candidates, camera_id, captured_at, lat, lon, gps_accuracy_m';

function toSummary(row: ReadRow): ReadSummary {
  return {
    id: row.id,
    plate: row.plate,
    confidence: row.confidence,
    state: row.state,
    box: [row.box_x, row.box_y, row.box_w, row.box_h],
    cameraId: row.camera_id,
    capturedAt: row.captured_at,
    gps: row.lat !== null && row.lon !== null ? { lat: row.lat, lon: row.lon, accuracyM: row.gps_accuracy_m } : null,
    candidates: JSON.parse(row.candidates) as ReadSummary['candidates'],
  };
}

export class ReadStore {
  private readonly insert;
  private readonly byId;
  private readonly recentStmt;
  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO reads (plate, confidence, state, state_confidence, box_x, box_y, box_w, box_h, candidates, camera_id,
        captured_at, lat, lon, gps_accuracy_m, crop_jpeg, context_jpeg)
       VALUES (@plate, @confidence, @state, @stateConfidence, @x, @y, @w, @h, @candidates, @cameraId,
        @capturedAt, @lat, @lon, @accuracy, @crop, @context)`,
    );
    this.byId = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM reads WHERE id = ?`);
    this.recentStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM reads ORDER BY captured_at DESC, id DESC LIMIT ?`);
  }

  add(read: NewRead): ReadSummary {
    const [x, y, w, h] = read.box.map((v) => Math.round(v));
    const info = this.insert.run({
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
      crop: read.cropJpeg,
      context: read.contextJpeg,
    });
    return this.get(Number(info.lastInsertRowid))!;
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
   * A better view of the same pass (the car closer): its images, box, time and
   * position replace the first ones together, so the evidence stays consistent.
   */
  replaceView(id: number, view: Pick<NewRead, 'cropJpeg' | 'contextJpeg' | 'box' | 'capturedAt' | 'gps'>): void {
    const [x, y, w, h] = view.box.map((v) => Math.round(v));
    this.db
      .prepare(
        `UPDATE reads SET crop_jpeg = ?, context_jpeg = ?, box_x = ?, box_y = ?, box_w = ?, box_h = ?, captured_at = ?,
           lat = ?, lon = ?, gps_accuracy_m = ? WHERE id = ?`,
      )
      .run(view.cropJpeg, view.contextJpeg, x, y, w, h, view.capturedAt, view.gps?.lat ?? null, view.gps?.lon ?? null, view.gps?.accuracyM ?? null, id);
  }

  countSince(since: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM reads WHERE captured_at >= ?').get(since) as { n: number }).n;
  }
}
