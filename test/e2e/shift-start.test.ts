/**
 * The shift-start check in headless Chromium through browser mode: an
 * officer signs in and sees each camera's live tile (the folder camera's
 * picture changes as it plays; a camera whose folder is gone says "No
 * picture" and what to do), the GPS, and each hot list's age with the sync
 * the sign-in started (a list whose source is gone in red); "Start patrol"
 * goes to the patrol screen, whose strip shows the cameras' small tiles and
 * opens one large. Screenshots at 1280x800, 1024x768 and 1366x768, night and
 * day, go to test-results/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importHotListCsv } from '../../src/main/engine/hotlist/index.js';
import { e2eSkipReason, projectRoot, shootAllSizes, startCar, submitSignIn, type Car, type CarUser } from '../helpers/chromium.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`shift-start E2E ${skipReason}`);

const OFFICER: CarUser = { id: 'ofc7', name: 'Ofc. Kim', role: 'officer', pin: '246810' };

describe.skipIf(skipReason !== null)('the shift-start check (browser mode)', () => {
  let car: Car;

  beforeAll(async () => {
    car = await startCar('lpr-e2e-start-', {
      users: [OFFICER],
      withDb: async (db, dataDir) => {
        // One list that syncs from a file on the car, one whose source is gone.
        const list = path.join(dataDir, 'ncic.csv');
        fs.writeFileSync(list, 'plate,state,list_code,description\nZZZ9999,CA,V,not in the footage\nYYY8888,CA,V,not either\n');
        fs.writeFileSync(
          path.join(dataDir, 'hotlists.json'),
          JSON.stringify({ lists: [{ name: 'NCIC', source: list, format: 'csv' }, { name: 'LOCAL', source: path.join(dataDir, 'gone', 'local.csv'), format: 'csv' }] }),
        );
        await importHotListCsv(db, list, { list: 'NCIC' });
      },
      args: (dataDir) => [
        '--engine', 'paddle', '--fps', '2', '--loop',
        '--camera', `front=${path.join(projectRoot, 'demo', 'footage')}`,
        '--camera', `rear=${path.join(dataDir, 'unplugged')}`,
      ],
    });
  }, 300_000);

  afterAll(async () => {
    await car?.close();
  });

  it('shows the live tiles, a failed camera, the lists and their sync; Start patrol goes on to the tiles on the patrol screen', async () => {
    const { page, problems } = await car.open();
    await submitSignIn(page, OFFICER.id, OFFICER.pin);
    await page.getByTestId('shift-start').waitFor({ timeout: 90_000 });

    const front = page.locator('[data-testid="camera-tile"][data-camera="front"]');
    const rear = page.locator('[data-testid="camera-tile"][data-camera="rear"]');
    // The live tile's picture is the camera's newest frame: it changes as the footage plays.
    const picture = front.getByTestId('camera-tile-image');
    await picture.waitFor({ timeout: 120_000 });
    const first = { src: await picture.getAttribute('src'), at: await picture.getAttribute('data-captured-at') };
    expect(first.src).toMatch(/^data:image\/jpeg;base64,/);
    await expect.poll(() => picture.getAttribute('data-captured-at'), { timeout: 30_000 }).not.toBe(first.at);
    await expect.poll(() => picture.getAttribute('src'), { timeout: 30_000 }).not.toBe(first.src);
    // The picture is judged once a few frames came: the demo footage is a usable picture.
    await expect.poll(() => front.getAttribute('data-verdict'), { timeout: 60_000 }).toBe('ok');

    await expect.poll(() => rear.getByTestId('camera-tile-verdict').textContent(), { timeout: 60_000 }).toBe('No picture');
    expect(await rear.getByTestId('camera-tile-action').textContent()).toContain('Check its cable and power');

    const ncic = page.locator('[data-testid="shift-start-list"][data-list="NCIC"]');
    const local = page.locator('[data-testid="shift-start-list"][data-list="LOCAL"]');
    await expect.poll(() => ncic.getByTestId('shift-start-list-age').textContent(), { timeout: 60_000 }).toMatch(/^data (from just now|\d+ min old)$/);
    // The sync the sign-in started: NCIC done, LOCAL failed and red.
    await local.getByTestId('shift-start-list-error').waitFor({ timeout: 120_000 });
    expect(await local.getAttribute('data-bad')).toBe('true');
    // Why, in the officer's words: the path the settings name is the administrator's to see, not the officer's.
    expect(await local.getByTestId('shift-start-list-error').textContent()).toContain('The list file is missing');
    expect(await local.getByTestId('shift-start-list-error').textContent()).not.toContain('local.csv');
    await expect.poll(() => ncic.getByTestId('hotlist-progress').getAttribute('data-phase'), { timeout: 60_000 }).toBe('done');
    expect(await ncic.getAttribute('data-bad')).toBeNull();
    expect(await page.getByTestId('shift-start-gps').textContent()).toContain('No GPS receiver');
    expect(await page.getByTestId('shift-start-summary').textContent()).toMatch(/problems?: /);
    await shootAllSizes(page, 'shift-start');

    await page.getByTestId('start-patrol').click();
    await page.getByTestId('patrol-view').waitFor();
    // The problems stay on screen as banners.
    await page.locator('[data-testid="failure-banner"][data-failure="camera:rear"]').waitFor();
    const listBanner = page.locator('[data-testid="failure-banner"][data-failure="hotlist:LOCAL"]');
    await listBanner.waitFor();
    expect(await listBanner.locator('.failure-title').textContent()).toBe('LOCAL list could not be loaded');
    expect(await listBanner.textContent()).not.toContain('local.csv');
    await shootAllSizes(page, 'hotlist-fault-banner');
    const strip = page.getByTestId('camera-strip');
    await strip.locator('[data-camera="front"]').getByTestId('camera-tile-image').waitFor({ timeout: 30_000 });
    expect(await strip.locator('[data-camera="rear"]').getAttribute('data-verdict')).toBe('no-picture');
    // The strip fits beside the feed at the smallest screen: the feed keeps its room.
    await page.setViewportSize({ width: 1024, height: 768 });
    const feed = await page.getByTestId('reads-list').boundingBox();
    expect(feed!.height).toBeGreaterThan(250);
    await page.setViewportSize({ width: 1280, height: 800 });
    await shootAllSizes(page, 'patrol-camera-tiles');

    await strip.locator('[data-camera="front"]').getByTestId('camera-tile-open').click();
    await page.getByTestId('camera-large').getByTestId('camera-tile-image').waitFor();
    await shootAllSizes(page, 'camera-large');
    await page.getByTestId('camera-large-close').click();

    // Reopened from the patrol screen.
    await page.getByTestId('shift-start-open').click();
    await page.getByTestId('shift-start').waitFor();
    expect(problems).toEqual([]);
  }, 420_000);
});
