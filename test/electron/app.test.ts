/**
 * The Electron app itself, through Playwright's _electron: the window opens
 * with the sandboxed renderer, window.lpr is the only bridge, and a sign-in
 * round-trips through main, its schema check and the engine's utility process.
 * Runs where an Electron binary is installed; says it skipped where not.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { startPatrol } from '../helpers/chromium.js';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..', '..');

function electronBinary(): string | null {
  try {
    const binary = require('electron') as unknown as string;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const built = fs.existsSync(path.join(root, 'dist', 'src', 'main', 'electron', 'main.js'));
const skip = !binary ? 'no Electron binary installed (it cannot be downloaded on this machine)' : !built ? 'not built (npm run build)' : null;
if (skip) console.warn(`Electron app test skipped: ${skip}`);

describe.skipIf(skip !== null)('Electron app', () => {
  it('opens a sandboxed window whose only bridge is window.lpr, and signs in through the engine process', async () => {
    const { _electron } = await import('playwright-core');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-electron-'));
    const { execFileSync } = await import('node:child_process');
    const lpr = path.join(root, 'bin', 'lpr.js');
    // The first user of a car is its administrator; officers are added with an administrator's PIN.
    execFileSync(process.execPath, [lpr, 'user', 'add', 'a1', '--name', 'Admin A', '--role', 'administrator', '--pin', '975310', '--data-dir', dataDir]);
    execFileSync(process.execPath, [lpr, 'user', 'add', 'e1', '--name', 'Officer E', '--trained', '--pin', '246813', '--as', 'a1', '--data-dir', dataDir], {
      env: { ...process.env, LPR_ADMIN_PIN: '975310' },
    });
    // The car's settings name its camera: the app opens it with no flag.
    fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ cameras: [{ id: 'front', name: 'Front', position: 'front', source: path.join(root, 'demo', 'footage'), fps: 5, loop: true }] }));
    const app = await _electron.launch({ executablePath: binary!, args: [root], env: { ...process.env, LPR_DATA_DIR: dataDir } });
    try {
      const page = await app.firstWindow();
      expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => Object.keys((window as unknown as { lpr: object }).lpr).sort())).toEqual(['invoke', 'on']);
      await page.getByTestId('login-user').fill('e1');
      await page.getByTestId('login-pin').fill('246813');
      await page.getByTestId('login-submit').click();
      await startPatrol(page);
      const refused = await page.evaluate(() => (window as unknown as { lpr: { invoke: (c: string, r: unknown) => Promise<unknown> } }).lpr.invoke('alerts.acknowledge', { alertId: -1 }));
      expect(refused).toMatchObject({ ok: false });
      const status = (await page.evaluate(() => (window as unknown as { lpr: { invoke: (c: string, r: unknown) => Promise<unknown> } }).lpr.invoke('status.get', {}))) as {
        value: { cameras: { id: string }[] };
      };
      expect(status.value.cameras.map((c) => c.id)).toEqual(['front']);
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
