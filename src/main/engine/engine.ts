/**
 * The engine: cameras → recognizer → tracker → stored Read → hot-list match →
 * Hit → Alert, and the request handlers of the window.lpr contract. It runs in
 * plain Node (CLI, browser mode, tests) and in Electron's utility process; it
 * never imports electron.
 */
import cv from './opencv.js';
import type { Mat } from '@u4/opencv4nodejs';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  assertNever,
  parseRequest,
  type AlertView,
  type CameraStatus,
  type Channel,
  type EngineStatus,
  type EventName,
  type EventOf,
  type GpsFix,
  type ManualEntryView,
  type ReadSummary,
  type Responses,
  type Result,
  type User,
} from '../../shared/contract.js';
import { AlertService } from './alerts/alerts.js';
import { LatestSlot } from './camera/slot.js';
import { isLiveSource, openSource, type Frame, type FrameSource } from './camera/source.js';
import type { GpsSource } from './gps/gps.js';
import { audit } from './governance/audit.js';
import { login } from './governance/users.js';
import {
  addManualEntry,
  createHotListMatcher,
  defaultHotListsConfig,
  hotListStatus,
  listManualEntries,
  removeManualEntry,
  type HotListsConfig,
  type ManualEntry,
} from './hotlist/index.js';
import { syncEveryHotList, type SyncOutcome } from './hotlist/sync-every.js';
import type { SyncWorkerInput, SyncWorkerMessage } from './hotlist/sync-worker.js';
import type { SyncProgress } from './hotlist/sync.js';
import type { HotListMatcher } from './hotlist/types.js';
import { logger } from './log.js';
import type { Recognizer } from './recognition/recognizer.js';
import { openDatabase, type Db } from './store/db.js';
import { ReadStore } from './store/reads.js';
import { PlateTracker, type TrackedRead } from './tracking/tracker.js';

const log = logger('engine');

export interface CameraConfig {
  readonly id: string;
  readonly name: string;
  /** Image folder, video file, device index, stream URL or GStreamer pipeline. */
  readonly source: string;
  /** Replay rate for files; 0 = source's own pace. */
  readonly fps: number;
  readonly loop?: boolean;
}

export interface EngineOptions {
  readonly dbFile: string;
  readonly recognizer: Recognizer;
  readonly gps?: GpsSource;
  /** List sources, staleness limit and manual-entry limits (hotlists.json). */
  readonly hotLists?: HotListsConfig;
  /** Where sync keeps partial downloads between attempts. */
  readonly downloadDir?: string;
  readonly now?: () => number;
}

interface ObservationPayload {
  readonly frame: Mat;
  /** Position when the frame was taken. */
  readonly gps: GpsFix | null;
  readonly crop: Mat;
  readonly state: string | null;
  readonly stateConfidence: number;
  readonly candidates: { plate: string; confidence: number }[];
}

interface CameraRunner {
  config: CameraConfig;
  status: CameraStatus;
  source: FrameSource | null;
  stopped: boolean;
  done: Promise<void>;
}

export class Engine {
  readonly db: Db;
  readonly reads: ReadStore;
  readonly alerts: AlertService;
  private readonly matcher: HotListMatcher;
  private readonly events = new EventEmitter();
  private readonly cameras = new Map<string, CameraRunner>();
  private user: User | null = null;
  private readonly shiftStart: number;
  private readonly now: () => number;
  private readonly hotListsConfig: HotListsConfig;
  private syncing: Promise<unknown> | null = null;

  constructor(private readonly options: EngineOptions) {
    this.now = options.now ?? Date.now;
    this.hotListsConfig = options.hotLists ?? defaultHotListsConfig();
    this.db = openDatabase(options.dbFile);
    this.reads = new ReadStore(this.db);
    this.alerts = new AlertService(this.db, this.reads);
    this.matcher = createHotListMatcher(this.db);
    this.shiftStart = this.now();
    this.events.setMaxListeners(100);
  }

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }

  private emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    this.events.emit(event, payload);
  }

  // ---- cameras and the read pipeline ----

  startCamera(config: CameraConfig): void {
    if (this.cameras.has(config.id)) throw new Error(`camera ${config.id} is already running`);
    const runner: CameraRunner = {
      config,
      status: { id: config.id, name: config.name, state: 'starting', fps: 0, framesRead: 0, framesDropped: 0, lastError: null },
      source: null,
      stopped: false,
      done: Promise.resolve(),
    };
    this.cameras.set(config.id, runner);
    runner.done = this.runCamera(runner);
  }

  /**
   * Runs one camera until it ends or is stopped. A grabber keeps only the
   * latest frame (older ones are dropped, never queued) while the recognizer
   * works on the previous one. A live source that fails is reopened with
   * back-off; a replay that fails stops with its error shown.
   */
  private async runCamera(runner: CameraRunner): Promise<void> {
    const { config } = runner;
    const live = isLiveSource(config.source);
    let failures = 0;
    for (;;) {
      try {
        await this.playSource(runner);
        runner.status = { ...runner.status, state: 'stopped' };
        if (!live || runner.stopped) break;
      } catch (error) {
        const message = (error as Error).message;
        log.error({ camera: config.id, err: message }, 'camera failed');
        runner.status = { ...runner.status, state: 'error', lastError: message };
        if (!live || runner.stopped) break;
      } finally {
        runner.source?.close();
        runner.source = null;
        this.emitStatus();
      }
      const delay = Math.min(30_000, 1000 * 2 ** failures++);
      log.warn({ camera: config.id, delayMs: delay }, 'reopening camera');
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (runner.stopped) break;
    }
  }

  private async playSource(runner: CameraRunner): Promise<void> {
    const { config } = runner;
    const tracker = new PlateTracker<ObservationPayload>();
    const source = openSource(config.source, { cameraId: config.id, fps: config.fps, loop: config.loop ?? false, now: this.now });
    runner.source = source;
    runner.status = { ...runner.status, state: 'running', fps: source.fps, lastError: null };
    this.emitStatus();
    log.info({ camera: config.id, source: source.description }, 'camera started');

    const slot = new LatestSlot<Frame>(source.fps > 0);
    let grabError: Error | null = null;
    const grabber = (async () => {
      try {
        while (!runner.stopped) {
          const frame = await source.next();
          if (!frame) break;
          runner.status = { ...runner.status, framesRead: runner.status.framesRead + 1 };
          await slot.put(frame);
        }
      } catch (error) {
        grabError = error as Error;
      } finally {
        slot.close();
      }
    })();

    const droppedBefore = runner.status.framesDropped;
    // Read id of each track's emission, so a better view later can replace its images.
    const readOfTrack = new Map<number, number>();
    const deliver = (read: TrackedRead<ObservationPayload>): void => {
      const stored = readOfTrack.get(read.trackId);
      if (read.betterImages && stored !== undefined) {
        this.reads.replaceView(stored, {
          cropJpeg: encodeJpeg(read.best.payload.crop, 90),
          contextJpeg: encodeJpeg(fitWidth(read.best.payload.frame, 1280), 80),
          box: read.best.box,
          capturedAt: read.best.at,
          gps: read.best.payload.gps,
        });
        this.emit('readView', { readId: stored });
        readOfTrack.delete(read.trackId);
        return;
      }
      readOfTrack.set(read.trackId, this.acceptRead(config.id, read).id);
    };
    for (let frame = await slot.take(); frame !== null && !runner.stopped; frame = await slot.take()) {
      const { capturedAt, image } = frame;
      if (slot.dropped > 0) runner.status = { ...runner.status, framesDropped: droppedBefore + slot.dropped };
      const gps = this.options.gps?.current() ?? null;
      const recognition = await this.options.recognizer.recognize(image);
      const ready = tracker.observe(
        recognition.plates.map((p) => ({
          plate: p.plate,
          confidence: p.confidence,
          box: p.box,
          at: capturedAt,
          payload: { frame: image, gps, crop: p.crop, state: p.state, stateConfidence: p.stateConfidence, candidates: [...p.candidates] },
        })),
        capturedAt,
      );
      for (const read of ready) deliver(read);
    }
    slot.close();
    await grabber;
    runner.status = { ...runner.status, framesDropped: droppedBefore + slot.dropped };
    for (const read of tracker.flush()) deliver(read);
    if (grabError) throw grabError;
  }

  /** Stores a tracked Read and matches it against the hot lists. */
  acceptRead(cameraId: string, tracked: TrackedRead<ObservationPayload>): ReadSummary {
    const { payload } = tracked.best;
    const read = this.reads.add({
      plate: tracked.plate,
      confidence: tracked.confidence,
      state: payload.state,
      stateConfidence: payload.stateConfidence,
      box: tracked.best.box,
      candidates: payload.candidates,
      cameraId,
      capturedAt: tracked.best.at,
      gps: payload.gps,
      cropJpeg: encodeJpeg(payload.crop, 90),
      contextJpeg: encodeJpeg(fitWidth(payload.frame, 1280), 80),
    });
    this.emit('read', read);
    this.matchRead(read);
    return read;
  }

  private matchRead(read: ReadSummary): AlertView[] {
    const matches = this.matcher.match({ plate: read.plate, state: read.state, candidates: read.candidates });
    const raised: AlertView[] = [];
    for (const match of matches) {
      const { alert } = this.alerts.raise(read.id, match, this.now());
      if (alert) {
        raised.push(alert);
        log.info({ alert: alert.id, plate: read.plate, list: match.entry.listName, kind: match.kind, latencyMs: this.now() - read.capturedAt }, 'alert raised');
        this.emit('alert', alert);
      }
    }
    return raised;
  }

  async stopCameras(): Promise<void> {
    for (const runner of this.cameras.values()) runner.stopped = true;
    await Promise.all([...this.cameras.values()].map((r) => r.done));
  }

  /** Resolves when every camera source has ended (replays without loop). */
  async camerasDone(): Promise<void> {
    await Promise.all([...this.cameras.values()].map((r) => r.done));
  }

  async close(): Promise<void> {
    await this.stopCameras();
    this.events.removeAllListeners();
    this.db.close();
  }

  // ---- the contract ----

  status(): EngineStatus {
    const now = this.now();
    return {
      user: this.user,
      cameras: [...this.cameras.values()].map((r) => r.status),
      // Covert lists are never shown in the car.
      hotLists: hotListStatus(this.db, now, this.hotListsConfig.staleAfterHours * 3600_000)
        .filter((l) => !l.covert)
        .map((l) => ({ name: l.name, entries: l.entries, updatedAt: l.updatedAt, stale: l.stale, kind: l.kind, lastError: l.lastError })),
      readsThisShift: this.reads.countSince(this.shiftStart),
      hitsThisShift: (this.db.prepare('SELECT count(*) AS n FROM hits WHERE created_at >= ?').get(this.shiftStart) as { n: number }).n,
      gps: this.options.gps?.current() ?? null,
      recognizer: this.options.recognizer.name,
    };
  }

  private emitStatus(): void {
    this.emit('status', this.status());
  }

  /** Parses and serves one request of the contract; never throws. */
  async handle(channel: string, payload: unknown): Promise<Result<unknown>> {
    const parsed = parseRequest(channel, payload);
    if (!parsed.ok) return parsed;
    try {
      return { ok: true, value: await this.dispatch(parsed.channel, parsed.value) };
    } catch (error) {
      const message = (error as Error).message;
      log.warn({ channel, err: message }, 'request refused');
      return { ok: false, error: message };
    }
  }

  private requireUser(): User {
    if (!this.user) throw new Error('sign in first');
    return this.user;
  }

  private async dispatch(channel: Channel, request: unknown): Promise<Responses[Channel]> {
    const now = this.now();
    switch (channel) {
      case 'session.login': {
        const { userId, pin } = request as { userId: string; pin: string };
        this.user = login(this.db, userId, pin, now);
        this.emitStatus();
        return this.user;
      }
      case 'session.logout': {
        if (this.user) audit(this.db, { userId: this.user.id, action: 'session.logout', detail: {} }, now);
        this.user = null;
        this.emitStatus();
        return null;
      }
      case 'status.get':
        return this.status();
      case 'reads.recent':
        this.requireUser();
        return this.reads.recent((request as { limit: number }).limit);
      case 'reads.image': {
        this.requireUser();
        const { readId, kind } = request as { readId: number; kind: 'crop' | 'context' };
        const jpeg = this.reads.image(readId, kind);
        return jpeg ? `data:image/jpeg;base64,${jpeg.toString('base64')}` : null;
      }
      case 'alerts.open':
        this.requireUser();
        return this.alerts.open();
      case 'alerts.acknowledge':
        return this.alerts.acknowledge((request as { alertId: number }).alertId, this.requireUser().id, now);
      case 'alerts.check': {
        const user = this.requireUser();
        const check = request as
          | { alertId: number; check: 'characters'; matches: boolean }
          | { alertId: number; check: 'state'; matches: boolean }
          | { alertId: number; check: 'dispatch'; result: 'verified-active' | 'not-active' | 'not-possible'; note: string };
        switch (check.check) {
          case 'characters':
            return this.alerts.checkCharacters(check.alertId, check.matches, user.id, now);
          case 'state':
            return this.alerts.checkState(check.alertId, check.matches, user.id, now);
          case 'dispatch':
            return this.alerts.checkDispatch(check.alertId, check.result, check.note, user.id, now);
          default:
            return assertNever(check, 'check');
        }
      }
      case 'alerts.dispose': {
        const user = this.requireUser();
        const { alertId, kind, note } = request as { alertId: number; kind: 'confirmed' | 'misread' | 'not-on-list' | 'other'; note: string };
        return this.alerts.dispose(alertId, kind, note, user.id, now);
      }
      case 'hotlists.sync':
        return this.syncHotLists(this.requireUser().id);
      case 'hotlists.manual.list':
        this.requireUser();
        return listManualEntries(this.db, now).map(manualView);
      case 'hotlists.manual.add': {
        const user = this.requireUser();
        const { plate, state, reason, expiresInHours } = request as { plate: string; state: string | null; reason: string; expiresInHours?: number };
        const added = addManualEntry(
          this.db,
          {
            plate,
            state,
            reason,
            // Shown on the alert beside the entry, so the officer knows why it was entered.
            description: `Entered by ${user.name}: ${reason}`,
            enteredBy: user.id,
            ...(expiresInHours !== undefined ? { expiresInHours } : {}),
          },
          { now, limits: this.hotListsConfig.manual, shiftStartedAt: this.shiftStart },
        );
        this.emitStatus();
        return {
          entry: manualView(added.entry),
          readsThisShift: added.readsThisShift.map((r) => ({ readId: r.readId, plate: r.plate, state: r.state, capturedAt: r.capturedAt, cameraId: r.cameraId, kind: r.kind })),
        };
      }
      case 'hotlists.manual.remove': {
        const { id, reason } = request as { id: number; reason: string };
        removeManualEntry(this.db, id, { userId: this.requireUser().id, reason, now });
        this.emitStatus();
        return null;
      }
      default:
        return assertNever(channel, 'channel');
    }
  }

  /** Syncs every list with a source in a worker thread; one sync at a time, progress as events (C.3). */
  async syncHotLists(userId: string | null): Promise<Responses['hotlists.sync']> {
    if (this.syncing) throw new Error('a hot-list sync is already running');
    const input: SyncWorkerInput = {
      dbFile: this.options.dbFile,
      config: this.hotListsConfig,
      downloadDir: this.options.downloadDir ?? path.join(path.dirname(this.options.dbFile), 'downloads'),
      userId,
    };
    const onProgress = (list: string, progress: SyncProgress): void => {
      const fraction = progress.totalBytes ? Math.min(1, progress.bytes / progress.totalBytes) : null;
      const message = progress.phase === 'download' ? `downloading ${Math.round(progress.bytes / 1024)} kB` : `${progress.phase}: ${progress.lines} lines`;
      this.emit('hotListSync', { list, phase: progress.phase === 'download' ? 'download' : 'import', fraction, message });
    };
    const run = runSyncWorker(input, onProgress);
    this.syncing = run;
    try {
      const outcomes = await run;
      for (const o of outcomes) {
        this.emit('hotListSync', o.error
          ? { list: o.list, phase: 'failed', fraction: null, message: o.error }
          : { list: o.list, phase: 'done', fraction: 1, message: `${o.result!.outcome}: ${o.result!.entries} entries` });
      }
      if (outcomes.length === 0) throw new Error('no hot list has a source to sync from; import one or configure hotlists.json');
      return outcomes.map((o) => ({ list: o.list, outcome: o.result?.outcome ?? 'failed', entries: o.result?.entries ?? 0, error: o.error ?? null }));
    } finally {
      this.syncing = null;
      this.emitStatus();
    }
  }
}

/**
 * Runs the sync in a worker thread (built code), or in this thread when the
 * engine runs from TypeScript sources (tests), where a worker cannot load.
 */
async function runSyncWorker(input: SyncWorkerInput, onProgress: (list: string, progress: SyncProgress) => void): Promise<SyncOutcome[]> {
  const workerFile = new URL('./hotlist/sync-worker.js', import.meta.url);
  if (!fs.existsSync(workerFile)) {
    const db = openDatabase(input.dbFile);
    try {
      return await syncEveryHotList(db, input.config, { downloadDir: input.downloadDir, userId: input.userId, onProgress });
    } finally {
      db.close();
    }
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: input });
    let settled = false;
    worker.on('message', (message: SyncWorkerMessage) => {
      if (message.type === 'progress') onProgress(message.list, message.progress);
      else if (message.type === 'done') {
        settled = true;
        resolve(message.outcomes);
      } else {
        settled = true;
        reject(new Error(message.error));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the sync worker stopped (exit code ${code})`));
    });
  });
}

function manualView(entry: ManualEntry): ManualEntryView {
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

export function encodeJpeg(image: Mat, quality: number): Buffer {
  return cv.imencode('.jpg', image, [cv.IMWRITE_JPEG_QUALITY, quality]);
}

function fitWidth(image: Mat, maxWidth: number): Mat {
  if (image.cols <= maxWidth) return image;
  return image.resize(Math.round((image.rows * maxWidth) / image.cols), maxWidth);
}
