/**
 * `lpr read FILE... [--json] [--threads N] [--engine auto|project|paddle] [--models DIR]`:
 * reads the plates in still images. One line per file; a file that cannot be
 * read gets an error on its line and the command ends non-zero after the rest.
 */
import cv from '../../main/engine/opencv.js';
import type { Mat } from '@u4/opencv4nodejs';
import fs from 'node:fs';
import path from 'node:path';
import { createRecognizer, type EngineName, type RecognizerOptions } from '../../main/engine/recognition/index.js';
import type { FrameRecognition } from '../../main/engine/recognition/recognizer.js';
import { intFlag, stringFlag, UsageError, type ParsedArgs } from '../args.js';
import type { Command } from '../lpr.js';

export interface FileReadResult {
  file: string;
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

export function toFileResult(file: string, decodeMs: number, recognition: FrameRecognition): FileReadResult {
  const { detectMs, ocrMs } = recognition.timings;
  return {
    file,
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
  usage: 'usage: lpr read FILE... [--json] [--threads N] [--engine auto|project|paddle] [--models DIR]',
  valuedFlags: ['threads', 'engine', 'models'],
  async run(args, ctx) {
    const files = args.positional;
    if (files.length === 0) throw new UsageError('give at least one image file');
    const json = args.flags.has('json');
    const recognizer = await createRecognizer(recognizerFlags(args));
    let failures = 0;
    try {
      for (const file of files) {
        let result: FileReadResult;
        try {
          const t0 = performance.now();
          const image = decodeImageFile(file);
          const decodeMs = performance.now() - t0;
          result = toFileResult(file, decodeMs, await recognizer.recognize(image));
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
