/**
 * The car's settings: which cameras it has and where they point, its GPS
 * receiver, where its hot-list configuration lives, the thresholds the
 * officer's screen uses and the screen lock. One file per car (settings.json
 * in the data folder), read by the Electron app, `lpr serve` and the engine
 * alike, and edited on the administrator's settings screen. Unknown keys are
 * refused so a misspelt setting never silently does nothing.
 */
import { z } from 'zod';
import { historySettingsSchema, retentionSettingsSchema } from './records.js';
import { accountSettingsSchema, DEFAULT_ACCOUNT_SETTINGS } from './accounts.js';
import { DEFAULT_QUICK_REASONS } from './checklist.js';

export const CAMERA_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export const cameraPositionSchema = z.enum(['front', 'left', 'right', 'rear']);

/** A region of the frame, as fractions of its width and height. */
export const regionSchema = z
  .object({
    x: z.number().min(0).max(1),
    y: z.number().min(0).max(1),
    w: z.number().gt(0).max(1),
    h: z.number().gt(0).max(1),
  })
  .strict()
  .refine((r) => r.x + r.w <= 1.0001 && r.y + r.h <= 1.0001, 'region must lie inside the frame (x + w <= 1 and y + h <= 1)');

export type Region = z.infer<typeof regionSchema>;

export const cameraSettingsSchema = z
  .object({
    id: z.string().regex(CAMERA_ID_PATTERN, 'camera id: 1-32 letters, digits, "_" or "-"'),
    name: z.string().trim().min(1).max(64),
    position: cameraPositionSchema,
    /** V4L2 device (/dev/video0 or an index), rtsp:// or http:// stream, GStreamer pipeline (aravissrc for GigE), video file or image folder. */
    source: z.string().trim().min(1),
    /** Requested frame size and rate (live devices); a replay is paced at fps. */
    width: z.number().int().min(160).max(7680).optional(),
    height: z.number().int().min(120).max(4320).optional(),
    fps: z.number().min(0).max(120).default(15),
    rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).default(0),
    /** Plates are looked for only inside this region (the road, not the hood). */
    roi: regionSchema.optional(),
    /** Replays start again at their end. */
    loop: z.boolean().default(false),
    /**
     * A camera that sends no picture for this long is reported failed and reopened (seconds; 3 when
     * unset, and never less than two frame intervals at the camera's rate).
     */
    stallSeconds: z.number().min(1).max(60).optional(),
  })
  .strict();
export type CameraSettings = z.infer<typeof cameraSettingsSchema>;
export type CameraSettingsInput = z.input<typeof cameraSettingsSchema>;

export const gpsSettingsSchema = z
  .object({
    /** Serial device of the NMEA receiver. */
    device: z.string().trim().min(1),
    baud: z.number().int().min(1200).max(921600).default(4800),
  })
  .strict();

/** A list of quick-pick reasons: each named once, short enough for a button. */
const reasonListSchema = z
  .array(z.string().trim().min(1, 'a reason cannot be empty').max(120, 'a reason is at most 120 characters'))
  .max(12, 'at most 12 reasons fit on the screen')
  .superRefine((reasons, ctx) => {
    const seen = new Set<string>();
    reasons.forEach((reason, i) => {
      if (seen.has(reason)) ctx.addIssue({ code: 'custom', path: [i], message: `reason "${reason}" is listed twice` });
      seen.add(reason);
    });
  });

export const carSettingsSchema = z
  .object({
    cameras: z
      .array(cameraSettingsSchema)
      .max(8)
      .default([])
      .superRefine((cameras, ctx) => {
        const seen = new Set<string>();
        cameras.forEach((camera, i) => {
          if (seen.has(camera.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `camera id "${camera.id}" is used twice` });
          seen.add(camera.id);
        });
      }),
    gps: gpsSettingsSchema.nullable().default(null),
    /** The hot-list configuration file (lists, codes, staleness); relative paths are from the data folder. */
    hotListsFile: z.string().trim().min(1).default('hotlists.json'),
    recognition: z
      .object({
        engine: z.enum(['auto', 'project', 'paddle']).default('auto'),
        threads: z.number().int().min(1).max(16).default(1),
      })
      .strict()
      .default({ engine: 'auto', threads: 1 }),
    screen: z
      .object({
        /** Reads less sure than this are kept (matching, history) but not listed in the feed. */
        feedConfidenceFloor: z.number().min(0).max(1).default(0.5),
        /** The screen locks after this many idle minutes; 0 never. */
        lockAfterMinutes: z.number().min(0).max(240).default(10),
      })
      .strict()
      .default({ feedConfidenceFloor: 0.5, lockAfterMinutes: 10 }),
    /** How long each kind of record is kept before the purge removes it (B.1.a); holds keep records longer. */
    retention: retentionSettingsSchema.default(retentionSettingsSchema.parse({})),
    /** What a history search must be justified with (C.8). */
    history: historySettingsSchema.default(historySettingsSchema.parse({})),
    /** PIN length, lockout after failed sign-ins. */
    accounts: accountSettingsSchema.default(DEFAULT_ACCOUNT_SETTINGS),
    /** Quick-pick reasons the officer taps instead of typing (misread, not on list, other, manual entries). */
    reasons: z
      .object({
        misread: reasonListSchema.default([...DEFAULT_QUICK_REASONS.misread]),
        'not-on-list': reasonListSchema.default([...DEFAULT_QUICK_REASONS['not-on-list']]),
        other: reasonListSchema.default([...DEFAULT_QUICK_REASONS.other]),
        manual: reasonListSchema.default([...DEFAULT_QUICK_REASONS.manual]),
      })
      .strict()
      .prefault({}),
    /** Free-space mark and the in-memory buffer that carry the car through a full or failing disk. */
    storage: z
      .object({
        /** Below this much free disk space (MB) the images of the oldest reads without a hit are dropped first. */
        lowSpaceMb: z.number().int().min(0).max(1_000_000).default(1024),
        /** Reads kept in memory with their images while the disk is full or failing. */
        bufferReads: z.number().int().min(10).max(100_000).default(500),
      })
      .strict()
      .default({ lowSpaceMb: 1024, bufferReads: 500 }),
  })
  .strict();
export type CarSettings = z.infer<typeof carSettingsSchema>;
export type CarSettingsInput = z.input<typeof carSettingsSchema>;

export function defaultCarSettings(): CarSettings {
  return carSettingsSchema.parse({});
}

/** One problem of a settings object: the key path it concerns and what is wrong, in words. */
export interface SettingsProblem {
  readonly path: readonly (string | number)[];
  /** The path joined with dots ("cameras.1.fps"), "(top level)" for the whole object. */
  readonly key: string;
  readonly message: string;
}

/** Every problem zod found, one per key (an unknown key is named itself, not its parent). */
export function settingsProblems(error: z.ZodError): SettingsProblem[] {
  return error.issues.flatMap((issue) => {
    const unknown = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
    const paths = unknown.length > 0 ? unknown.map((k) => [...issue.path, k]) : [issue.path];
    return paths.map((p) => {
      const path = p as (string | number)[];
      return { path, key: path.length > 0 ? path.join('.') : '(top level)', message: unknown.length > 0 ? 'unknown setting' : issue.message };
    });
  });
}

/**
 * The one check of a settings object, used by the engine before it saves or
 * starts and by the settings screen as the administrator types.
 */
export function checkSettingsObject(input: unknown): { ok: true; settings: CarSettings } | { ok: false; problems: SettingsProblem[] } {
  const parsed = carSettingsSchema.safeParse(input);
  return parsed.success ? { ok: true, settings: parsed.data } : { ok: false, problems: settingsProblems(parsed.error) };
}

/** One setting that differs between two versions, by key path ("cameras.front.rotation"). */
export interface SettingsChange {
  readonly key: string;
  readonly before: unknown;
  readonly after: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * What changed from one version of the settings to the next, down to the
 * single values; cameras are named by their id, so a camera moved in the list
 * is not a change and a camera added or removed is one change.
 */
export function settingsChanges(before: CarSettings, after: CarSettings): SettingsChange[] {
  const out: SettingsChange[] = [];
  const walk = (key: string, a: unknown, b: unknown): void => {
    if (same(a, b)) return;
    if (isRecord(a) && isRecord(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(key ? `${key}.${k}` : k, a[k], b[k]);
      return;
    }
    out.push({ key, before: a ?? null, after: b ?? null });
  };
  for (const k of Object.keys({ ...before, ...after }) as (keyof CarSettings)[]) {
    if (k !== 'cameras') {
      walk(k, before[k], after[k]);
      continue;
    }
    const old = new Map(before.cameras.map((c) => [c.id, c]));
    const next = new Map(after.cameras.map((c) => [c.id, c]));
    for (const id of new Set([...old.keys(), ...next.keys()])) {
      const a = old.get(id);
      const b = next.get(id);
      if (a && b) walk(`cameras.${id}`, a, b);
      else out.push({ key: `cameras.${id}`, before: a ?? null, after: b ?? null });
    }
  }
  return out;
}
