/**
 * Hot lists: the shift-start sync (C.3) and the officer's manual entries
 * (C.6). An officer removes only the entries they made; supervisors and
 * administrators may remove any.
 */
import type { ManualEntryView } from '../../../shared/contract.js';
import { addManualEntry, listManualEntries, removeManualEntry, type ManualEntry } from '../hotlist/index.js';
import { ALL_ROLES, PATROL, handlers } from './types.js';

export function manualView(entry: ManualEntry): ManualEntryView {
  return {
    id: entry.id,
    list: entry.list,
    plate: entry.plate,
    state: entry.state,
    reason: entry.reason,
    partial: entry.partial,
    enteredBy: entry.enteredBy,
    enteredAt: entry.enteredAt,
    expiresAt: Number.isFinite(entry.expiresAt) ? entry.expiresAt : null,
  };
}

export const hotListHandlers = handlers({
  'hotlists.sync': {
    roles: ALL_ROLES,
    handle: (_request, { engine, user }) => engine.syncHotLists(user.id),
  },
  'hotlists.manual.list': {
    roles: ALL_ROLES,
    handle: (_request, { engine, now }) => listManualEntries(engine.db, now).map(manualView),
  },
  'hotlists.manual.add': {
    roles: PATROL,
    handle: ({ plate, state, reason, expiresInHours }, { engine, session, user, now }) => {
      const added = addManualEntry(
        engine.db,
        {
          plate,
          state,
          reason,
          // Shown on the alert beside the entry, so the officer knows why it was entered.
          description: `Entered by ${user.name}: ${reason}`,
          enteredBy: user.id,
          ...(expiresInHours !== undefined ? { expiresInHours } : {}),
        },
        { now, limits: engine.hotListsConfig.manual, shiftStartedAt: session.signedInAt ?? now },
      );
      engine.statusChanged();
      return {
        entry: manualView(added.entry),
        readsThisShift: added.readsThisShift.map((r) => ({ readId: r.readId, plate: r.plate, state: r.state, capturedAt: r.capturedAt, cameraId: r.cameraId, kind: r.kind })),
      };
    },
  },
  'hotlists.manual.remove': {
    roles: ALL_ROLES,
    handle: ({ id, reason }, { engine, user, now }) => {
      if (user.role === 'officer') {
        const entry = listManualEntries(engine.db, now, { includeExpired: true }).find((e) => e.id === id);
        if (entry && entry.enteredBy !== user.id) {
          throw new Error(`manual entry ${id} was entered by ${entry.enteredBy}; only they or a supervisor may remove it`);
        }
      }
      removeManualEntry(engine.db, id, { userId: user.id, reason, now });
      engine.statusChanged();
      return null;
    },
  },
});
