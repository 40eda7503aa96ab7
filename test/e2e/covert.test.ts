/**
 * Covert stays covert, through the officer's screen: a covert list holds the
 * plate of the demo footage's first car. Sign-in syncs it; the car passes; the
 * hit is recorded and queued for the agency, but nothing the screen receives or
 * shows (alert, counters, list chips, sync messages) names the list or the hit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, pageProblems, signInAsDemo, startDemoApp, type DemoApp } from '../helpers/chromium.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { demoDbKey } from '../../src/main/engine/store/key.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`covert E2E ${skipReason}`);

describe.skipIf(skipReason !== null)('covert hits end to end (browser mode)', () => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await startDemoApp('lpr-e2e-covert-', (dataDir) => {
      const list = path.join(dataDir, 'intel.csv');
      fs.writeFileSync(list, 'plate,state,list_code,description\n7KDP418,CA,V,surveillance target\n');
      fs.writeFileSync(path.join(dataDir, 'hotlists.json'), JSON.stringify({ lists: [{ name: 'intel-covert', source: list, format: 'csv', covert: true }] }));
    });
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('records and queues the covert hit while the screen shows nothing of it', async () => {
    const { app, browser, dataDir } = demo;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = pageProblems(page);
    const socketText: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (frame) => socketText.push(String(frame.payload))));
    await signInAsDemo(page, app.url);

    // The covert plate passes after the sign-in's sync has loaded the list (the footage loops).
    const db = openDatabase(path.join(dataDir, 'lpr.sqlite'), undefined, { key: demoDbKey(), readonly: true });
    try {
      await expect
        .poll(() => (db.prepare("SELECT count(*) AS n FROM upload_queue WHERE kind = 'covert-hit'").get() as { n: number }).n, { timeout: 180_000, interval: 500 })
        .toBeGreaterThan(0);
      const alertsForIt = db
        .prepare("SELECT count(*) AS n FROM alerts a JOIN hits h ON h.id = a.hit_id JOIN reads r ON r.id = h.read_id WHERE r.plate = '7KDP418'")
        .get() as { n: number };
      expect(alertsForIt.n).toBe(0);
    } finally {
      db.close();
    }

    // Nothing the screen received or shows names the list or the hit.
    const shown = await page.evaluate(() => document.body.innerText);
    expect(shown.toLowerCase()).not.toContain('intel');
    expect(shown).not.toContain('surveillance');
    // Everything the engine sent this screen: reads, alerts, status (counters, list chips), sync progress.
    expect(socketText.length).toBeGreaterThan(0);
    expect(socketText.join('\n')).not.toMatch(/intel-covert|surveillance target/);
    expect(problems).toEqual([]);
  }, 300_000);
});
