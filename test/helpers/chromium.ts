/**
 * Launching Debian's Chromium for end-to-end tests, and starting `lpr serve`
 * as a child process the way an operator would; startCar sets a car up (its
 * users, lists and records) and starts it with a Chromium to drive it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { DEMO_USER } from '../../src/main/engine/demo.js';
import { addUser } from '../../src/main/engine/governance/users.js';
import { importHotListCsv } from '../../src/main/engine/hotlist/index.js';
import { openDatabase, type Db } from '../../src/main/engine/store/db.js';
import { demoDbKey } from '../../src/main/engine/store/key.js';
import type { Role } from '../../src/shared/contract.js';

export const CHROMIUM = process.env.LPR_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumMissing = !fs.existsSync(CHROMIUM);
export const projectRoot = path.resolve(import.meta.dirname, '..', '..');

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export interface ServedApp {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Runs `lpr serve ARGS --port 0` and resolves once it prints the URL it serves on. */
export async function startServe(args: string[], timeoutMs = 240_000): Promise<ServedApp> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'lpr.js'), 'serve', '--port', '0', ...args], {
    cwd: projectRoot,
    env: { ...process.env, LPR_LOG_LEVEL: process.env.LPR_LOG_LEVEL ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lpr serve did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = (): void => {
      const match = /serving on (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lpr serve exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        // Already gone (by exit or by a signal): nothing to wait for.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** Signs in as the demo officer and waits for the patrol view (past the shift-start check). */
export async function signInAsDemo(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await signIn(page, DEMO_USER.id, DEMO_USER.pin);
}

/** Types an id and PIN on the sign-in screen and submits them. */
export async function submitSignIn(page: Page, userId: string, pin: string): Promise<void> {
  await page.getByTestId('login-user').fill(userId);
  await page.getByTestId('login-pin').fill(pin);
  await page.getByTestId('login-submit').click();
}

/** Signs in with an id and PIN and waits for the patrol view (past the shift-start check). */
export async function signIn(page: Page, userId: string, pin: string): Promise<void> {
  await submitSignIn(page, userId, pin);
  await startPatrol(page);
}

/**
 * After sign-in an officer or supervisor sees the shift-start check first:
 * "Start patrol" goes on. Waits for the patrol view (an administrator may come
 * straight to their screen: `screen` names it then). An alert takes over from
 * any screen, the shift-start check included, and may do so at any moment,
 * even under the click: an alert screen counts as arrived, and a click that
 * lost its button is not an error, the screen is looked at again.
 */
export async function startPatrol(page: Page, screen = 'patrol-view'): Promise<void> {
  const start = page.getByTestId('start-patrol');
  const arrived = page.getByTestId(screen).or(page.getByTestId('alert-screen'));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`startPatrol: neither "${screen}" nor an alert screen within 90 s of sign-in`);
    await start.or(arrived).first().waitFor({ timeout: left });
    if (await arrived.first().isVisible()) return;
    await start.click({ timeout: 5_000 }).catch(() => undefined);
  }
}

/**
 * Taps a control if it is on screen now. The screen may change under the tap
 * (an alert takes over): then nothing is tapped, and the caller looks again.
 */
export async function tapIfShown(control: Locator): Promise<void> {
  if (await control.isVisible()) await control.click({ timeout: 5_000 }).catch(() => undefined);
}

/** Sign-out goes through the shift summary (asking first about any alert still open); waits for the sign-in screen. */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('logout').click();
  const anyway = page.getByTestId('signout-anyway');
  const confirm = page.getByTestId('signout-confirm');
  await anyway.or(confirm).first().waitFor({ timeout: 30_000 });
  if (await anyway.isVisible()) await anyway.click();
  await confirm.click();
  await page.getByTestId('login-user').waitFor({ timeout: 30_000 });
}

/** The screen sizes of the MDTs the app runs on. */
export const MDT_SIZES: readonly (readonly [width: number, height: number])[] = [
  [1024, 768],
  [1280, 800],
  [1366, 768],
];
export const THEMES = ['night', 'day'] as const;
export type Theme = (typeof THEMES)[number];

/** Puts the page in a theme and at a size, and waits for it to lay out again. */
export async function showAs(page: Page, theme: Theme, [width, height]: readonly [number, number]): Promise<void> {
  await page.evaluate((t) => {
    document.documentElement.dataset.theme = t;
  }, theme);
  await page.setViewportSize({ width, height });
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** Saves the screen as it is now at every MDT size in both themes (test-results/NAME-WxH-THEME.png), then goes back to 1280x800 at night. */
export async function shootAllSizes(page: Page, name: string): Promise<void> {
  const dir = path.join(projectRoot, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  for (const theme of THEMES) {
    for (const size of MDT_SIZES) {
      await showAs(page, theme, size);
      await page.screenshot({ path: path.join(dir, `${name}-${size[0]}x${size[1]}-${theme}.png`) });
    }
  }
  await showAs(page, 'night', [1280, 800]);
}

/** Why an end-to-end test cannot run here (no Chromium, renderer not built), or null when it can. */
export function e2eSkipReason(): string | null {
  if (chromiumMissing) return `skipped: no Chromium at ${CHROMIUM}`;
  if (!fs.existsSync(path.join(projectRoot, 'dist', 'renderer', 'index.html'))) return 'skipped: renderer not built (npm run build)';
  return null;
}

/** A user the car knows before it starts (trained). */
export interface CarUser {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly pin: string;
}

export interface CarOptions {
  /** `lpr serve --demo`: the demo camera and officer; the data lives in the demo's own folder inside the car's. */
  readonly demo?: boolean;
  /** Added before the car starts. */
  readonly users?: readonly CarUser[];
  /** A list named "demo" with no plate of the demo footage, so no alert takes the screen over. */
  readonly quietList?: boolean;
  /** Runs on the car's database before it starts: lists, records. */
  withDb?(db: Db, dataDir: string): void | Promise<void>;
  /** Runs after that, with the database closed: files in the data folder (list sources, settings). */
  prepare?(dataDir: string): void | Promise<void>;
  /** More `lpr serve` flags (cameras, a GPS receiver, the recognizer), or a function of the data folder that gives them. */
  readonly args?: readonly string[] | ((dataDir: string) => readonly string[]);
}

export interface Car {
  /** The folder the engine keeps its data in (the demo's own folder with `demo`). */
  readonly dataDir: string;
  readonly app: ServedApp;
  readonly browser: Browser;
  /**
   * A new page (1280x800 unless `size` says) with a touchscreen, its
   * problems collected from the start; with a user, signed in and on the
   * patrol view (past the shift-start check), else on the sign-in screen.
   */
  open(user?: { readonly id: string; readonly pin: string } | null, size?: readonly [width: number, height: number]): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

/** A list with no plate of the demo footage. */
const QUIET_LIST = 'plate,state,list_code,description\nZZZ9999,CA,V,not in the footage\n';

/**
 * A car on a fresh data folder: its users, lists and records set up, then
 * `lpr serve` started on it and a Chromium to drive it. close() stops both
 * and removes the folder.
 */
export async function startCar(prefix: string, options: CarOptions = {}): Promise<Car> {
  const carDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dataDir = options.demo ? path.join(carDir, 'demo') : carDir;
  fs.mkdirSync(dataDir, { recursive: true });
  let app: ServedApp | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await app?.stop();
    fs.rmSync(carDir, { recursive: true, force: true });
  };
  try {
    if (options.users?.length || options.quietList || options.withDb) {
      // The demo's folder opens with the demo's published key; any other with the test suite's ($LPR_DB_KEY).
      const db = openDatabase(path.join(dataDir, 'lpr.sqlite'), undefined, options.demo ? { key: demoDbKey() } : {});
      try {
        for (const user of options.users ?? []) addUser(db, { ...user, trained: true }, null);
        if (options.quietList) {
          const list = path.join(dataDir, 'quiet.csv');
          fs.writeFileSync(list, QUIET_LIST);
          await importHotListCsv(db, list, { list: 'demo' });
        }
        await options.withDb?.(db, dataDir);
      } finally {
        db.close();
      }
    }
    await options.prepare?.(dataDir);
    const args = typeof options.args === 'function' ? options.args(dataDir) : (options.args ?? []);
    app = await startServe([...(options.demo ? ['--demo'] : []), '--data-dir', carDir, ...args]);
    browser = await launchChromium();
  } catch (error) {
    await close();
    throw error;
  }
  const started = browser;
  const url = app.url;
  return {
    dataDir,
    app,
    browser,
    close,
    async open(user, [width, height] = [1280, 800]) {
      const page = await started.newPage({ viewport: { width, height }, hasTouch: true });
      const problems = pageProblems(page);
      await page.goto(url);
      if (user) await signIn(page, user.id, user.pin);
      return { page, problems };
    },
  };
}

export type DemoApp = Car;

/**
 * `lpr serve --demo` on a fresh data folder plus a Chromium to drive it.
 * prepare(dataDir) runs before the server starts (to write a list file, say);
 * args are more `lpr serve` flags (another camera, a GPS receiver).
 */
export function startDemoApp(prefix: string, prepare?: (dataDir: string) => void | Promise<void>, args: readonly string[] = []): Promise<DemoApp> {
  return startCar(prefix, { demo: true, args, ...(prepare ? { prepare } : {}) });
}

/** Collects the page's uncaught errors and console errors; a test expects none. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  return problems;
}
