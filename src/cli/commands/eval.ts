/**
 * `lpr eval DIR [--engine E] [--models DIR] [--threads N] [--json] [--split all|val]`:
 * measures a recognizer on an annotated set: scene folders with NAME.txt
 * beside each image (`NAME.jpg<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE`, a line per
 * annotated plate) or a crop
 * folder with groundtruth.csv (`file,state,plate`). Prints exact top-1,
 * top-5, state accuracy and ms per image. The strings are compared as they
 * are (upper case, letters and digits only); the top-1 figure is also given
 * with OCR look-alikes folded (0/O/D/Q, 1/I/L/T, 2/Z, 5/S, 8/B, 6/G), which is
 * how a read is matched against the hot lists. In a scene, the read scored is
 * the one at the annotated plate (the detection whose box overlaps the
 * annotated box the most), not whichever plate of the scene was read most
 * confidently: other cars' plates are read too, but are not annotated.
 */
import type { Mat } from '@u4/opencv4nodejs';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { foldPlate } from '../../main/engine/hotlist/plate.js';
import { readJsonFile } from '../../main/engine/json-file.js';
import { iou } from '../../main/engine/recognition/geometry.js';
import { createRecognizer } from '../../main/engine/recognition/index.js';
import type { Box } from '../../main/engine/recognition/types.js';
import { isValidationFile } from '../../main/engine/recognition/splits.js';
import { stringFlag, UsageError } from '../args.js';
import { CommandFailed } from '../context.js';
import type { Command } from '../lpr.js';
import { decodeImageFile, effortFlag, recognizerFlags } from './read.js';
import { DEFAULT_EFFORT } from '../../main/engine/recognition/recognizer.js';

interface Sample {
  readonly file: string;
  readonly plate: string;
  /** The annotation's own plate when an erratum replaced it (`plate` is then the corrected one). */
  readonly annotated?: string;
  readonly state: string | null;
  /** The annotated plate's box in a scene; null for a crop (the whole image is the plate). */
  readonly box: Box | null;
}

const clean = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

export function loadAnnotatedSet(dir: string): { kind: 'scenes' | 'crops'; samples: Sample[] } {
  const csv = path.join(dir, 'groundtruth.csv');
  if (fs.existsSync(csv)) {
    const samples: Sample[] = [];
    fs.readFileSync(csv, 'utf8')
      .split(/\r?\n/)
      .forEach((line, i) => {
        if (line.trim() === '') return;
        const [file, state, plate] = line.split(',');
        if (!file || plate === undefined) throw new CommandFailed(`${csv}:${i + 1}: expected file,state,plate`);
        if (i === 0 && file.trim().toLowerCase() === 'file') return; // a header line
        if (clean(plate) === '') throw new CommandFailed(`${csv}:${i + 1}: the plate of ${file.trim()} is empty (letters and digits expected)`);
        samples.push({ file: path.join(dir, file.trim()), plate: clean(plate), state: state?.trim() ? state.trim().toUpperCase() : null, box: null });
      });
    return { kind: 'crops', samples };
  }
  const samples: Sample[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith('.txt')) continue;
    const where = path.join(dir, name);
    // One line per annotated plate: a scene may annotate several.
    fs.readFileSync(where, 'utf8')
      .split(/\r?\n/)
      .forEach((line, i) => {
        if (line.trim() === '') return;
        const fields = line.split('\t');
        if (fields.length < 6) throw new CommandFailed(`${where}:${i + 1}: expected 6 tab-separated fields`);
        if (clean(fields[5]!) === '') throw new CommandFailed(`${where}:${i + 1}: the plate (6th field) is empty (letters and digits expected)`);
        const [x, y, w, h] = fields.slice(1, 5).map((f) => Number(f.trim())) as [number, number, number, number];
        if ([x, y, w, h].some((v) => !Number.isFinite(v) || v < 0) || w <= 0 || h <= 0) {
          throw new CommandFailed(`${where}:${i + 1}: the box (fields 2-5: x, y, width, height) must be numbers, width and height above 0; got ${fields.slice(1, 5).join(' ')}`);
        }
        samples.push({ file: path.join(dir, fields[0]!.trim()), plate: clean(fields[5]!), state: null, box: [x, y, w, h] });
      });
  }
  if (samples.length === 0) throw new CommandFailed(`${dir} has no annotations (NAME.txt files or groundtruth.csv)`);
  return { kind: 'scenes', samples };
}

/**
 * A correction to a published annotation that its image contradicts: in the
 * set named `set` (the folder's name), the plate annotated `annotated` on
 * `file` is scored as `corrected`. `reason` says what the image shows.
 */
const plateText = z
  .string()
  .transform(clean)
  .refine((plate) => plate !== '', 'needs letters or digits');
const erratumSchema = z
  .object({
    set: z.string().trim().min(1),
    file: z.string().trim().min(1),
    annotated: plateText,
    corrected: plateText,
    reason: z.string().trim().min(1),
  })
  .refine((e) => e.annotated !== e.corrected, { message: '"corrected" is the same as "annotated"', path: ['corrected'] });
export type Erratum = z.infer<typeof erratumSchema>;

/** Reads an errata file (a JSON array of errata), naming the entry and field that is wrong. */
export function loadErrata(where: string): Erratum[] {
  try {
    return readJsonFile(where, z.array(erratumSchema), `--errata ${where}`);
  } catch (error) {
    throw new CommandFailed((error as Error).message);
  }
}

/**
 * The samples with this set's errata applied. Each erratum of the set must
 * find its plate as annotated: one that no longer does (the file or its
 * annotation changed) is refused rather than silently dropped.
 */
export function applyErrata(samples: readonly Sample[], setName: string, errata: readonly Erratum[]): Sample[] {
  const out = [...samples];
  for (const erratum of errata) {
    if (erratum.set !== setName) continue;
    const at = out.findIndex((s) => path.basename(s.file) === erratum.file && s.plate === erratum.annotated && s.annotated === undefined);
    if (at < 0 && out.some((s) => path.basename(s.file) === erratum.file && s.annotated === erratum.annotated)) {
      throw new CommandFailed(`erratum for ${setName}/${erratum.file}: ${erratum.annotated} is corrected twice`);
    }
    if (at < 0) {
      const onFile = samples.filter((s) => path.basename(s.file) === erratum.file).map((s) => s.plate);
      throw new CommandFailed(
        onFile.length === 0
          ? `erratum for ${setName}/${erratum.file}: the set has no annotation of that file`
          : `erratum for ${setName}/${erratum.file}: it corrects ${erratum.annotated}, but the file is annotated ${onFile.join(', ')}`,
      );
    }
    out[at] = { ...out[at]!, plate: erratum.corrected, annotated: erratum.annotated };
  }
  return out;
}

/**
 * How one image counts: its best reading exactly as annotated (top1), the same
 * once look-alikes are folded as the hot lists fold them (folded), the
 * annotation among the best reading and the first five candidates (top5).
 */
export function scoreReading(want: string, best: string | undefined, candidates: readonly string[]): { top1: boolean; folded: boolean; top5: boolean } {
  const top1 = best === want;
  return {
    top1,
    folded: best !== undefined && best !== '' && foldPlate(best) === foldPlate(want),
    top5: top1 || candidates.slice(0, 5).includes(want),
  };
}

/**
 * The read at the annotated plate: the one whose box overlaps `box` the most
 * (intersection over union), or undefined when none overlaps it at all. With
 * no box (a crop), the best read.
 */
export function readAtAnnotation<T extends { readonly box: Box }>(plates: readonly T[], box: Box | null): T | undefined {
  if (box === null) return plates[0];
  let found: T | undefined;
  let most = 0;
  for (const plate of plates) {
    const overlap = iou(plate.box, box);
    if (overlap > most) {
      most = overlap;
      found = plate;
    }
  }
  return found;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
};

export const command: Command = {
  summary: 'measure reading accuracy on an annotated set',
  usage: [
    'usage: lpr eval DIR [--engine auto|project|paddle] [--models DIR] [--threads N] [--split all|val|train]',
    '                    [--fast | --thorough | --effort fast|auto|thorough] [--errata FILE] [--json] [--show-misses]',
    '',
    'DIR holds scenes, each image with NAME.txt beside it (NAME.jpg<TAB>x<TAB>y<TAB>width<TAB>height<TAB>PLATE,',
    'the box in pixels, a line per annotated plate), or crops listed in DIR/groundtruth.csv',
    '(file,state,plate; the state may be empty), each crop being one plate.',
    '',
    'Prints exact top-1 (the read equals the annotation), top-5 (the annotation is among that read\'s',
    'top five candidates), top-1 with look-alikes folded (0/O, 8/B, 5/S ... counted equal, as the hot',
    'lists match a read), the state right on crops annotated with one, and the median ms per image.',
    'In a scene the read scored is the one at the annotated plate (the detection whose box overlaps',
    'the annotated box the most; other cars\' plates are read but not annotated); a crop\'s is its best',
    'read. --show-misses lists every image whose read is not exact. --split val reads only the',
    'held-out images (the ones no model was trained on). Each annotated plate is scored, and the',
    'figures are shares of the annotated plates.',
    '',
    '--errata FILE scores the plates a JSON errata file corrects (entries {set, file, annotated,',
    'corrected, reason}, set being the folder\'s name) as corrected, and counts them; an erratum whose',
    'plate is no longer annotated so is refused. Without it the annotations are scored as they are.',
    '',
    'Effort as in lpr read; the default is auto, the cameras\' path.',
  ].join('\n'),
  valuedFlags: ['engine', 'threads', 'split', 'models', 'effort', 'errata'],
  async run(args, ctx) {
    const dir = args.positional[0];
    if (!dir) throw new UsageError('give the annotated folder');
    if (!fs.existsSync(dir)) throw new CommandFailed(`${dir} does not exist`);
    const split = stringFlag(args, 'split') ?? 'all';
    if (!['all', 'val', 'train'].includes(split)) throw new UsageError('--split must be all, val or train');
    const options = recognizerFlags(args);
    const effort = effortFlag(args, DEFAULT_EFFORT);
    const { threads } = options;
    const set = loadAnnotatedSet(dir);
    const setName = path.basename(path.resolve(dir));
    const errataFile = stringFlag(args, 'errata');
    if (errataFile !== undefined && !fs.existsSync(errataFile)) throw new UsageError(`--errata: ${errataFile} does not exist`);
    const judged = errataFile === undefined ? set.samples : applyErrata(set.samples, setName, loadErrata(errataFile));
    const samples = split === 'all' ? judged : judged.filter((s) => isValidationFile(path.basename(s.file), setName) === (split === 'val'));
    const recognizer = await createRecognizer(options);
    let top1 = 0;
    let top5 = 0;
    let folded = 0;
    let stateKnown = 0;
    let stateRight = 0;
    let stateGiven = 0;
    const ms: number[] = [];
    const misses: string[] = [];
    try {
      // Each image is read once, however many of its plates are annotated.
      const byImage = new Map<string, Sample[]>();
      for (const sample of samples) {
        const same = byImage.get(sample.file);
        if (same) same.push(sample);
        else byImage.set(sample.file, [sample]);
      }
      for (const [file, annotated] of byImage) {
        let image: Mat;
        try {
          image = decodeImageFile(file);
        } catch (error) {
          throw new CommandFailed(`${file}: ${(error as Error).message}`);
        }
        const t0 = performance.now();
        const result = set.kind === 'crops' && recognizer.readCrop ? { plates: [await recognizer.readCrop(image, { effort })] } : await recognizer.recognize(image, { effort });
        ms.push(performance.now() - t0);
        for (const sample of annotated) {
          const best = readAtAnnotation(result.plates, sample.box);
          const candidates = best ? best.candidates.map((c) => c.plate) : [];
          const score = scoreReading(sample.plate, best?.plate, candidates);
          if (score.top1) top1++;
          else {
            const none = result.plates.length > 0 && set.kind === 'scenes' ? '(no read at the annotated plate)' : '(none)';
            const want = sample.annotated === undefined ? sample.plate : `${sample.plate} (annotated ${sample.annotated}, erratum)`;
            misses.push(`${path.basename(file)}: want ${want}, got ${best?.plate ?? none}${score.folded ? ' (look-alikes only)' : ''}`);
          }
          if (score.folded) folded++;
          if (score.top5) top5++;
          if (sample.state) {
            stateGiven++;
            if (best?.state) {
              stateKnown++;
              if (best.state === sample.state) stateRight++;
            }
          }
        }
      }
    } finally {
      await recognizer.dispose();
    }
    const n = samples.length;
    const summary = {
      set: dir,
      split,
      recognizer: recognizer.name,
      effort,
      images: ms.length,
      plates: n,
      errataApplied: samples.filter((s) => s.annotated !== undefined).length,
      exactTop1: top1 / n,
      exactTop5: top5 / n,
      foldedTop1: folded / n,
      stateRightOfGiven: stateGiven ? stateRight / stateGiven : null,
      stateAnsweredOfGiven: stateGiven ? stateKnown / stateGiven : null,
      medianMs: Number(median(ms).toFixed(1)),
      meanMs: Number((ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length)).toFixed(1)),
      threads,
    };
    if (args.flags.has('json')) ctx.stdout(JSON.stringify(summary));
    else {
      const counted = n === ms.length ? `${n} images` : `${n} plates in ${ms.length} images`;
      ctx.stdout(`${summary.recognizer} (${effort}) on ${dir} (${split}, ${counted}, ${threads} thread${threads > 1 ? 's' : ''})`);
      ctx.stdout(`  exact top-1 ${(summary.exactTop1 * 100).toFixed(1)}%   top-5 ${(summary.exactTop5 * 100).toFixed(1)}%   median ${summary.medianMs} ms/image`);
      ctx.stdout(`  top-1 with look-alikes folded, as the hot lists match: ${(summary.foldedTop1 * 100).toFixed(1)}%`);
      if (errataFile !== undefined) ctx.stdout(`  annotation errata applied to ${summary.errataApplied} plate${summary.errataApplied === 1 ? '' : 's'} (${errataFile})`);
      if (stateGiven) ctx.stdout(`  state right ${((summary.stateRightOfGiven ?? 0) * 100).toFixed(1)}% of ${stateGiven} (answered ${((summary.stateAnsweredOfGiven ?? 0) * 100).toFixed(1)}%)`);
    }
    if (args.flags.has('show-misses')) for (const miss of misses) ctx.stderr(miss);
    return 0;
  },
};
