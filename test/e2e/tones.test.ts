/**
 * The three alert tones rendered for real by Chromium's Web Audio
 * (OfflineAudioContext, no speaker needed) from the renderer's own tone code,
 * and measured: each must be audibly different from the others in rhythm,
 * pitch or loudness, and none may be silent.
 */
import { build } from 'esbuild';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumMissing, launchChromium, projectRoot } from '../helpers/chromium.js';

if (chromiumMissing) console.warn(`tones E2E skipped: no Chromium at ${CHROMIUM}`);

interface ToneFigures {
  /** Root mean square over the two seconds. */
  rms: number;
  /** Share of 10 ms windows at least 15 dB below the loudest: the gaps of a pulsed tone. */
  silentShare: number;
  /** Dominant pitch from zero crossings, per 50 ms window: the lowest and highest seen. */
  lowHz: number;
  highHz: number;
  /** Pitch changes between consecutive 50 ms windows per second: how fast it alternates. */
  pitchFlipsPerS: number;
}

describe.skipIf(chromiumMissing)('alert tones through an OfflineAudioContext (Chromium)', () => {
  let browser: Browser;
  let figures: Record<'urgent' | 'standard' | 'quiet', ToneFigures>;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [path.join(projectRoot, 'src', 'renderer', 'audio', 'tone.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'lprTone',
      target: 'es2022',
    });
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.setContent('<html><body></body></html>');
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    figures = await page.evaluate(async () => {
      const tone = (window as unknown as { lprTone: typeof import('../../src/renderer/audio/tone.js') }).lprTone;
      const rate = 44_100;
      const seconds = 2;
      const out: Record<string, ToneFigures> = {};
      for (const kind of ['urgent', 'standard', 'quiet'] as const) {
        const ctx = new OfflineAudioContext(1, rate * seconds, rate);
        tone.buildVoice(ctx, tone.TONE_PROFILES[kind], 0);
        const samples = (await ctx.startRendering()).getChannelData(0);
        let sum = 0;
        for (const s of samples) sum += s * s;
        const peakOf = (from: number, to: number) => {
          let peak = 0;
          for (let j = from; j < to; j++) peak = Math.max(peak, Math.abs(samples[j]!));
          return peak;
        };
        const loudest = peakOf(0, samples.length);
        const win10 = rate / 100;
        let silent = 0;
        for (let i = 0; i + win10 <= samples.length; i += win10) if (peakOf(i, i + win10) < loudest * 0.18) silent++;
        // Pitch only where the tone sounds (not in a pulsed tone's gaps, nor across its edges).
        const win50 = rate / 20;
        const pitches: number[] = [];
        for (let i = 0; i + win50 <= samples.length; i += win50) {
          let quietest = Infinity;
          for (let k = i; k + win10 <= i + win50; k += win10) quietest = Math.min(quietest, peakOf(k, k + win10));
          if (quietest < loudest * 0.5) continue;
          let crossings = 0;
          for (let j = i + 1; j < i + win50; j++) if (samples[j - 1]! < 0 !== samples[j]! < 0) crossings++;
          pitches.push((crossings / 2) * 20);
        }
        let flips = 0;
        for (let i = 1; i < pitches.length; i++) if (Math.abs(pitches[i]! - pitches[i - 1]!) > 60) flips++;
        out[kind] = {
          rms: Math.sqrt(sum / samples.length),
          silentShare: silent / Math.floor(samples.length / win10),
          lowHz: Math.min(...pitches),
          highHz: Math.max(...pitches),
          pitchFlipsPerS: flips / seconds,
        };
      }
      return out as Record<'urgent' | 'standard' | 'quiet', ToneFigures>;
    });
    console.log('alert tones (2 s each):', JSON.stringify(figures));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('sounds every tone', () => {
    for (const kind of ['urgent', 'standard', 'quiet'] as const) expect(figures[kind].rms, kind).toBeGreaterThan(0.05);
  });

  it('makes urgent a fast two-pitch siren, faster than standard', () => {
    expect(figures.urgent.highHz - figures.urgent.lowHz).toBeGreaterThan(150);
    expect(figures.standard.highHz - figures.standard.lowHz).toBeGreaterThan(100);
    expect(figures.urgent.pitchFlipsPerS).toBeGreaterThan(figures.standard.pitchFlipsPerS * 1.5);
  });

  it('makes quiet a single softer pitch with silent gaps', () => {
    expect(figures.quiet.highHz - figures.quiet.lowHz).toBeLessThan(100);
    expect(figures.quiet.silentShare).toBeGreaterThan(0.3);
    expect(figures.standard.silentShare).toBeLessThan(0.05);
    expect(figures.quiet.rms).toBeLessThan(figures.standard.rms);
  });
});
