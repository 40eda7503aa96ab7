/**
 * Hot lists from the officer's seat, in headless Chromium through browser mode:
 * a shift-start sync (run by the engine in its worker thread) reports each
 * list's outcome, and a manual entry with its reason (C.6) is searched against
 * the reads already taken this shift.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, pageProblems, projectRoot, signInAsDemo, startDemoApp, type DemoApp } from '../helpers/chromium.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { DEMO_DB_KEY_TEXT, demoDbKey } from '../../src/main/engine/store/key.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`hot lists E2E ${skipReason}`);

describe.skipIf(skipReason !== null)('hot lists end to end (browser mode)', () => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp('lpr-e2e-hl-', (dataDir) => {
      // A demo list without the footage's planted plate, so no other alert interrupts the panel.
      const list = path.join(dataDir, 'quiet.csv');
      fs.writeFileSync(list, 'plate,state,list_code,description\nZZZ9999,CA,V,not in the footage\n');
      execFileSync(process.execPath, [path.join(projectRoot, 'bin', 'lpr.js'), 'hotlist', 'import', list, '--list', 'demo', '--data-dir', dataDir], {
        // The demo's folder opens with the demo's published key.
        env: { ...process.env, LPR_LOG_LEVEL: 'silent', LPR_DB_KEY: DEMO_DB_KEY_TEXT },
      });
    });
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('syncs the lists and finds this shift’s reads for a new manual entry', async () => {
    const { app, browser, dataDir } = demo;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = pageProblems(page);
    await signInAsDemo(page, app.url);
    // Wait until the first car of the demo footage has been read during this officer's
    // shift (since sign-in): the footage loops, so a second row of it is a pass after
    // sign-in even when the first was read before.
    await page.getByTestId('read-row').filter({ hasText: '7KDP418' }).nth(1).waitFor({ timeout: 120_000 });

    await page.getByTestId('hotlists-open').click();
    await page.getByTestId('hotlists-panel').waitFor();
    await page.getByTestId('hotlists-sync').click();
    const outcome = page.getByTestId('hotlists-sync-outcome').filter({ hasText: 'demo' });
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getAttribute('class')).not.toContain('failed');

    await page.getByTestId('manual-plate').fill('7KDP*');
    await page.getByTestId('manual-reason').fill('Seen at the burglary on Elm St, witness report');
    await page.getByTestId('manual-submit').click();
    await page.getByTestId('manual-added').waitFor({ timeout: 10_000 });
    await page.getByTestId('manual-entry-row').filter({ hasText: '7KDP*' }).first().waitFor();
    await expect.poll(() => page.getByTestId('manual-earlier-reads').textContent()).toContain('7KDP418');
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'manual-entry.png') });

    // The footage loops: the car's next pass hits the new partial entry and raises an alert.
    const db = openDatabase(path.join(dataDir, 'lpr.sqlite'), undefined, { key: demoDbKey(), readonly: true });
    try {
      await expect
        .poll(
          () =>
            db
              .prepare(`SELECT h.match_kind AS kind, r.plate FROM alerts a JOIN hits h ON h.id = a.hit_id JOIN reads r ON r.id = h.read_id
                        WHERE json_extract(h.entry_snapshot, '$.plate') = '7KDP*'`)
              .all(),
          { timeout: 120_000, interval: 500 },
        )
        .toEqual(expect.arrayContaining([{ kind: 'partial', plate: '7KDP418' }]));
    } finally {
      db.close();
    }
    await page.getByTestId('alert-screen').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('alert-entry-plate').textContent()).toContain('7KDP');
    expect(await page.getByTestId('alert-match-kind').textContent()).toMatch(/partial/i);
    expect(problems).toEqual([]);
  }, 300_000);
});
