/**
 * Reading, checking and saving the car's settings file (schema in
 * src/shared/settings.ts). A bad file is refused with the key and the line;
 * a missing file means all defaults. Saving writes a temporary file, syncs it
 * and renames it over the old one, so a power cut leaves the old settings or
 * the new ones, never half of each; every change is audited.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { carSettingsSchema, defaultCarSettings, type CarSettings } from '../../../shared/settings.js';
import { audit } from '../governance/audit.js';
import type { Db } from '../store/db.js';
import { jsonLines, lineOf } from './json-lines.js';

export const SETTINGS_FILE = 'settings.json';

export class SettingsError extends Error {}

/** Describes every problem of a parsed settings object as "line N: key: message". */
function describe(error: z.ZodError, text: string | null): string[] {
  const lines = text === null ? null : jsonLines(text);
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
    const paths = keys.length > 0 ? keys.map((k) => [...issue.path, k]) : [issue.path];
    return paths
      .map((p) => {
        const where = p.length > 0 ? p.join('.') : '(top level)';
        const line = lines ? lineOf(lines, p as (string | number)[]) : null;
        const message = keys.length > 0 ? 'unknown setting' : issue.message;
        return `${line !== null ? `line ${line}: ` : ''}${where}: ${message}`;
      })
      .join('; ');
  });
}

/** Checks a settings text; returns the settings or every problem found. */
export function checkCarSettings(text: string, file = 'settings'): { ok: true; settings: CarSettings } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // Node's message carries the position; turn it into a line.
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : null;
    return { ok: false, problems: [`${file}${line !== null ? ` line ${line}` : ''}: not valid JSON: ${message}`] };
  }
  const parsed = carSettingsSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: describe(parsed.error, text).map((p) => `${file} ${p}`) };
  return { ok: true, settings: parsed.data };
}

export function loadCarSettings(file: string): CarSettings {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultCarSettings();
    throw new SettingsError(`${file}: cannot read: ${(error as Error).message}`);
  }
  const checked = checkCarSettings(text, file);
  if (!checked.ok) throw new SettingsError(`${checked.problems.join('\n')}\n(fix the file, or check it with: lpr settings check ${file})`);
  return checked.settings;
}

/** The top-level settings whose values differ, for the audit. */
function changedKeys(before: CarSettings, after: CarSettings): string[] {
  return (Object.keys(after) as (keyof CarSettings)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/**
 * Validates and saves new settings, audited with who, why and what changed.
 * Returns the saved settings (defaults filled in).
 */
export function saveCarSettings(file: string, input: unknown, by: { db: Db; userId: string; reason: string; now: number }): CarSettings {
  const parsed = carSettingsSchema.safeParse(input);
  if (!parsed.success) throw new SettingsError(`settings not saved: ${describe(parsed.error, null).join('; ')}`);
  const before = fs.existsSync(file) ? loadCarSettings(file) : defaultCarSettings();
  const after = parsed.data;
  const changed = changedKeys(before, after);
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(after, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  audit(by.db, { userId: by.userId, action: 'settings.change', detail: { file, reason: by.reason, changed, before: pick(before, changed), after: pick(after, changed) } }, by.now);
  return after;
}

function pick(settings: CarSettings, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, settings[k as keyof CarSettings]]));
}

/** A path in the settings, resolved against the data folder. */
export function resolveInDataDir(dataDir: string, file: string): string {
  return path.isAbsolute(file) ? file : path.join(dataDir, file);
}
