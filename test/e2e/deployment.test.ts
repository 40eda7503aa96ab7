/**
 * A supervisor approves a special detail end to end, in headless Chromium
 * through browser mode: the officer asks for the detail on the Shift screen,
 * it stays waiting, a wrong PIN is refused, the supervisor's ID and PIN on
 * the same screen start it, and the approval is read back from SQLite with its
 * audit row. Then sign-out shows the shift summary. Screenshots of the shift
 * screen at 1280x800 and 1024x768, day and night, go to test-results/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/main/engine/governance/users.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { demoDbKey } from '../../src/main/engine/store/key.js';
import { e2eSkipReason, pageProblems, projectRoot, shootAllSizes, signInAsDemo, startDemoApp, type DemoApp } from '../helpers/chromium.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`deployment E2E ${skipReason}`);

const SUPERVISOR = { id: 'sgt', pin: '246810' };

describe.skipIf(skipReason !== null)('special detail approved by a supervisor (browser mode)', () => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp('lpr-e2e-deploy-', (dataDir) => {
      const db = openDatabase(path.join(dataDir, 'lpr.sqlite'), undefined, { key: demoDbKey() });
      try {
        addUser(db, { id: SUPERVISOR.id, name: 'Sgt. Okafor', role: 'supervisor', trained: true, pin: SUPERVISOR.pin }, null);
        // An empty "demo" list: the demo footage raises no alert to take the screen mid-test.
        db.prepare(`INSERT INTO hot_lists (name, source, updated_at, entry_count) VALUES ('demo', 'e2e', ?, 0)`).run(Date.now());
      } finally {
        db.close();
      }
    });
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('waits for approval, refuses a wrong PIN, starts on the supervisor\'s PIN, and signs out through the summary', async () => {
    const { app, browser, dataDir } = demo;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, hasTouch: true });
    const problems = pageProblems(page);
    await signInAsDemo(page, app.url);

    await page.getByTestId('shift-open').click();
    await page.getByTestId('deploy-purpose').fill('Stolen-vehicle sweep, Route 9 corridor');
    await page.getByTestId('deploy-special').click();
    await page.getByTestId('deploy-awaiting').waitFor({ timeout: 20_000 });

    await page.getByTestId('approve-supervisor-id').fill(SUPERVISOR.id);
    await page.getByTestId('approve-pin').fill('000000');
    await page.getByTestId('approve-signin').click();
    await expect.poll(() => page.getByTestId('shift-error').textContent(), { timeout: 20_000 }).toContain('wrong PIN');
    expect(await page.getByTestId('deploy-awaiting').isVisible()).toBe(true);

    const shots = path.join(projectRoot, 'test-results');
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, 'shift-awaiting-approval-1280x800-night.png') });

    await page.getByTestId('approve-pin').fill(SUPERVISOR.pin);
    await page.getByTestId('approve-signin').click();
    await page.getByTestId('deploy-active').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('deploy-active').textContent()).toContain('approved by sgt');
    await page.getByTestId('summary-deployment-1').waitFor({ timeout: 20_000 });

    await shootAllSizes(page, 'shift');

    const db = openDatabase(path.join(dataDir, 'lpr.sqlite'), undefined, { key: demoDbKey(), readonly: true });
    try {
      expect(db.prepare('SELECT kind, purpose, officer_id, status, approved_by, approval_method FROM deployments').all()).toEqual([
        { kind: 'special', purpose: 'Stolen-vehicle sweep, Route 9 corridor', officer_id: 'demo', status: 'active', approved_by: 'sgt', approval_method: 'supervisor-pin' },
      ]);
      const actions = (db.prepare(`SELECT action, user_id FROM audit_log WHERE action LIKE 'deployment.%' ORDER BY id`).all() as { action: string; user_id: string }[]);
      expect(actions).toEqual([
        { action: 'deployment.request', user_id: 'demo' },
        { action: 'deployment.approve', user_id: 'sgt' },
      ]);
    } finally {
      db.close();
    }

    await page.getByTestId('shift-close').click();
    await page.getByTestId('logout').click();
    await page.getByTestId('shift-counters').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(shots, 'shift-sign-out-1280x800-day.png') });
    await page.getByTestId('signout-confirm').click();
    await page.getByTestId('login-user').waitFor({ timeout: 20_000 });
    expect(problems).toEqual([]);
  }, 300_000);
});
