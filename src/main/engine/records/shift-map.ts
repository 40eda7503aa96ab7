/**
 * The offline map of a shift: its reads with a GPS position in the order they
 * were taken (the car's track; with the reads of the shift's alerts raised
 * before sign-in), which of them hit a list, and how many had no
 * fix. Map tiles are never downloaded: an agency may install raster tiles in
 * the data folder as map/{z}/{x}/{y}.png (slippy-map numbering, the layout
 * tile tools write); without them the screen draws a coordinate grid.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MapRead, ShiftMap } from '../../../shared/contract.js';
import type { Db } from '../store/db.js';
import { IN_SHIFT, type ShiftSpan } from '../alerts/hit-history.js';

/** The most reads one map plots (the newest); a 12-hour shift at a read every 10 s stays under it. */
export const MAP_POINTS_LIMIT = 5000;

interface PointRow {
  id: number;
  plate: string;
  state: string | null;
  confidence: number;
  camera_id: string;
  captured_at: number;
  lat: number;
  lon: number;
  alert_id: number | null;
  sighted: number;
}

/** Read `r` belongs to the shift: taken in it, or the read of one of its alerts (hit-history.ts). */
const SHIFT_READS = `(r.captured_at >= @from AND r.captured_at <= @to
  OR r.id IN (SELECT h.read_id FROM alerts a JOIN hits h ON h.id = a.hit_id LEFT JOIN dispositions d ON d.alert_id = a.id WHERE ${IN_SHIFT}))`;

export function shiftMap(db: Db, shift: ShiftSpan, tilesDir: string | null, limit = MAP_POINTS_LIMIT): ShiftMap {
  const rows = db
    .prepare(
      `SELECT r.id, r.plate, r.state, r.confidence, r.camera_id, r.captured_at, r.lat, r.lon,
         (SELECT a.id FROM hits h JOIN alerts a ON a.hit_id = h.id WHERE h.read_id = r.id ORDER BY a.id LIMIT 1) AS alert_id,
         EXISTS (SELECT 1 FROM hits h WHERE h.read_id = r.id
                   AND NOT EXISTS (SELECT 1 FROM upload_queue q WHERE q.kind = 'covert-hit' AND q.record_id = h.id)) AS sighted
       FROM reads r
       WHERE ${SHIFT_READS} AND r.lat IS NOT NULL AND r.lon IS NOT NULL
       ORDER BY r.captured_at DESC, r.id DESC LIMIT @limit`,
    )
    .all({ ...shift, limit: limit + 1 }) as PointRow[];
  const truncated = rows.length > limit;
  const points: MapRead[] = rows
    .slice(0, limit)
    .reverse()
    .map((r) => ({
      id: r.id,
      plate: r.plate,
      state: r.state,
      confidence: r.confidence,
      cameraId: r.camera_id,
      capturedAt: r.captured_at,
      lat: r.lat,
      lon: r.lon,
      hit: r.alert_id !== null ? 'alert' : r.sighted === 1 ? 'sighting' : null,
      alertId: r.alert_id,
    }));
  const withoutFix = db
    .prepare(`SELECT count(*) FROM reads r WHERE ${SHIFT_READS} AND (r.lat IS NULL OR r.lon IS NULL)`)
    .pluck()
    .get(shift) as number;
  const zooms = tilesDir ? installedZooms(tilesDir) : [];
  return { from: shift.from, to: shift.to, points, withoutFix, truncated, tiles: zooms.length > 0 ? { zooms } : null };
}

/** The zoom levels with a folder of tiles (map/{z}/), lowest first. */
export function installedZooms(tilesDir: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(tilesDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d{1,2}$/.test(n) && Number(n) <= 22)
    .filter((n) => fs.statSync(path.join(tilesDir, n)).isDirectory())
    .map(Number)
    .sort((a, b) => a - b);
}

const TILE_TYPES: readonly [string, string][] = [
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
];

/** A tile as a data: URL, or null when it is not installed. z, x and y are integers (the contract checked them), so the path stays in the folder. */
export function mapTile(tilesDir: string, z: number, x: number, y: number): string | null {
  for (const [ext, type] of TILE_TYPES) {
    const file = path.join(tilesDir, String(z), String(x), `${y}.${ext}`);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new Error(`map tile ${z}/${x}/${y}: cannot read ${file}: ${(error as Error).message}`);
    }
    return `data:${type};base64,${bytes.toString('base64')}`;
  }
  return null;
}
