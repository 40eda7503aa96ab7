/**
 * Which cameras an officer took out of service (B.2) and why, kept in the
 * `cameras` table so a camera stays out across restarts until put back.
 */
import type { Db } from '../store/db.js';
import type { CameraConfig } from './pipeline.js';

export function cameraService(db: Db, cameraId: string): { inService: boolean; reason: string | null } {
  const row = db.prepare('SELECT in_service, out_of_service_reason FROM cameras WHERE id = ?').get(cameraId) as
    | { in_service: number; out_of_service_reason: string | null }
    | undefined;
  return row ? { inService: row.in_service === 1, reason: row.out_of_service_reason } : { inService: true, reason: null };
}

/** `reason` null puts the camera back in service. */
export function setCameraService(db: Db, camera: Pick<CameraConfig, 'id' | 'name' | 'source'>, outOfServiceReason: string | null): void {
  db.prepare(
    `INSERT INTO cameras (id, name, source, in_service, out_of_service_reason) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, source = excluded.source, in_service = excluded.in_service,
       out_of_service_reason = excluded.out_of_service_reason`,
  ).run(camera.id, camera.name, camera.source, outOfServiceReason === null ? 1 : 0, outOfServiceReason);
}
