/**
 * Rules about the car's records that both the engine and the screens use:
 * retention periods (B.1.a) written as "30 days", "12 hours", "2 years", and
 * the justification a history search needs (C.8). Pure: no node, no DOM.
 */
import { z } from 'zod';

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = {
  minute: MINUTE,
  hour: 60 * MINUTE,
  day: 24 * 60 * MINUTE,
  week: 7 * 24 * 60 * MINUTE,
  // Calendar months and years vary; a period is a length of time, so use their mean lengths.
  month: 30.436875 * 24 * 60 * MINUTE,
  year: 365.2425 * 24 * 60 * MINUTE,
};
const UNIT_ALIASES: Record<string, keyof typeof UNIT_MS> = {
  m: 'minute', min: 'minute', mins: 'minute', minute: 'minute', minutes: 'minute',
  h: 'hour', hr: 'hour', hrs: 'hour', hour: 'hour', hours: 'hour',
  d: 'day', day: 'day', days: 'day',
  w: 'week', wk: 'week', week: 'week', weeks: 'week',
  mo: 'month', month: 'month', months: 'month',
  y: 'year', yr: 'year', year: 'year', years: 'year',
};

/** Milliseconds of a period such as "90 days" or "15m", or a reason it is not one. */
export function parsePeriod(text: string): { ok: true; ms: number } | { ok: false; error: string } {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  if (!match) return { ok: false, error: `"${text}" is not a period; write a number and a unit, e.g. "30 days", "12 hours", "2 years"` };
  const amount = Number(match[1]);
  const unit = UNIT_ALIASES[match[2]!.toLowerCase()];
  if (!unit) return { ok: false, error: `"${match[2]}" is not a unit; use minutes, hours, days, weeks, months or years` };
  if (amount < 0) return { ok: false, error: `period "${text}" is negative; a retention period must be at least 1 minute` };
  const ms = amount * UNIT_MS[unit]!;
  if (ms < MINUTE) return { ok: false, error: `period "${text}" is shorter than 1 minute` };
  if (ms > 100 * UNIT_MS.year!) return { ok: false, error: `period "${text}" is longer than 100 years` };
  return { ok: true, ms: Math.round(ms) };
}

export const periodSchema = z.string().superRefine((text, ctx) => {
  const parsed = parsePeriod(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
});

/** The kinds of record with their own period, as the settings file names them. */
export const RETENTION_KINDS = ['readsWithoutHit', 'imagesWithoutHit', 'hits', 'gps', 'audit'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export const RETENTION_LABELS: Record<RetentionKind, string> = {
  readsWithoutHit: 'Reads without a hit',
  imagesWithoutHit: 'Images of reads without a hit',
  hits: 'Hits with their alerts, checks and dispositions',
  gps: 'GPS positions of reads without a hit',
  audit: 'Audit trail',
};

export const DEFAULT_RETENTION: Record<RetentionKind, string> = {
  readsWithoutHit: '30 days',
  imagesWithoutHit: '7 days',
  hits: '2 years',
  gps: '30 days',
  audit: '7 years',
};

export const retentionSettingsSchema = z
  .object({
    readsWithoutHit: periodSchema.default(DEFAULT_RETENTION.readsWithoutHit),
    imagesWithoutHit: periodSchema.default(DEFAULT_RETENTION.imagesWithoutHit),
    hits: periodSchema.default(DEFAULT_RETENTION.hits),
    gps: periodSchema.default(DEFAULT_RETENTION.gps),
    audit: periodSchema.default(DEFAULT_RETENTION.audit),
  })
  .strict()
  .superRefine((r, ctx) => {
    const images = parsePeriod(r.imagesWithoutHit);
    const reads = parsePeriod(r.readsWithoutHit);
    // Images go with their read; an image period longer than the read's would never apply.
    if (images.ok && reads.ok && images.ms > reads.ms) {
      ctx.addIssue({ code: 'custom', path: ['imagesWithoutHit'], message: `may not be longer than readsWithoutHit (${r.readsWithoutHit}); the images go with their read` });
    }
  });
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

/** Each kind's period in milliseconds (the settings are already validated). */
export function retentionPeriods(settings: RetentionSettings): Record<RetentionKind, number> {
  const out = {} as Record<RetentionKind, number>;
  for (const kind of RETENTION_KINDS) {
    const parsed = parsePeriod(settings[kind]);
    if (!parsed.ok) throw new Error(`retention.${kind}: ${parsed.error}`);
    out[kind] = parsed.ms;
  }
  return out;
}

// ---- history search (C.8) ----

/** A reason an agency accepts for a history search; it may stop being accepted after `until` (ISO date). */
export const searchReasonSchema = z
  .object({
    code: z.string().regex(/^[a-z0-9-]{1,32}$/, 'reason code: 1-32 lower-case letters, digits or "-"'),
    label: z.string().trim().min(1).max(100),
    until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'until must be a date such as 2027-12-31').optional(),
  })
  .strict();
export type SearchReason = z.infer<typeof searchReasonSchema>;

export const DEFAULT_SEARCH_REASONS: SearchReason[] = [
  { code: 'investigation', label: 'Criminal investigation' },
  { code: 'missing-person', label: 'Missing or endangered person' },
  { code: 'stolen-vehicle', label: 'Stolen vehicle follow-up' },
  { code: 'amber-alert', label: 'AMBER alert' },
];

export const historySettingsSchema = z
  .object({
    reasons: z
      .array(searchReasonSchema)
      .min(1)
      .default(DEFAULT_SEARCH_REASONS)
      .superRefine((reasons, ctx) => {
        const seen = new Set<string>();
        reasons.forEach((r, i) => {
          if (seen.has(r.code)) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `reason code "${r.code}" is used twice` });
          seen.add(r.code);
        });
      }),
  })
  .strict();
export type HistorySettings = z.infer<typeof historySettingsSchema>;

export const CASE_NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ./_-]{2,39}$/;
/** One character a case number may hold (CASE_NUMBER_PATTERN's). */
export const CASE_NUMBER_CHARACTER = /^[A-Za-z0-9 ./_-]$/;

export const JUSTIFICATION_REQUIRED = 'a history search needs a justification (policy C.8): a case number, or a reason from the agency\'s list with text saying what it is for';

/** A case number, or a listed reason with free text saying what it is about. */
export const justificationSchema = z
  .object(
    {
      caseNumber: z.string().trim().optional(),
      reason: z.string().trim().optional(),
      text: z.string().trim().max(500, 'text: at most 500 characters').optional(),
    },
    { error: (issue) => (issue.input === undefined ? JUSTIFICATION_REQUIRED : undefined) },
  )
  .strict()
  .superRefine((j, ctx) => {
    if (j.caseNumber) {
      if (!CASE_NUMBER_PATTERN.test(j.caseNumber)) ctx.addIssue({ code: 'custom', path: ['caseNumber'], message: 'case number: 3-40 letters, digits, " ", ".", "/", "_" or "-"' });
      return;
    }
    if (!j.reason) {
      ctx.addIssue({ code: 'custom', message: JUSTIFICATION_REQUIRED });
      return;
    }
    if (!j.text || j.text.length < 10) ctx.addIssue({ code: 'custom', path: ['text'], message: 'say what the search is for (at least 10 characters)' });
  });
export type Justification = z.infer<typeof justificationSchema>;

/** Why this justification is not accepted now, or null when it is. */
export function justificationProblem(justification: Justification, reasons: readonly SearchReason[], now: number): string | null {
  if (justification.caseNumber) return null;
  const reason = reasons.find((r) => r.code === justification.reason);
  if (!reason) return `"${justification.reason}" is not a search reason of this agency (reasons: ${reasons.map((r) => r.code).join(', ')})`;
  if (reason.until !== undefined && now >= Date.parse(`${reason.until}T23:59:59.999Z`) + 1) {
    return `search reason "${reason.code}" expired on ${reason.until}; give a case number or another reason`;
  }
  return null;
}

/**
 * Parses the command line's --justification: "case:NUMBER" or a bare case
 * number, or "REASON-CODE: free text".
 */
export function justificationFromText(text: string): Justification {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  if (colon > 0) {
    const head = trimmed.slice(0, colon).trim().toLowerCase();
    const tail = trimmed.slice(colon + 1).trim();
    if (head === 'case') return { caseNumber: tail };
    return { reason: head, text: tail };
  }
  return { caseNumber: trimmed };
}

/** The plate pattern of a search: letters, digits, * (any run) and ? (one character). */
export const PLATE_QUERY_PATTERN = /^[A-Z0-9*?]{1,12}$/;
export function normalisePlateQuery(text: string): string {
  return text.trim().toUpperCase().replace(/[\s-]/g, '');
}
