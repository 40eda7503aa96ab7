/**
 * The layout check itself, in headless Chromium on fixture pages: a page
 * broken on purpose (text cut, hidden behind an ellipsis or spilling out,
 * controls drawn over one another, a button pushed off a screen that does not
 * scroll) must fail it, naming each fault; a page laid out with care (text
 * that wraps, a list that scrolls, a dialog over the page, big plate text
 * with a tight line height, screen-reader-only text) must pass.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { describeProblems, layoutProblems } from '../helpers/layout.js';

if (chromiumMissing) console.warn(`layout checker test skipped: no Chromium at ${CHROMIUM}`);

const BROKEN = `<!doctype html><html><head><style>
  html, body { margin: 0; height: 100%; overflow: hidden; font: 16px sans-serif; }
  .narrow { width: 80px; white-space: nowrap; }
  .hidden { overflow: hidden; }
  .dots { overflow: hidden; text-overflow: ellipsis; }
  .short { height: 20px; overflow: hidden; line-height: 20px; width: 200px; }
  .row { display: flex; }
  .row button { width: 120px; }
  .pushed { margin-left: -60px; }
  .tail { position: relative; left: 2000px; }
  .tall { height: 2000px; }
</style></head><body>
  <div class="narrow hidden" data-testid="cut-text">Stolen vehicle, silver sedan</div>
  <div class="narrow dots" data-testid="dotted-text">Wanted person with a warrant</div>
  <div class="narrow" data-testid="spilled-text">Open alerts waiting now</div>
  <p class="short" data-testid="two-lines">A long line of officer-facing words that wraps onto a second line and a third one besides</p>
  <button data-testid="squeezed" style="width: 60px; white-space: nowrap; overflow: visible"><span>Record status check</span></button>
  <div class="row"><button data-testid="yes">Yes</button><button class="pushed" data-testid="no">No</button></div>
  <div><button class="tail" data-testid="far">Sync now</button></div>
  <select data-testid="narrow-select" style="width: 90px; font-size: 20px"><option>Unknown (any state)</option></select>
  <input data-testid="narrow-hint" style="width: 80px; font-size: 20px" placeholder="agency default">
  <div class="tall"></div>
  <button data-testid="below">Submit disposition</button>
</body></html>`;

const CAREFUL = `<!doctype html><html><head><style>
  html, body { margin: 0; height: 100%; overflow: hidden; font: 16px sans-serif; }
  .box { width: 160px; overflow-wrap: anywhere; }
  .shell { height: 140px; overflow: hidden; }
  .list { height: 120px; overflow: auto; margin: 0; }
  .list li { height: 40px; }
  .wide { overflow-x: auto; width: 200px; }
  .wide table { width: 600px; }
  .plate { font-size: 64px; line-height: 1; margin: 0; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .dialog { position: fixed; inset: 100px; background: white; border: 1px solid; }
  .row { display: flex; gap: 8px; flex-wrap: wrap; }
  .thumb { width: 60px; height: 30px; object-fit: cover; }
  .ch { position: relative; font: 40px monospace; }
  .ch::after { content: 'was 8'; position: absolute; left: 50%; top: 100%; transform: translateX(-50%); font-size: 14px; white-space: nowrap; }
</style></head><body>
  <div class="box">Stolen vehicle - silver sedan reported stolen 2026-11-25, a long description that wraps</div>
  <div class="row"><button>Yes</button><button>No</button><label>Note <input value="A typed note much longer than the box it sits in, which scrolls inside the field"></label><select><option>Unknown (any state)</option></select><input placeholder="hours"></div>
  <div class="shell"><ul class="list" id="scrolled">${Array.from({ length: 12 }, (_, i) => `<li>Read ${i + 1}: 7KDP418</li>`).join('')}</ul></div>
  <div class="wide"><table><tr><td>Plate</td><td>State</td><td>Camera</td><td>Time</td></tr></table></div>
  <p class="plate">7KDP418</p><p class="plate">6TRJ244</p>
  <p>8<span class="ch" style="display: inline-block">B</span>C1234</p>
  <span class="sr-only">Only for screen readers, never seen</span>
  <div class="dialog"><h2>Export</h2><button>Close</button></div>
</body></html>`;

describe.skipIf(chromiumMissing)('the layout check', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('fails a page broken on purpose, naming each fault and its text', async () => {
    await page.setContent(BROKEN);
    const problems = await layoutProblems(page);
    const lines = describeProblems(problems);
    const find = (testId: string, kind: string) => problems.filter((p) => p.where.includes(`[data-testid=${testId}]`) && p.kind === kind);

    expect(find('cut-text', 'overflow'), lines.join('\n')).toHaveLength(1);
    expect(find('cut-text', 'overflow')[0]!.text).toBe('Stolen vehicle, silver sedan');
    expect(find('cut-text', 'overflow')[0]!.detail).toMatch(/cut at the right edge \(needs \d+px, has 80px\)/);
    expect(find('dotted-text', 'ellipsis'), lines.join('\n')).toHaveLength(1);
    expect(find('spilled-text', 'overflow')[0]?.detail).toMatch(/runs out of its box/);
    expect(find('two-lines', 'overflow')[0]?.detail).toMatch(/cut at the bottom/);
    expect(find('yes', 'overlap')[0]?.detail ?? find('no', 'overlap')[0]?.detail).toMatch(/overlaps \[data-testid=(no|yes)\] "(No|Yes)" by \d+x\d+px/);
    expect(find('far', 'off-screen')[0]?.detail).toMatch(/outside the screen sideways/);
    expect(find('below', 'off-screen')[0]?.detail).toMatch(/below the screen/);
    expect(find('squeezed', 'overflow')[0]?.detail).toMatch(/runs out of its box/);
    expect(find('narrow-select', 'overflow')[0]?.detail).toMatch(/the chosen option "Unknown \(any state\)" is cut/);
    expect(find('narrow-hint', 'overflow')[0]?.detail).toMatch(/the hint "agency default" is cut/);
    // Nothing else is blamed.
    expect(problems.filter((p) => !/cut-text|dotted-text|spilled-text|two-lines|yes|no|far|below|narrow-select|narrow-hint|squeezed/.test(p.where)), lines.join('\n')).toEqual([]);
  });

  it('passes a page laid out with care', async () => {
    await page.setContent(CAREFUL);
    // Rows scrolled out of their list, inside a shell that hides overflow, are not cut: the list scrolls to them.
    await page.evaluate(() => document.getElementById('scrolled')!.scrollTo(0, 200));
    expect(describeProblems(await layoutProblems(page))).toEqual([]);
  });

  it('checks only inside the root and leaves ignored parts alone', async () => {
    await page.setContent(BROKEN);
    expect(describeProblems(await layoutProblems(page, { root: '.row' }))).toEqual([expect.stringMatching(/^overlap: .*\[data-testid=(yes|no)\]/)]);
    expect(await layoutProblems(page, { root: '.row', ignore: ['.row'] })).toEqual([]);
    expect((await layoutProblems(page, { root: '#missing' }))[0]!.detail).toMatch(/not on the page/);
  });
});
