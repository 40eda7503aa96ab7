/**
 * ONNX Runtime plumbing shared by the models: one session per model file,
 * created once with explicit thread counts, and the BGR → float tensor
 * conversions the models need.
 */
import * as ort from 'onnxruntime-node';
import type { Mat } from '@u4/opencv4nodejs';
import fs from 'node:fs';

export interface SessionOptions {
  /** Threads for one inference (intra-op). Default 1: the MDT has few cores and several cameras. */
  readonly threads?: number;
}

export async function createSession(file: string, options: SessionOptions = {}): Promise<ort.InferenceSession> {
  if (!fs.existsSync(file)) throw new Error(`model file ${file} is missing`);
  try {
    return await ort.InferenceSession.create(file, {
      intraOpNumThreads: Math.max(1, options.threads ?? 1),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      executionProviders: ['cpu'],
      // With more than one thread, ONNX Runtime's workers spin while they wait for work. On a
      // 2-core MDT shared with other cameras that spinning takes the core the work needs: the
      // detector measured 22-31 ms at two spinning threads against 9-16 ms at one. Without it,
      // two threads are no slower than one (README, Benchmarks).
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
  } catch (error) {
    throw new Error(`cannot load model ${file}: ${(error as Error).message}`);
  }
}

export interface Normalisation {
  /** Per-channel mean and std applied after scaling to 0..1, in the tensor's channel order. */
  readonly mean: readonly [number, number, number] | readonly [number];
  readonly std: readonly [number, number, number] | readonly [number];
  /** Tensor channel order; the Mat is BGR. */
  readonly order: 'bgr' | 'rgb' | 'gray';
}

/**
 * Writes a BGR (or single-channel) Mat of exactly `width` x `height` into
 * `out` at `offset` as planar CHW floats. Pixels right of `validWidth` are
 * filled with `pad` (already normalised).
 */
export function matToChw(
  mat: Mat,
  norm: Normalisation,
  out: Float32Array,
  offset: number,
  width: number,
  height: number,
  validWidth = width,
  pad = 0,
): void {
  const src = mat.getData();
  const srcChannels = mat.channels;
  const srcWidth = mat.cols;
  const plane = width * height;
  const outChannels = norm.order === 'gray' ? 1 : 3;
  const scale = new Float32Array(outChannels);
  const shift = new Float32Array(outChannels);
  for (let c = 0; c < outChannels; c++) {
    const std = norm.std[c] ?? norm.std[0]!;
    const mean = norm.mean[c] ?? norm.mean[0]!;
    scale[c] = 1 / (255 * std);
    shift[c] = -mean / std;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = offset + y * width + x;
      if (x >= validWidth || x >= srcWidth || y >= mat.rows) {
        for (let c = 0; c < outChannels; c++) out[o + c * plane] = pad;
        continue;
      }
      const s = (y * srcWidth + x) * srcChannels;
      if (norm.order === 'gray') {
        const v = srcChannels === 1 ? src[s]! : 0.114 * src[s]! + 0.587 * src[s + 1]! + 0.299 * src[s + 2]!;
        out[o] = v * scale[0]! + shift[0]!;
      } else if (srcChannels === 1) {
        for (let c = 0; c < 3; c++) out[o + c * plane] = src[s]! * scale[c]! + shift[c]!;
      } else {
        const rgb = norm.order === 'rgb';
        out[o] = src[s + (rgb ? 2 : 0)]! * scale[0]! + shift[0]!;
        out[o + plane] = src[s + 1]! * scale[1]! + shift[1]!;
        out[o + 2 * plane] = src[s + (rgb ? 0 : 2)]! * scale[2]! + shift[2]!;
      }
    }
  }
}

export function softmaxInPlace(values: Float32Array, start: number, length: number): void {
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, values[start + i]!);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const e = Math.exp(values[start + i]! - max);
    values[start + i] = e;
    sum += e;
  }
  for (let i = 0; i < length; i++) values[start + i]! /= sum;
}

export { ort };
