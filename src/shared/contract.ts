/**
 * The contract between the renderer and the engine. Both the Electron preload
 * (IPC) and browser mode (WebSocket) implement exactly this: the same channel
 * names, the same zod schemas, the same `Result` envelope. The receiving side
 * parses every payload with the schema before it acts.
 */
import { z } from 'zod';
import { cameraSettingsSchema, carSettingsSchema, type CarSettings } from './settings.js';
import { CASE_NUMBER_PATTERN, justificationSchema, normalisePlateQuery, PLATE_QUERY_PATTERN, type SearchReason } from './records.js';
import { DISPOSITION_ACTIONS, type QuickReasons } from './checklist.js';
import { CAMERA_FAULT_KINDS, EQUIPMENT_VERDICTS } from './equipment.js';
import { DATA_FROM_KINDS, HOTLIST_FAULT_KINDS } from './hotlists.js';
import { alertColourSchema } from './colours.js';

export const PLATE_PATTERN = /^[A-Z0-9]{1,10}$/;
export const plateSchema = z.string().regex(PLATE_PATTERN, 'plate must be 1-10 characters A-Z or 0-9');
export const stateSchema = z.string().regex(/^[A-Z]{2}$/, 'state must be a two-letter code');
export const idSchema = z.number().int().positive();

export const roleSchema = z.enum(['officer', 'supervisor', 'administrator']);
export const ROLES = roleSchema.options;
export type Role = z.infer<typeof roleSchema>;

export const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
});
export type User = z.infer<typeof userSchema>;

/** An account as the administrator's Users tab sees it (never the PIN hash). */
export const userRecordSchema = userSchema.extend({
  trained: z.boolean(),
  disabled: z.boolean(),
  /** Locked out after wrong PINs until this time; null when not locked. */
  lockedUntil: z.number().nullable(),
  failedAttempts: z.number().int(),
  createdAt: z.number(),
});
export type UserRecordView = z.infer<typeof userRecordSchema>;

const accountIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'user id: 1-64 letters, digits, ".", "_" or "-"');
/** The length rule is the car's (settings accounts.pinMinLength); the engine checks it. */
const newPinSchema = z.string().min(1, 'give a PIN').max(64);
const accountReasonSchema = z.string().trim().min(3, 'say why').max(500);

/** One row of the audit trail. */
export const auditRowSchema = z.object({
  id: idSchema,
  at: z.number(),
  userId: z.string().nullable(),
  action: z.string(),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditRowView = z.infer<typeof auditRowSchema>;

export const auditVerdictSchema = z.union([
  z.object({ ok: z.literal(true), rows: z.number().int(), firstId: z.number().nullable(), lastId: z.number().nullable(), lastHash: z.string() }),
  z.object({ ok: z.literal(false), rows: z.number().int(), rowId: z.number().nullable(), reason: z.string() }),
]);
export type AuditVerdict = z.infer<typeof auditVerdictSchema>;

/** What sign-in answers: the user, and a token that signs this screen in again after a reload or an engine restart. */
export const signedInSchema = userSchema.extend({ resumeToken: z.string() });
export type SignedIn = z.infer<typeof signedInSchema>;

export const gpsQualitySchema = z.enum(['gps', 'dgps', 'pps', 'rtk', 'float-rtk', 'estimated', 'manual', 'simulated']);

/**
 * A position fix. Besides the position: the fix's speed over ground and
 * heading (RMC, VTG), its quality and satellites in use (GGA), and its UTC time
 * as the receiver gave it; `clockOffsetMs` is that time minus the system clock
 * when it arrived, and `clockSkewed` flags a system clock far from the GPS's
 * (evidence times must be right). The extra fields are absent on fixes made
 * without a receiver (tests, manual entry).
 */
export const gpsFixSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  accuracyM: z.number().nonnegative().nullable(),
  speedKmh: z.number().nonnegative().nullable().optional(),
  headingDeg: z.number().min(0).max(360).nullable().optional(),
  quality: gpsQualitySchema.nullable().optional(),
  satellites: z.number().int().nonnegative().nullable().optional(),
  fixTime: z.number().nullable().optional(),
  clockOffsetMs: z.number().nullable().optional(),
  clockSkewed: z.boolean().optional(),
});
export type GpsFix = z.infer<typeof gpsFixSchema>;

export const boxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const candidateSchema = z.object({ plate: z.string(), confidence: z.number() });

/** A read as the UI sees it (images are fetched separately by id). */
export const readSummarySchema = z.object({
  id: idSchema,
  plate: z.string(),
  confidence: z.number(),
  state: z.string().nullable(),
  box: boxSchema,
  cameraId: z.string(),
  capturedAt: z.number(),
  gps: gpsFixSchema.nullable(),
  candidates: z.array(candidateSchema),
});
export type ReadSummary = z.infer<typeof readSummarySchema>;

/** Another record of the same vehicle (same plate and state), shown with the alert's entry. */
export const otherRecordSchema = z.object({
  listName: z.string(),
  listCode: z.string(),
  category: z.string(),
  /** The record number dispatch confirms the hit with (NCIC NIC), when the list carries one. */
  recordNumber: z.string().nullable(),
  description: z.string(),
});
export type OtherRecordView = z.infer<typeof otherRecordSchema>;

export const hotListEntrySchema = z.object({
  id: idSchema,
  listName: z.string(),
  plate: z.string(),
  state: z.string().nullable(),
  listCode: z.string(),
  category: z.string(),
  description: z.string(),
  /** The record number dispatch confirms the hit with (NCIC NIC); null when the list has none. */
  recordNumber: z.string().nullable().optional(),
  /** The vehicle's other records on the lists (several NICs for one plate), most urgent first. */
  otherRecords: z.array(otherRecordSchema).optional(),
});
export type HotListEntryView = z.infer<typeof hotListEntrySchema>;

export const matchKindSchema = z.enum(['exact', 'lookalike', 'other-state', 'partial']);
export type MatchKind = z.infer<typeof matchKindSchema>;

export const alertStatusSchema = z.enum(['pending', 'acknowledged', 'disposed']);

export const dispatchResultSchema = z.enum(['verified-active', 'not-active', 'not-possible']);
export type DispatchResult = z.infer<typeof dispatchResultSchema>;

export const dispositionKindSchema = z.enum(['confirmed', 'misread', 'not-on-list', 'other']);
export type DispositionKind = z.infer<typeof dispositionKindSchema>;

/** What the officer did about a hit (B.1.d results): recorded with the disposition. */
export const dispositionActionSchema = z.enum(DISPOSITION_ACTIONS);
export type DispositionAction = z.infer<typeof dispositionActionSchema>;

export const alertViewSchema = z.object({
  id: idSchema,
  status: alertStatusSchema,
  raisedAt: z.number(),
  read: readSummarySchema,
  entry: hotListEntrySchema,
  match: z.object({
    kind: matchKindSchema,
    /** Positions (0-based, in the read plate) where the read and the entry differ. */
    differingPositions: z.array(z.number().int().nonnegative()),
    readPlate: z.string(),
    /** The list's priority: lower is more urgent. */
    priority: z.number().int(),
    /** The list's alert tone ("urgent" or "standard"; agencies may name their own). */
    tone: z.string(),
    /** The list's (or its code's) alert colour, "#rrggbb"; absent only from an engine of an older version. */
    colour: alertColourSchema.optional(),
  }),
  acknowledgedAt: z.number().nullable(),
  checks: z.object({
    charactersMatch: z.boolean().nullable(),
    stateMatches: z.boolean().nullable(),
    dispatch: dispatchResultSchema.nullable(),
    dispatchNote: z.string().nullable(),
  }),
  disposition: z
    .object({
      kind: dispositionKindSchema,
      /** The quick-pick reason, when one was picked. */
      reason: z.string().nullable(),
      note: z.string(),
      actions: z.array(dispositionActionSchema),
      userId: z.string(),
      recordedAt: z.number(),
    })
    .nullable(),
  /**
   * Who was signed in (an officer or a supervisor) when the alert was raised,
   * and when they signed out (null: not signed out); null when nobody was.
   * Shows an alert the next officer inherits as left open by the one before.
   */
  raisedDuring: z.object({ userId: z.string(), signedOutAt: z.number().nullable() }).nullable().optional(),
  /** The entry read again while this alert was open (one alert per entry per pass): the latest sighting. */
  seenAgain: z
    .object({ count: z.number().int().positive(), lastAt: z.number(), cameraId: z.string(), readId: idSchema })
    .nullable()
    .optional(),
});
export type AlertView = z.infer<typeof alertViewSchema>;

/** One step of an alert's checklist as the engine stored it, with its time and who answered. */
export const checklistStepSchema = z.object({
  at: z.number(),
  userId: z.string().nullable(),
  step: z.enum(['acknowledged', 'characters', 'state', 'dispatch', 'disposed']),
  /** "yes"/"no" for the visual checks, the dispatch result, the disposition kind; null for the acknowledgement. */
  answer: z.string().nullable(),
  /** The dispatch note, or the disposition's reason and note. */
  note: z.string().nullable(),
  /** It replaced an earlier answer to the same step. */
  changed: z.boolean(),
});
export type ChecklistStep = z.infer<typeof checklistStepSchema>;

/** An alert of this shift opened from the hit history: the alert, its checklist step by step, and later sightings of the entry. */
export const hitDetailSchema = z.object({
  alert: alertViewSchema,
  steps: z.array(checklistStepSchema),
  /** Reads of the same list entry after the alert (the vehicle seen again), oldest first. */
  laterSightings: z.array(readSummarySchema),
});
export type HitDetail = z.infer<typeof hitDetailSchema>;

/** A read of this shift with a position, as the shift map plots it. */
export const mapReadSchema = z.object({
  id: idSchema,
  plate: z.string(),
  state: z.string().nullable(),
  confidence: z.number(),
  cameraId: z.string(),
  capturedAt: z.number(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** The read raised an alert, or hit a list again while an alert for the entry was open or recent (covert hits never show). */
  hit: z.enum(['alert', 'sighting']).nullable(),
  alertId: idSchema.nullable(),
});
export type MapRead = z.infer<typeof mapReadSchema>;

export const shiftMapSchema = z.object({
  from: z.number(),
  to: z.number(),
  /** In the order they were taken: the car's track. */
  points: z.array(mapReadSchema),
  /** Reads of the shift taken without a GPS fix (not on the map). */
  withoutFix: z.number().int().nonnegative(),
  /** Only the newest reads are plotted; older ones of the shift were left out. */
  truncated: z.boolean(),
  /** Map tiles installed in the data folder (map/{z}/{x}/{y}.png), by zoom level; null: a coordinate grid only. */
  tiles: z.object({ zooms: z.array(z.number().int().min(0).max(22)) }).nullable(),
});
export type ShiftMap = z.infer<typeof shiftMapSchema>;

/**
 * A camera's state: starting (first opening), live (frames arriving),
 * failed (it stopped or never sent frames; `nextRetryAt` says when it is
 * reopened), reconnecting (being reopened), stopped (a replay ended, or the
 * engine stopped it), out-of-service (an officer took it out, with a reason).
 */
export const cameraStateSchema = z.enum(['starting', 'live', 'reconnecting', 'failed', 'stopped', 'out-of-service']);
export type CameraState = z.infer<typeof cameraStateSchema>;
export const deploymentKindSchema = z.enum(['routine', 'special']);
export type DeploymentKind = z.infer<typeof deploymentKindSchema>;
/** The characters of a supervisor's one-time approval code (none that read alike: no B/8, O/0, I/1, S/5, Z/2). */
export const APPROVAL_CODE_ALPHABET = 'ACDEFGHJKLMNPQRTUVWXY34679';

/** A routine patrol or a special detail (B.1.d, C.7); a special detail starts once a supervisor approves it. */
export const deploymentViewSchema = z.object({
  id: idSchema,
  kind: deploymentKindSchema,
  purpose: z.string(),
  officerId: z.string(),
  status: z.enum(['awaiting-approval', 'active', 'ended', 'withdrawn']),
  requestedAt: z.number(),
  approvedBy: z.string().nullable(),
  approvedAt: z.number().nullable(),
  /** The supervisor signed in on the officer's screen, or gave a one-time code. */
  approvalMethod: z.enum(['supervisor-pin', 'code']).nullable(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
});
export type DeploymentView = z.infer<typeof deploymentViewSchema>;

/** What happened in a span of time: reads, alerts raised, how they were disposed, what the officer did. */
export const shiftCountersSchema = z.object({
  reads: z.number().int(),
  /** Alerts raised (covert hits and repeats of an open alert are not counted). */
  hits: z.number().int(),
  confirmedHits: z.number().int(),
  /** Alerts of the span still without a disposition. */
  undisposed: z.number().int(),
  dispositions: z.record(dispositionKindSchema, z.number().int()),
  actions: z.record(dispositionActionSchema, z.number().int()),
});
export type ShiftCounters = z.infer<typeof shiftCountersSchema>;

export const shiftSummarySchema = z.object({
  officer: userSchema,
  from: z.number(),
  to: z.number(),
  counters: shiftCountersSchema,
  deployments: z.array(z.object({ deployment: deploymentViewSchema, counters: shiftCountersSchema.nullable() })),
});
export type ShiftSummary = z.infer<typeof shiftSummarySchema>;

/** The engine's verdict on a camera's recent frames (B.2), from a few seconds of them. */
export const equipmentCheckSchema = z.object({
  verdict: z.enum(EQUIPMENT_VERDICTS),
  /** The measures behind it (for the administrator and the log). */
  detail: z.string(),
  frames: z.number().int(),
  /** When the camera got this verdict. */
  since: z.number(),
});
export type EquipmentCheck = z.infer<typeof equipmentCheckSchema>;

/**
 * Why a camera gives no pictures, as the engine's camera code found it where
 * it failed; the screens say it in plain words (equipment.ts).
 */
export const cameraFaultSchema = z.object({
  kind: z.enum(CAMERA_FAULT_KINDS),
  /** The engine's own account (source address, library wording): for the camera's panel and the log, never a banner's words. */
  detail: z.string(),
  /** For no-answer and stalled: how long the camera was given (s); null for the others. */
  seconds: z.number().nullable(),
});
export type CameraFault = z.infer<typeof cameraFaultSchema>;

export const cameraStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: cameraStateSchema,
  /** Frames per second the camera delivered over the last few seconds. */
  fps: z.number(),
  framesRead: z.number().int(),
  /** Frames a newer frame replaced before recognition reached them (latest frame wins). */
  framesDropped: z.number().int(),
  /** Capture time of the last frame, ms since the epoch. */
  lastFrameAt: z.number().nullable(),
  /** Why it last failed or stopped; null while live, and until it first fails. */
  fault: cameraFaultSchema.nullable(),
  /** When a failed camera is opened again. */
  nextRetryAt: z.number().nullable(),
  outOfServiceReason: z.string().nullable(),
  /** Why the camera looks out of line (plates only at one edge, or none through a long drive at speed while the others read); null while it looks fine. */
  misaligned: z.string().nullable().optional(),
  /** The verdict on its recent frames while live (black, frozen, blurred, dark, bright); null while not live or too few frames to tell. */
  equipment: equipmentCheckSchema.nullable().optional(),
});
export type CameraStatus = z.infer<typeof cameraStatusSchema>;

/** A running camera's newest picture for the live tiles, with its status. */
export const cameraFrameSchema = z.object({
  camera: cameraStatusSchema,
  /** data: URL of a small JPEG of its newest frame; null while it sends none. */
  image: z.string().nullable(),
  /** Capture time of that frame. */
  capturedAt: z.number().nullable(),
  /** Size of the small picture. */
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
});
export type CameraFrame = z.infer<typeof cameraFrameSchema>;

/**
 * Why a list's last sync or import failed, as the engine's hot-list code found
 * it; the screens say it in plain words (hotlists.ts).
 */
export const hotListFaultSchema = z.object({
  kind: z.enum(HOTLIST_FAULT_KINDS),
  /** The engine's own account (file path, URL, server's words): for the administrator and the log, never a banner's words. */
  detail: z.string(),
  /** When it failed. */
  at: z.number(),
  /** refused: the server's HTTP status; null for the others or when unknown. */
  status: z.number().int().nullable(),
  /** bad-format: the file's line at fault; null for the others or when unknown. */
  line: z.number().int().nullable(),
});
export type HotListFault = z.infer<typeof hotListFaultSchema>;

export const hotListStatusSchema = z.object({
  name: z.string(),
  entries: z.number().int(),
  /** The date of the list's data (its age counts from here); a manual list's last change. */
  updatedAt: z.number().nullable(),
  /** Where updatedAt comes from: the extract's own date, the file's mtime, the server's Last-Modified, the download. */
  dataFrom: z.enum(DATA_FROM_KINDS).nullable().optional(),
  /** When a sync last confirmed the copy in the car; does not make its data younger. */
  checkedAt: z.number().nullable().optional(),
  /** Never loaded, its last sync failed, or its data is older than staleAfterMs (hotlists.ts hotListTrouble says which). */
  stale: z.boolean(),
  /** The age past which its data is stale (C.3); null for a manual list, never stale. */
  staleAfterMs: z.number().nullable().optional(),
  kind: z.enum(['imported', 'manual']),
  /** Why the last import or sync failed, when it failed after the last success. */
  fault: hotListFaultSchema.nullable(),
});
export type HotListStatus = z.infer<typeof hotListStatusSchema>;

export const manualEntrySchema = z.object({
  id: idSchema,
  list: z.string(),
  /** Whole plate, or partial with * and ? wildcards. */
  plate: z.string(),
  state: z.string().nullable(),
  reason: z.string(),
  partial: z.boolean(),
  enteredBy: z.string(),
  enteredAt: z.number(),
  expiresAt: z.number().nullable(),
});
export type ManualEntryView = z.infer<typeof manualEntrySchema>;

/** A read taken earlier this shift that a new manual entry would have hit. */
export const earlierReadSchema = z.object({
  readId: idSchema,
  plate: z.string(),
  state: z.string().nullable(),
  capturedAt: z.number(),
  cameraId: z.string(),
  kind: matchKindSchema,
});

export const hotListSyncEventSchema = z.object({
  list: z.string(),
  phase: z.enum(['download', 'import', 'done', 'failed']),
  /** 0..1 when known. */
  fraction: z.number().min(0).max(1).nullable(),
  /** What is happening, in words a screen may show (a failure's in the officer's words, hotlists.ts). */
  message: z.string(),
  /** failed: why, with the engine's detail for the administrator. */
  fault: hotListFaultSchema.nullable().optional(),
});
export type HotListSyncEvent = z.infer<typeof hotListSyncEventSchema>;

/** A map area: south-west and north-east corners. */
export const areaSchema = z
  .object({ south: z.number().min(-90).max(90), west: z.number().min(-180).max(180), north: z.number().min(-90).max(90), east: z.number().min(-180).max(180) })
  .refine((a) => a.south <= a.north, 'area: south must not be north of north')
  .refine((a) => a.west <= a.east, 'area: west must not be east of east');

/** What a history search looks for (C.8); the justification is required. */
export const historyQuerySchema = z.object({
  plate: z
    .string()
    .transform(normalisePlateQuery)
    .pipe(z.string().regex(PLATE_QUERY_PATTERN, 'plate: 1-12 letters or digits, * for any run, ? for one character')),
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
  cameraId: z.string().min(1).max(32).optional(),
  area: areaSchema.optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type HistoryQuery = z.output<typeof historyQuerySchema>;

/** A hit on a read, as history search and evidence show it (covert hits never appear). */
export const historyHitSchema = z.object({
  hitId: idSchema,
  listName: z.string(),
  listCode: z.string(),
  matchKind: matchKindSchema,
  matchedPlate: z.string(),
  alertId: idSchema.nullable(),
  alertStatus: alertStatusSchema.nullable(),
  disposition: dispositionKindSchema.nullable(),
});
export type HistoryHit = z.infer<typeof historyHitSchema>;

export const historyReadSchema = readSummarySchema.extend({
  hasImages: z.boolean(),
  hits: z.array(historyHitSchema),
});
export type HistoryRead = z.infer<typeof historyReadSchema>;

export const historySearchResultSchema = z.object({
  searchId: idSchema,
  reads: z.array(historyReadSchema),
  /** More reads matched than the limit; narrow the search. */
  truncated: z.boolean(),
});
export type HistorySearchResult = z.infer<typeof historySearchResultSchema>;

/** Who an evidence package goes to, why, and under which case (D.1). */
export const disseminationSchema = z.object({
  recipientPerson: z.string().trim().min(2, 'recipient person: the name of who receives it').max(100),
  recipientAgency: z.string().trim().min(2, 'recipient agency: the agency that receives it').max(100),
  reason: z.string().trim().min(5, 'reason: say why the records are shared (at least 5 characters)').max(500),
  caseNumber: z.string().trim().regex(CASE_NUMBER_PATTERN, 'case number: 3-40 letters, digits, " ", ".", "/", "_" or "-"'),
});
export type Dissemination = z.infer<typeof disseminationSchema>;

export const disseminationEntrySchema = disseminationSchema.extend({
  id: idSchema,
  at: z.number(),
  userId: z.string(),
  source: z.enum(['hit', 'search']),
  sourceId: idSchema,
  readIds: z.array(idSchema),
  hitIds: z.array(idSchema),
  file: z.string(),
  manifestSha256: z.string(),
});
export type DisseminationEntry = z.infer<typeof disseminationEntrySchema>;

/** A legal hold as the screens see it (B.1.b). */
export const holdViewSchema = z.object({
  id: idSchema,
  caseNumber: z.string(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  until: z.number(),
  plate: z.string().nullable(),
  from: z.number().nullable(),
  to: z.number().nullable(),
  readIds: z.array(idSchema),
  releasedAt: z.number().nullable(),
  releasedBy: z.string().nullable(),
  releaseReason: z.string().nullable(),
  /** Reads it names that still exist. */
  reads: z.number().int(),
  active: z.boolean(),
});
export type HoldView = z.infer<typeof holdViewSchema>;

/** Counts of one purge per kind of record. */
export const purgeCountsSchema = z.object({
  hits: z.number().int(),
  alerts: z.number().int(),
  dispositions: z.number().int(),
  readsOfHits: z.number().int(),
  readsWithoutHit: z.number().int(),
  imagesWithoutHit: z.number().int(),
  gps: z.number().int(),
  audit: z.number().int(),
  keptByHold: z.number().int(),
  hitsKeptOpen: z.number().int(),
});
export type PurgeCountsView = z.infer<typeof purgeCountsSchema>;

/** The store's health: the banner every screen shows when it is not "ok". */
export const storageStatusSchema = z.object({
  /** ok; full or failing: reads and alerts kept in memory until it recovers; damaged: restart to start a fresh file. */
  state: z.enum(['ok', 'full', 'failing', 'damaged']),
  message: z.string().nullable(),
  /** Reads waiting in memory to be written. */
  buffered: z.number().int().nonnegative(),
  /** Reads lost to a full buffer (never one with an alert). */
  lost: z.number().int().nonnegative(),
  freeBytes: z.number().nonnegative().nullable(),
  /** The database was found damaged at start-up, moved aside intact and a fresh one started. */
  replaced: z.object({ movedTo: z.string(), at: z.number(), problems: z.array(z.string()) }).nullable(),
});
export type StorageStatus = z.infer<typeof storageStatusSchema>;

export const engineStatusSchema = z.object({
  /** Who is signed in on this connection (each screen has its own session). */
  user: userSchema.nullable(),
  /** The session is locked: the PIN unlocks it; alerts still arrive. */
  locked: z.boolean(),
  /** The channels this connection's role may call; the renderer hides what it cannot do. */
  channels: z.array(z.string()),
  cameras: z.array(cameraStatusSchema),
  hotLists: z.array(hotListStatusSchema),
  /** When this session signed in; the shift's counters count from here. */
  signedInAt: z.number().nullable().optional(),
  /** Reads since this session signed in. */
  readsThisShift: z.number().int(),
  /** Alerts raised since this session signed in (not those left open from before). */
  hitsThisShift: z.number().int(),
  gps: gpsFixSchema.nullable(),
  /** Whether a GPS receiver is attached (a missing fix then means it lost the satellites). */
  gpsReceiver: z.boolean().optional(),
  /** Reads less sure than this are kept (matching, history) but not listed in the officer's feed (car settings, screen). */
  feedConfidenceFloor: z.number().min(0).max(1).optional(),
  recognizer: z.string(),
  /** No user exists yet: the screen asks for the first administrator. */
  needsFirstAdministrator: z.boolean(),
  /** Idle minutes before the screen locks itself (0: never). */
  lockAfterMinutes: z.number().min(0),
  /** The shortest PIN the car accepts for a new or reset PIN. */
  pinMinLength: z.number().int(),
  /** Absent only from an engine of an older version. */
  storage: storageStatusSchema.optional(),
});
export type EngineStatus = z.infer<typeof engineStatusSchema>;

/** Requests: channel → input schema. Every one is parsed before the engine acts. */
export const requestSchemas = {
  'session.login': z.object({ userId: z.string().min(1).max(64), pin: z.string().min(4).max(64) }),
  'session.logout': z.object({}),
  /** Signs this connection in again with the token sign-in gave (reload, engine restart). */
  'session.resume': z.object({ token: z.string().min(16).max(128) }),
  'session.lock': z.object({}),
  'session.unlock': z.object({ pin: z.string().min(4).max(64) }),
  'status.get': z.object({}),
  'reads.recent': z.object({ limit: z.number().int().min(1).max(200) }),
  /** A read's images; "closer-*" is the latest closer view stored beside a read whose own images are evidence. */
  'reads.image': z.object({ readId: idSchema, kind: z.enum(['crop', 'context', 'closer-crop', 'closer-context']) }),
  'alerts.open': z.object({}),
  'alerts.acknowledge': z.object({ alertId: idSchema }),
  'alerts.check': z.discriminatedUnion('check', [
    z.object({ alertId: idSchema, check: z.literal('characters'), matches: z.boolean() }),
    z.object({ alertId: idSchema, check: z.literal('state'), matches: z.boolean() }),
    z.object({
      alertId: idSchema,
      check: z.literal('dispatch'),
      result: dispatchResultSchema,
      note: z.string().max(500),
    }),
  ]),
  'alerts.dispose': z.object({
    alertId: idSchema,
    kind: dispositionKindSchema,
    note: z.string().max(2000),
    /** One of the quick-pick reasons configured for the kind (alerts.reasons). */
    reason: z.string().trim().min(1).max(120).nullable().default(null),
    actions: z.array(dispositionActionSchema).max(DISPOSITION_ACTIONS.length).default([]),
  }),
  /** The quick-pick reasons configured for dispositions and manual entries. */
  'alerts.reasons': z.object({}),
  /** The signed-in officer's deployment in progress or waiting for approval. */
  'deployments.current': z.object({}),
  'deployments.start': z.object({ kind: deploymentKindSchema, purpose: z.string().trim().max(300) }),
  /** A supervisor approves a special detail: signed in on this screen (id and PIN), or with a one-time code (APPROVAL_CODE_ALPHABET). */
  'deployments.approve': z.union([
    z.object({ deploymentId: idSchema, supervisorId: z.string().min(1).max(64), pin: z.string().min(4).max(64) }),
    z.object({ deploymentId: idSchema, code: z.string().trim().min(4, 'type the approval code').max(32) }),
  ]),
  'deployments.end': z.object({ deploymentId: idSchema }),
  /** The signed-in officer's shift: counters since sign-in and each deployment's. */
  'shift.summary': z.object({}),
  /** The alerts raised this shift (since sign-in), open and disposed, newest first. */
  'hits.shift': z.object({}),
  /** One alert of this shift with its checklist step by step and later sightings. */
  'hits.detail': z.object({ alertId: idSchema }),
  /** This shift's reads with a position, for the offline map, and how many had none. */
  'shift.map': z.object({}),
  /** A map tile installed in the data folder (slippy-map numbering). */
  'map.tile': z
    .object({ z: z.number().int().min(0).max(22), x: z.number().int().nonnegative(), y: z.number().int().nonnegative() })
    .refine((t) => t.x < 2 ** t.z && t.y < 2 ** t.z, 'map tile: x and y must be below 2^z'),
  /** Sync every configured hot list now (C.3); progress arrives as hotListSync events. */
  'hotlists.sync': z.object({}),
  'hotlists.manual.list': z.object({}),
  'hotlists.manual.add': z.object({
    plate: z.string().trim().min(1).max(12),
    state: stateSchema.nullable(),
    reason: z.string().trim().min(3, 'a reason is required (policy C.6)').max(500),
    expiresInHours: z.number().positive().max(24 * 365).optional(),
  }),
  'hotlists.manual.remove': z.object({ id: idSchema, reason: z.string().trim().min(3).max(500) }),
  /** The car's settings in force and the file they live in (administrators). */
  'settings.get': z.object({}),
  /** Saves new car settings and applies them (cameras reopen); audited with the reason. */
  'settings.update': z.object({ settings: carSettingsSchema, reason: z.string().trim().min(3, 'say why the settings change').max(500) }),
  /** A frame of a camera as entered on the settings screen (its source, size, rate and rotation), grabbed away from the engine's loop. */
  'settings.preview': z.object({ camera: cameraSettingsSchema }),
  /** Searches stored reads and hits (C.8): refused without a justification; stored and audited with what it returned. */
  'history.search': historyQuerySchema.extend({ justification: justificationSchema }),
  /** The search reasons the agency accepts today (history.reasons in the settings, expired ones left out). */
  'history.reasons': z.object({}),
  /** An image of a read a search returned; every view is audited against that search. */
  'history.image': z.object({ searchId: idSchema, readId: idSchema, kind: z.enum(['crop', 'context']) }),
  /** Legal holds (B.1.b): active ones, or all with released and lapsed ones. */
  'retention.holds.list': z.object({ all: z.boolean().default(false) }),
  /** Places a hold on reads by id, or by plate pattern and time range. */
  'retention.holds.place': z.object({
    caseNumber: z.string().trim().regex(CASE_NUMBER_PATTERN, 'case number: 3-40 letters, digits, " ", ".", "/", "_" or "-"'),
    reason: z.string().trim().min(3, 'say why the records must be kept').max(500),
    until: z.number().int().positive(),
    readIds: z.array(idSchema).max(10_000).optional(),
    plate: z.string().min(1).max(12).optional(),
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
  }),
  'retention.holds.release': z.object({ id: idSchema, reason: z.string().trim().min(3, 'say why the hold is released').max(500) }),
  /** Runs the retention purge now (administrators); as of the engine's clock. */
  'retention.purge': z.object({}),
  /** Exports a hit, or a search's results, as an evidence package; logged as a dissemination (D.1). */
  'evidence.export': z.union([
    disseminationSchema.extend({ hitId: idSchema }).strict(),
    disseminationSchema.extend({ searchId: idSchema }).strict(),
  ]),
  /** The dissemination log, newest first, with the same as CSV (supervisors and administrators). */
  'evidence.log': z.object({ limit: z.number().int().min(1).max(10_000).default(500) }),
  /** Takes a camera out of service (it stops grabbing) or puts it back (B.2); audited with the reason. */
  'cameras.service': z.object({
    cameraId: z.string().min(1).max(32),
    inService: z.boolean(),
    reason: z.string().trim().min(3, 'say why the camera goes out of or back into service').max(500),
  }),
  /** Each camera's newest picture as a small JPEG with its state and equipment verdict (the live tiles). */
  'cameras.frames': z.object({
    /** Width of the pictures (px); default 320, the tiles' size. A larger view asks for more. */
    width: z.number().int().min(160).max(1280).optional(),
  }),
  /** Only while no user exists: creates the first administrator (trained) and nothing else. */
  'users.firstAdministrator': z.object({ id: accountIdSchema, name: z.string().trim().min(1).max(100), pin: newPinSchema }),
  'users.list': z.object({}),
  'users.create': z.object({ id: accountIdSchema, name: z.string().trim().min(1).max(100), role: roleSchema, trained: z.boolean(), pin: newPinSchema }),
  'users.disable': z.object({ id: accountIdSchema, reason: accountReasonSchema }),
  'users.enable': z.object({ id: accountIdSchema, reason: accountReasonSchema }),
  'users.resetPin': z.object({ id: accountIdSchema, pin: newPinSchema }),
  'users.setTrained': z.object({ id: accountIdSchema, trained: z.boolean() }),
  /** The audit trail, newest first, with filters; `action` may name a family ('session.*'). */
  'audit.list': z.object({
    from: z.number().optional(),
    to: z.number().optional(),
    userId: z.string().min(1).max(64).optional(),
    action: z.string().min(1).max(64).optional(),
    beforeId: idSchema.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  /** Checks the whole hash chain and names the first row that does not verify. */
  'audit.verify': z.object({}),
} as const;

export type Channel = keyof typeof requestSchemas;
export type RequestOf<C extends Channel> = z.input<(typeof requestSchemas)[C]>;

/** What each channel answers with. */
export interface Responses {
  'session.login': SignedIn;
  'session.logout': null;
  'session.resume': SignedIn;
  'session.lock': null;
  'session.unlock': null;
  'status.get': EngineStatus;
  'reads.recent': ReadSummary[];
  /** A data: URL of the JPEG, or null when the read has no such image. */
  'reads.image': string | null;
  'alerts.open': AlertView[];
  'alerts.acknowledge': AlertView;
  'alerts.check': AlertView;
  'alerts.dispose': AlertView;
  'alerts.reasons': QuickReasons;
  'deployments.current': DeploymentView | null;
  'deployments.start': DeploymentView;
  'deployments.approve': DeploymentView;
  'deployments.end': DeploymentView;
  'shift.summary': ShiftSummary;
  'hits.shift': AlertView[];
  'hits.detail': HitDetail;
  'shift.map': ShiftMap;
  /** A data: URL of the tile image, or null when that tile is not installed. */
  'map.tile': string | null;
  /** error: the engine's account (for the administrator and the log); fault: its kind, for the officer's words. */
  'hotlists.sync': { list: string; outcome: string; entries: number; error: string | null; fault: HotListFault | null }[];
  'hotlists.manual.list': ManualEntryView[];
  'hotlists.manual.add': { entry: ManualEntryView; readsThisShift: z.infer<typeof earlierReadSchema>[] };
  'hotlists.manual.remove': null;
  'settings.get': { settings: CarSettings; file: string | null };
  'settings.update': {
    settings: CarSettings;
    file: string;
    /** Cameras started or restarted with their new settings, and cameras removed. */
    camerasStarted: string[];
    camerasStopped: string[];
    gpsReopened: boolean;
    /** What takes effect only when the app starts again, in words. */
    restartNeeded: string[];
  };
  'settings.preview': {
    /** data: URL of a JPEG at most 640 pixels wide. */
    image: string;
    /** The frame's size after rotation. */
    width: number;
    height: number;
    description: string;
    /** The running camera's latest frame, or a frame grabbed from the entered source. */
    from: 'running' | 'source';
    capturedAt: number;
  };
  'history.search': HistorySearchResult;
  'history.reasons': SearchReason[];
  /** A data: URL of the JPEG, or null when the purge removed it. */
  'history.image': string | null;
  'retention.holds.list': HoldView[];
  'retention.holds.place': HoldView;
  'retention.holds.release': HoldView;
  'retention.purge': { asOf: number; counts: PurgeCountsView; clockBehindMs: number | null };
  'evidence.export': { disseminationId: number; file: string; bytes: number; manifestSha256: string; reads: number; hits: number };
  'evidence.log': { entries: DisseminationEntry[]; csv: string };
  'cameras.service': CameraStatus;
  'cameras.frames': CameraFrame[];
  'users.firstAdministrator': User;
  'users.list': UserRecordView[];
  'users.create': UserRecordView;
  'users.disable': UserRecordView;
  'users.enable': UserRecordView;
  'users.resetPin': UserRecordView;
  'users.setTrained': UserRecordView;
  'audit.list': AuditRowView[];
  'audit.verify': AuditVerdict;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** Events pushed from the engine to the renderer. */
export const eventSchemas = {
  read: readSummarySchema,
  /** A better view of the same pass (the car closer): it replaced the read's images, or, once the read raised a hit, was stored beside them as the closer view. Fetch them again. */
  readView: z.object({ readId: idSchema }),
  alert: alertViewSchema,
  status: engineStatusSchema,
  hotListSync: hotListSyncEventSchema,
} as const;
export type EventName = keyof typeof eventSchemas;
export type EventOf<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;

/** The API the preload exposes as window.lpr and browser mode mirrors over WebSocket. */
export interface LprApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<Responses[C]>>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

/** Parse a request for a channel; returns a readable error naming the field. */
export function parseRequest<C extends Channel>(
  channel: string,
  payload: unknown,
): { ok: true; channel: C; value: z.output<(typeof requestSchemas)[C]> } | { ok: false; error: string } {
  if (!Object.prototype.hasOwnProperty.call(requestSchemas, channel)) {
    return { ok: false, error: `unknown channel "${channel}"` };
  }
  const schema = requestSchemas[channel as C];
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(payload)';
    return { ok: false, error: `${channel}: ${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, channel: channel as C, value: parsed.data as z.output<(typeof requestSchemas)[C]> };
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
