/**
 * JSON files the engine and the CLI read (model descriptions, plate formats,
 * annotation errata): parsed and checked against a schema, and an error names
 * the file, the field and what is wrong with it.
 */
import fs from 'node:fs';
import type { z } from 'zod';

/** JSON text checked against schema; `label` (usually the file) begins every error. */
export function parseJson<T>(text: string, schema: z.ZodType<T>, label: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${label}: not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.map((p) => (typeof p === 'number' ? `entry ${p + 1}` : String(p))).join('.') : '(top level)';
    throw new Error(`${label}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** A JSON file checked against schema; `label` defaults to the file's path. */
export function readJsonFile<T>(file: string, schema: z.ZodType<T>, label = file): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${label}: cannot read: ${(error as Error).message}`);
  }
  return parseJson(text, schema, label);
}
