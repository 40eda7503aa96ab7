/**
 * Where the project's own files are (models/, demo/, dist/renderer), found
 * from this module whether it runs from src/ (tests) or dist/src/ (built).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function projectRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'models'))) return (cached = dir);
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the project root (package.json beside models/) above ' + fileURLToPath(import.meta.url));
}
