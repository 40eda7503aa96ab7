/**
 * Reads of earlier shifts for the history search and its map: three plates
 * that 7AB* finds, each with a crop, a context picture and a GPS position,
 * the first with a hit whose alert was disposed (for the evidence export).
 */
import { encodeJpeg } from '../../src/main/engine/engine.js';
import cv from '../../src/main/engine/opencv.js';
import type { Db } from '../../src/main/engine/store/db.js';
import { ReadStore } from '../../src/main/engine/store/reads.js';
import { renderPlateScene } from './images.js';

const HOUR = 3600_000;
export const EARLIER_PLATES = ['7ABC123', '7ABC128', '7ABD123'] as const;
const PLACES = [
  [42.3601, -71.0589],
  [42.3625, -71.0552],
  [42.3588, -71.0621],
] as const;

export interface EarlierReadsOptions {
  /** The first read is this many hours old, the others an hour older each. */
  readonly hoursAgo: number;
  /** The camera of each read. */
  readonly cameraIds: readonly [string, string, string];
  /** Who recorded the first read's disposition. */
  readonly disposedBy: string;
}

/** Stores the reads and the hit; returns their ids. */
export function addEarlierReads(db: Db, { hoursAgo, cameraIds, disposedBy }: EarlierReadsOptions): { readIds: number[]; hitId: number } {
  const store = new ReadStore(db);
  const now = Date.now();
  const readIds = EARLIER_PLATES.map((plate, i) => {
    const scene = renderPlateScene(plate);
    return store.add({
      plate, confidence: 0.95, state: 'MA', stateConfidence: 0.9, box: [200, 140, 240, 80], candidates: [], cameraId: cameraIds[i]!,
      capturedAt: now - (i + hoursAgo) * HOUR, gps: { lat: PLACES[i]![0], lon: PLACES[i]![1], accuracyM: 5 },
      cropJpeg: encodeJpeg(scene.getRegion(new cv.Rect(195, 170, 250, 135)), 90), contextJpeg: encodeJpeg(scene, 80),
    }).id;
  });
  const at = now - hoursAgo * HOUR;
  const hitId = Number(
    db.prepare(`INSERT INTO hits (read_id, entry_id, match_kind, differing_positions, matched_plate, entry_snapshot, created_at) VALUES (?, 1, 'exact', '[]', '7ABC123', ?, ?)`)
      .run(readIds[0], JSON.stringify({ id: 1, listName: 'NCIC', plate: '7ABC123', state: 'MA', listCode: 'V', category: 'Stolen vehicle', description: '' }), at).lastInsertRowid,
  );
  const alertId = Number(db.prepare(`INSERT INTO alerts (hit_id, status, raised_at) VALUES (?, 'disposed', ?)`).run(hitId, at).lastInsertRowid);
  db.prepare(`INSERT INTO dispositions (alert_id, kind, note, user_id, recorded_at) VALUES (?, 'confirmed', 'vehicle recovered', ?, ?)`).run(alertId, disposedBy, at);
  return { readIds, hitId };
}
