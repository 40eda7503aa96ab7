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
