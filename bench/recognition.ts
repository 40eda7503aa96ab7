/**
 * Recognition benchmark over ../shared/data/plates/us-dev (or eu, `--set eu`): per-stage
 * milliseconds (detect, OCR, total = detect + OCR, median and p90) for the
 * default path (auto: one network, the ensemble for unsure plates), the fast
 * path alone, the thorough ensemble and the PaddleOCR baseline, all at one
 * inference thread, and the default path at two threads. Every image goes through every reader in turn, so a change in
 * the machine's load falls on all of them alike. Exact reads are printed
 * alongside, so speed is never reported without accuracy.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeImageFile } from '../src/cli/commands/read.js';
import { loadAnnotatedSet } from '../src/cli/commands/eval.js';
import { createRecognizer, type EngineName } from '../src/main/engine/recognition/index.js';
import type { Effort, Recognizer } from '../src/main/engine/recognition/recognizer.js';
import { projectRoot } from '../src/main/engine/paths.js';
import { isValidationFile } from '../src/main/engine/recognition/splits.js';

interface Contender {
  readonly label: string;
  readonly engine: EngineName;
  readonly effort: Effort;
  readonly threads: number;
  recognizer?: Recognizer;
  readonly detect: number[];
  readonly ocr: number[];
  readonly total: number[];
  exact: number;
  valExact: number;
}

const at = (values: readonly number[], q: number): number => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};
const stats = (values: readonly number[]): string => `${at(values, 0.5).toFixed(1).padStart(6)} / ${at(values, 0.9).toFixed(1).padStart(6)}`;

/** The annotated scene sets the benchmark reads (`--set NAME`; us-crops has no scenes to detect in). */
const SCENE_SETS = ['us-dev', 'eu'];

export async function benchRecognition(args: readonly string[] = []): Promise<void> {
  const flag = args.indexOf('--set');
  const set = flag >= 0 ? args[flag + 1] : 'us-dev';
  if (set === undefined || !SCENE_SETS.includes(set)) {
    throw new Error(`recognition benchmark: --set ${set ?? '(no value)'}: give one of ${SCENE_SETS.join(', ')}`);
  }
  const dir = path.join(projectRoot(), '..', 'shared', 'data', 'plates', set);
  if (!fs.existsSync(dir)) {
    console.log(`recognition: skipped, ${dir} is absent`);
    return;
  }
  const { samples } = loadAnnotatedSet(dir);
  const contender = (label: string, engine: EngineName, effort: Effort, threads: number): Contender => ({ label, engine, effort, threads, detect: [], ocr: [], total: [], exact: 0, valExact: 0 });
  const contenders = [
    contender('default (auto)', 'project', 'auto', 1),
    contender('fast only', 'project', 'fast', 1),
    contender('thorough', 'project', 'thorough', 1),
    contender('PaddleOCR baseline', 'paddle', 'fast', 1),
    contender('default (auto), 2 threads', 'project', 'auto', 2),
  ];
  const warmUp = decodeImageFile(samples[0]!.file);
  for (const c of contenders) {
    c.recognizer = await createRecognizer({ engine: c.engine, threads: c.threads });
    // Warm-up (and the thorough networks' load) before anything is timed.
    await c.recognizer.recognize(warmUp, { effort: c.effort });
  }
  const val = samples.filter((s) => isValidationFile(path.basename(s.file), set)).length;
  const load0 = os.loadavg()[0]!;
  for (const sample of samples) {
    const image = decodeImageFile(sample.file);
    const held = isValidationFile(path.basename(sample.file), set);
    for (const c of contenders) {
      const { plates, timings } = await c.recognizer!.recognize(image, { effort: c.effort });
      c.detect.push(timings.detectMs);
      c.ocr.push(timings.ocrMs);
      c.total.push(timings.detectMs + timings.ocrMs);
      if (plates[0]?.plate === sample.plate) {
        c.exact++;
        if (held) c.valExact++;
      }
    }
  }
  const load1 = os.loadavg()[0]!;
  for (const c of contenders) await c.recognizer!.dispose();
  const cpu = os.cpus();
  console.log(
    `recognition: ${set}, ${samples.length} images (${val} held out), ms median / p90; ${cpu.length} x ${cpu[0]?.model.trim() ?? 'CPU'}, ` +
      `load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end`,
  );
  console.log(`  ${'reader'.padEnd(27)} ${'threads'.padStart(7)} ${'detect'.padStart(15)} ${'OCR'.padStart(15)} ${'total'.padStart(15)}   exact all / held out`);
  for (const c of contenders) {
    console.log(
      `  ${c.label.padEnd(27)} ${String(c.threads).padStart(7)} ${stats(c.detect)} ${stats(c.ocr)} ${stats(c.total)}   ` +
        `${((100 * c.exact) / samples.length).toFixed(1)}% / ${((100 * c.valExact) / Math.max(1, val)).toFixed(1)}%`,
    );
  }
  const median = (c: Contender): number => at(c.total, 0.5);
  const [auto, fast, thorough, paddle, auto2] = contenders as [Contender, Contender, Contender, Contender, Contender];
  console.log(`  default / baseline median total: ${(median(auto) / median(paddle)).toFixed(3)} (goal at most 0.15)`);
  console.log(`  fast only / baseline: ${(median(fast) / median(paddle)).toFixed(3)}; thorough / baseline: ${(median(thorough) / median(paddle)).toFixed(3)}`);
  console.log(`  default at 2 threads / at 1 thread: ${(median(auto2) / median(auto)).toFixed(3)}`);
}
