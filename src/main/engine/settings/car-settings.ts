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
import { carSettingsSchema, defaultCarSettings, settingsChanges, settingsProblems, type CarSettings } from '../../../shared/settings.js';
import { audit } from '../governance/audit.js';
import type { Db } from '../store/db.js';
import { jsonLines, lineOf } from './json-lines.js';

export const SETTINGS_FILE = 'settings.json';

export class SettingsError extends Error {}

/** Describes every problem of a parsed settings object as "line N: key: message". */
function describe(error: z.ZodError, text: string | null): string[] {
  const lines = text === null ? null : jsonLines(text);
  return settingsProblems(error).map((problem) => {
    const line = lines ? lineOf(lines, problem.path) : null;
    return `${line !== null ? `line ${line}: ` : ''}${problem.key}: ${problem.message}`;
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

/**
 * Validates and saves new settings, audited with who, why and each value
 * that changed (before and after). Returns the saved settings (defaults
 * filled in); settings equal to those saved are not written again.
 */
export function saveCarSettings(file: string, input: unknown, by: { db: Db; userId: string; reason: string; now: number }): CarSettings {
  const parsed = carSettingsSchema.safeParse(input);
  if (!parsed.success) throw new SettingsError(`settings not saved: ${describe(parsed.error, null).join('; ')}`);
  const before = fs.existsSync(file) ? loadCarSettings(file) : defaultCarSettings();
  const after = parsed.data;
  const changes = settingsChanges(before, after);
  if (changes.length === 0) return after;
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
  // The rename itself reaches the disk only with its folder.
  try {
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    // Some filesystems refuse to sync a folder; the rename stands regardless.
  }
  audit(
    by.db,
    {
      userId: by.userId,
      action: 'settings.change',
      detail: {
        file,
        reason: by.reason,
        changed: changes.map((c) => c.key),
        before: Object.fromEntries(changes.map((c) => [c.key, c.before])),
        after: Object.fromEntries(changes.map((c) => [c.key, c.after])),
      },
    },
    by.now,
  );
  return after;
}

/** A path in the settings, resolved against the data folder. */
export function resolveInDataDir(dataDir: string, file: string): string {
  return path.isAbsolute(file) ? file : path.join(dataDir, file);
}
