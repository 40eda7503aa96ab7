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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, pageProblems, projectRoot, shootAllSizes, signIn, signOut, startDemoApp, type DemoApp } from '../helpers/chromium.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`governance E2E ${skipReason}`);

const ADMIN = { id: 'chief', pin: '5550123' };
const OFFICER = { id: 'k.smith', pin: '482913' };

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
    await signIn(page, ADMIN.id, ADMIN.pin);

    await page.getByTestId('admin-open').click();
    await page.getByTestId('users-tab').waitFor();
    await page.getByTestId('new-user-id').fill(OFFICER.id);
    await page.getByTestId('new-user-name').fill('K Smith');
    await page.getByTestId('new-user-pin').fill(OFFICER.pin);
    await page.getByTestId('new-user-submit').click();
    await page.getByTestId('new-user-done').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="user-row"][data-user="k.smith"]').waitFor();
    await shootAllSizes(page, 'admin-users');
    await page.getByTestId('admin-close').click();
    await signOut(page);

    await signIn(page, OFFICER.id, OFFICER.pin);
    expect(await page.getByTestId('admin-open').count()).toBe(0);
    await page.getByTestId('lock').click();
    await page.getByTestId('lock-screen').waitFor();
    await shootAllSizes(page, 'lock-screen');
    await page.getByTestId('lock-pin').fill('000000');
    await page.getByTestId('lock-unlock').click();
    await page.getByTestId('lock-error').waitFor({ timeout: 30_000 });
    await page.getByTestId('lock-pin').fill(OFFICER.pin);
    await page.getByTestId('lock-unlock').click();
    await page.getByTestId('patrol-view').waitFor({ timeout: 30_000 });
    await signOut(page);

    await signIn(page, ADMIN.id, ADMIN.pin);
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
    await shootAllSizes(page, 'admin-audit');
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
