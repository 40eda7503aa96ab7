/**
 * Hot-list configuration: which lists the car holds, where each comes from,
 * how its file is laid out (the NCIC column map and CSV/TSV header map are
 * configuration, since every state orders its extract differently), what each
 * list code means (category, priority, alert tone and colour, covert), how old
 * a list may get before the car warns, and the limits on manual entries.
 * Read from `hotlists.json` in the data directory; every field has a default.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { DEFAULT_ALERT_COLOUR, alertColourSchema } from '../../../shared/colours.js';
import { HotListInputError } from './errors.js';

/** [start, end) in characters; end null = to the end of the line. */
const rangeSchema = z
  .tuple([z.number().int().min(0), z.number().int().min(1).nullable()])
  .refine(([start, end]) => end === null || end > start, 'column range must be [start, end) with end > start');
export type ColumnRange = z.infer<typeof rangeSchema>;

export const ncicLayoutSchema = z.object({
  /** Lines at the top of the file that are not records. */
  headerLines: z.number().int().min(0).default(1),
  columns: z.object({
    listCode: rangeSchema,
    /** The record number (NIC) dispatch confirms a hit with; several records may share a plate. */
    recordNumber: rangeSchema.optional(),
    plate: rangeSchema,
    state: rangeSchema.optional(),
    incidentDate: rangeSchema.optional(),
    tagYear: rangeSchema.optional(),
    vehicleYear: rangeSchema.optional(),
    make: rangeSchema.optional(),
    model: rangeSchema.optional(),
    colour: rangeSchema.optional(),
  }),
});
export type NcicLayout = z.infer<typeof ncicLayoutSchema>;

/** The layout of the public NCIC vehicle extract importer (see docs/hotlists.md). */
export const DEFAULT_NCIC_LAYOUT: NcicLayout = {
  headerLines: 1,
  columns: {
    listCode: [0, 1],
    recordNumber: [0, 10],
    incidentDate: [19, 27],
    plate: [27, 37],
    state: [37, 39],
    tagYear: [39, 43],
    vehicleYear: [45, 49],
    make: [49, 53],
    model: [53, 56],
    colour: [58, null],
  },
};

export const csvLayoutSchema = z.object({
  /** Field separator; default ',' for csv and tab for tsv. */
  delimiter: z.enum([',', '\t', ';', '|']).optional(),
  /** Header names of each field (matched ignoring case, spaces, '_' and '-'). Unset fields use the usual names. */
  columns: z
    .object({
      plate: z.string().min(1),
      state: z.string().min(1),
      listCode: z.string().min(1),
      description: z.string().min(1),
      expires: z.string().min(1),
      recordNumber: z.string().min(1),
    })
    .partial()
    .default({}),
  /** List code for files without a list code column. */
  defaultListCode: z.string().min(1).optional(),
});
export type CsvLayout = z.infer<typeof csvLayoutSchema>;

export const listCodeSchema = z.object({
  category: z.string().min(1),
  /** 1 = most urgent. */
  priority: z.number().int().min(1).max(9).optional(),
  tone: z.string().min(1).optional(),
  /** The alert's band colour for this code (hex, e.g. #ff8f00); the list's colour when unset. */
  colour: alertColourSchema.optional(),
  covert: z.boolean().optional(),
});
export type ListCodeMeaning = z.infer<typeof listCodeSchema>;

/** NCIC vehicle file codes; each list may override or extend them. */
export const NCIC_CODES: Readonly<Record<string, ListCodeMeaning>> = {
  A: { category: 'AMBER alert', priority: 1, tone: 'urgent' },
  F: { category: 'Felony vehicle', priority: 2 },
  W: { category: 'Wanted person', priority: 2 },
  V: { category: 'Stolen vehicle', priority: 2 },
  P: { category: 'Stolen plate', priority: 3 },
  M: { category: 'Missing person', priority: 2 },
  C: { category: 'Supervised release', priority: 4 },
  H: { category: 'Protection order', priority: 3 },
  K: { category: 'Protective interest', priority: 4 },
  L: { category: 'Violent person', priority: 1, tone: 'urgent' },
  R: { category: 'Stolen Canadian vehicle', priority: 3 },
  T: { category: 'Gang or terrorist member', priority: 2 },
  X: { category: 'Sex offender', priority: 4 },
};

export const MANUAL_LIST_CODE = 'LOCAL';
export const MANUAL_CODES: Readonly<Record<string, ListCodeMeaning>> = {
  [MANUAL_LIST_CODE]: { category: 'Locally entered', priority: 3 },
};

export const LIST_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const listFormatSchema = z.enum(['ncic', 'csv', 'tsv']);
export type ListFormat = z.infer<typeof listFormatSchema>;

export const listConfigSchema = z.object({
  name: z.string().regex(LIST_NAME_PATTERN, 'list name: 1-64 letters, digits, "_", "-" or "."'),
  /** File path or http(s) URL the list is synced from. */
  source: z.string().min(1).optional(),
  format: listFormatSchema.optional(),
  encoding: z.enum(['utf-8', 'latin1']).default('utf-8'),
  ncic: ncicLayoutSchema.optional(),
  csv: csvLayoutSchema.optional(),
  /** List code → meaning; merged over the NCIC codes. */
  codes: z.record(z.string(), listCodeSchema).default({}),
  priority: z.number().int().min(1).max(9).default(5),
  tone: z.string().min(1).default('standard'),
  /** The alert's band colour (hex), shown on the alert, the queue and the hit history. */
  colour: alertColourSchema.default(DEFAULT_ALERT_COLOUR),
  /** Covert hits are recorded and queued for upload but never shown in the car. */
  covert: z.boolean().default(false),
  /** PEM file of the CA that signs the agency's HTTPS server, when it is not a public one. */
  caFile: z.string().min(1).optional(),
  /** A list over plain http:// is refused unless this says the agency has no HTTPS (policy D). */
  allowPlainHttp: z.boolean().default(false),
  /**
   * Detached SHA-256 of the list file (path or URL; "sha256sum" format or the bare hex digest),
   * checked before the list replaces the one in force. true = the source with ".sha256" appended.
   */
  sha256: z.union([z.literal(true), z.string().min(1)]).optional(),
  /**
   * Detached Ed25519 signature of the list file (path or URL; raw 64 bytes or base64), checked
   * with signingKey. Defaults to the source with ".sig" appended when a signingKey is set.
   */
  signature: z.string().min(1).optional(),
  /** The agency's Ed25519 public key (PEM, or base64 of the raw 32 bytes); a signature is then required. */
  signingKey: z.string().min(1).optional(),
});
export type ListConfig = z.infer<typeof listConfigSchema>;
export type ListConfigInput = z.input<typeof listConfigSchema>;

export const hotListsConfigSchema = z.object({
  /** A list older than this gets a stale warning (policy C.3). */
  staleAfterHours: z.number().positive().default(24),
  manual: z
    .object({
      defaultExpiryHours: z.number().positive().default(24),
      maxExpiryHours: z.number().positive().default(24 * 7),
      /** Known characters a partial (wildcard) plate must have at least. */
      minKnownCharacters: z.number().int().min(1).max(10).default(3),
    })
    .default({ defaultExpiryHours: 24, maxExpiryHours: 24 * 7, minKnownCharacters: 3 })
    .refine((m) => m.defaultExpiryHours <= m.maxExpiryHours, 'manual.defaultExpiryHours must not exceed manual.maxExpiryHours'),
  lists: z.array(listConfigSchema).default([]),
});
export type HotListsConfig = z.infer<typeof hotListsConfigSchema>;

export function defaultHotListsConfig(): HotListsConfig {
  return hotListsConfigSchema.parse({});
}

export function parseListConfig(input: ListConfigInput): ListConfig {
  const parsed = listConfigSchema.safeParse(input);
  if (!parsed.success) throw new HotListInputError(`list configuration: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

/** Loads the configuration file; a missing file means all defaults. */
export function loadHotListsConfig(file: string): HotListsConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultHotListsConfig();
    throw new HotListInputError(`${file}: cannot read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HotListInputError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = hotListsConfigSchema.safeParse(json);
  if (!parsed.success) throw new HotListInputError(`${file}: ${describeIssue(parsed.error)}`);
  const names = new Set<string>();
  for (const list of parsed.data.lists) {
    if (names.has(list.name)) throw new HotListInputError(`${file}: list "${list.name}" is configured twice`);
    names.add(list.name);
  }
  return parsed.data;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return `${where}: ${issue?.message ?? 'invalid'}`;
}

/** The format of a list: configured, or guessed from the file name (.tsv/.csv, else NCIC). */
export function formatOf(list: Pick<ListConfig, 'format'>, source: string): ListFormat {
  if (list.format) return list.format;
  const lower = source.toLowerCase().replace(/[?#].*$/, '');
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.csv')) return 'csv';
  return 'ncic';
}

/** Effective code table of a list: NCIC codes, the manual code, then the list's own. */
export function codesOf(list: Pick<ListConfig, 'codes'>): Record<string, ListCodeMeaning> {
  return { ...NCIC_CODES, ...MANUAL_CODES, ...list.codes };
}
