/**
 * The engine's status as one screen sees it, put together from its parts: the
 * screen's own user, lock and allowed channels; the cameras with their
 * alignment and picture verdicts; the lists (never a covert one, not even by
 * name); the signed-in officer's counters since their sign-in; the position
 * only for a screen someone signed in on; the settings the screens follow;
 * storage. A screen nobody signed in on sees the equipment but no position
 * and no counts.
 */
import type { CameraStatus, EngineStatus, StorageStatus } from '../../shared/contract.js';
import type { CarSettings } from '../../shared/settings.js';
import type { AlignmentWatch } from './camera/alignment.js';
import type { EquipmentWatch } from './camera/live.js';
import type { CameraPipeline } from './camera/pipeline.js';
import type { GpsSource } from './gps/gps.js';
import type { HotListStatus } from './hotlist/store.js';
import { allHandlers } from './requests/index.js';
import { channelsFor } from './requests/router.js';
import type { Session } from './session/session.js';

/** Where each part of the status comes from (read afresh each time the status is asked). */
export interface StatusParts {
  readonly recognizer: string;
  readonly cameras: () => CameraStatus[];
  /** Every list with its age and staleness, covert ones included (they are left out here). */
  readonly hotLists: () => HotListStatus[];
  readonly readsSince: (since: number) => number;
  /** Alerts raised since then (covert hits and repeats of an open alert raise none). */
  readonly alertsSince: (since: number) => number;
  readonly gps: () => GpsSource | undefined;
  readonly settings: () => CarSettings;
  readonly needsFirstAdministrator: () => boolean;
  readonly storage: () => StorageStatus;
}

/** The status a screen with this session sees (null: no session, as the CLI and the status event before sign-in). */
export function engineStatus(parts: StatusParts, session: Session | null): EngineStatus {
  const user = session?.user ?? null;
  const since = session?.signedInAt ?? null;
  const settings = parts.settings();
  const gps = parts.gps();
  return {
    user,
    locked: session?.locked ?? false,
    channels: channelsFor(allHandlers, user?.role ?? null),
    cameras: parts.cameras(),
    hotLists: parts
      .hotLists()
      .filter((l) => !l.covert)
      .map((l) => ({
        name: l.name, entries: l.entries, updatedAt: l.updatedAt, dataFrom: l.dataFrom, checkedAt: l.checkedAt,
        stale: l.stale, staleAfterMs: l.staleAfterMs, kind: l.kind, fault: l.fault,
      })),
    signedInAt: since,
    readsThisShift: since === null ? 0 : parts.readsSince(since),
    // Alerts, not hits: repeats of an open alert and covert hits are not news to the officer.
    hitsThisShift: since === null ? 0 : parts.alertsSince(since),
    gps: user ? (gps?.current() ?? null) : null,
    gpsReceiver: gps !== undefined,
    feedConfidenceFloor: settings.screen.feedConfidenceFloor,
    recognizer: parts.recognizer,
    needsFirstAdministrator: parts.needsFirstAdministrator(),
    lockAfterMinutes: settings.screen.lockAfterMinutes,
    pinMinLength: settings.accounts.pinMinLength,
    storage: parts.storage(),
  };
}

/** Each camera's status as the screens see it: the pipeline's, with the alignment and picture verdicts. */
export function cameraStatuses(
  pipelines: Iterable<CameraPipeline>,
  alignment: Pick<AlignmentWatch, 'misaligned'>,
  equipment: Pick<EquipmentWatch, 'check'>,
): CameraStatus[] {
  return [...pipelines].map((c) => ({ ...c.status, misaligned: alignment.misaligned(c.config.id), equipment: equipment.check(c.config.id) }));
}
