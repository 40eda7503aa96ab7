/**
 * Cameras and evidence on the screen, in headless Chromium through browser
 * mode: a folder camera live beside a network camera on 127.0.0.1 that
 * accepts and never sends (failed, with why); the officer opens the live
 * camera's panel from its chip and takes it out of service with a reason
 * (audited); an alert whose read has a closer view shows it below the
 * evidence. Screenshots at 1280x800 and 1024x768, night and day, go to
 * test-results/.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { auditTrail } from '../../src/main/engine/governance/audit.js';
import { addUser } from '../../src/main/engine/governance/users.js';
import { encodeJpeg } from '../../src/main/engine/engine.js';
import { openDatabase } from '../../src/main/engine/store/db.js';
import { ReadStore } from '../../src/main/engine/store/reads.js';
import cv from '../../src/main/engine/opencv.js';
import { e2eSkipReason, launchChromium, pageProblems, projectRoot, shootAllSizes, startPatrol, startServe, type ServedApp } from '../helpers/chromium.js';
import { renderPlateScene } from '../helpers/images.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`cameras E2E ${skipReason}`);

describe.skipIf(skipReason !== null)('cameras and evidence on the screen (browser mode)', () => {
  let dataDir: string;
  let app: ServedApp;
  let browser: Browser;
  let hung: net.Server;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-e2e-cameras-'));
    const db = openDatabase(path.join(dataDir, 'lpr.sqlite'));
    addUser(db, { id: 'ofc7', name: 'Ofc. Kim', role: 'officer', trained: true, pin: '246810' }, null);
    db.close();
    hung = net.createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const port = (hung.address() as net.AddressInfo).port;
    app = await startServe([
      '--data-dir', dataDir, '--engine', 'paddle', '--fps', '2', '--loop',
      '--camera', `front=${path.join(projectRoot, 'demo', 'footage')}`,
      '--camera', `side=http://127.0.0.1:${port}/video.mjpg`,
    ]);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    hung?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signIn(page: Page, screen = 'patrol-view'): Promise<void> {
    await page.goto(app.url);
    await page.getByTestId('login-user').fill('ofc7');
    await page.getByTestId('login-pin').fill('246810');
    await page.getByTestId('login-submit').click();
    await startPatrol(page, screen);
  }

  it('shows the live and the failed camera; the officer takes the live one out of service with a reason', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, hasTouch: true });
    const problems = pageProblems(page);
    await signIn(page);
    const chips = page.getByTestId('camera-state');
    await expect.poll(() => chips.nth(0).textContent(), { timeout: 120_000 }).toContain('front: OK');
    await expect.poll(() => chips.nth(1).textContent(), { timeout: 120_000 }).toContain('side: Failed');
    await chips.nth(1).click();
    // In plain words for the officer; the engine's detail (the camera's address) is the administrator's.
    await expect.poll(() => page.getByTestId('camera-service').textContent()).toContain('It did not answer within 20 s.');
    expect(await page.getByTestId('camera-service').textContent()).not.toContain('127.0.0.1');
    await shootAllSizes(page, 'camera-failed');
    await chips.nth(0).click();
    await page.getByTestId('camera-service-reason').fill('lens cracked');
    await shootAllSizes(page, 'camera-service');
    await page.getByTestId('camera-service-submit').click();
    await expect.poll(() => chips.nth(0).textContent(), { timeout: 30_000 }).toContain('front: Out of service');
    const db = openDatabase(path.join(dataDir, 'lpr.sqlite'));
    try {
      expect(auditTrail(db).find((r) => r.action === 'camera.out-of-service')).toMatchObject({ userId: 'ofc7', detail: { camera: 'front', reason: 'lens cracked' } });
    } finally {
      db.close();
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);

  it('an alert whose read has a closer view shows it below the evidence', async () => {
    const db = openDatabase(path.join(dataDir, 'lpr.sqlite'));
    try {
      const store = new ReadStore(db);
      const scene = renderPlateScene('7ABC123', 1280, 720);
      const crop = (s: typeof scene) => encodeJpeg(s.getRegion(new cv.Rect(400, 350, 480, 250)), 90);
      const read = store.add({
        plate: '7ABC123', confidence: 0.95, state: 'MA', stateConfidence: 0.9, box: [400, 350, 480, 250], candidates: [], cameraId: 'front',
        capturedAt: Date.now(), gps: { lat: 42.3601, lon: -71.0589, accuracyM: 5 }, cropJpeg: crop(scene), contextJpeg: encodeJpeg(scene, 80),
      });
      const hitId = Number(
        db.prepare(`INSERT INTO hits (read_id, entry_id, match_kind, differing_positions, matched_plate, entry_snapshot, created_at) VALUES (?, 1, 'exact', '[]', '7ABC123', ?, ?)`)
          .run(read.id, JSON.stringify({ id: 1, listName: 'NCIC', plate: '7ABC123', state: 'MA', listCode: 'V', category: 'Stolen vehicle', description: 'silver sedan', priority: 1 }), Date.now()).lastInsertRowid,
      );
      db.prepare(`INSERT INTO alerts (hit_id, status, raised_at) VALUES (?, 'pending', ?)`).run(hitId, Date.now());
      const closer = renderPlateScene('7ABC123', 1280, 720).resize(900, 1600).getRegion(new cv.Rect(160, 90, 1280, 720));
      expect(store.addView(read.id, { cropJpeg: crop(closer), contextJpeg: encodeJpeg(closer, 80), box: [400, 350, 480, 250], capturedAt: Date.now(), gps: null })).toBe('extra');
    } finally {
      db.close();
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, hasTouch: true });
    // A pending alert comes first after sign-in.
    await signIn(page, 'alert-screen');
    await page.getByTestId('alert-closer-view').waitFor({ timeout: 30_000 });
    // Folded by default so the evidence keeps its room; a tap opens it.
    await shootAllSizes(page, 'alert-closer-view');
    await page.getByTestId('alert-closer-view').locator('summary').click();
    await page.getByAltText('Closer plate crop').waitFor();
    await shootAllSizes(page, 'alert-closer-view-open');
    await page.close();
  }, 300_000);
});
