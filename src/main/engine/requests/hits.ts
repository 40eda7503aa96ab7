/**
 * The signed-in officer's shift after the fact: the hit history (this shift's
 * alerts and one alert's stored checklist) and the offline shift map. Both
 * cover the shift since sign-in, as the shift counters do.
 */
import path from 'node:path';
import { hitDetail, shiftAlerts, type ShiftSpan } from '../alerts/hit-history.js';
import type { Engine } from '../engine.js';
import { mapTile, shiftMap } from '../records/shift-map.js';
import { ALL_ROLES, PATROL, handlers, type RequestContext } from './types.js';

function shiftOf({ session, now }: RequestContext): ShiftSpan {
  return { from: session.signedInAt ?? now, to: now };
}

/** Where an agency installs map tiles: map/{z}/{x}/{y}.png in the data folder. */
export function mapTilesDir(engine: Engine): string {
  return path.join(engine.dataDir, 'map');
}

export const hitHandlers = handlers({
  'hits.shift': {
    roles: PATROL,
    handle: (_request, ctx) => shiftAlerts(ctx.engine.db, ctx.engine.alerts, shiftOf(ctx)),
  },
  'hits.detail': {
    roles: PATROL,
    handle: ({ alertId }, ctx) => hitDetail(ctx.engine.db, ctx.engine.alerts, ctx.engine.reads, alertId, shiftOf(ctx)),
  },
  'shift.map': {
    roles: ALL_ROLES,
    handle: (_request, ctx) => shiftMap(ctx.engine.db, shiftOf(ctx), mapTilesDir(ctx.engine)),
  },
  'map.tile': {
    roles: ALL_ROLES,
    handle: ({ z, x, y }, { engine }) => mapTile(mapTilesDir(engine), z, x, y),
  },
});
