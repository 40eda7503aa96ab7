/**
 * The V8 abort three cameras at 15 fps used to hit ("Check failed:
 * marking_done_" in CppHeap::TraceEpilogue), reduced to OpenCV alone:
 * `npm run bench -- opencv-allocator [--seconds N]`.
 *
 * The binding's tracking allocator tells V8 how much memory Mats hold, but only
 * from the main thread (CustomMatAllocator::FixupJSMem checks the thread id):
 * a Mat made by an asynchronous call (imreadAsync, a capture's readAsync) is
 * allocated on a libuv worker and told to V8 by the next report made on the
 * main thread, for the difference between what is held and what V8 was told.
 * Mats are freed by V8's GC finalizers, and each free reports too: while
 * workers decode, a finalizer's report can include what they allocated
 * meanwhile, a positive amount, so V8 is told of new external memory from
 * inside a collection, which may start another one while the first is
 * finishing. With the allocator off, V8 is never told: the Mats are freed only
 * when collections happen to run, and the process grows.
 *
 * Each case runs in a child process of its own, decoding three 1280x720 JPEG
 * frames at a time (three cameras) and dropping them for the GC, and prints
 * how the child ended and its RSS:
 * - async, tracked: decoded on worker threads with the tracking allocator on;
 * - sync, tracked: decoded on the main thread with the allocator on;
 * - async, untracked: the allocator off, as in the engine, with the frames left to the GC
 *   (the engine frees its own; this shows why).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

type Case = 'async-tracked' | 'sync-tracked' | 'async-untracked';
const CASES: readonly Case[] = ['async-tracked', 'sync-tracked', 'async-untracked'];

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function child(which: Case, seconds: number): Promise<void> {
  const { default: cv } = await import('../src/main/engine/opencv.js');
  const binding = cv as unknown as { dangerousEnableCustomMatAllocator(): boolean };
  if (which !== 'async-untracked' && !binding.dangerousEnableCustomMatAllocator()) throw new Error('the binding has no tracking allocator');
  const noise = new cv.Mat(randomBytes(720 * 1280 * 3), 720, 1280, cv.CV_8UC3);
  const jpeg = cv.imencode('.jpg', noise, [cv.IMWRITE_JPEG_QUALITY, 80]);
  const until = Date.now() + seconds * 1000;
  let frames = 0;
  let nextReport = Date.now() + 1000;
  while (Date.now() < until) {
    const decoded = which === 'sync-tracked' ? [cv.imdecode(jpeg), cv.imdecode(jpeg), cv.imdecode(jpeg)] : await Promise.all([cv.imdecodeAsync(jpeg), cv.imdecodeAsync(jpeg), cv.imdecodeAsync(jpeg)]);
    frames += decoded.length;
    // What the frame's JS side costs (its wrapper, a little work on it); the Mat goes to the GC.
    for (const mat of decoded) void mat.rows;
    if (which === 'sync-tracked') await new Promise((resolve) => setImmediate(resolve));
    if (Date.now() >= nextReport) {
      nextReport += 1000;
      console.log(JSON.stringify({ frames, rss: process.memoryUsage().rss }));
    }
  }
  console.log(JSON.stringify({ done: true, frames, rss: process.memoryUsage().rss }));
}

async function runCase(which: Case, seconds: number): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING;
  if (which === 'async-untracked') env.OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING = '1';
  const started = Date.now();
  const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), 'child', which, String(seconds)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => proc.on('exit', (c, s) => resolve([c, s])));
  const lines = out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number | boolean | null>);
  const last = lines.at(-1);
  const check = /Check failed: [^\n]*/.exec(err)?.[0];
  const ended = code === 0 ? 'ran to the end' : `died after ${((Date.now() - started) / 1000).toFixed(1)} s (${signal ?? `exit code ${code}`})${check ? `: ${check}` : ''}`;
  console.log(`  ${which.padEnd(16)} ${ended}; ${last?.frames ?? 0} frames decoded, RSS ${last ? mib(Number(last.rss)) : '-'} at the end (or the last second)`);
  if (code !== 0 && !check) console.log(err.trim().split('\n').slice(-5).map((l) => `    ${l}`).join('\n'));
}

export async function benchOpencvAllocator(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--seconds');
  const seconds = at >= 0 ? Number(argv[at + 1]) : 30;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`--seconds must be a positive number, got "${argv[at + 1]}"`);
  console.log(`opencv allocator: three 1280x720 JPEG frames decoded at a time for ${seconds} s in each case:`);
  for (const which of CASES) await runCase(which, seconds);
}

if (process.argv[2] === 'child') {
  const which = process.argv[3] as Case;
  if (!CASES.includes(which)) throw new Error(`unknown case "${process.argv[3]}" (known: ${CASES.join(', ')})`);
  await child(which, Number(process.argv[4]));
}
