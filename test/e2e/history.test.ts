/**
 * History search and evidence export in headless Chromium through browser
 * mode: an officer signs in, runs a search justified with a case number, sees
 * the results with their crops and on the grid map, and exports the hit as
 * evidence; the package verifies, and the audit trail holds the search, the
 * image views and the export. Screenshots of the screen at 1280x800 and
 * 1024x768, night and day, go to test-results/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPackage } from '../../src/main/engine/records/evidence.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { e2eSkipReason, shootAllSizes, signIn, signOut, startCar, type Car, type CarUser } from '../helpers/chromium.js';
import { addEarlierReads } from '../helpers/earlier-reads.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`history E2E ${skipReason}`);

const OFFICER: CarUser = { id: 'ofc7', name: 'Ofc. Kim', role: 'officer', pin: '246810' };
const SUPERVISOR: CarUser = { id: 'sgt2', name: 'Sgt. Diaz', role: 'supervisor', pin: '135790' };
const ADMIN: CarUser = { id: 'adm1', name: 'IT Sgt. Lo', role: 'administrator', pin: '975310' };

describe.skipIf(skipReason !== null)('history search and evidence end to end (browser mode)', () => {
  let car: Car;
  let hitId: number;

  beforeAll(async () => {
    car = await startCar('lpr-e2e-history-', {
      users: [OFFICER, SUPERVISOR, ADMIN],
      withDb: (db) => {
        hitId = addEarlierReads(db, { hoursAgo: 2, cameraIds: ['front', 'rear', 'front'], disposedBy: OFFICER.id }).hitId;
      },
      args: ['--engine', 'paddle'],
    });
  }, 300_000);

  afterAll(async () => {
    await car?.close();
  });

  it('an officer runs a justified search and exports the hit as evidence that verifies', async () => {
    const { page, problems } = await car.open(OFFICER);

    await page.getByTestId('history-open').click();
    await page.getByTestId('history-screen').waitFor();
    await page.getByTestId('history-plate').fill('7AB*');
    await page.getByTestId('history-search').click();
    await expect.poll(() => page.getByTestId('history-error').textContent()).toContain('case number');
    await page.getByTestId('history-case').fill('2026-00042');
    await page.getByTestId('history-search').click();
    await expect.poll(() => page.getByTestId('history-count').textContent(), { timeout: 30_000 }).toBe('3 reads');
    await expect.poll(() => page.locator('img.history-crop').count(), { timeout: 30_000 }).toBe(3);
    expect(await page.getByTestId('history-map-point').count()).toBe(3);
    await shootAllSizes(page, 'history-results');

    await page.getByTestId('history-export').click();
    await page.getByTestId('export-person').fill('Det. A. Ray');
    await page.getByTestId('export-agency').fill('Suffolk County DA');
    await page.getByTestId('export-reason').fill('prosecution of the driver');
    await page.getByTestId('export-case').fill('2026-00042');
    await shootAllSizes(page, 'history-export');
    await page.getByTestId('export-submit').click();
    const done = await page.getByTestId('export-done').textContent({ timeout: 30_000 });
    const file = /Saved (\S+\.zip)/.exec(done ?? '')![1]!;
    expect(verifyPackage(fs.readFileSync(file))).toMatchObject({ ok: true, problems: [] });
    expect(problems).toEqual([]);

    const db = openDatabase(path.join(car.dataDir, 'lpr.sqlite'));
    try {
      const actions = (db.prepare(`SELECT action FROM audit_log WHERE user_id = 'ofc7' ORDER BY id`).all() as { action: string }[]).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['session.login', 'history.search', 'read.image-view', 'evidence.export']));
      expect(db.prepare('SELECT recipient_agency, case_number, source_kind, source_id FROM disseminations').all()).toEqual([
        { recipient_agency: 'Suffolk County DA', case_number: '2026-00042', source_kind: 'hit', source_id: hitId },
      ]);
    } finally {
      db.close();
    }
  }, 240_000);

  it('a supervisor sees the export in the dissemination log and places a hold', async () => {
    const { page, problems } = await car.open(SUPERVISOR);
    await page.getByTestId('records-open').click();
    await expect.poll(() => page.getByTestId('log-row').first().textContent(), { timeout: 30_000 }).toContain('Suffolk County DA');
    await page.getByTestId('hold-case').fill('2026-00042');
    await page.getByTestId('hold-plate').fill('7ABC*');
    await page.getByTestId('hold-until').fill('2030-12-31');
    await page.getByTestId('hold-reason').fill('trial pending');
    await page.getByTestId('hold-place').click();
    await expect.poll(() => page.getByTestId('hold-row').first().textContent(), { timeout: 30_000 }).toContain('keeps 2 reads');
    await shootAllSizes(page, 'records-panel');
    expect(problems).toEqual([]);
  }, 240_000);

  it('an administrator sees the retention periods and runs a purge that keeps the held reads', async () => {
    const { page, problems } = await car.open(ADMIN);
    await page.getByTestId('records-open').click();
    await page.getByTestId('retention-section').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('retention-readsWithoutHit').inputValue()).toBe('30 days');
    await page.getByTestId('retention-purge').click();
    await expect.poll(() => page.getByTestId('retention-purged').textContent(), { timeout: 30_000 }).toContain('Purged: 0 reads');
    await shootAllSizes(page, 'records-retention');
    expect(problems).toEqual([]);
  }, 240_000);

  it('one trail: an administrator adds an officer, who searches with a reason, exports a hit and has a special detail approved by a supervisor; the audit screen shows it all and verifies', async () => {
    const { page, problems } = await car.open(ADMIN);
    await page.getByTestId('admin-open').click();
    await page.getByTestId('users-tab').waitFor({ timeout: 30_000 });
    await page.getByTestId('new-user-id').fill('ofc9');
    await page.getByTestId('new-user-name').fill('Ofc. Ruiz');
    await page.getByTestId('new-user-pin').fill('864209');
    await page.getByTestId('new-user-submit').click();
    await page.getByTestId('new-user-done').waitFor({ timeout: 30_000 });
    await page.getByTestId('admin-close').click();
    await signOut(page);

    await signIn(page, 'ofc9', '864209');
    await page.getByTestId('history-open').click();
    await page.getByTestId('history-plate').fill('7ABC123');
    await page.getByTestId('history-case').fill('2026-00077');
    await page.getByTestId('history-search').click();
    await expect.poll(() => page.getByTestId('history-count').textContent(), { timeout: 30_000 }).toBe('1 read');
    await page.getByTestId('history-export').click();
    await page.getByTestId('export-person').fill('Det. B. Moss');
    await page.getByTestId('export-agency').fill('State Police');
    await page.getByTestId('export-reason').fill('stolen vehicle investigation');
    await page.getByTestId('export-case').fill('2026-00077');
    await page.getByTestId('export-submit').click();
    const done = await page.getByTestId('export-done').textContent({ timeout: 30_000 });
    expect(verifyPackage(fs.readFileSync(/Saved (\S+\.zip)/.exec(done ?? '')![1]!))).toMatchObject({ ok: true });
    await page.getByTestId('export-close').click();
    await page.getByTestId('history-close').click();

    await page.getByTestId('shift-open').click();
    await page.getByTestId('deploy-purpose').fill('Plate sweep, Harbor district');
    await page.getByTestId('deploy-special').click();
    await page.getByTestId('deploy-awaiting').waitFor({ timeout: 30_000 });
    await page.getByTestId('approve-supervisor-id').fill('sgt2');
    await page.getByTestId('approve-pin').fill('135790');
    await page.getByTestId('approve-signin').click();
    await expect.poll(() => page.getByTestId('deploy-active').textContent(), { timeout: 30_000 }).toContain('approved by sgt2');
    await page.getByTestId('shift-close').click();
    await signOut(page);

    await signIn(page, ADMIN.id, ADMIN.pin);
    await page.getByTestId('admin-open').click();
    await page.getByTestId('admin-tab-audit').click();
    await page.locator('.audit-verdict-good').waitFor({ timeout: 30_000 });
    const actionsOf = async (userId: string): Promise<string[]> => {
      await page.getByTestId('audit-filter-user').fill(userId);
      await page.getByTestId('audit-filter-apply').click();
      await expect.poll(() => page.locator('[data-testid="audit-row"] .audit-user').first().textContent(), { timeout: 30_000 }).toBe(userId);
      return page.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action') ?? ''));
    };
    expect(await actionsOf('ofc9')).toEqual(expect.arrayContaining(['session.login', 'history.search', 'evidence.export', 'deployment.request', 'session.logout']));
    expect(await actionsOf('sgt2')).toEqual(expect.arrayContaining(['deployment.approve']));
    expect(await actionsOf('adm1')).toEqual(expect.arrayContaining(['user.add']));
    expect(await page.getByTestId('audit-verdict').textContent()).toMatch(/Chain verified/);
    await shootAllSizes(page, 'audit-trail');
    expect(problems).toEqual([]);
  }, 300_000);
});
