/**
 * `lpr read FILE... [--json] [--threads N] [--engine auto|project|paddle] [--models DIR] [--thorough|--effort E]`:
 * reads the plates in still images. One line per file; a file that cannot be
 * read gets an error on its line and the command ends non-zero after the rest.
 */
import cv from '../../main/engine/opencv.js';
import type { Mat } from '@u4/opencv4nodejs';
import fs from 'node:fs';
import path from 'node:path';
import { createRecognizer, type EngineName, type RecognizerOptions } from '../../main/engine/recognition/index.js';
import { DEFAULT_EFFORT, EFFORTS, type Effort, type FrameRecognition, type Recognizer } from '../../main/engine/recognition/recognizer.js';
import { intFlag, stringFlag, UsageError, type ParsedArgs } from '../args.js';
import type { Command } from '../lpr.js';

export interface FileReadResult {
  file: string;
  /** "scene": plates found in a wider picture; "plate": the image is itself a plate and was read whole. */
  mode?: 'scene' | 'plate';
  ms?: number;
  timings?: { decodeMs: number; detectMs: number; ocrMs: number };
  reads?: {
    plate: string;
    confidence: number;
    state: string | null;
    box: [number, number, number, number];
    candidates: { plate: string; confidence: number }[];
  }[];
  error?: string;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function decodeImageFile(file: string): Mat {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not an image' : `cannot read: ${(error as Error).message}`);
  }
  if (bytes.length === 0) throw new Error('empty file, not an image');
  let image: Mat;
  try {
    image = cv.imdecode(bytes, cv.IMREAD_COLOR);
  } catch {
    throw new Error('cannot decode image (corrupt or not a JPEG/PNG/BMP/WebP)');
  }
  if (image.empty || image.cols === 0) throw new Error('cannot decode image (corrupt or not a JPEG/PNG/BMP/WebP)');
  return image;
}

export function toFileResult(file: string, decodeMs: number, recognition: FrameRecognition, mode: 'scene' | 'plate' = 'scene'): FileReadResult {
  const { detectMs, ocrMs } = recognition.timings;
  return {
    file,
    mode,
    ms: round(detectMs + ocrMs, 2),
    timings: { decodeMs: round(decodeMs, 2), detectMs: round(detectMs, 2), ocrMs: round(ocrMs, 2) },
    reads: recognition.plates.map((p) => ({
      plate: p.plate,
      confidence: round(p.confidence, 4),
      state: p.state,
      box: p.box.map((v) => Math.round(v)) as [number, number, number, number],
      candidates: p.candidates.map((c) => ({ plate: c.plate, confidence: round(c.confidence, 4) })),
    })),
  };
}

/** Plate-like proportions: wider than tall, as on every plate format in use. */
function plateShaped(width: number, height: number): boolean {
  const aspect = width / height;
  return aspect >= 1.4 && aspect <= 6;
}

/**
 * Whether a still image is itself a plate rather than a scene: the detector's
 * largest box covers most of it, or nothing is found in a plate-shaped image,
 * or the image is plate-shaped and too small to hold a readable plate as part
 * of a wider view (a plate needs about 100 pixels of width; a 400x200 picture
 * of a car would leave it a fraction of that). A full camera frame in which
 * nothing was found stays a scene.
 */
export function looksLikeBarePlate(width: number, height: number, recognition: FrameRecognition): boolean {
  if (!plateShaped(width, height)) return false;
  if (width <= 400 && height <= 200) return true;
  // Nothing found: a plate-shaped picture no bigger than a close-up is taken as a plate; a
  // full camera frame with nothing in it stays a scene (reading it whole would invent a plate).
  if (recognition.plates.length === 0) return width <= 640;
  const largest = Math.max(...recognition.plates.map((p) => p.box[2] * p.box[3]));
  return largest >= 0.5 * width * height;
}

/** Reads a still image: as a scene, or whole when it is itself a plate (and the recognizer can read crops). */
export async function readStill(recognizer: Recognizer, image: Mat, effort: Effort = STILL_EFFORT): Promise<{ recognition: FrameRecognition; mode: 'scene' | 'plate' }> {
  const scene = await recognizer.recognize(image, { effort });
  if (!recognizer.readCrop || !looksLikeBarePlate(image.cols, image.rows, scene)) return { recognition: scene, mode: 'scene' };
  const t0 = performance.now();
  const whole = await recognizer.readCrop(image, { effort });
  const ocrMs = performance.now() - t0;
  const plates = whole.plate.length > 0 ? [whole] : [];
  return { recognition: { plates, timings: { detectMs: scene.timings.detectMs, ocrMs: scene.timings.ocrMs + ocrMs } }, mode: 'plate' };
}

/** The effort `lpr read` spends on a still image unless told: the default path, as the cameras read. */
export const STILL_EFFORT: Effort = DEFAULT_EFFORT;

/** --effort, or --thorough / --fast as its short forms; `fallback` when none is given. */
export function effortFlag(args: ParsedArgs, fallback: Effort): Effort {
  const given = [args.flags.has('thorough') ? 'thorough' : null, args.flags.has('fast') ? 'fast' : null, stringFlag(args, 'effort') ?? null].filter((e): e is string => e !== null);
  if (new Set(given).size > 1) throw new UsageError(`give one of --fast, --thorough and --effort (got ${given.join(' and ')})`);
  const effort = given[0] ?? fallback;
  if (!(EFFORTS as readonly string[]).includes(effort)) throw new UsageError(`--effort must be ${EFFORTS.join(', ')}, got "${effort}"`);
  return effort as Effort;
}

/** --engine, --threads and --models of `lpr read` and `lpr eval`, checked. */
export function recognizerFlags(args: ParsedArgs): RecognizerOptions & { threads: number } {
  const threads = intFlag(args, 'threads', 1, 64) ?? 1;
  const engine = (stringFlag(args, 'engine') ?? 'auto') as EngineName;
  if (!['auto', 'project', 'paddle'].includes(engine)) throw new UsageError(`--engine must be auto, project or paddle, got "${engine}"`);
  const modelDir = stringFlag(args, 'models');
  if (modelDir !== undefined && !fs.existsSync(modelDir)) throw new UsageError(`--models: ${modelDir} does not exist`);
  return { engine, threads, ...(modelDir !== undefined ? { modelDir: path.resolve(modelDir) } : {}) };
}

export const command: Command = {
  summary: 'read plates in image files',
  usage: [
    'usage: lpr read FILE... [--json] [--thorough | --fast | --effort E] [--threads N] [--engine auto|project|paddle] [--models DIR]',
    '',
    'Reads the plates in still images (JPEG, PNG, BMP, WebP): a photo of a scene, or a picture that is',
    'itself a plate (it is then read whole instead of searched for plates: the detector\'s box covers most',
    'of it, or nothing is found and it has a plate\'s proportions).',
    '',
    'Output, one line per file. Without --json: "FILE: PLATE (STATE) 97%, ...  [ms]". With --json, an object:',
    '  file        the file as given',
    '  mode        "scene" (plates found in the picture) or "plate" (the picture is a plate, read whole)',
    '  reads       plates, most confident first, each with:',
    '                plate       the best reading, capital letters and digits only',
    '                confidence  its probability, 0 to 1',
    '                state       two-letter state of issuance, or null when unsure',
    '                box         [x, y, width, height] in pixels of the file',
    '                candidates  up to five readings (the best first) with their confidence; a hot list',
    '                            is matched against these too',
    '  ms          recognition time (detection + OCR), without model load and decoding',
    '  timings     decodeMs, detectMs, ocrMs: the time of each stage in milliseconds',
    '  error       instead of the above when the file cannot be read or decoded',
    '',
    'Engines (--engine E):',
    '  auto        the default: the project\'s own models when models/ holds them, else paddle',
    '  project     the project\'s plate detector and plate OCR networks (models/)',
    '  paddle      the general-purpose PaddleOCR baseline, for comparison (slower, less accurate)',
    '',
    'Effort (project models):',
    '  (default)     auto: one OCR network, one view of each plate; a plate it is less than 90% sure',
    '                of (and at least 5% sure, 4 characters or more) is read again thoroughly. The',
    '                cameras read the same way',
    '  --fast        one OCR network, one view of each plate, never read again',
    '  --thorough    every OCR network of the ensemble, over up to three views of each plate (slower)',
    '  --effort E    fast, auto or thorough, as above',
    '',
    'Other options:',
    '  --threads N  inference threads for one model run (default 1). On a 2-core MDT one thread per',
    '               camera is fastest: several cameras are read side by side instead',
    '  --models DIR read with the models in another folder',
    '  --json       one JSON object per line, as above',
    '',
    'Exit codes: 0 every file read (a file with no plate still counts as read), 1 some file could not be',
    'read (its line says why), 2 bad usage (unknown value, no file given).',
  ].join('\n'),
  valuedFlags: ['threads', 'engine', 'models', 'effort'],
  async run(args, ctx) {
    const files = args.positional;
    if (files.length === 0) throw new UsageError('give at least one image file');
    const json = args.flags.has('json');
    const effort = effortFlag(args, STILL_EFFORT);
    const recognizer = await createRecognizer(recognizerFlags(args));
    let failures = 0;
    try {
      for (const file of files) {
        let result: FileReadResult;
        try {
          const t0 = performance.now();
          const image = decodeImageFile(file);
          const decodeMs = performance.now() - t0;
          const { recognition, mode } = await readStill(recognizer, image, effort);
          result = toFileResult(file, decodeMs, recognition, mode);
        } catch (error) {
          failures++;
          result = { file, error: (error as Error).message };
        }
        if (json) ctx.stdout(JSON.stringify(result));
        else if (result.error) ctx.stderr(`${file}: error: ${result.error}`);
        else {
          const reads = result.reads!.map((r) => `${r.plate}${r.state ? ` (${r.state})` : ''} ${(r.confidence * 100).toFixed(0)}%`);
          ctx.stdout(`${file}: ${reads.length > 0 ? reads.join(', ') : 'no plate'}  [${result.ms} ms]`);
        }
      }
    } finally {
      await recognizer.dispose();
    }
    return failures > 0 ? 1 : 0;
  },
};
