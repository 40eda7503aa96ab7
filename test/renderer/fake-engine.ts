/**
 * A fake LprApi for component tests: answers each channel like the engine
 * would (stateful alerts, login with a refusal for untrained users, manual
 * hot-list entries with the engine's expiry limit), records every call, and
 * lets a test push events.
 */
import { act } from '@testing-library/react';
import type {
  AlertView,
  Channel,
  DeploymentView,
  EngineStatus,
  EventName,
  EventOf,
  LprApi,
  ManualEntryView,
  ReadSummary,
  RequestOf,
  Responses,
  Result,
  ShiftCounters,
  User,
} from '../../src/shared/contract.js';
import { DEFAULT_QUICK_REASONS, DISPOSITION_ACTIONS, checkRefusal, dispositionRefusal, reasonsFor, type QuickReasons } from '../../src/shared/checklist.js';

type Handler<C extends Channel> = (request: RequestOf<C>) => Result<Responses[C]> | Promise<Result<Responses[C]>>;
type Handlers = { [C in Channel]?: Handler<C> };

export const NOW = Date.UTC(2024, 4, 14, 14, 30, 0);
export const PNG_DATA_URL = 'data:image/png;base64,iVBORw0KGgo=';

export function makeRead(overrides: Partial<ReadSummary> = {}): ReadSummary {
  return {
    id: 1,
    plate: 'ABC1234',
    confidence: 0.97,
    state: 'MA',
    box: [10, 20, 120, 40],
    cameraId: 'front',
    capturedAt: NOW - 5_000,
    gps: { lat: 42.3601, lon: -71.0589, accuracyM: 4 },
    candidates: [],
    ...overrides,
  };
}

export function makeAlert(overrides: Partial<AlertView> = {}): AlertView {
  const read = overrides.read ?? makeRead();
  return {
    id: 7,
    status: 'pending',
    raisedAt: NOW - 4_000,
    read,
    entry: {
      id: 99,
      listName: 'NCIC',
      plate: read.plate,
      state: 'MA',
      listCode: 'SV',
      category: 'Stolen vehicle',
      description: '2019 Honda Civic, grey',
    },
    match: { kind: 'exact', differingPositions: [], readPlate: read.plate, priority: 1, tone: 'standard' },
    acknowledgedAt: null,
    checks: { charactersMatch: null, stateMatches: null, dispatch: null, dispatchNote: null },
    disposition: null,
    ...overrides,
  };
}

export function makeStatus(overrides: Partial<EngineStatus> = {}): EngineStatus {
  return {
    user: null,
    locked: false,
    channels: [],
    cameras: [
      { id: 'front', name: 'Front', state: 'live', fps: 14.8, framesRead: 1200, framesDropped: 3, lastFrameAt: NOW, fault: null, nextRetryAt: null, outOfServiceReason: null },
      { id: 'rear', name: 'Rear', state: 'failed', fps: 0, framesRead: 0, framesDropped: 0, lastFrameAt: null, fault: { kind: 'unreachable', detail: 'camera rear: cannot open video /dev/video2: unplugged', seconds: null }, nextRetryAt: NOW + 4000, outOfServiceReason: null },
    ],
    hotLists: [{ name: 'NCIC', entries: 120_000, updatedAt: NOW - 2 * 3_600_000, stale: false, kind: 'imported', fault: null }],
    readsThisShift: 42,
    hitsThisShift: 1,
    gps: { lat: 42.3601, lon: -71.0589, accuracyM: 4 },
    recognizer: 'test-recognizer',
    needsFirstAdministrator: false,
    lockAfterMinutes: 10,
    pinMinLength: 6,
    ...overrides,
  };
}

export function makeManualEntry(overrides: Partial<ManualEntryView> = {}): ManualEntryView {
  return {
    id: 501,
    list: 'manual',
    plate: 'KLM456',
    state: 'MA',
    reason: 'Seen leaving the burglary on Elm St, case 24-1187',
    partial: false,
    enteredBy: '1234',
    enteredAt: NOW - 3_600_000,
    expiresAt: NOW + 23 * 3_600_000,
    ...overrides,
  };
}

/** The engine's manual-entry limits in these tests (hotlists.json defaults). */
export const MANUAL_DEFAULT_HOURS = 24;
export const MANUAL_MAX_HOURS = 168;

export const OFFICER: User = { id: '1234', name: 'Ofc. Rivera', role: 'officer' };
/** The supervisor who approves special details in these tests, by PIN on the screen or by code. */
export const SUPERVISOR: User = { id: 'sgt7', name: 'Sgt. Okafor', role: 'supervisor' };
export const SUPERVISOR_PIN = '975310';
export const SUPERVISOR_CODE = 'KX7MP4RT';

export class FakeEngine implements LprApi {
  readonly calls: { channel: Channel; request: unknown }[] = [];
  readonly handlers: Handlers = {};
  status: EngineStatus = makeStatus();
  reads: ReadSummary[] = [makeRead()];
  alerts: AlertView[] = [];
  images: Record<string, string | null> = {};
  manual: ManualEntryView[] = [];
  reasons: QuickReasons = DEFAULT_QUICK_REASONS;
  deployments: DeploymentView[] = [];
  /** What the next manual entry matches among this shift's reads. */
  earlierReads: Responses['hotlists.manual.add']['readsThisShift'] = [];
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  constructor() {
    this.handle('session.login', ({ userId, pin }) => {
      if (userId === 'untrained') return { ok: false, error: 'user "untrained" is not marked as trained (policy C.2)' };
      if (userId !== OFFICER.id || pin !== '4321') return { ok: false, error: 'wrong officer ID or PIN' };
      this.status = { ...this.status, user: OFFICER };
      return { ok: true, value: { ...OFFICER, resumeToken: 'resume-token-of-the-fake-engine' } };
    });
    this.handle('session.logout', () => {
      this.status = { ...this.status, user: null };
      return { ok: true, value: null };
    });
    this.handle('status.get', () => ({ ok: true, value: this.status }));
    this.handle('reads.recent', ({ limit }) => ({ ok: true, value: this.reads.slice(0, limit) }));
    this.handle('reads.image', ({ readId, kind }) => ({
      ok: true,
      value: `${readId}:${kind}` in this.images ? (this.images[`${readId}:${kind}`] ?? null) : `${PNG_DATA_URL}#${kind}-${readId}`,
    }));
    this.handle('alerts.open', () => ({ ok: true, value: this.alerts.filter((a) => a.status !== 'disposed') }));
    this.handle('alerts.acknowledge', ({ alertId }) =>
      this.update(alertId, (a) => ({ ...a, status: 'acknowledged', acknowledgedAt: NOW })),
    );
    // The checklist's rules are the engine's own (shared/checklist.ts): a refused answer or disposition is refused here too.
    this.handle('alerts.check', (request) => {
      const current = this.alerts.find((a) => a.id === request.alertId);
      const refused = current ? checkRefusal(current, request.check) : null;
      if (refused) return { ok: false, error: `alert ${request.alertId}: ${refused}` };
      return this.update(request.alertId, (a) => {
        if (request.check === 'characters') return { ...a, checks: { ...a.checks, charactersMatch: request.matches } };
        if (request.check === 'state') return { ...a, checks: { ...a.checks, stateMatches: request.matches } };
        return { ...a, checks: { ...a.checks, dispatch: request.result, dispatchNote: request.note } };
      });
    });
    this.handle('alerts.dispose', ({ alertId, kind, note, reason = null, actions = [] }) => {
      const current = this.alerts.find((a) => a.id === alertId);
      const refused = current ? dispositionRefusal(current, { kind, note, reason, actions }, reasonsFor(this.reasons, kind)) : null;
      if (refused) return { ok: false, error: `alert ${alertId}: ${refused}` };
      return this.update(alertId, (a) => ({
        ...a,
        status: 'disposed',
        disposition: { kind, reason, note, actions, userId: OFFICER.id, recordedAt: NOW },
      }));
    });
    this.handle('alerts.reasons', () => ({ ok: true, value: this.reasons }));
    this.handle('deployments.current', () => ({ ok: true, value: this.deployments.find((d) => d.status === 'active' || d.status === 'awaiting-approval') ?? null }));
    this.handle('deployments.start', ({ kind, purpose }) => {
      if (kind === 'special' && purpose.trim().length < 3) return { ok: false, error: 'a special detail needs its purpose (policy C.7)' };
      const deployment: DeploymentView = {
        id: 40 + this.deployments.length,
        kind,
        purpose: purpose.trim(),
        officerId: OFFICER.id,
        status: kind === 'routine' ? 'active' : 'awaiting-approval',
        requestedAt: NOW,
        approvedBy: null,
        approvedAt: null,
        approvalMethod: null,
        startedAt: kind === 'routine' ? NOW : null,
        endedAt: null,
      };
      this.deployments = [...this.deployments, deployment];
      return { ok: true, value: deployment };
    });
    this.handle('deployments.approve', (request) => {
      const byCode = 'code' in request;
      const approved = byCode ? request.code.replace(/[\s-]/g, '').toUpperCase() === SUPERVISOR_CODE : request.supervisorId === SUPERVISOR.id && request.pin === SUPERVISOR_PIN;
      if (!approved) return { ok: false, error: byCode ? 'that approval code is not valid; check it with the supervisor' : 'unknown officer ID or wrong PIN' };
      return this.updateDeployment(request.deploymentId, (d) => ({
        ...d,
        status: 'active',
        approvedBy: SUPERVISOR.id,
        approvedAt: NOW,
        approvalMethod: byCode ? 'code' : 'supervisor-pin',
        startedAt: NOW,
      }));
    });
    this.handle('deployments.end', ({ deploymentId }) =>
      this.updateDeployment(deploymentId, (d) => ({ ...d, status: d.status === 'active' ? 'ended' : 'withdrawn', endedAt: NOW })),
    );
    this.handle('shift.summary', () => ({
      ok: true,
      value: {
        officer: OFFICER,
        from: NOW - 3_600_000,
        to: NOW,
        counters: this.counters(),
        deployments: this.deployments.map((deployment) => ({ deployment, counters: deployment.startedAt === null ? null : this.counters() })),
      },
    }));
    this.handle('hotlists.sync', () => ({
      ok: true,
      value: this.status.hotLists
        .filter((l) => l.kind === 'imported')
        .map((l) => ({ list: l.name, outcome: 'not-modified', entries: l.entries, error: null, fault: null })),
    }));
    // The hit history and the shift map of this shift: every alert and read the fake holds.
    this.handle('hits.shift', () => ({ ok: true, value: [...this.alerts].sort((a, b) => b.raisedAt - a.raisedAt || b.id - a.id) }));
    this.handle('hits.detail', ({ alertId }) => {
      const alert = this.alerts.find((a) => a.id === alertId);
      if (!alert) return { ok: false, error: `alert ${alertId} does not exist` };
      return { ok: true, value: { alert, steps: [], laterSightings: [] } };
    });
    this.handle('shift.map', () => {
      const located = this.reads.filter((r) => r.gps !== null);
      return {
        ok: true,
        value: {
          from: NOW - 3_600_000,
          to: NOW,
          points: [...located].sort((a, b) => a.capturedAt - b.capturedAt).map((r) => {
            const alert = this.alerts.find((a) => a.read.id === r.id);
            return { id: r.id, plate: r.plate, state: r.state, confidence: r.confidence, cameraId: r.cameraId, capturedAt: r.capturedAt, lat: r.gps!.lat, lon: r.gps!.lon, hit: alert ? 'alert' : null, alertId: alert?.id ?? null };
          }),
          withoutFix: this.reads.length - located.length,
          truncated: false,
          tiles: null,
        },
      };
    });
    this.handle('map.tile', () => ({ ok: true, value: null }));
    this.handle('hotlists.manual.list', () => ({ ok: true, value: this.manual }));
    // Live cameras have a picture; the others only their state.
    this.handle('cameras.frames', () => ({
      ok: true,
      value: this.status.cameras.map((camera) => {
        const live = camera.state === 'live';
        return { camera, image: live ? `${PNG_DATA_URL}#camera-${camera.id}` : null, capturedAt: live ? camera.lastFrameAt : null, width: live ? 320 : null, height: live ? 180 : null };
      }),
    }));
    this.handle('hotlists.manual.add', ({ plate, state, reason, expiresInHours }) => {
      const hours = expiresInHours ?? MANUAL_DEFAULT_HOURS;
      if (hours > MANUAL_MAX_HOURS) return { ok: false, error: `the expiry may be at most ${MANUAL_MAX_HOURS} hours ahead` };
      const partial = /[*?]/.test(plate);
      const entry: ManualEntryView = {
        id: 600 + this.manual.length,
        list: 'manual',
        plate: plate.trim().toUpperCase(),
        state: state ?? null,
        reason: reason.trim(),
        partial,
        enteredBy: OFFICER.id,
        enteredAt: NOW,
        expiresAt: NOW + hours * 3_600_000,
      };
      this.manual = [...this.manual, entry];
      return { ok: true, value: { entry, readsThisShift: this.earlierReads } };
    });
    this.handle('hotlists.manual.remove', ({ id }) => {
      if (!this.manual.some((e) => e.id === id)) return { ok: false, error: `no manual entry ${id}` };
      this.manual = this.manual.filter((e) => e.id !== id);
      return { ok: true, value: null };
    });
  }

  /** Counters as the engine counts them, from this fake's reads and alerts. */
  counters(): ShiftCounters {
    const disposed = this.alerts.flatMap((a) => (a.disposition ? [a.disposition] : []));
    const dispositions = { confirmed: 0, misread: 0, 'not-on-list': 0, other: 0 };
    const actions = Object.fromEntries(DISPOSITION_ACTIONS.map((a) => [a, 0])) as ShiftCounters['actions'];
    for (const d of disposed) {
      dispositions[d.kind] += 1;
      for (const action of d.actions) actions[action] += 1;
    }
    return { reads: this.reads.length, hits: this.alerts.length, confirmedHits: dispositions.confirmed, undisposed: this.alerts.length - disposed.length, dispositions, actions };
  }

  private updateDeployment(id: number, change: (d: DeploymentView) => DeploymentView): Result<DeploymentView> {
    const found = this.deployments.find((d) => d.id === id);
    if (!found) return { ok: false, error: `deployment ${id} does not exist` };
    const updated = change(found);
    this.deployments = this.deployments.map((d) => (d.id === id ? updated : d));
    return { ok: true, value: updated };
  }

  handle<C extends Channel>(channel: C, handler: Handler<C>): void {
    (this.handlers as Record<Channel, unknown>)[channel] = handler;
  }

  callsTo<C extends Channel>(channel: C): RequestOf<C>[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.request as RequestOf<C>);
  }

  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<Responses[C]>> {
    this.calls.push({ channel, request });
    const handler = this.handlers[channel] as Handler<C> | undefined;
    if (!handler) return Promise.resolve({ ok: false, error: `no handler for ${channel}` });
    return Promise.resolve(handler(request));
  }

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const stored = listener as (payload: never) => void;
    set.add(stored);
    return () => set.delete(stored);
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** Pushes an event to the renderer, as the engine would. */
  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    if (event === 'alert') {
      const alert = payload as AlertView;
      this.alerts = [...this.alerts.filter((a) => a.id !== alert.id), alert];
    }
    act(() => {
      for (const listener of this.listeners.get(event) ?? []) (listener as (p: unknown) => void)(payload);
    });
  }

  private update(alertId: number, change: (alert: AlertView) => AlertView): Result<AlertView> {
    const alert = this.alerts.find((a) => a.id === alertId);
    if (!alert) return { ok: false, error: `no open alert ${alertId}` };
    const next = change(alert);
    this.alerts = this.alerts.map((a) => (a.id === alertId ? next : a));
    return { ok: true, value: next };
  }
}

/** A promise the test settles by hand, to look at the UI while a request is in flight. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
