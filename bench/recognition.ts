/**
 * Recognition benchmark: per-stage milliseconds (decode, detect, OCR, total)
 * over ../shared/data/plates/us-dev at 1 and 2 inference threads, with the
 * exact-read rate alongside so speed is never reported without accuracy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeImageFile } from '../src/cli/commands/read.js';
import { loadAnnotatedSet } from '../src/cli/commands/eval.js';
import { createRecognizer, type EngineName } from '../src/main/engine/recognition/index.js';
import { projectRoot } from '../src/main/engine/paths.js';
import { isValidationFile } from '../src/main/engine/recognition/splits.js';

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return `median ${at(0.5).toFixed(1)}  p90 ${at(0.9).toFixed(1)}  max ${at(1).toFixed(1)}`;
}

export async function benchRecognition(engines: EngineName[] = ['auto']): Promise<void> {
  const dir = path.join(projectRoot(), '..', 'shared', 'data', 'plates', 'us-dev');
  if (!fs.existsSync(dir)) {
    console.log(`recognition: skipped, ${dir} is absent`);
    return;
  }
  const { samples } = loadAnnotatedSet(dir);
  for (const engine of engines) {
    for (const threads of [1, 2]) {
      const recognizer = await createRecognizer({ engine, threads });
      const decode: number[] = [];
      const detect: number[] = [];
      const ocr: number[] = [];
      const total: number[] = [];
      let exact = 0;
      let valExact = 0;
      let valCount = 0;
      // One warm-up image so first-run allocation does not count.
      await recognizer.recognize(decodeImageFile(samples[0]!.file));
      for (const sample of samples) {
        const t0 = performance.now();
        const image = decodeImageFile(sample.file);
        const t1 = performance.now();
        const result = await recognizer.recognize(image);
        decode.push(t1 - t0);
        detect.push(result.timings.detectMs);
        ocr.push(result.timings.ocrMs);
        total.push(t1 - t0 + result.timings.detectMs + result.timings.ocrMs);
        const right = result.plates[0]?.plate === sample.plate;
        if (right) exact++;
        if (isValidationFile(path.basename(sample.file), 'us-dev')) {
          valCount++;
          if (right) valExact++;
        }
      }
      await recognizer.dispose();
      console.log(
        `recognition: ${recognizer.name}, ${threads} thread(s), us-dev ${samples.length} images, exact ${((100 * exact) / samples.length).toFixed(1)}% ` +
          `(held-out split, never trained on: ${((100 * valExact) / Math.max(1, valCount)).toFixed(1)}% of ${valCount})`,
      );
      console.log(`  decode ms  ${stats(decode)}`);
      console.log(`  detect ms  ${stats(detect)}`);
      console.log(`  ocr ms     ${stats(ocr)}`);
      console.log(`  total ms   ${stats(total)}`);
    }
  }
}
