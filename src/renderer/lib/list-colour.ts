/** A hot list's alert colour as CSS custom properties: the colour and the text colour legible on it (shared/colours.ts). */
import type { CSSProperties } from 'react';
import './list-colour.css';
import { normaliseColour, textOn } from '../../shared/colours.js';

export function listColourStyle(colour: string | undefined): CSSProperties {
  const c = normaliseColour(colour);
  return { '--list-colour': c, '--list-text': textOn(c) } as CSSProperties;
}
