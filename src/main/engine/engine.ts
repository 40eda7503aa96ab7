/**
 * The engine: cameras → recognizer → tracker → stored Read → hot-list match →
 * Hit → Alert, and the request handlers of the window.lpr contract. It runs in
 * plain Node (CLI, browser mode, tests) and in Electron's utility process; it
 * never imports electron.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import {
  type CameraFrame,
  type CameraStatus,
  type EngineStatus,
  type EventName,
  type HotListFault,
  type EventOf,
  type Responses,
  type Result,
} from '../../shared/contract.js';
import { AlertService } from './alerts/alerts.js';
import { DeploymentService } from './deployments/deployments.js';
import { CameraPipeline, type CameraConfig, type CameraSupervision, type FrameTimings } from './camera/pipeline.js';
import { RecognitionTurns } from './camera/turns.js';
import { AlignmentWatch, type AlignmentLimits } from './camera/alignment.js';
import { CameraPreviews } from './camera/preview.js';
import { DEFAULT_EQUIPMENT_WATCH, DEFAULT_FRAME_TILES, EquipmentWatch, FrameTiles, type EquipmentWatchOptions, type FrameTileOptions } from './camera/live.js';
import { cameraService, setCameraService } from './camera/service.js';
import type { GrabberFactory } from './camera/grabber.js';
import { audit } from './governance/audit.js';
import { countUsers } from './governance/users.js';
import type { GpsSource } from './gps/gps.js';
import { createHotListMatcher, defaultHotListsConfig, faultOf, groupByVehicle, hotListStatus, type HotListsConfig } from './hotlist/index.js';
import type { SyncOutcome } from './hotlist/sync-every.js';
import { runSyncWorker } from './hotlist/sync-runner.js';
import type { SyncWorkerInput } from './hotlist/sync-worker.js';
import type { SyncProgress } from './hotlist/sync.js';
import type { HotListMatcher } from './hotlist/types.js';
import { logger } from './log.js';
import { PassDelivery } from './passes.js';
import { cameraStatuses, engineStatus, type StatusParts } from './status.js';
import type { Recognizer } from './recognition/recognizer.js';
import type { Db } from './store/db.js';
import { markDamaged, openCarDatabase, type ReplacedDatabase } from './store/health.js';
import { ReadRecorder } from './store/recorder.js';
import { keyFromEnvironment, type DbKey } from './store/key.js';
import { ReadStore } from './store/reads.js';
import { allHandlers } from './requests/index.js';
import { route } from './requests/router.js';
import { Connection, type EventSink } from './session/connection.js';
import { Session, SessionTokens } from './session/session.js';
import { defaultCarSettings, type CarSettings } from '../../shared/settings.js';
import { hotListFaultWords } from '../../shared/hotlists.js';

const log = logger('engine');

export { encodeJpeg, SAME_PASS_MS } from './passes.js';

export type { CameraConfig } from './camera/pipeline.js';

export interface EngineOptions {
  readonly dbFile: string;
  /** The database key; default $LPR_DB_KEY. */
  readonly dbKey?: DbKey | null;
  readonly recognizer: Recognizer;
  readonly gps?: GpsSource;
  /** List sources, staleness limit and manual-entry limits (hotlists.json). */
  readonly hotLists?: HotListsConfig;
  /** Where sync keeps partial downloads between attempts. */
  readonly downloadDir?: string;
  readonly now?: () => number;
  /** How often a failed store is retried and free space checked (default 5 s). */
  readonly storageRetryMs?: number;
  /** The car's settings in force and the file they came from (null: started without one, as in tests). */
  readonly carSettings?: { readonly file: string | null; readonly current: CarSettings };
  /** Camera time-outs and reopen back-off (tests shorten them). */
  readonly cameraSupervision?: CameraSupervision;
  /** How cameras grab (default: a process per camera where built). */
  readonly grabber?: GrabberFactory;
  /** When a camera counts as misaligned, and how often the GPS speed is sampled for it (tests shorten them). */
  readonly alignment?: { readonly limits?: AlignmentLimits; readonly sampleMs?: number };
  /** Each recognized frame's stage timings (the cameras bench). */
  readonly onFrame?: (timings: FrameTimings) => void;
  /** How often each camera's newest frame is judged (B.2), and over how many samples (tests shorten them). */
  readonly equipment?: { readonly sampleMs?: number } & Partial<EquipmentWatchOptions>;
  /** The live tiles' picture size, quality and how often a camera's is encoded again. */
  readonly frameTiles?: Partial<FrameTileOptions>;
}

export class Engine {
  readonly db: Db;
  readonly reads: ReadStore;
  readonly alerts: AlertService;
  readonly deployments: DeploymentService;
  /** Stores each read with its hits and alerts in one transaction; rides through a full or failing disk. */
  readonly recorder: ReadRecorder;
  /** The database found damaged at start-up and moved aside (the administrator is told). */
  private readonly replacedDatabase: ReplacedDatabase | null;
  private readonly matcher: HotListMatcher;
  private readonly events = new EventEmitter();
  private readonly cameras = new Map<string, CameraPipeline>();
  /** The cameras take the one recognizer in turns. */
  private readonly turns = new RecognitionTurns();
  /** Finished passes become stored reads, hits and alerts. */
  private readonly passes: PassDelivery;
  private readonly connections = new Set<Connection>();
  private nextConnection = 1;
  readonly sessionTokens: SessionTokens;
  private readonly now: () => number;
  private readonly dbKey: DbKey | null;
  readonly hotListsConfig: HotListsConfig;
  private syncing: Promise<Responses['hotlists.sync']> | null = null;
  /** The folder of the database: evidence exports go under it. */
  readonly dataDir: string;
  /** The car's settings in force; the settings screen replaces them. */
  readonly carSettings: { file: string | null; current: CarSettings };
  /** Frames of entered camera sources for the settings screen. */
  readonly previews: CameraPreviews;
  /** The GPS receiver; the settings screen may replace it. */
  private gps: GpsSource | undefined;
  /** Whether each camera still points where plates pass (B.2), from its reads and the car's speed. */
  private readonly alignment: AlignmentWatch;
  private readonly alignmentTimer: NodeJS.Timeout;
  private misalignedShown = new Map<string, string | null>();
  /** Whether each camera's picture is usable (B.2: black, frozen, blurred, dark, bright), from a sample of its frames. */
  private readonly equipment: EquipmentWatch;
  private readonly equipmentTimer: NodeJS.Timeout;
  /** The live tiles' pictures. */
  private readonly tiles: FrameTiles;
  /** Where each part of a screen's status comes from. */
  private readonly statusParts: StatusParts;

  constructor(private readonly options: EngineOptions) {
    this.now = options.now ?? Date.now;
    this.hotListsConfig = options.hotLists ?? defaultHotListsConfig();
    this.dbKey = options.dbKey !== undefined ? options.dbKey : keyFromEnvironment();
    const opened = openCarDatabase(options.dbFile, this.dbKey, this.now());
    this.db = opened.db;
    this.replacedDatabase = opened.replaced;
    this.dataDir = path.dirname(path.resolve(options.dbFile));
    this.reads = new ReadStore(this.db);
    this.deployments = new DeploymentService(this.db);
    this.alerts = new AlertService(this.db, this.reads);
    this.matcher = createHotListMatcher(this.db);
    this.sessionTokens = new SessionTokens(this.db);
    this.carSettings = { file: options.carSettings?.file ?? null, current: options.carSettings?.current ?? defaultCarSettings() };
    this.gps = options.gps;
    this.previews = new CameraPreviews(this.now, options.grabber ? { grabber: options.grabber } : {});
    this.alignment = new AlignmentWatch(options.alignment?.limits);
    this.alignmentTimer = setInterval(() => this.sampleSpeed(), options.alignment?.sampleMs ?? 5000);
    this.alignmentTimer.unref();
    this.equipment = new EquipmentWatch({ ...DEFAULT_EQUIPMENT_WATCH, ...options.equipment });
    this.equipmentTimer = setInterval(() => this.sampleEquipment(), options.equipment?.sampleMs ?? 1000);
    this.equipmentTimer.unref();
    this.tiles = new FrameTiles(this.now, { ...DEFAULT_FRAME_TILES, ...options.frameTiles });
    const storage = this.carSettings.current.storage;
    // One hit per vehicle record (records that share plate, state and code are grouped).
    const matcher = this.matcher;
    this.recorder = new ReadRecorder(this.db, this.reads, this.alerts, { match: (read) => groupByVehicle(matcher.match(read)) }, {
      now: this.now,
      bufferReads: storage.bufferReads,
      lowSpaceBytes: storage.lowSpaceMb * 2 ** 20,
      dataDir: options.dbFile === ':memory:' ? null : path.dirname(path.resolve(options.dbFile)),
      retryMs: options.storageRetryMs ?? 5000,
      onChange: () => this.emitStatus(),
      onDamaged: (error) => markDamaged(options.dbFile, error, this.now()),
    });
    this.passes = new PassDelivery({
      reads: this.reads,
      recorder: this.recorder,
      now: this.now,
      events: { read: (read) => this.emit('read', read), readView: (readId) => this.emit('readView', { readId }), alert: (alert) => this.emit('alert', alert) },
      // Where in the picture a camera sees plates tells whether it still points at the road.
      onNewPass: (cameraId, box, width, height) => this.alignment.observeRead(cameraId, box, width, height),
    });
    this.statusParts = {
      recognizer: options.recognizer.name,
      cameras: () => this.cameraStatuses(),
      hotLists: () => hotListStatus(this.db, this.now(), this.hotListsConfig.staleAfterHours * 3600_000),
      readsSince: (since) => this.reads.countSince(since),
      alertsSince: (since) => (this.db.prepare('SELECT count(*) AS n FROM alerts WHERE raised_at >= ?').get(since) as { n: number }).n,
      gps: () => this.gps,
      settings: () => this.carSettings.current,
      needsFirstAdministrator: () => countUsers(this.db) === 0,
      storage: () => ({ ...this.recorder.status(), replaced: this.replacedDatabase ? { ...this.replacedDatabase, problems: [...this.replacedDatabase.problems] } : null }),
    };
    // A read stored without its match result (a crash, an older version) is matched now.
    this.recorder.rematchUnmatched();
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

  /** Starts a camera's pipeline; a camera an officer took out of service stays out until put back. */
  startCamera(config: CameraConfig): void {
    if (this.cameras.has(config.id)) throw new Error(`camera ${config.id} is already running`);
    const pipeline = new CameraPipeline(config, {
      recognizer: this.options.recognizer,
      gps: () => this.gps?.current() ?? null,
      now: this.now,
      onPass: (pass) => this.passes.deliver(pass),
      onStatus: () => this.emitStatus(),
      turns: this.turns,
      // A reading that hits a list is alerted on from its first frame.
      isHot: (reading) => {
        try {
          return this.matcher.match(reading).length > 0;
        } catch (error) {
          // The read is matched again when stored; only the early alert is lost.
          log.warn({ camera: config.id, err: (error as Error).message }, 'could not check a reading against the hot lists');
          return false;
        }
      },
      ...(this.options.onFrame ? { onFrame: this.options.onFrame } : {}),
      ...(this.options.cameraSupervision ? { supervision: this.options.cameraSupervision } : {}),
      ...(this.options.grabber ? { grabber: this.options.grabber } : {}),
    });
    this.cameras.set(config.id, pipeline);
    const service = cameraService(this.db, config.id);
    if (service.inService) pipeline.start();
    else void pipeline.stop('out-of-service', service.reason);
  }

  /** Cameras by id (status, service). */
  camera(id: string): CameraPipeline | undefined {
    return this.cameras.get(id);
  }

  /** Takes a camera out of service or puts it back (B.2), remembered across restarts and audited. */
  async setCameraService(cameraId: string, inService: boolean, reason: string, userId: string): Promise<CameraStatus> {
    const pipeline = this.cameras.get(cameraId);
    if (!pipeline) throw new Error(`no camera "${cameraId}" in this car (cameras: ${[...this.cameras.keys()].join(', ') || 'none'})`);
    setCameraService(this.db, pipeline.config, inService ? null : reason);
    audit(this.db, { userId, action: inService ? 'camera.in-service' : 'camera.out-of-service', detail: { camera: cameraId, reason } }, this.now());
    if (inService) pipeline.start();
    else await pipeline.stop('out-of-service', reason);
    log.info({ camera: cameraId, inService, user: userId }, 'camera service changed');
    return pipeline.status;
  }

  /** Feeds the car's speed to the alignment watch; a camera's verdict that changed goes to the screens. */
  private sampleSpeed(): void {
    const live = [...this.cameras.values()].filter((c) => c.status.state === 'live').map((c) => c.config.id);
    this.alignment.observeSpeed(this.now(), this.gps?.current()?.speedKmh ?? null, live);
    let changed = false;
    for (const id of this.cameras.keys()) {
      const verdict = this.alignment.misaligned(id);
      if ((this.misalignedShown.get(id) ?? null) === verdict) continue;
      this.misalignedShown.set(id, verdict);
      changed = true;
      if (verdict) log.warn({ camera: id, why: verdict }, 'camera looks misaligned');
      else log.info({ camera: id }, 'camera alignment looks right again');
    }
    if (changed) this.emitStatus();
  }

  /** Judges each camera's newest frame (B.2); a verdict that changed goes to the screens. */
  private sampleEquipment(): void {
    let changed = false;
    for (const [id, camera] of this.cameras) {
      try {
        if (!this.equipment.sample(id, camera.status.state === 'live' ? camera.latestFrame : null, this.now())) continue;
      } catch (error) {
        log.warn({ camera: id, err: (error as Error).message }, 'could not measure a frame for the equipment check');
        continue;
      }
      changed = true;
      const check = this.equipment.check(id);
      if (check && check.verdict !== 'ok') log.warn({ camera: id, verdict: check.verdict, detail: check.detail }, 'camera picture is not usable');
      else log.info({ camera: id, verdict: check?.verdict ?? null }, 'camera picture verdict');
    }
    if (changed) this.emitStatus();
  }

  /** Each camera's status as the screens see it: the pipeline's, with the alignment and picture verdicts. */
  private cameraStatuses(): CameraStatus[] {
    return cameraStatuses(this.cameras.values(), this.alignment, this.equipment);
  }

  /** The live tiles: each camera's newest frame as a small JPEG (encoded at most once per camera per interval), with its status. */
  cameraFrames(width?: number): CameraFrame[] {
    return this.cameraStatuses().map((camera) => {
      const pipeline = this.cameras.get(camera.id);
      let tile = null;
      try {
        tile = this.tiles.tile(camera.id, camera.state === 'live' ? (pipeline?.latestFrame ?? null) : null, width);
      } catch (error) {
        log.warn({ camera: camera.id, err: (error as Error).message }, 'could not encode a live tile');
      }
      return { camera, image: tile?.image ?? null, capturedAt: tile?.capturedAt ?? null, width: tile?.width ?? null, height: tile?.height ?? null };
    });
  }

  async stopCameras(): Promise<void> {
    await Promise.all([...this.cameras.values()].map((c) => (c.status.state === 'out-of-service' ? c.done() : c.stop())));
  }

  /**
   * The settings changed: these cameras run from now on, and the cameras
   * named in `removed` stop. A camera whose configuration is unchanged keeps
   * running, a changed one is stopped and started again with its new one;
   * cameras the settings do not name (the demo's, a host's override) are left
   * alone. Returns the ids of the cameras (re)started and stopped.
   */
  async updateCameras(configs: readonly CameraConfig[], removed: readonly string[] = []): Promise<{ started: string[]; stopped: string[] }> {
    const stop = async (id: string): Promise<void> => {
      const pipeline = this.cameras.get(id);
      if (!pipeline) return;
      await (pipeline.status.state === 'out-of-service' ? pipeline.done() : pipeline.stop());
      this.cameras.delete(id);
    };
    const started: string[] = [];
    for (const config of configs) {
      const running = this.cameras.get(config.id);
      if (running && JSON.stringify(running.config) === JSON.stringify(config)) continue;
      await stop(config.id);
      this.startCamera(config);
      started.push(config.id);
    }
    const stopped: string[] = [];
    for (const id of removed) {
      if (configs.some((c) => c.id === id) || !this.cameras.has(id)) continue;
      await stop(id);
      stopped.push(id);
    }
    // A camera re-aimed or removed is judged afresh.
    for (const id of [...started, ...stopped]) {
      this.alignment.forget(id);
      this.misalignedShown.delete(id);
      this.equipment.forget(id);
      this.tiles.forget(id);
    }
    this.emitStatus();
    return { started, stopped };
  }

  /** The GPS receiver in use (undefined: none). */
  get gpsSource(): GpsSource | undefined {
    return this.gps;
  }

  /** Uses another GPS receiver (or none) from now on; the old one is closed. */
  async replaceGps(next: GpsSource | undefined): Promise<void> {
    const old = this.gps;
    this.gps = next;
    this.emitStatus();
    await old?.close();
  }

  /** Resolves when every camera source has ended (replays without loop). */
  async camerasDone(): Promise<void> {
    await Promise.all([...this.cameras.values()].map((c) => c.done()));
  }

  async close(): Promise<void> {
    clearInterval(this.alignmentTimer);
    clearInterval(this.equipmentTimer);
    this.previews.close();
    await this.stopCameras();
    this.events.removeAllListeners();
    this.recorder.close();
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
    return engineStatus(this.statusParts, session);
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

  /** A user was disabled or lost the trained flag: every screen they are signed in on signs out. */
  signOutEverywhere(userId: string, now: number): void {
    this.sessionTokens.endAllOf(userId, now);
    for (const connection of this.connections) {
      const session = connection.session;
      if (session.user?.id !== userId) continue;
      audit(this.db, { userId, action: 'session.logout', detail: { connection: session.id, reason: 'account changed by an administrator' } }, now);
      session.user = null;
      session.signedInAt = null;
      session.tokenHash = null;
      session.locked = false;
      this.sessionChanged(session);
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
      dbKey: this.dbKey,
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
    // Every failure has its fault (sync-every.ts); one without is not the officer's to explain.
    const faultOfOutcome = (o: SyncOutcome): HotListFault | null => o.fault ?? (o.error ? { ...faultOf(o.error), at: this.now() } : null);
    for (const o of outcomes) {
      // A failure's message is in the officer's words; its detail (paths, addresses) travels in the fault, for the administrator.
      const fault = faultOfOutcome(o);
      if (fault) log.warn({ list: o.list, kind: fault.kind, status: fault.status, line: fault.line, detail: fault.detail }, `hot list ${o.list}: ${hotListFaultWords(fault).reason}`);
      this.emit('hotListSync', fault
        ? { list: o.list, phase: 'failed', fraction: null, message: hotListFaultWords(fault).reason, fault }
        : { list: o.list, phase: 'done', fraction: 1, message: `${o.result!.outcome}: ${o.result!.entries} entries` });
    }
    if (all.length === 0) throw new Error('no hot list has a source to sync from; ask an administrator to set the lists up');
    return outcomes.map((o) => ({
      list: o.list,
      outcome: o.result?.outcome ?? 'failed',
      entries: o.result?.entries ?? 0,
      error: o.error ?? null,
      fault: faultOfOutcome(o),
    }));
  }
}
