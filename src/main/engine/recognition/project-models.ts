/**
 * The project's own plate detector and plate OCR (models/plate-detector.*,
 * models/plate-ocr.*). Each model's JSON card-companion says how to feed it
 * and decode it; this module mirrors that exactly and wires both into the
 * two-stage recognizer.
 */
import type { Mat } from '@u4/opencv4nodejs';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../json-file.js';
import cv from '../opencv.js';
import { ctcDecodeFrames, ctcFrames, ctcTextProbability, type CtcFrames } from './ctc.js';
import { dropUnsupportedEnd } from './ends.js';
import { cropBox } from './geometry.js';
import { joinedWins, splitTwoLines } from './layout.js';
import { createSession, matToChw, ort } from './onnx.js';
import { DEFAULT_EFFORT, plateCrop, TwoStageRecognizer, type Effort, type PlateRecognition, type Recognizer } from './recognizer.js';
import { PlateSyntax, rerankWithSyntax } from './syntax.js';
import type { Box, DetectedPlate, PlateDetector, PlateReader, PlateText, Quad } from './types.js';

const detectorSpecSchema = z.object({
  input: z.object({
    name: z.string(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    letterbox: z.object({ pad_value: z.number() }),
    /**
     * When set, the network takes any canvas whose sides are multiples of this (up to width x
     * height): the canvas is cut down to the frame's letterboxed size rounded up to it, so a
     * frame narrower than the canvas's 5:3 costs fewer pixels at the same scale.
     */
    size_multiple: z.number().int().positive().optional(),
  }).refine((i) => !i.size_multiple || (i.width % i.size_multiple === 0 && i.height % i.size_multiple === 0), {
    message: 'width and height must be multiples of size_multiple',
  }),
  outputs: z.tuple([
    z.object({ name: z.string(), stride: z.number().positive() }),
    z.object({ name: z.string(), stride: z.number().positive() }),
  ]),
  postprocess: z.object({
    prob_threshold: z.number(),
    min_cells: z.number().int(),
    score_threshold: z.number(),
    max_detections: z.number().int().positive(),
  }),
});

const ocrSpecSchema = z.object({
  input: z.object({
    name: z.string(),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    channels: z.union([z.literal(1), z.literal(3)]),
    'colour order': z.enum(['RGB', 'BGR', 'GRAY']),
    mean: z.array(z.number()).min(1).max(3),
    std: z.array(z.number()).min(1).max(3),
  }),
  alphabet: z.string().regex(/^[0-9A-Z]+$/),
  blank: z.number().int().nonnegative(),
  outputs: z.object({ chars: z.object({}).passthrough(), state: z.object({}).passthrough().optional() }),
  states: z.array(z.string()).optional(),
  /** Exact reads on the held-out splits when the network was exported (training/eval.py). */
  validation: z.record(z.string(), z.object({ n: z.number().int().nonnegative(), exact: z.number().min(0).max(1) }).passthrough()).optional(),
});

function readSpec<T>(file: string, schema: z.ZodType<T>): T {
  return readJsonFile(file, schema, `model description ${file}`);
}

/** Plate detector: a probability map and per-cell corner offsets at a fixed stride. */
export class ProjectPlateDetector implements PlateDetector {
  readonly name = 'plate-detector';
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: z.infer<typeof detectorSpecSchema>,
  ) {}

  static async create(modelDir: string, threads: number): Promise<ProjectPlateDetector> {
    const spec = readSpec(path.join(modelDir, 'plate-detector.json'), detectorSpecSchema);
    return new ProjectPlateDetector(await createSession(path.join(modelDir, 'plate-detector.onnx'), { threads }), spec);
  }

  async detect(frame: Mat): Promise<DetectedPlate[]> {
    const { letterbox } = this.spec.input;
    const { s, rw, rh, W, H } = detectorCanvas(frame.cols, frame.rows, this.spec.input);
    const pad = letterbox.pad_value * 255;
    // BGR as decoded, scaled to 0..1, padded right and below; all in OpenCV (a loop in JS took
    // 12 ms of a 640x384 frame, this 1.5 ms). A buffer per call: cameras run concurrently.
    // Each step's Mat is freed as soon as the next is made (several MB a frame that the GC,
    // not told of OpenCV's memory, would otherwise leave for later; see opencv-quiet.ts).
    const resized = frame.resize(rh, rw, 0, 0, cv.INTER_LINEAR);
    const canvas = resized.copyMakeBorder(0, H - rh, 0, W - rw, cv.BORDER_CONSTANT, new cv.Vec3(pad, pad, pad));
    resized.release();
    const input = new Float32Array(3 * W * H);
    canvas.splitChannels().forEach((channel, c) => {
      const scaled = channel.convertTo(cv.CV_32F, 1 / 255);
      const plane = scaled.getData();
      input.set(new Float32Array(plane.buffer, plane.byteOffset, W * H), c * W * H);
      scaled.release();
      channel.release();
    });
    canvas.release();
    const out = await this.session.run({ [this.spec.input.name]: new ort.Tensor('float32', input, [1, 3, H, W]) });
    const probT = out[this.spec.outputs[0].name]!;
    const cornersT = out[this.spec.outputs[1].name]!;
    const [, , OH, OW] = probT.dims as [number, number, number, number];
    return decodePlateMap(probT.data as Float32Array, cornersT.data as Float32Array, OW, OH, this.spec.outputs[0].stride, s, this.spec.postprocess, frame.cols, frame.rows);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * The detector's letterbox for a frame: scale s = min(width / frameWidth, height / frameHeight),
 * the resized frame's size (rw x rh, top-left on the canvas) and the canvas (W x H): the full
 * width x height, or with `size_multiple` the resized size rounded up to it, so that a frame of
 * another shape than the canvas is not padded out to it.
 */
export function detectorCanvas(
  frameWidth: number,
  frameHeight: number,
  input: { readonly width: number; readonly height: number; readonly size_multiple?: number | undefined },
): { s: number; rw: number; rh: number; W: number; H: number } {
  if (!(frameWidth > 0 && frameHeight > 0)) throw new Error(`plate detector: frame of ${frameWidth} x ${frameHeight} pixels has no area`);
  const { width: maxW, height: maxH, size_multiple: multiple } = input;
  const s = Math.min(maxW / frameWidth, maxH / frameHeight);
  const rw = Math.max(1, Math.min(maxW, Math.round(frameWidth * s)));
  const rh = Math.max(1, Math.min(maxH, Math.round(frameHeight * s)));
  const W = multiple ? Math.min(maxW, Math.ceil(rw / multiple) * multiple) : maxW;
  const H = multiple ? Math.min(maxH, Math.ceil(rh / multiple) * multiple) : maxH;
  return { s, rw, rh, W, H };
}

/** Connected components of the thresholded map; each gives one plate with probability-weighted corners. */
export function decodePlateMap(
  prob: Float32Array,
  corners: Float32Array,
  OW: number,
  OH: number,
  stride: number,
  scale: number,
  pp: { prob_threshold: number; min_cells: number; score_threshold: number; max_detections: number },
  frameWidth: number,
  frameHeight: number,
): DetectedPlate[] {
  const plane = OW * OH;
  const seen = new Uint8Array(plane);
  const stack: number[] = [];
  const found: DetectedPlate[] = [];
  for (let start = 0; start < plane; start++) {
    if (seen[start] || prob[start]! <= pp.prob_threshold) continue;
    let cells = 0;
    let peak = 0;
    let weight = 0;
    const acc = new Float64Array(8);
    stack.push(start);
    seen[start] = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      const row = Math.floor(i / OW);
      const col = i - row * OW;
      const p = prob[i]!;
      cells++;
      peak = Math.max(peak, p);
      weight += p;
      const cx = stride * col + stride / 2;
      const cy = stride * row + stride / 2;
      for (let k = 0; k < 4; k++) {
        acc[2 * k]! += p * (cx + corners[2 * k * plane + i]!);
        acc[2 * k + 1]! += p * (cy + corners[(2 * k + 1) * plane + i]!);
      }
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const r = row + dy;
        const c = col + dx;
        if (r < 0 || c < 0 || r >= OH || c >= OW) continue;
        const j = r * OW + c;
        if (!seen[j] && prob[j]! > pp.prob_threshold) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    if (cells < pp.min_cells || peak < pp.score_threshold) continue;
    const quad = [0, 1, 2, 3].map((k) => [
      Math.min(frameWidth - 1, Math.max(0, acc[2 * k]! / weight / scale)),
      Math.min(frameHeight - 1, Math.max(0, acc[2 * k + 1]! / weight / scale)),
    ]) as unknown as Quad;
    const xs = quad.map((q) => q[0]);
    const ys = quad.map((q) => q[1]);
    const box: Box = [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
    if (box[2] < 2 || box[3] < 2) continue;
    found.push({ box, quad, score: peak });
  }
  return found.sort((a, b) => b.score - a.score).slice(0, pp.max_detections);
}

/** One OCR network and the description it was exported with. */
interface OcrMember {
  readonly file: string;
  readonly session: ort.InferenceSession;
  readonly spec: z.infer<typeof ocrSpecSchema>;
  readonly charOf: readonly (string | null)[];
  /** Its state head lists the same states, in the same order, as the first network's: the two can be averaged. */
  readonly sameStates: boolean;
}

/** One member's output for one crop. */
interface MemberOutput {
  readonly frames: CtcFrames;
  /** Probabilities over the first network's states; null when this network has none or lists others. */
  readonly state: Float32Array | null;
}

/**
 * The OCR networks in a model folder: plate-ocr.onnx, then plate-ocr-2.onnx,
 * plate-ocr-3.onnx ... when present (each with its .json). More than one makes
 * an ensemble.
 */
export function ocrModelFiles(modelDir: string): string[] {
  const extra = fs
    .readdirSync(modelDir)
    .map((f) => /^plate-ocr-(\d+)\.onnx$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((x, y) => Number(x[1]) - Number(y[1]))
    .map((m) => m[0]);
  return ['plate-ocr.onnx', ...extra].map((f) => path.join(modelDir, f));
}

/** The single network distilled from the ensemble for the fast path, when the folder has it. */
export const FAST_OCR_FILE = 'plate-ocr-fast.onnx';

/**
 * The one OCR network of the fast path: plate-ocr-fast.onnx when present,
 * else the ensemble member whose description counts the most exact reads on
 * the held-out splits (the first such on a tie).
 */
export function fastOcrFile(modelDir: string): string {
  const fast = path.join(modelDir, FAST_OCR_FILE);
  if (fs.existsSync(fast)) return fast;
  let best = { file: '', reads: -1 };
  for (const file of ocrModelFiles(modelDir)) {
    const spec = readSpec(file.replace(/\.onnx$/, '.json'), ocrSpecSchema);
    const reads = Object.values(spec.validation ?? {}).reduce((sum, v) => sum + Math.round(v.n * v.exact), 0);
    if (reads > best.reads) best = { file, reads };
  }
  return best.file;
}

/**
 * Plate OCR: fixed-size crop in, CTC character probabilities and a state
 * classifier out. With several networks (an ensemble) or several views of a
 * plate, every candidate any network proposes for any view is scored under
 * each (network, view) with the exact CTC probability, and the candidates are
 * ranked by the mean: the probability under the mixture. State probabilities
 * are averaged the same way. With plate formats (models/plate-syntax.json),
 * readings that differ only in look-alike characters share their probability
 * by how common their format is for the state (see syntax.ts).
 */
export class ProjectPlateReader implements PlateReader {
  readonly name: string;
  private constructor(
    private readonly members: readonly OcrMember[],
    private readonly minStateConfidence: number,
    private readonly syntax: PlateSyntax | null,
    private readonly settleAt: number,
  ) {
    this.name = members.length === 1 ? path.basename(members[0]!.file, '.onnx') : `plate-ocr x${members.length}`;
  }

  /**
   * The networks in modelDir (or only options.files), and the plate formats of
   * models/plate-syntax.json when that file is there (options.syntax false
   * leaves it out). settleAt: a plate read at least this probably in its first
   * view is not read in its further views (default SETTLE_AT; above 1, every
   * view is always read).
   */
  static async create(
    modelDir: string,
    threads: number,
    options: { minStateConfidence?: number; syntax?: boolean; settleAt?: number; files?: readonly string[] } = {},
  ): Promise<ProjectPlateReader> {
    const syntax = options.syntax === false ? null : PlateSyntax.load(path.join(modelDir, 'plate-syntax.json'));
    const members: OcrMember[] = [];
    for (const file of options.files ?? ocrModelFiles(modelDir)) {
      const spec = readSpec(file.replace(/\.onnx$/, '.json'), ocrSpecSchema);
      const classes = spec.alphabet.length + 1;
      const charOf = Array.from({ length: classes }, (_, i) => (i === spec.blank ? null : spec.alphabet[i < spec.blank ? i : i - 1]!));
      const first = members[0]?.spec.states ?? spec.states ?? [];
      const own = spec.states ?? [];
      const sameStates = own.length > 0 && own.length === first.length && own.every((st, j) => st === first[j]);
      members.push({ file, session: await createSession(file, { threads }), spec, charOf, sameStates });
    }
    return new ProjectPlateReader(members, options.minStateConfidence ?? 0.3, syntax, options.settleAt ?? SETTLE_AT);
  }

  private async runMember(m: OcrMember, crops: readonly Mat[]): Promise<MemberOutput[]> {
    const { height: H, width: W, channels: C, mean, std } = m.spec.input;
    const order = m.spec.input['colour order'] === 'RGB' ? 'rgb' : m.spec.input['colour order'] === 'BGR' ? 'bgr' : 'gray';
    const input = new Float32Array(crops.length * C * H * W);
    crops.forEach((crop, i) => {
      const resized = crop.resize(H, W, 0, 0, cv.INTER_LINEAR);
      matToChw(resized, { mean: mean as [number, number, number], std: std as [number, number, number], order }, input, i * C * H * W, W, H);
      resized.release();
    });
    const out = await m.session.run({ [m.spec.input.name]: new ort.Tensor('float32', input, [crops.length, C, H, W]) });
    const chars = out['chars'] ?? out[m.session.outputNames[0]!]!;
    const [, steps, classes] = chars.dims as [number, number, number];
    if (classes !== m.charOf.length) throw new Error(`${m.file}: ${classes} output classes, but its description lists ${m.charOf.length - 1} characters and a blank`);
    const probs = chars.data as Float32Array;
    const S = m.spec.states?.length ?? 0;
    const state = out['state'] && m.sameStates ? (out['state'].data as Float32Array) : null;
    return crops.map((_, i) => ({
      frames: ctcFrames(probs, i * steps * classes, steps, classes, m.charOf),
      state: state ? state.subarray(i * S, (i + 1) * S) : null,
    }));
  }

  async read(crops: readonly Mat[]): Promise<PlateText[]> {
    return this.readViews(crops);
  }

  /**
   * Every crop through every network (one batch each). A crop narrow enough to
   * be a two-line plate, with a clear gap between two rows, is also read with
   * its rows joined (layout.ts), and that reading replaces the one-row reading
   * when `joinedWins`. A plate whose reading is then at least `settleAt`
   * probable is done; for each of the others `moreViews(i)` is asked for
   * further views of plate i (cut only then, and joined the same way when its
   * rows were), and they join the same mixture.
   */
  async readViews(crops: readonly Mat[], moreViews: (index: number) => readonly Mat[] = () => []): Promise<PlateText[]> {
    if (crops.length === 0) return [];
    const joined = crops.map((crop) => splitTwoLines(crop));
    const twoLine = joined.flatMap((j, i) => (j ? [i] : []));
    const first = await this.runAll([...crops, ...twoLine.map((i) => joined[i]!)]);
    const outs = crops.map((_, i) => first.map((o) => o[i]!));
    const results = outs.map((o) => this.combine(o));
    const rowsJoined = new Set<number>();
    twoLine.forEach((i, k) => {
      const o = first.map((member) => member[crops.length + k]!);
      const text = this.combine(o);
      if (!joinedWins(text, results[i]!)) return;
      outs[i] = o;
      results[i] = text;
      rowsJoined.add(i);
    });
    const unsure = results.flatMap((r, i) => (r.confidence < this.settleAt ? [i] : []));
    const further = unsure.map((i) => {
      const views = moreViews(i);
      return rowsJoined.has(i) ? views.flatMap((v) => splitTwoLines(v) ?? []) : views;
    });
    if (further.every((v) => v.length === 0)) return results;
    const extra = await this.runAll(further.flat());
    let start = 0;
    unsure.forEach((i, u) => {
      const n = further[u]!.length;
      if (n === 0) return;
      for (const o of extra) outs[i]!.push(...o.slice(start, start + n));
      start += n;
      results[i] = this.combine(outs[i]!);
    });
    return results;
  }

  /** The crops through every network, one after the other, so --threads N means N inference threads in all. */
  private async runAll(crops: readonly Mat[]): Promise<MemberOutput[][]> {
    const outputs: MemberOutput[][] = [];
    for (const m of this.members) outputs.push(await this.runMember(m, crops));
    return outputs;
  }

  /**
   * One plate's outputs, one per (network, view). One output is the same rule
   * with a mixture of one: its beam candidates ranked by their exact probability.
   * With several, a reading's end character that fewer than half of the
   * outputs' greedy paths have gives way to the reading without it (ends.ts).
   */
  private combine(outs: readonly MemberOutput[]): PlateText {
    const decoded = outs.map((o) => ctcDecodeFrames(o.frames, 10, 5));
    const texts = new Set(decoded.flatMap((d) => d.candidates.map((c) => c.text)));
    const probability = (plate: string): number => outs.reduce((sum, o) => sum + ctcTextProbability(o.frames, plate), 0) / outs.length;
    const scored = [...texts].map((plate) => ({ plate, confidence: probability(plate) })).sort((x, y) => y.confidence - x.confidence);
    const { code, confidence: stateConfidence, distribution } = this.state(outs);
    const ranked = (this.syntax ? rerankWithSyntax(scored, probability, this.syntax.priorGiven(distribution)) : scored).slice(0, 5);
    // An end character most (network, view) pairs do not see there is dropped (ends.ts); one output has nothing to weigh.
    const candidates = outs.length > 1 ? dropUnsupportedEnd(ranked, decoded.map((d) => d.greedy.text)) : ranked;
    const bestText = candidates[0]?.plate ?? '';
    const agreeing = decoded.map((d) => d.greedy).filter((g) => g.text === bestText);
    const charConfidences =
      agreeing.length > 0
        ? Array.from(bestText, (_, k) => agreeing.reduce((sum, g) => sum + g.confidences[k]!, 0) / agreeing.length)
        : Array.from(bestText, () => Math.pow(candidates[0]?.confidence ?? 0, 1 / Math.max(1, bestText.length)));
    const best = candidates[0];
    return {
      plate: best?.plate ?? '',
      confidence: best?.confidence ?? 0,
      charConfidences,
      candidates,
      state: code,
      stateConfidence,
    };
  }

  /** Mean state probabilities over the outputs of the networks that share the first one's state list. */
  private state(outs: readonly MemberOutput[]): { code: string | null; confidence: number; distribution: { code: string; p: number }[] } {
    const states = this.members[0]!.spec.states ?? [];
    const S = states.length;
    const sum = new Float64Array(S);
    let n = 0;
    for (const o of outs) {
      if (!o.state) continue;
      for (let j = 0; j < S; j++) sum[j]! += o.state[j]!;
      n++;
    }
    if (n === 0) return { code: null, confidence: 0, distribution: [] };
    let best = 0;
    for (let j = 1; j < S; j++) if (sum[j]! > sum[best]!) best = j;
    const confidence = sum[best]! / n;
    const code = states[best]!;
    const distribution = states.map((st, j) => ({ code: st, p: sum[j]! / n }));
    return { code: /^[A-Z]{2}$/.test(code) && confidence >= this.minStateConfidence ? code : null, confidence, distribution };
  }

  async dispose(): Promise<void> {
    for (const m of this.members) await m.session.release();
  }
}

/**
 * A plate whose reading in the detector's crop is at least this probable is
 * not read in the further views: they cost an OCR pass through every network
 * each, and they are there for the plates the networks are unsure of.
 */
export const SETTLE_AT = 0.9;

/**
 * The views every plate is read in besides the detector's crop (margin 0.02):
 * one cut 0.05 of the plate's size tighter on each side and one 0.05 looser.
 */
export const DEFAULT_VIEW_MARGINS: readonly number[] = [-0.03, 0.07];

/**
 * Further crop margins each plate is read with (test-time augmentation), from
 * LPR_OCR_VIEWS: comma-separated fractions of the plate size, e.g. "-0.01,0.06",
 * or "none" to read each plate once. Unset: DEFAULT_VIEW_MARGINS.
 */
export function viewMargins(raw = process.env.LPR_OCR_VIEWS): number[] {
  if (raw === undefined) return [...DEFAULT_VIEW_MARGINS];
  if (raw.trim() === '' || raw.trim().toLowerCase() === 'none') return [];
  return raw.split(',').map((part) => {
    const v = Number(part.trim());
    if (!Number.isFinite(v) || v < -0.2 || v > 0.5) throw new Error(`LPR_OCR_VIEWS: "${part}" is not a margin between -0.2 and 0.5`);
    return v;
  });
}

/**
 * Two-stage recognizer over the project's models: the detector, the fast
 * path's one network, and the ensemble over several views for effort
 * "thorough" (loaded on first use). Reads bare crops without the detector.
 */
class ProjectRecognizer extends TwoStageRecognizer implements Recognizer {
  constructor(detector: ProjectPlateDetector, fast: ProjectPlateReader, loadThorough: () => Promise<ProjectPlateReader>, extraViewMargins: readonly number[]) {
    super(detector, fast, { maxPlates: 4, minConfidence: 0.02, cropMargin: 0.02, extraViewMargins }, loadThorough);
  }

  /** A bare crop is read as it is, plus (thorough) a view for each extra margin that cuts inside it (there is nothing outside). */
  async readCrop(crop: Mat, options: { effort?: Effort } = {}): Promise<PlateRecognition> {
    const whole: Box = [0, 0, crop.cols, crop.rows];
    const inside = (this.options.extraViewMargins ?? []).filter((m) => m < 0);
    const [text] = await this.readAt(options.effort ?? DEFAULT_EFFORT, [crop], () => inside.map((m) => cropBox(crop, whole, m)));
    return { ...text!, box: whole, quad: null, detectorScore: 1, crop: plateCrop(crop, whole, null, 48, 0) };
  }
}

/**
 * The project's recognizer over modelDir. extraViewMargins: the further views
 * of the thorough reader (see viewMargins()); readerOptions apply to both
 * readers.
 */
export async function createProjectRecognizer(
  modelDir: string,
  threads: number,
  extraViewMargins: readonly number[] = [],
  readerOptions: Omit<Parameters<typeof ProjectPlateReader.create>[2] & object, 'files'> = {},
): Promise<Recognizer> {
  const [detector, fast] = await Promise.all([
    ProjectPlateDetector.create(modelDir, threads),
    ProjectPlateReader.create(modelDir, threads, { ...readerOptions, files: [fastOcrFile(modelDir)] }),
  ]);
  return new ProjectRecognizer(detector, fast, () => ProjectPlateReader.create(modelDir, threads, readerOptions), extraViewMargins);
}
