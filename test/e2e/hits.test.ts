/**
 * The hit history and the shift map end to end in headless Chromium through
 * browser mode: `lpr serve --demo` with a GPS receiver stood in for by a socat
 * pseudo-terminal pair fed a moving car's NMEA. The demo's planted plate
 * raises an alert in the list's colour, the officer disposes it, then opens
 * the hit history, the hit's record (checklist as stored) and the shift map
 * (reads along the track, the hit marked). Screenshots of each at 1024x768,
 * 1280x800 and 1366x768, day and night, go to test-results/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER } from '../../src/main/engine/demo.js';
import { MDT_SIZES, THEMES, e2eSkipReason, launchChromium, pageProblems, projectRoot, showAs, startPatrol, startServe, tapIfShown, type ServedApp } from '../helpers/chromium.js';
import { describeProblems, layoutProblems } from '../helpers/layout.js';

const haveSocat = spawnSync('socat', ['-V']).status === 0;
const skipReason = e2eSkipReason() ?? (haveSocat ? null : 'skipped: socat is not installed (it stands in for the GPS receiver)');
if (skipReason) console.warn(`hit history E2E ${skipReason}`);

/** Saves the screen at every MDT size in both themes (test-results/NAME-WxH-THEME.png) and gives the layout problems inside `root` at each. */
async function shoot(page: Page, name: string, root: string): Promise<string[]> {
  const dir = path.join(projectRoot, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  const found: string[] = [];
  for (const theme of THEMES) {
    for (const size of MDT_SIZES) {
      await showAs(page, theme, size);
      await page.screenshot({ path: path.join(dir, `${name}-${size[0]}x${size[1]}-${theme}.png`) });
      found.push(...describeProblems(await layoutProblems(page, { root })).map((p) => `${name} ${size[0]}x${size[1]} ${theme}: ${p}`));
    }
  }
  await showAs(page, 'night', [1280, 800]);
  return found;
}

function nmea(body: string): string {
  let sum = 0;
  for (const ch of body) sum ^= ch.charCodeAt(0);
  return `$${body}*${sum.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
}

/** RMC and GGA for a position now (degrees), as a receiver sends them each second. */
function fixSentences(lat: number, lon: number): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}.00`;
  const date = `${two(d.getUTCDate())}${two(d.getUTCMonth() + 1)}${String(d.getUTCFullYear()).slice(2)}`;
  const nmeaLat = `${two(Math.floor(lat))}${((lat % 1) * 60).toFixed(4).padStart(7, '0')}`;
  const absLon = Math.abs(lon);
  const nmeaLon = `${String(Math.floor(absLon)).padStart(3, '0')}${((absLon % 1) * 60).toFixed(4).padStart(7, '0')}`;
  return (
    nmea(`GPRMC,${time},A,${nmeaLat},N,${nmeaLon},W,18.0,45.0,${date},,`) +
    nmea(`GPGGA,${time},${nmeaLat},N,${nmeaLon},W,1,09,0.9,12.0,M,-33.0,M,,`)
  );
}

describe.skipIf(skipReason !== null)('hit history and shift map end to end (browser mode)', () => {
  let carDir: string;
  let socat: ChildProcess;
  let feeder: NodeJS.Timeout;
  let app: ServedApp;
  let browser: Browser;

  beforeAll(async () => {
    carDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-e2e-hits-'));
    const receiver = path.join(carDir, 'gps');
    const feed = path.join(carDir, 'gps-feed');
    socat = spawn('socat', [`pty,raw,echo=0,link=${receiver}`, `pty,raw,echo=0,link=${feed}`]);
    for (let waited = 0; !(fs.existsSync(receiver) && fs.existsSync(feed)); waited += 100) {
      if (waited > 10_000) throw new Error('socat did not make the GPS pseudo-terminals within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const out = fs.openSync(feed, 'w');
    // The car drives north-east across Boston at about 18 knots.
    let step = 0;
    feeder = setInterval(() => {
      step += 1;
      fs.writeSync(out, fixSentences(42.3601 + step * 0.00004, -71.0589 + step * 0.00005));
    }, 500);
    app = await startServe(['--demo', '--data-dir', carDir, '--gps', receiver]);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    clearInterval(feeder);
    await browser?.close();
    await app?.stop();
    socat?.kill();
    fs.rmSync(carDir, { recursive: true, force: true });
  });

  it("shows the shift's hits, a hit's stored checklist and the shift map", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, hasTouch: true });
    const problems = pageProblems(page);
    await page.goto(app.url);
    await page.getByTestId('login-user').fill(DEMO_USER.id);
    await page.getByTestId('login-pin').fill(DEMO_USER.pin);
    await page.getByTestId('login-submit').click();
    // Past the shift-start check, unless the alert takes the screen first.
    await startPatrol(page);
    const start = page.getByTestId('start-patrol');
    const alertScreen = page.getByTestId('alert-screen');

    // The planted plate's alert, framed in its list's colour (the demo list has the default red).
    await alertScreen.waitFor({ timeout: 200_000 });
    expect(await alertScreen.getAttribute('data-list-colour')).toBe('#d32f2f');
    const border = await alertScreen.evaluate((el) => getComputedStyle(el).borderTopColor);
    expect(border).toBe('rgb(211, 47, 47)');
    // The alert screen belongs to other work; its problems are printed here, not asserted.
    const alertLayout = await shoot(page, 'alert-list-colour', '[data-testid="alert-screen"]');
    if (alertLayout.length > 0) console.log(`alert screen layout:\n${alertLayout.join('\n')}`);
    await page.getByTestId('alert-ack').click();
    await page.getByTestId('check-characters-yes').click();
    await page.getByTestId('check-state-yes').click();
    await page.getByTestId('dispatch-verified-active').click();
    await page.getByTestId('dispatch-note').fill('Dispatch confirms stolen, case 26-1141');
    await page.getByTestId('dispatch-submit').click();
    await page.getByTestId('disposition-confirmed').click();
    await page.getByTestId('disposition-note').fill('Vehicle stopped, driver detained');
    await page.getByTestId('disposition-submit').click();
    // The shift-start check the alert came over is there again; the demo footage loops, so a further alert may
    // have come meanwhile: it is acknowledged and put aside to reach the patrol view.
    const patrol = page.getByTestId('patrol-view');
    for (let tries = 0; tries < 6 && !(await patrol.isVisible()); tries++) {
      await patrol.or(start).or(page.getByTestId('alert-ack')).or(page.getByTestId('alert-defer')).first().waitFor({ timeout: 30_000 });
      await tapIfShown(start);
      await tapIfShown(page.getByTestId('alert-ack'));
      await tapIfShown(page.getByTestId('alert-defer'));
    }
    await patrol.waitFor({ timeout: 10_000 });

    const layout: string[] = [];
    layout.push(...(await shoot(page, 'patrol-hits-tile', '.side-panel')));
    await page.getByTestId('hits-open').click();
    const row = page.getByTestId('hit-row').filter({ hasText: 'Confirmed' }).first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('hit-status').textContent()).toMatch(/Confirmed.*demo/);
    expect(await row.getAttribute('data-list-colour')).toBe('#d32f2f');
    layout.push(...(await shoot(page, 'hit-history', '[data-testid="hit-history"]')));

    await row.getByTestId('hit-open').click();
    await page.getByTestId('hit-detail').waitFor();
    await page.getByTestId('hit-detail-crop').waitFor();
    const steps = await page.getByTestId('hit-step').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.step));
    expect(steps).toEqual(['acknowledged', 'characters', 'state', 'dispatch', 'disposed']);
    expect(await page.getByTestId('hit-detail-note').textContent()).toBe('Vehicle stopped, driver detained');
    layout.push(...(await shoot(page, 'hit-detail', '[data-testid="hit-history"]')));

    await page.getByTestId('hits-open-map').click();
    await page.getByTestId('shift-map').waitFor();
    const hit = page.locator('[data-testid="map-point"][data-hit="alert"]').first();
    await hit.waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('map-point').count()).toBeGreaterThan(1);
    await page.getByTestId('map-track').waitFor();
    await hit.dispatchEvent('click');
    await page.getByTestId('map-point-card').waitFor();
    expect(await page.getByTestId('map-background').textContent()).toMatch(/grid/);
    layout.push(...(await shoot(page, 'shift-map', '[data-testid="shift-map-screen"]')));

    expect(layout).toEqual([]);
    expect(problems).toEqual([]);
  }, 400_000);
});
