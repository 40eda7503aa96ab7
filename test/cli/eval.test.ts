/**
 * `lpr eval` over folders the project draws itself: a groundtruth.csv with or
 * without a header line is read, and an image it lists but that is not there
 * is named in the error; in a scene of two cars the read scored is the one at
 * the annotated plate, whichever was read more confidently.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import cv from '../../src/main/engine/opencv.js';
import { applyErrata, loadErrata, readAtAnnotation, scoreReading, type Erratum } from '../../src/cli/commands/eval.js';
import { lprBuilt as built, runLpr } from '../helpers/cli.js';
import { renderPlateScene, writeJpeg } from '../helpers/images.js';

if (!built) console.warn('lpr eval CLI tests skipped: not built (npm run build)');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-eval-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cropSet(name: string, csvLines: string[]): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  for (const text of ['KT4821', '7XBR205']) {
    const scene = renderPlateScene(text);
    const pw = Math.round(640 * 0.36);
    writeJpeg(path.join(dir, `${text}.jpg`), scene.getRegion(new cv.Rect(Math.round((640 - pw) / 2), Math.round(360 * 0.5), pw, Math.round(pw / 2))));
  }
  fs.writeFileSync(path.join(dir, 'groundtruth.csv'), csvLines.join('\n') + '\n');
  return dir;
}

const lprEval = (dir: string, ...more: string[]) => runLpr(['eval', dir, '--json', '--threads', '1', ...more]);

/** Two cars side by side (KT4821 left, 7XBR205 right, 1280 x 360); `annotations` maps a .txt name to its text after the first image name. */
function twoCarScene(name: string, annotations: Record<string, string>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const both = new cv.Mat(360, 1280, cv.CV_8UC3, [90, 95, 100]);
  renderPlateScene('KT4821').copyTo(both.getRegion(new cv.Rect(0, 0, 640, 360)));
  renderPlateScene('7XBR205').copyTo(both.getRegion(new cv.Rect(640, 0, 640, 360)));
  for (const [txt, line] of Object.entries(annotations)) {
    const image = txt.replace(/\.txt$/, '.jpg');
    writeJpeg(path.join(dir, image), both);
    fs.writeFileSync(path.join(dir, txt), `${image}\t${line}\n`);
  }
  return dir;
}

describe('scoreReading', () => {
  it('counts a reading that differs from the annotation only in look-alikes as the hot lists match it, not as exact', () => {
    expect(scoreReading('355OCT', '3550CT', ['3550CT', '355OCT'])).toEqual({ top1: false, folded: true, top5: true });
    expect(scoreReading('824BOJ', '82480J', ['82480J', '824B0J'])).toEqual({ top1: false, folded: true, top5: false });
    expect(scoreReading('KT4821', 'KT4821', [])).toEqual({ top1: true, folded: true, top5: true });
  });

  it('never folds a different length, a different character or no reading into a match', () => {
    expect(scoreReading('5VCF203', 'M5VCF203', ['M5VCF203', '5VCF203'])).toEqual({ top1: false, folded: false, top5: true });
    expect(scoreReading('59E21P1', '59321P1', ['59321P1'])).toEqual({ top1: false, folded: false, top5: false });
    expect(scoreReading('KT4821', undefined, [])).toEqual({ top1: false, folded: false, top5: false });
  });
});

describe('readAtAnnotation', () => {
  const left = { plate: 'KT4821', box: [204, 179, 229, 120] as const };
  const right = { plate: '7XBR205', box: [844, 179, 233, 122] as const };

  it('takes the read whose box overlaps the annotated one the most, not the first', () => {
    expect(readAtAnnotation([left, right], [845, 180, 230, 115])).toBe(right);
    expect(readAtAnnotation([right, left], [200, 170, 240, 130])).toBe(left);
  });

  it('finds none when no read overlaps the annotated plate, and the first for a crop (no box)', () => {
    expect(readAtAnnotation([left, right], [500, 10, 80, 40])).toBeUndefined();
    expect(readAtAnnotation([], [500, 10, 80, 40])).toBeUndefined();
    expect(readAtAnnotation([right, left], null)).toBe(right);
  });
});

describe('annotation errata', () => {
  const samples = [
    { file: '/sets/us-dev/a.jpg', plate: '59E21P1', state: null, box: [1, 2, 3, 4] as const },
    { file: '/sets/us-dev/b.jpg', plate: 'KT4821', state: null, box: [1, 2, 3, 4] as const },
  ];
  const erratum: Erratum = { set: 'us-dev', file: 'a.jpg', annotated: '59E21P1', corrected: '59321P1', reason: 'the third character is a 3' };

  it('scores the corrected plate of its own set only, keeping what was annotated, and leaves the input as it was', () => {
    const out = applyErrata(samples, 'us-dev', [erratum, { ...erratum, set: 'eu', file: 'b.jpg', annotated: 'KT4821', corrected: 'KT482' }]);
    expect(out.map((s) => s.plate)).toEqual(['59321P1', 'KT4821']);
    expect(out[0]).toMatchObject({ annotated: '59E21P1' });
    expect(samples[0]!.plate).toBe('59E21P1');
    expect(applyErrata(samples, 'eu', [erratum])).toEqual(samples);
  });

  it('refuses an erratum whose plate is no longer annotated so, or whose file the set lacks', () => {
    expect(() => applyErrata(samples, 'us-dev', [{ ...erratum, annotated: '59E21PI' }])).toThrow('erratum for us-dev/a.jpg: it corrects 59E21PI, but the file is annotated 59E21P1');
    expect(() => applyErrata(samples, 'us-dev', [{ ...erratum, file: 'c.jpg' }])).toThrow('erratum for us-dev/c.jpg: the set has no annotation of that file');
    expect(() => applyErrata(samples, 'us-dev', [erratum, erratum])).toThrow('erratum for us-dev/a.jpg: 59E21P1 is corrected twice');
  });

  it('names the entry and field of a bad errata file', () => {
    const where = path.join(tmp, 'errata.json');
    const load = (text: string) => {
      fs.writeFileSync(where, text);
      return () => loadErrata(where);
    };
    expect(load('{"set": "us-dev"}')).toThrow(`--errata ${where}: (top level): Invalid input: expected array`);
    expect(load(JSON.stringify([erratum, { ...erratum, reason: ' ' }]))).toThrow(`--errata ${where}: entry 2.reason: Too small`);
    expect(load(JSON.stringify([{ ...erratum, set: 3 }]))).toThrow(`--errata ${where}: entry 1.set: Invalid input: expected string`);
    expect(load(JSON.stringify([{ ...erratum, corrected: ' - ' }]))).toThrow('entry 1.corrected: needs letters or digits');
    expect(load(JSON.stringify([{ ...erratum, corrected: '59-e21 p1' }]))).toThrow('entry 1.corrected: "corrected" is the same as "annotated"');
    expect(load('[{"set": ')).toThrow(`--errata ${where}: not JSON`);
    expect(load(JSON.stringify([{ ...erratum, corrected: '59 321-p1' }]))()).toEqual([{ ...erratum, corrected: '59321P1' }]);
  });
});

describe.skipIf(!built)('lpr eval', () => {
  it('scores a plate an erratum corrects as corrected only when --errata is given, and says so', async () => {
    const dir = twoCarScene('errata', { 'right.txt': '845\t180\t230\t115\t7XBR2O5' });
    const errata = path.join(tmp, 'scene-errata.json');
    fs.writeFileSync(errata, JSON.stringify([{ set: 'errata', file: 'right.jpg', annotated: '7XBR2O5', corrected: '7XBR205', reason: 'a zero, not an O' }]));
    const plain = await lprEval(dir, '--show-misses');
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout.trim())).toMatchObject({ exactTop1: 0, errataApplied: 0 });
    expect(plain.stderr).toContain('right.jpg: want 7XBR2O5, got 7XBR205');
    const corrected = await lprEval(dir, '--errata', errata);
    expect(corrected.code, corrected.stderr).toBe(0);
    expect(JSON.parse(corrected.stdout.trim())).toMatchObject({ exactTop1: 1, errataApplied: 1 });
    const missing = errata.replace('.json', '-none.json');
    const none = await lprEval(dir, '--errata', missing);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`--errata: ${missing} does not exist`);
    // An erratum for a plate the set does not annotate so is refused, naming it.
    fs.writeFileSync(errata, JSON.stringify([{ set: 'errata', file: 'right.jpg', annotated: 'KT4821', corrected: 'KT4827', reason: 'the wrong car' }]));
    const stale = await lprEval(dir, '--errata', errata);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain('erratum for errata/right.jpg: it corrects KT4821, but the file is annotated 7XBR2O5');
  }, 60_000);

  it('scores the read at the annotated plate in a scene of two cars, and names an annotated plate nothing was read at', async () => {
    // 7XBR205 is read less confidently than KT4821 (0.77 against 0.93), so the best read of the scene is the other car's.
    const right = await lprEval(twoCarScene('two-cars', { 'right.txt': '845\t180\t230\t115\t7XBR205' }));
    expect(right.code, right.stderr).toBe(0);
    expect(JSON.parse(right.stdout.trim())).toMatchObject({ images: 1, exactTop1: 1, exactTop5: 1 });
    const nowhere = await lprEval(twoCarScene('two-cars-nowhere', { 'sky.txt': '560\t10\t120\t50\tKT4821' }), '--show-misses');
    expect(nowhere.code, nowhere.stderr).toBe(0);
    expect(JSON.parse(nowhere.stdout.trim())).toMatchObject({ images: 1, exactTop1: 0, exactTop5: 0 });
    expect(nowhere.stderr).toContain('sky.jpg: want KT4821, got (no read at the annotated plate)');
  }, 60_000);

  it('scores each plate of a scene that annotates several, reading the image once', async () => {
    const result = await lprEval(twoCarScene('two-annotated', { 'both.txt': '845\t180\t230\t115\t7XBR205\nboth.jpg\t205\t180\t230\t115\tKT4821' }));
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ images: 1, plates: 2, exactTop1: 1 });
  }, 60_000);

  it('refuses a scene annotation whose box is not four numbers with a width and height, naming the file and line', async () => {
    const dir = twoCarScene('bad-box', { 'car.txt': '845\t180\t230\t115\t7XBR205\ncar.jpg\t205\t180\tzero\t115\tKT4821' });
    const result = await lprEval(dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${path.join(dir, 'car.txt')}:2: the box (fields 2-5: x, y, width, height) must be numbers, width and height above 0; got 205 180 zero 115`);
  }, 60_000);

  it('reads a crop set whose groundtruth.csv has a header line, and one without', async () => {
    for (const [name, lines] of [
      ['with-header', ['file,state,plate', 'KT4821.jpg,,KT4821', '7XBR205.jpg,ca,7XBR205']],
      ['without-header', ['KT4821.jpg,,KT4821', '7XBR205.jpg,ca,7XBR205']],
    ] as const) {
      const result = await lprEval(cropSet(name, [...lines]));
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout.trim()) as { images: number; exactTop1: number; foldedTop1: number; stateRightOfGiven: number | null };
      expect(summary.images).toBe(2);
      expect(summary.exactTop1).toBeGreaterThanOrEqual(0);
      expect(summary.foldedTop1).toBeGreaterThanOrEqual(summary.exactTop1);
      expect(summary.stateRightOfGiven).not.toBeNull(); // one crop has a state
    }
  }, 60_000);

  it('refuses an annotation whose plate is empty, naming the file and line', async () => {
    const result = await lprEval(cropSet('empty-plate', ['KT4821.jpg,,KT4821', '7XBR205.jpg,ca, - ']));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/groundtruth\.csv:2: the plate of 7XBR205\.jpg is empty/);
  }, 60_000);

  it('names an image the annotations list but the folder lacks', async () => {
    const dir = cropSet('missing', ['KT4821.jpg,,KT4821', 'GONE99.jpg,,GONE99']);
    const result = await lprEval(dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${path.join(dir, 'GONE99.jpg')}: no such file`);
  }, 60_000);

  it('checks --engine and --models as lpr read does', async () => {
    const dir = cropSet('flags', ['KT4821.jpg,,KT4821']);
    const engine = await runLpr(['eval', dir, '--engine', 'bogus']);
    expect(engine.code).toBe(2);
    expect(engine.stderr).toContain('--engine must be auto, project or paddle, got "bogus"');
    const models = await runLpr(['eval', dir, '--models', path.join(tmp, 'no-models-here')]);
    expect(models.code).toBe(2);
    expect(models.stderr).toContain(`--models: ${path.join(tmp, 'no-models-here')} does not exist`);
  });
});
