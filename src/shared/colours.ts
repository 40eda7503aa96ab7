/**
 * A hot list's alert colour (hotlists.json "colour", per list or per list
 * code): how it is written, and which text colour stays legible on it. The
 * engine checks the configured value with this rule; the screens use it to
 * draw the list's band on an alert in day and night colours alike.
 */
import { z } from 'zod';

export const ALERT_COLOUR_PATTERN = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
export const alertColourSchema = z.string().regex(ALERT_COLOUR_PATTERN, 'colour must be a hex colour such as #d32f2f');

/** The colour of a list that configures none. */
export const DEFAULT_ALERT_COLOUR = '#d32f2f';

/** "#abc" or "#aabbcc" as lower-case "#aabbcc"; the default for anything else (a record stored before colours were checked). */
export function normaliseColour(colour: string | null | undefined): string {
  if (!colour || !ALERT_COLOUR_PATTERN.test(colour)) return DEFAULT_ALERT_COLOUR;
  const hex = colour.slice(1).toLowerCase();
  return hex.length === 3 ? `#${[...hex].map((c) => c + c).join('')}` : `#${hex}`;
}

/** WCAG relative luminance of a colour (0 black .. 1 white). */
export function luminance(colour: string): number {
  const hex = normaliseColour(colour).slice(1);
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/** WCAG contrast ratio of two colours (1 .. 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Black or white, whichever reads better on the colour: the better of the two is always at least 4.58:1 (WCAG AA asks 4.5:1). */
export function textOn(colour: string): '#000000' | '#ffffff' {
  return contrastRatio(colour, '#000000') >= contrastRatio(colour, '#ffffff') ? '#000000' : '#ffffff';
}
