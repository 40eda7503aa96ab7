/**
 * Accounts and the audit trail in headless Chromium through browser mode: the
 * administrator adds an officer on the Users tab, the officer signs in, locks
 * and unlocks the screen, and the Audit tab shows those rows with a chain that
 * verifies. Screenshots of each screen at 1280x800 and 1024x768, night and day,
 * land in test-results/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { DEMO_DB_KEY_TEXT, demoDbKey } from '../../src/main/engine/store/key.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, pageProblems, projectRoot, startDemoApp, type DemoApp } from '../helpers/chromium.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`governance E2E ${skipReason}`);

const ADMIN = { id: 'chief', pin: '5550123' };
const OFFICER = { id: 'k.smith', pin: '482913' };
const shots = path.join(projectRoot, 'test-results');

async function signIn(page: Page, who: { id: string; pin: string }): Promise<void> {
  await page.getByTestId('login-user').fill(who.id);
  await page.getByTestId('login-pin').fill(who.pin);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('patrol-view').waitFor({ timeout: 90_000 });
}

/** Sign-out goes through the shift summary (and first asks about any alert still open). */
async function confirmSignOut(page: Page): Promise<void> {
  const anyway = page.getByTestId('signout-anyway');
  const confirm = page.getByTestId('signout-confirm');
  await anyway.or(confirm).first().waitFor({ timeout: 30_000 });
  if (await anyway.isVisible()) await anyway.click();
  await confirm.click();
}

/** The screen as it is now, at both MDT sizes and in both themes. */
async function shoot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(shots, { recursive: true });
  for (const theme of ['night', 'day'] as const) {
    await page.evaluate((t) => {
      document.documentElement.dataset.theme = t;
    }, theme);
    for (const [width, height] of [
      [1280, 800],
      [1024, 768],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(shots, `${name}-${width}x${height}-${theme}.png`) });
    }
  }
  await page.evaluate(() => {
    document.documentElement.dataset.theme = 'night';
  });
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe.skipIf(skipReason !== null)('accounts and audit end to end (browser mode)', () => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp('lpr-e2e-gov-', (dataDir) => {
      const lpr = path.join(projectRoot, 'bin', 'lpr.js');
      const env = { ...process.env, LPR_LOG_LEVEL: 'silent', LPR_DB_KEY: DEMO_DB_KEY_TEXT };
      // The first user of the car is its administrator.
      execFileSync(process.execPath, [lpr, 'user', 'add', ADMIN.id, '--name', 'Chief Ortiz', '--role', 'administrator', '--data-dir', dataDir], {
        env: { ...env, LPR_PIN: ADMIN.pin },
      });
      // A demo list without the footage's plate, so no alert takes the screen over.
      const list = path.join(dataDir, 'quiet.csv');
      fs.writeFileSync(list, 'plate,state,list_code,description\nZZZ9999,CA,V,not in the footage\n');
      execFileSync(process.execPath, [lpr, 'hotlist', 'import', list, '--list', 'demo', '--data-dir', dataDir], { env });
    });
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('an administrator adds an officer who signs in, locks and unlocks; the audit tab shows it and verifies', async () => {
    const { app, browser, dataDir } = demo;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = pageProblems(page);
    await page.goto(app.url);
    await signIn(page, ADMIN);

    await page.getByTestId('admin-open').click();
    await page.getByTestId('users-tab').waitFor();
    await page.getByTestId('new-user-id').fill(OFFICER.id);
    await page.getByTestId('new-user-name').fill('K Smith');
    await page.getByTestId('new-user-pin').fill(OFFICER.pin);
    await page.getByTestId('new-user-submit').click();
    await page.getByTestId('new-user-done').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="user-row"][data-user="k.smith"]').waitFor();
    await shoot(page, 'admin-users');
    await page.getByTestId('admin-close').click();
    await page.getByTestId('logout').click();
    await confirmSignOut(page);

    await signIn(page, OFFICER);
    expect(await page.getByTestId('admin-open').count()).toBe(0);
    await page.getByTestId('lock').click();
    await page.getByTestId('lock-screen').waitFor();
    await shoot(page, 'lock-screen');
    await page.getByTestId('lock-pin').fill('000000');
    await page.getByTestId('lock-unlock').click();
    await page.getByTestId('lock-error').waitFor({ timeout: 30_000 });
    await page.getByTestId('lock-pin').fill(OFFICER.pin);
    await page.getByTestId('lock-unlock').click();
    await page.getByTestId('patrol-view').waitFor({ timeout: 30_000 });
    await page.getByTestId('logout').click();
    await confirmSignOut(page);

    await signIn(page, ADMIN);
    await page.getByTestId('admin-open').click();
    await page.getByTestId('admin-tab-audit').click();
    await page.locator('.audit-verdict-good').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('audit-verdict').textContent()).toMatch(/Chain verified/);
    for (const action of ['user.add', 'session.login', 'session.lock', 'session.unlock-failed', 'session.unlock', 'session.logout']) {
      await page.locator(`[data-testid="audit-row"][data-action="${action}"]`).first().waitFor({ timeout: 10_000 });
    }
    await page.getByTestId('audit-filter-user').fill(OFFICER.id);
    await page.getByTestId('audit-filter-apply').click();
    await expect.poll(async () => (await page.getByTestId('audit-row').allTextContents()).every((t) => t.includes(OFFICER.id))).toBe(true);
    await page.getByTestId('audit-filter-user').fill('');
    await page.getByTestId('audit-filter-apply').click();
    await shoot(page, 'admin-audit');
    expect(problems).toEqual([]);

    // The same trail verifies from the command line, and fails at a row edited behind its back.
    const lpr = path.join(projectRoot, 'bin', 'lpr.js');
    const env = { ...process.env, LPR_LOG_LEVEL: 'silent', LPR_DB_KEY: DEMO_DB_KEY_TEXT };
    expect(execFileSync(process.execPath, [lpr, 'audit', 'verify', '--data-dir', dataDir], { env }).toString()).toMatch(/audit trail verifies/);
    const db = openDatabase(path.join(dataDir, 'lpr.sqlite'), undefined, { key: demoDbKey() });
    const row = db.prepare("SELECT id FROM audit_log WHERE action = 'user.add' AND user_id = 'chief'").pluck().get() as number;
    db.prepare(`UPDATE audit_log SET detail = '{"id":"someone.else"}' WHERE id = ?`).run(row);
    db.close();
    let failure = '';
    try {
      execFileSync(process.execPath, [lpr, 'audit', 'verify', '--data-dir', dataDir], { env, stdio: 'pipe' });
    } catch (error) {
      failure = String((error as { stderr: Buffer }).stderr);
    }
    expect(failure).toContain(`does NOT verify at row ${row}`);
  });
});
