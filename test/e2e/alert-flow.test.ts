/**
 * The whole loop in headless Chromium through browser mode: the demo footage
 * plays, the planted hot-list plate raises the alert, the officer works
 * through the checklist and disposition, and the disposition is read back from
 * SQLite. Saves a screenshot of the alert screen to test-results/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, pageProblems, projectRoot, signInAsDemo, startDemoApp, type DemoApp } from '../helpers/chromium.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { demoDbKey } from '../../src/main/engine/store/key.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`alert-flow E2E ${skipReason}`);

describe.skipIf(skipReason !== null)('alert flow end to end (browser mode)', () => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp('lpr-e2e-');
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('raises the alert for the planted plate and stores the disposition', async () => {
    const { app, browser, dataDir } = demo;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, hasTouch: true });
    const problems = pageProblems(page);
    await signInAsDemo(page, app.url);

    // The demo footage's third car carries the planted plate.
    const alertScreen = page.getByTestId('alert-screen');
    await alertScreen.waitFor({ timeout: 150_000 });
    await expect.poll(() => page.getByTestId('alert-entry-plate').textContent()).toContain('6TRJ244');
    await page.getByTestId('alert-crop-image').waitFor();
    await page.getByTestId('alert-context-image').waitFor();
    expect(await page.evaluate(() => document.body.dataset.tone)).toBe('playing');

    fs.mkdirSync(path.join(projectRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'alert-screen.png') });

    await page.getByTestId('alert-ack').click();
    await expect.poll(() => page.evaluate(() => document.body.dataset.tone)).toBe('silent');
    await page.getByTestId('check-characters-yes').click();
    await page.getByTestId('check-state-yes').click();
    await page.getByTestId('dispatch-verified-active').click();
    await page.getByTestId('dispatch-note').fill('Dispatch confirms stolen, case 26-1141');
    await page.getByTestId('dispatch-submit').click();
    await page.getByTestId('disposition-confirmed').click();
    await page.getByTestId('disposition-note').fill('Vehicle stopped, driver detained');
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'disposition-form.png') });
    await page.getByTestId('disposition-submit').click();
    await page.getByTestId('disposition-saved').waitFor({ timeout: 10_000 });
    expect(problems).toEqual([]);

    const db = openDatabase(path.join(dataDir, 'lpr.sqlite'), undefined, { key: demoDbKey(), readonly: true });
    try {
      const row = db
        .prepare(
          `SELECT d.kind, d.note, d.user_id, d.recorded_at, a.characters_match, a.state_matches, a.dispatch_result, a.dispatch_note,
                  r.plate, r.crop_jpeg IS NOT NULL AS has_crop, r.context_jpeg IS NOT NULL AS has_context, h.entry_snapshot
           FROM dispositions d JOIN alerts a ON a.id = d.alert_id JOIN hits h ON h.id = a.hit_id JOIN reads r ON r.id = h.read_id`,
        )
        .get() as Record<string, unknown>;
      expect(row).toBeDefined();
      expect(row.kind).toBe('confirmed');
      expect(row.note).toBe('Vehicle stopped, driver detained');
      expect(row.user_id).toBe('demo');
      expect(typeof row.recorded_at).toBe('number');
      expect(row.characters_match).toBe(1);
      expect(row.state_matches).toBe(1);
      expect(row.dispatch_result).toBe('verified-active');
      expect(row.dispatch_note).toBe('Dispatch confirms stolen, case 26-1141');
      expect(JSON.parse(String(row.entry_snapshot)).plate).toBe('6TRJ244');
      expect(row.has_crop).toBe(1);
      expect(row.has_context).toBe(1);
      const actions = (db.prepare('SELECT action FROM audit_log ORDER BY id').all() as { action: string }[]).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['session.login', 'hit', 'alert.acknowledge', 'alert.check', 'alert.dispose']));
    } finally {
      db.close();
    }
  }, 300_000);
});
