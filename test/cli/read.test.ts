/**
 * `lpr read` as a user runs it: the JSON contract on every line, errors on
 * their own lines for bad files, a non-zero exit after the rest, no crash.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lprBuilt as built, projectRoot as root, runLpr } from '../helpers/cli.js';
import cv from '../../src/main/engine/opencv.js';
import { renderPlateScene, writeJpeg } from '../helpers/images.js';

if (!built) console.warn('lpr read CLI tests skipped: not built (npm run build)');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-read-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function lprRead(args: string[]): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  const { code, stdout, stderr } = await runLpr(['read', ...args]);
  return { code, lines: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stderr };
}

function expectContract(line: Record<string, unknown>): void {
  expect(typeof line.ms).toBe('number');
  expect(Array.isArray(line.reads)).toBe(true);
  const reads = line.reads as { plate: string; confidence: number; state: string | null; box: number[] }[];
  for (const read of reads) {
    expect(read.plate).toMatch(/^[A-Z0-9]+$/);
    expect(read.confidence).toBeGreaterThanOrEqual(0);
    expect(read.confidence).toBeLessThanOrEqual(1);
    expect(read.state === null || /^[A-Z]{2}$/.test(read.state)).toBe(true);
    expect(read.box).toHaveLength(4);
  }
  for (let i = 1; i < reads.length; i++) expect(reads[i - 1]!.confidence).toBeGreaterThanOrEqual(reads[i]!.confidence);
}

describe.skipIf(!built)('lpr read', () => {
  it('prints one JSON line per file, errors on their own line, and exits non-zero after the rest', async () => {
    const good = path.join(dir, 'scene.jpg');
    writeJpeg(good, renderPlateScene('KT4821'));
    const corrupt = path.join(dir, 'corrupt.jpg');
    fs.writeFileSync(corrupt, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 3)]));
    const missing = path.join(dir, 'missing.jpg');
    // A frame of the project's own rendered demo footage (demo/render_footage.py).
    const demoFrame = path.join(root, 'demo', 'footage', 'frame0050.jpg');
    const result = await lprRead([corrupt, good, missing, demoFrame, '--json', '--threads', '1']);
    expect(result.code).toBe(1);
    expect(result.lines.map((l) => l.file)).toEqual([corrupt, good, missing, demoFrame]);
    expect(result.lines[0]!.error).toMatch(/cannot decode image/);
    expect(result.lines[2]!.error).toBe('no such file');
    expectContract(result.lines[1]!);
    expect((result.lines[1]!.reads as unknown[]).length).toBeGreaterThan(0);
    expectContract(result.lines[3]!);
    expect((result.lines[3]!.reads as { plate: string }[])[0]?.plate).toBe('6TRJ244');
  });

  it('works from any directory, not only the project root', async () => {
    const demoFrame = path.join(root, 'demo', 'footage', 'frame0050.jpg');
    const env: NodeJS.ProcessEnv = { ...process.env, LPR_LOG_LEVEL: 'silent' };
    delete env.OPENCV4NODEJS_DISABLE_AUTOBUILD;
    const { code, stdout, stderr } = await runLpr(['read', demoFrame, '--json'], { cwd: os.tmpdir(), env });
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout.trim()).reads[0].plate).toBe('6TRJ244');
  });

  it('refuses bad options with a usage message', async () => {
    const result = await lprRead(['x.jpg', '--threads', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--threads must be an integer from 1 to 64/);
  });

  it('names a --models folder that does not exist or lacks the models', async () => {
    const missing = path.join(dir, 'no-such-models');
    const absent = await lprRead(['x.jpg', '--models', missing]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain(`--models: ${missing} does not exist`);
    const empty = path.join(dir, 'empty-models');
    fs.mkdirSync(empty);
    const scene = path.join(dir, 'for-models.jpg');
    writeJpeg(scene, renderPlateScene('KT4821'));
    const lacking = await lprRead([scene, '--models', empty, '--engine', 'project']);
    expect(lacking.code).not.toBe(0);
    expect(lacking.stderr).toContain(`the project's models are not in ${empty}`);
  });
});

const usDev = path.join(root, '..', 'shared', 'data', 'plates', 'us-dev');
const haveShared = fs.existsSync(usDev);
if (!haveShared) console.warn(`lpr read over us-dev skipped: ${usDev} is absent`);

describe.skipIf(!built || !haveShared)('lpr read over ../shared us-dev', () => {
  it('prints the contract for every file', async () => {
    const files = fs.readdirSync(usDev).filter((f) => f.endsWith('.jpg')).sort().slice(0, 12).map((f) => path.join(usDev, f));
    const result = await lprRead([...files, '--json']);
    expect(result.code).toBe(0);
    expect(result.lines.map((l) => l.file)).toEqual(files);
    for (const line of result.lines) expectContract(line);
  }, 180_000);
});

describe.skipIf(!built)('lpr read on a picture that is itself a plate', () => {
  it('reads a bare plate crop whole (mode "plate"), and a scene as a scene', async () => {
    // A plate cut tight from a scene the tests draw: 230x115, no surroundings.
    const scene = renderPlateScene('KT4821');
    const pw = Math.round(640 * 0.36);
    const crop = scene.getRegion(new cv.Rect(Math.round((640 - pw) / 2), 180, pw, Math.round(pw / 2)));
    const cropFile = path.join(dir, 'bare-plate.png');
    writeJpeg(cropFile, crop);
    const sceneFile = path.join(dir, 'whole-scene.jpg');
    writeJpeg(sceneFile, scene);
    const { code, lines } = await lprRead([cropFile, sceneFile, '--json']);
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ file: cropFile, mode: 'plate' });
    expect((lines[0]!.reads as { plate: string }[])[0]?.plate).toBe('KT4821');
    expect(lines[1]).toMatchObject({ file: sceneFile, mode: 'scene' });
  });

  it('explains the output, engines, threads and exit codes in --help', async () => {
    const { code, stdout } = await runLpr(['read', '--help']);
    expect(code).toBe(0);
    for (const word of ['mode', 'candidates', '--engine', 'paddle', '--threads', '--thorough', '--fast', 'auto', 'Exit codes']) expect(stdout).toContain(word);
  });

  it('refuses an unknown effort and two efforts at once', async () => {
    const unknown = await lprRead(['x.jpg', '--effort', 'hard']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--effort must be fast, auto, thorough, got "hard"');
    const both = await lprRead(['x.jpg', '--fast', '--thorough']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give one of --fast, --thorough and --effort');
  });
});
