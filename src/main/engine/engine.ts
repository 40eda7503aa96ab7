/**
 * The engine: cameras → recognizer → tracker → stored Read → hot-list match →
 * Hit → Alert, and the request handlers of the window.lpr contract. It runs in
 * plain Node (CLI, browser mode, tests) and in Electron's utility process; it
 * never imports electron.
 */
import cv from './opencv.js';
import type { Mat } from '@u4/opencv4nodejs';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import {
  type AlertView,
  type CameraStatus,
  type EngineStatus,
  type EventName,
  type EventOf,
  type GpsFix,
  type ReadSummary,
  type Responses,
  type Result,
} from '../../shared/contract.js';
import { AlertService } from './alerts/alerts.js';
import { LatestSlot } from './camera/slot.js';
import { isLiveSource, openSource, type Frame, type FrameSource } from './camera/source.js';
import type { GpsSource } from './gps/gps.js';
import { createHotListMatcher, defaultHotListsConfig, groupByVehicle, hotListStatus, type HotListsConfig } from './hotlist/index.js';
import { runSyncWorker } from './hotlist/sync-runner.js';
import type { SyncWorkerInput } from './hotlist/sync-worker.js';
import type { SyncProgress } from './hotlist/sync.js';
import type { HotListMatcher } from './hotlist/types.js';
import { logger } from './log.js';
import type { Recognizer } from './recognition/recognizer.js';
import { openDatabase, type Db } from './store/db.js';
import { ReadStore } from './store/reads.js';
import { PlateTracker, type TrackedRead } from './tracking/tracker.js';
import { allHandlers } from './requests/index.js';
import { channelsFor, route } from './requests/router.js';
import { Connection, type EventSink } from './session/connection.js';
import { Session, SessionTokens } from './session/session.js';
import { defaultCarSettings, type CarSettings } from '../../shared/settings.js';

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
  /** The car's settings in force and the file they came from (null: started without one, as in tests). */
  readonly carSettings?: { readonly file: string | null; readonly current: CarSettings };
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
  private readonly connections = new Set<Connection>();
  private nextConnection = 1;
  readonly sessionTokens: SessionTokens;
  private readonly now: () => number;
  readonly hotListsConfig: HotListsConfig;
  private syncing: Promise<Responses['hotlists.sync']> | null = null;
  /** The folder of the database: evidence exports go under it. */
  readonly dataDir: string;
  /** The car's settings in force; the settings screen replaces them. */
  readonly carSettings: { file: string | null; current: CarSettings };

  constructor(private readonly options: EngineOptions) {
    this.now = options.now ?? Date.now;
    this.hotListsConfig = options.hotLists ?? defaultHotListsConfig();
    this.db = openDatabase(options.dbFile);
    this.dataDir = path.dirname(path.resolve(options.dbFile));
    this.reads = new ReadStore(this.db);
    this.alerts = new AlertService(this.db, this.reads);
    this.matcher = createHotListMatcher(this.db);
    this.sessionTokens = new SessionTokens(this.db);
    this.carSettings = { file: options.carSettings?.file ?? null, current: options.carSettings?.current ?? defaultCarSettings() };
    this.events.setMaxListeners(100);
  }

  /** The engine's clock (injectable in tests). */
  clock(): number {
    return this.now();
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
    const matches = groupByVehicle(this.matcher.match({ plate: read.plate, state: read.state, candidates: read.candidates }));
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

  /** Stops every camera and starts these instead (the settings changed). */
  async replaceCameras(configs: readonly CameraConfig[]): Promise<void> {
    await this.stopCameras();
    this.cameras.clear();
    for (const config of configs) this.startCamera(config);
    this.emitStatus();
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

  /** What the car looks like to nobody in particular (no session): cameras, lists, GPS. */
  status(): EngineStatus {
    return this.statusFor(null);
  }

  /**
   * Status as one screen sees it: its own user, lock and allowed channels, and
   * counters of that officer's shift (since their sign-in). A screen nobody
   * signed in on sees the equipment but no position and no counts.
   */
  statusFor(session: Session | null): EngineStatus {
    const now = this.now();
    const user = session?.user ?? null;
    const since = session?.signedInAt ?? null;
    return {
      user,
      locked: session?.locked ?? false,
      channels: channelsFor(allHandlers, user?.role ?? null),
      cameras: [...this.cameras.values()].map((r) => r.status),
      // Covert lists are never shown in the car.
      hotLists: hotListStatus(this.db, now, this.hotListsConfig.staleAfterHours * 3600_000)
        .filter((l) => !l.covert)
        .map((l) => ({
          name: l.name, entries: l.entries, updatedAt: l.updatedAt, dataFrom: l.dataFrom, checkedAt: l.checkedAt,
          stale: l.stale, staleReason: l.staleReason, kind: l.kind, lastError: l.lastError,
        })),
      readsThisShift: since === null ? 0 : this.reads.countSince(since),
      // Alerts, not hits: repeats of an open alert and covert hits are not news to the officer.
      hitsThisShift: since === null ? 0 : (this.db.prepare('SELECT count(*) AS n FROM alerts WHERE raised_at >= ?').get(since) as { n: number }).n,
      gps: user ? (this.options.gps?.current() ?? null) : null,
      recognizer: this.options.recognizer.name,
    };
  }

  private emitStatus(): void {
    this.emit('status', this.status());
  }

  /** Something every screen's status shows has changed. */
  statusChanged(): void {
    this.emitStatus();
  }

  /** A session signed in, out, locked or unlocked: its screen gets a fresh status. */
  sessionChanged(session: Session): void {
    for (const connection of this.connections) {
      if (connection.session === session) connection.deliver('status', this.statusFor(session));
    }
  }

  /**
   * A screen connects (a browser tab, the Electron window): it gets its own
   * session and the events its session may see. `close()` when it goes.
   */
  connect(sink: EventSink, id = `c${this.nextConnection++}`): Connection {
    const connection = new Connection(this, new Session(id), sink, () => this.connections.delete(connection));
    this.connections.add(connection);
    return connection;
  }

  /** Serves one request for a session: parsed, role-checked and dispatched by the router; never throws. */
  handle(channel: string, payload: unknown, session: Session): Promise<Result<unknown>> {
    return route(allHandlers, this, session, channel, payload);
  }

  /** Syncs every list with a source in a worker thread; one sync at a time, progress as events (C.3). */
  /** Names of the covert lists, configured or stored. */
  private covertLists(): Set<string> {
    const names = new Set(this.hotListsConfig.lists.filter((l) => l.covert).map((l) => l.name));
    for (const list of hotListStatus(this.db, this.now(), 0)) if (list.covert) names.add(list.name);
    return names;
  }

  /**
   * Syncs every list that has a source (C.3). A second request while one runs
   * (the sign-in started it, and the officer pressed "Sync now") gets the
   * running sync's outcome instead of a second sync.
   */
  syncHotLists(userId: string | null): Promise<Responses['hotlists.sync']> {
    if (!this.syncing) {
      this.syncing = this.runSync(userId).finally(() => {
        this.syncing = null;
        this.emitStatus();
      });
    }
    return this.syncing;
  }

  private async runSync(userId: string | null): Promise<Responses['hotlists.sync']> {
    const input: SyncWorkerInput = {
      dbFile: this.options.dbFile,
      config: this.hotListsConfig,
      downloadDir: this.options.downloadDir ?? path.join(path.dirname(this.options.dbFile), 'downloads'),
      userId,
    };
    // Covert lists never reach the car's screen, not even by name in a sync message.
    const covert = this.covertLists();
    const onProgress = (list: string, progress: SyncProgress): void => {
      if (covert.has(list)) return;
      const fraction = progress.totalBytes ? Math.min(1, progress.bytes / progress.totalBytes) : null;
      const message = progress.phase === 'download' ? `downloading ${Math.round(progress.bytes / 1024)} kB` : `${progress.phase}: ${progress.lines} lines`;
      this.emit('hotListSync', { list, phase: progress.phase === 'download' ? 'download' : 'import', fraction, message });
    };
    const all = await runSyncWorker(input, onProgress);
    for (const name of this.covertLists()) covert.add(name);
    const outcomes = all.filter((o) => !covert.has(o.list));
    for (const o of outcomes) {
      this.emit('hotListSync', o.error
        ? { list: o.list, phase: 'failed', fraction: null, message: o.error }
        : { list: o.list, phase: 'done', fraction: 1, message: `${o.result!.outcome}: ${o.result!.entries} entries` });
    }
    if (all.length === 0) throw new Error('no hot list has a source to sync from; ask an administrator to set the lists up');
    return outcomes.map((o) => ({ list: o.list, outcome: o.result?.outcome ?? 'failed', entries: o.result?.entries ?? 0, error: o.error ?? null }));
  }
}

export function encodeJpeg(image: Mat, quality: number): Buffer {
  return cv.imencode('.jpg', image, [cv.IMWRITE_JPEG_QUALITY, quality]);
}

function fitWidth(image: Mat, maxWidth: number): Mat {
  if (image.cols <= maxWidth) return image;
  return image.resize(Math.round((image.rows * maxWidth) / image.cols), maxWidth);
}
