/**
 * What the rest of the engine needs from the hot lists: match a read, and know
 * how current each list is. The matcher is built over the SQLite store.
 */
import type { HotListEntryView, MatchKind } from '../../../shared/contract.js';

export interface ReadToMatch {
  /** Best reading, A-Z0-9. */
  readonly plate: string;
  /** Two-letter state of the read, or null when unknown. */
  readonly state: string | null;
  /** OCR's top candidates, best first (may include `plate`). */
  readonly candidates: readonly { readonly plate: string; readonly confidence: number }[];
}

export interface HotListMatch {
  readonly entry: HotListEntryView;
  readonly kind: MatchKind;
  /** Positions in the read plate that differ from the entry (empty for exact). */
  readonly differingPositions: readonly number[];
  /** The read string (best or candidate) that matched. */
  readonly matchedPlate: string;
  /** Covert hits are recorded and queued but never shown in the car. */
  readonly covert: boolean;
  /** Lower number = more urgent. */
  readonly priority: number;
  /** Read and entry both carry a state and they differ (still an alert, flagged). */
  readonly otherState?: boolean;
  /** Not character-for-character: look-alike characters or a partial (wildcard) entry. */
  readonly approximate?: boolean;
  /** Alert tone and colour configured for the entry's list code or list. */
  readonly alertTone?: string;
  readonly alertColour?: string;
}

export interface HotListMatcher {
  match(read: ReadToMatch): HotListMatch[];
}
