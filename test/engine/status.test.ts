/**
 * Status assembly on its own: a screen nobody signed in on sees the
 * equipment but no position and no counts; a signed-in officer's counters
 * run from their sign-in; covert lists never appear; the channels follow the
 * role; the settings and storage the screens follow come through; each
 * camera carries its alignment and picture verdicts.
 */
import { describe, expect, it } from 'vitest';
import type { CameraStatus, EquipmentCheck, StorageStatus } from '../../src/shared/contract.js';
import { defaultCarSettings } from '../../src/shared/settings.js';
import type { CameraPipeline } from '../../src/main/engine/camera/pipeline.js';
import type { HotListStatus } from '../../src/main/engine/hotlist/store.js';
import { Session } from '../../src/main/engine/session/session.js';
import { cameraStatuses, engineStatus, type StatusParts } from '../../src/main/engine/status.js';

const T0 = 1_700_000_000_000;

const front: CameraStatus = {
  id: 'front', name: 'Front', state: 'live', fps: 15, framesRead: 100, framesDropped: 0, lastFrameAt: T0, fault: null, nextRetryAt: null, outOfServiceReason: null,
};

function list(name: string, over: Partial<HotListStatus> = {}): HotListStatus {
  return {
    name, entries: 10, updatedAt: T0 - 3_600_000, dataFrom: 'download', checkedAt: T0 - 3_600_000, stale: false, staleAfterMs: 86_400_000, staleReason: null, kind: 'imported',
    source: `https://lists.example/${name}`, covert: false, ageMs: 3_600_000, fault: null, ...over,
  };
}

const LOCAL_FAULT = { kind: 'refused', detail: 'server answered HTTP 503', at: T0 - 60_000, status: 503, line: null } as const;

const storage: StorageStatus = { state: 'ok', message: null, buffered: 0, lost: 0, freeBytes: 5e9, replaced: null };

/** Parts that count reads and alerts from a list of times, and remember what they were asked. */
function parts(over: Partial<StatusParts> = {}): StatusParts & { asked: number[] } {
  const readTimes = [T0 - 10_000, T0 + 1_000, T0 + 2_000];
  const alertTimes = [T0 - 5_000, T0 + 1_500];
  const asked: number[] = [];
  const settings = defaultCarSettings();
  return {
    asked,
    recognizer: 'paddle',
    cameras: () => [front],
    hotLists: () => [list('NCIC'), list('task-force', { covert: true }), list('LOCAL', { stale: true, staleReason: 'LOCAL list could not be updated. The list\'s server refused the download (HTTP 503).', fault: LOCAL_FAULT })],
    readsSince: (since) => {
      asked.push(since);
      return readTimes.filter((t) => t >= since).length;
    },
    alertsSince: (since) => alertTimes.filter((t) => t >= since).length,
    gps: () => ({ current: () => ({ lat: 42.36, lon: -71.06, accuracyM: 5 }), close: async () => {} }),
    settings: () => ({ ...settings, screen: { ...settings.screen, feedConfidenceFloor: 0.4, lockAfterMinutes: 7 }, accounts: { ...settings.accounts, pinMinLength: 6 } }),
    needsFirstAdministrator: () => false,
    storage: () => storage,
    ...over,
  };
}

describe('engine status', () => {
  it('a screen nobody signed in on sees cameras and lists, but no position and no counts', () => {
    const p = parts();
    const status = engineStatus(p, null);
    expect(status).toMatchObject({ user: null, locked: false, cameras: [front], signedInAt: null, readsThisShift: 0, hitsThisShift: 0, gps: null, gpsReceiver: true, recognizer: 'paddle' });
    expect(p.asked).toEqual([]);
    expect(status.channels).toContain('session.login');
    expect(status.channels).not.toContain('alerts.open');
  });

  it("a signed-in officer's counters run from their sign-in, with the position; a locked screen says so", () => {
    const session = new Session('c1');
    session.user = { id: 'o1', name: 'Officer One', role: 'officer' };
    session.signedInAt = T0;
    session.locked = true;
    const p = parts();
    const status = engineStatus(p, session);
    expect(status).toMatchObject({ user: session.user, locked: true, signedInAt: T0, readsThisShift: 2, hitsThisShift: 1, gps: { lat: 42.36, lon: -71.06, accuracyM: 5 } });
    expect(p.asked).toEqual([T0]);
    expect(status.channels).toContain('alerts.open');
    expect(status.channels).not.toContain('users.list');
  });

  it('leaves covert lists out, and gives each list its age, staleness and last error', () => {
    const { hotLists } = engineStatus(parts(), null);
    expect(hotLists.map((l) => l.name)).toEqual(['NCIC', 'LOCAL']);
    expect(hotLists[1]).toEqual({
      name: 'LOCAL', entries: 10, updatedAt: T0 - 3_600_000, dataFrom: 'download', checkedAt: T0 - 3_600_000, stale: true, staleAfterMs: 86_400_000, kind: 'imported', fault: LOCAL_FAULT,
    });
    // What only the engine needs (the source's address) does not reach the screens.
    expect(JSON.stringify(hotLists)).not.toContain('lists.example');
  });

  it('passes on the settings the screens follow, storage, the first-administrator question, and whether a GPS receiver is attached', () => {
    const status = engineStatus(parts({ gps: () => undefined, needsFirstAdministrator: () => true }), null);
    expect(status).toMatchObject({ feedConfidenceFloor: 0.4, lockAfterMinutes: 7, pinMinLength: 6, storage, needsFirstAdministrator: true, gpsReceiver: false, gps: null });
  });

  it("gives each camera its pipeline's status with its alignment and picture verdicts", () => {
    const dark: EquipmentCheck = { verdict: 'dark', detail: 'mean 12', frames: 8, since: T0 };
    const pipeline = (status: CameraStatus) => ({ status, config: { id: status.id } }) as unknown as CameraPipeline;
    const rear = { ...front, id: 'rear', name: 'Rear' };
    const cameras = cameraStatuses(
      [pipeline(front), pipeline(rear)],
      { misaligned: (id) => (id === 'rear' ? 'plates only at its left edge' : null) },
      { check: (id) => (id === 'front' ? dark : null) },
    );
    expect(cameras).toEqual([
      { ...front, misaligned: null, equipment: dark },
      { ...rear, misaligned: 'plates only at its left edge', equipment: null },
    ]);
  });
});
