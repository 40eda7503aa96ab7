/**
 * The fixed validation split of the annotated photo sets, the same rule the
 * training code uses (training/common.py): a file is held out when the first
 * 8 hex digits of the MD5 of its base name, as a fraction of 0xFFFFFFFF, fall
 * below the set's held-out share (30% of us-dev and eu, 20% of us-crops). The
 * detector's own rule (first hex digit below 5) holds out a superset of these
 * scenes, so figures on "val" come from images neither model trained on.
 */
import crypto from 'node:crypto';

export const HELD_OUT_SHARE: Record<string, number> = { 'us-dev': 0.3, eu: 0.3, 'us-crops': 0.2 };

export function isValidationFile(baseName: string, set: string): boolean {
  const share = HELD_OUT_SHARE[set];
  if (share === undefined) throw new Error(`no validation split is defined for the set "${set}" (known: ${Object.keys(HELD_OUT_SHARE).join(', ')})`);
  const h = parseInt(crypto.createHash('md5').update(baseName).digest('hex').slice(0, 8), 16) / 0xffffffff;
  return h < share;
}
