/**
 * Hot lists from the officer's seat, in headless Chromium through browser mode:
 * a shift-start sync (run by the engine in its worker thread) reports each
 * list's outcome, and a manual entry with its reason (C.6) is searched against
 * the reads already taken this shift.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER } from '../../src/main/engine/demo.js';
import { e2eSkipReason, projectRoot, startCar, type Car } from '../helpers/chromium.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { demoDbKey } from '../../src/main/engine/store/key.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`hot lists E2E ${skipReason}`);

describe.skipIf(skipReason !== null)('hot lists end to end (browser mode)', () => {
  let car: Car;

  beforeAll(async () => {
    // A demo list without the footage's planted plate, so no other alert interrupts the panel.
    car = await startCar('lpr-e2e-hl-', { demo: true, quietList: true });
  }, 300_000);

  afterAll(async () => {
    await car?.close();
  });

  it('syncs the lists and finds this shift’s reads for a new manual entry', async () => {
    const { page, problems } = await car.open(DEMO_USER);
    const db = openDatabase(path.join(car.dataDir, 'lpr.sqlite'), undefined, { key: demoDbKey(), readonly: true });
    try {
      // Wait until the first car of the demo footage has been read during this officer's
      // shift (captured after the sign-in the manual entry searches from): on a loaded
      // machine the footage can loop more than once before the sign-in is through, so the
      // rows on screen alone do not say which pass came after it.
      const sinceSignIn = () =>
        (
          db
            .prepare(
              `SELECT count(*) AS n FROM reads WHERE plate = '7KDP418'
                 AND captured_at >= (SELECT max(signed_in_at) FROM sessions WHERE user_id = ? AND ended_at IS NULL)`,
            )
            .get(DEMO_USER.id) as { n: number }
        ).n;
      await expect.poll(sinceSignIn, { timeout: 180_000, interval: 500 }).toBeGreaterThan(0);

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
