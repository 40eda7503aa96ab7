/**
 * The car's settings screen in headless Chromium through browser mode: the
 * administrator opens the Car tab, previews a camera the car runs (its own
 * frames) and turns it, draws the region where plates are read on the
 * preview, sees a bad value named at its field, and saves with a reason; the
 * file on disk, the audit trail and the running camera follow. Screenshots
 * at 1024x768, 1280x800 and 1366x768, night and day, land in test-results/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { DEMO_DB_KEY_TEXT, demoDbKey } from '../../src/main/engine/store/key.js';
import { e2eSkipReason, pageProblems, projectRoot, shootAllSizes, signIn, startDemoApp, type DemoApp } from '../helpers/chromium.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`settings E2E ${skipReason}`);

const ADMIN = { id: 'chief', pin: '5550123' };

/** Elements of the settings tab whose text overflows its box, or that stick out of the tab sideways. */
async function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const tab = document.querySelector('[data-testid="settings-tab"]')!.getBoundingClientRect();
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-testid="settings-tab"] *'))) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || el.closest('select')) continue;
      const label = `${el.tagName.toLowerCase()}.${el.className || ''}[${el.dataset.testid ?? ''}] "${(el.textContent ?? '').slice(0, 30)}"`;
      if (box.right > tab.right + 1 || box.left < tab.left - 1) out.push(`${label} sticks out sideways`);
      const style = getComputedStyle(el);
      if (el.tagName !== 'INPUT' && style.overflowX !== 'visible' && style.overflowX !== 'auto' && el.scrollWidth > el.clientWidth + 1) out.push(`${label} is clipped`);
    }
    return out;
  });
}

describe.skipIf(skipReason !== null)('the car settings screen end to end (browser mode)', () => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp('lpr-e2e-settings-', (dataDir) => {
      const lpr = path.join(projectRoot, 'bin', 'lpr.js');
      const env = { ...process.env, LPR_LOG_LEVEL: 'silent', LPR_DB_KEY: DEMO_DB_KEY_TEXT };
      execFileSync(process.execPath, [lpr, 'user', 'add', ADMIN.id, '--name', 'Chief Ortiz', '--role', 'administrator', '--data-dir', dataDir], {
        env: { ...env, LPR_PIN: ADMIN.pin },
      });
      // A list without the footage's plate, so no alert takes the screen over.
      const list = path.join(dataDir, 'quiet.csv');
      fs.writeFileSync(list, 'plate,state,list_code,description\nZZZ9999,CA,V,not in the footage\n');
      execFileSync(process.execPath, [lpr, 'hotlist', 'import', list, '--list', 'demo', '--data-dir', dataDir], { env });
      // The car's own settings: a side camera on the demo footage, and a GPS receiver.
      fs.writeFileSync(
        path.join(dataDir, 'settings.json'),
        JSON.stringify({
          cameras: [{ id: 'side', name: 'Side', position: 'right', source: path.join(projectRoot, 'demo', 'footage'), fps: 2, loop: true }],
          gps: { device: '/dev/ttyUSB7', baud: 4800 },
        }),
      );
    });
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('previews, turns and marks a camera, names a bad value, and saves an audited change the engine applies', async () => {
    const { app, browser, dataDir } = demo;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = pageProblems(page);
    await page.goto(app.url);
    await signIn(page, ADMIN.id, ADMIN.pin);
    await page.getByTestId('admin-open').click();
    await page.getByTestId('admin-tab-settings').click();
    const card = page.getByTestId('settings-camera-0');
    await card.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('settings-camera-0-source').inputValue()).toBe(path.join(projectRoot, 'demo', 'footage'));

    // The side camera runs: its preview is the car's own frames, then turned as entered.
    await page.getByTestId('settings-camera-0-preview-toggle').click();
    await page.getByTestId('settings-camera-0-preview-image').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('settings-camera-0-preview-caption').textContent(), { timeout: 60_000 }).toMatch(/^\d+×\d+, from the running camera$/);
    const [width, height] = (await page.getByTestId('settings-camera-0-preview-caption').textContent())!.split(',')[0]!.split('×').map(Number);
    await page.getByTestId('settings-camera-0-rotation').selectOption('90');
    await expect.poll(() => page.getByTestId('settings-camera-0-preview-caption').textContent(), { timeout: 60_000 }).toBe(`${height}×${width}, turned 90°, from the running camera`);
    await page.getByTestId('settings-camera-0-preview-toggle').click();

    // The region where plates are read, drawn on the picture.
    const picture = page.getByTestId('settings-camera-0-preview-image');
    const box = (await picture.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.9, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('settings-camera-0-preview-roi').waitFor();
    expect(Number(await page.getByTestId('settings-camera-0-roi-x').inputValue())).toBeCloseTo(10, 0);
    expect(Number(await page.getByTestId('settings-camera-0-roi-w').inputValue())).toBeCloseTo(80, 0);
    await shootAllSizes(page, 'admin-settings');
    expect(await clipped(page)).toEqual([]);
    // The lower sections: GPS, lists and recognition, thresholds.
    await page.getByTestId('settings-buffer-reads').scrollIntoViewIfNeeded();
    await shootAllSizes(page, 'admin-settings-lower');
    await page.getByTestId('settings-camera-0-fps').scrollIntoViewIfNeeded();

    // A bad value is named at its field and in the save bar; nothing can be saved meanwhile.
    await page.getByTestId('settings-camera-0-fps').fill('500');
    await page.getByTestId('settings-problems').waitFor();
    expect(await page.getByTestId('settings-problems').textContent()).toContain('cameras.0.fps');
    expect(await page.getByTestId('settings-save').isDisabled()).toBe(true);
    await page.getByTestId('settings-camera-0-fps').scrollIntoViewIfNeeded();
    await shootAllSizes(page, 'admin-settings-problem');
    await page.getByTestId('settings-camera-0-fps').fill('4');

    await page.getByTestId('settings-reason').fill('side camera remounted on its side');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-applied').textContent(), { timeout: 60_000 }).toBe('Saved. Cameras restarted: side.');
    await shootAllSizes(page, 'admin-settings-saved');
    expect(problems).toEqual([]);

    // The file, the audit trail and the running camera follow.
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8'));
    expect(saved.cameras[0]).toMatchObject({ id: 'side', rotation: 90, fps: 4, roi: { x: expect.closeTo(0.1, 1), w: expect.closeTo(0.8, 1) } });
    expect(saved.gps).toEqual({ device: '/dev/ttyUSB7', baud: 4800 });
    const db = openDatabase(path.join(dataDir, 'lpr.sqlite'), undefined, { key: demoDbKey() });
    const row = db.prepare("SELECT user_id, detail FROM audit_log WHERE action = 'settings.change'").get() as { user_id: string; detail: string };
    db.close();
    expect(row.user_id).toBe(ADMIN.id);
    expect(JSON.parse(row.detail)).toMatchObject({
      reason: 'side camera remounted on its side',
      changed: expect.arrayContaining(['cameras.side.rotation', 'cameras.side.fps', 'cameras.side.roi']),
      before: { 'cameras.side.rotation': 0, 'cameras.side.fps': 2 },
      after: { 'cameras.side.rotation': 90, 'cameras.side.fps': 4 },
    });
  }, 300_000);
});
