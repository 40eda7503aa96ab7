/**
 * The on-screen keyboard in headless Chromium through browser mode: the
 * sign-in ID typed on its keys, and the manual entry's plate typed on the
 * docked keyboard with the field kept in view above it. Each is shot at
 * 1024x768, 1280x800 and 1366x768, day and night; at every size the keyboard
 * lies inside the screen and the field being typed is not under it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER } from '../../src/main/engine/demo.js';
import { MDT_SIZES, e2eSkipReason, showAs, shootAllSizes, signIn, startCar, type Car } from '../helpers/chromium.js';
import { describeProblems, layoutProblems } from '../helpers/layout.js';

const skipReason = e2eSkipReason();
if (skipReason) console.warn(`on-screen keyboard E2E ${skipReason}`);

/** At each size: the keyboard inside the screen, the field wholly visible and not under the keyboard. */
async function checkFits(page: Page, field: string, keyboard: string): Promise<void> {
  for (const [width, height] of MDT_SIZES) {
    // A resize lays the panel out anew; the keyboard scrolls the field back above itself.
    await showAs(page, 'night', [width, height]);
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
    const keys = (await page.getByTestId(keyboard).boundingBox())!;
    const input = (await page.getByTestId(field).boundingBox())!;
    expect(keys.x, `keyboard inside the screen at ${width}x${height}`).toBeGreaterThanOrEqual(0);
    expect(keys.x + keys.width).toBeLessThanOrEqual(width);
    expect(keys.y + keys.height).toBeLessThanOrEqual(height + 1);
    expect(input.y, `${field} visible at ${width}x${height}`).toBeGreaterThanOrEqual(0);
    expect(input.y + input.height, `${field} above the keyboard at ${width}x${height}`).toBeLessThanOrEqual(keys.y);
    // Every key at least 48 px either way.
    const small = await page
      .getByTestId(keyboard)
      .locator('button')
      .evaluateAll((buttons) => buttons.filter((b) => b.getBoundingClientRect().width < 48 || b.getBoundingClientRect().height < 48).map((b) => b.textContent));
    expect(small, `keys under 48 px at ${width}x${height}`).toEqual([]);
    expect(describeProblems(await layoutProblems(page, { root: `[data-testid=${keyboard}]` })), `keyboard at ${width}x${height}`).toEqual([]);
  }
}

describe.skipIf(skipReason !== null)('on-screen keyboard end to end (browser mode)', () => {
  let car: Car;

  beforeAll(async () => {
    car = await startCar('lpr-e2e-keys-', { demo: true, quietList: true });
  }, 300_000);

  afterAll(async () => {
    await car?.close();
  });

  it('types the sign-in ID on the keyboard and a manual entry plate on the docked keyboard, at every size', async () => {
    const { page, problems } = await car.open(null, [1024, 768]);
    await page.getByTestId('login-keyboard').waitFor();
    for (const char of DEMO_USER.id.toUpperCase()) await page.getByTestId('login-keyboard').getByRole('button', { name: char, exact: true }).click();
    await page.getByTestId('login-keyboard-case').click();
    await page.getByRole('button', { name: 'Delete last character' }).click();
    await page.getByTestId('login-keyboard').getByRole('button', { name: DEMO_USER.id.at(-1)!, exact: true }).click();
    expect(await page.getByTestId('login-user').inputValue()).toBe(`${DEMO_USER.id.slice(0, -1).toUpperCase()}${DEMO_USER.id.at(-1)}`);
    for (const [width, height] of MDT_SIZES) {
      await page.setViewportSize({ width, height });
      const card = (await page.locator('.login-card').boundingBox())!;
      expect(card.x, `sign-in card inside the screen at ${width}x${height}`).toBeGreaterThanOrEqual(0);
      expect(card.x + card.width).toBeLessThanOrEqual(width);
      expect(card.y + card.height).toBeLessThanOrEqual(height);
      expect(describeProblems(await layoutProblems(page, { root: '[data-testid=login-screen]' })), `sign-in at ${width}x${height}`).toEqual([]);
    }
    await shootAllSizes(page, 'keyboard-sign-in');

    // The PIN keypad takes the keyboard's place.
    await page.getByTestId('login-keyboard-done').click();
    await page.getByTestId('login-keypad').waitFor();
    await shootAllSizes(page, 'keyboard-sign-in-pin');

    await page.getByTestId('login-user').fill('');
    await signIn(page, DEMO_USER.id, DEMO_USER.pin);
    await page.getByTestId('hotlists-open').click();
    await page.getByTestId('hotlists-panel').waitFor();
    await page.getByTestId('manual-plate-keyboard').click();
    for (const char of '7KD*') await page.getByTestId('manual-keyboard').getByRole('button', { name: char, exact: true }).click();
    expect(await page.getByTestId('manual-plate').inputValue()).toBe('7KD*');
    await checkFits(page, 'manual-plate', 'manual-keyboard');
    await shootAllSizes(page, 'keyboard-manual-plate');

    await page.getByTestId('manual-keyboard-done').click();
    await page.getByTestId('manual-quick-reason').first().click();
    await page.getByTestId('manual-reason-keyboard').click();
    await checkFits(page, 'manual-reason', 'manual-keyboard');
    await shootAllSizes(page, 'keyboard-manual-reason');
    expect(problems).toEqual([]);
  });
});
