/**
 * Joins the readings of one plate across consecutive frames of a camera and
 * votes, so a vehicle pass gives one Read, not one per frame. A track is
 * emitted as soon as it is confirmed (two agreeing readings, or one very
 * confident one) so the alert is not delayed until the car has passed; if
 * later frames out-vote the first text, a corrected Read is emitted once more
 * when the track ends.
 */
import type { Box } from '../recognition/types.js';
import { iou } from '../recognition/geometry.js';

export interface Observation<Payload> {
  readonly plate: string;
  readonly confidence: number;
  readonly box: Box;
  readonly at: number;
  /** Carried through untouched (crop, frame, candidates...). */
  readonly payload: Payload;
}

export interface TrackedRead<Payload> {
  readonly trackId: number;
  readonly plate: string;
  readonly confidence: number;
  /** The best observation of the voted plate: its images go with the Read. */
  readonly best: Observation<Payload>;
  readonly observations: number;
  /** True when this replaces an earlier emission of the same track. */
  readonly correction: boolean;
  /**
   * True for the track's last word when the plate did not change but a better
   * observation came after the first emission: its images should replace the
   * stored ones (same plate, same Read).
   */
  readonly betterImages: boolean;
}

export interface TrackerOptions<Payload = unknown> {
  /** A track ends when it has not been seen for this long (ms). */
  readonly idleMs?: number;
  /** One reading at or above this confidence confirms a track on its own. */
  readonly instantConfidence?: number;
  /**
   * A reading for which this says yes confirms its track on its own too (the
   * pipeline: a reading that hits a hot list, so its alert does not wait for
   * the next frame).
   */
  readonly confirms?: (observation: Observation<Payload>) => boolean;
}

interface Track<Payload> {
  id: number;
  box: Box;
  lastSeen: number;
  votes: Map<string, { weight: number; count: number; best: Observation<Payload> }>;
  emitted: string | null;
  /** The observation whose images went out with the emission. */
  emittedBest: Observation<Payload> | null;
}

/**
 * Which observation of the same text to keep as evidence: clearly more
 * confident wins; among near-equal ones the larger plate (the car closer) wins.
 */
function betterObservation<P>(candidate: Observation<P>, current: Observation<P>): boolean {
  if (candidate.confidence > current.confidence + 0.02) return true;
  if (candidate.confidence < current.confidence - 0.02) return false;
  return candidate.box[2] * candidate.box[3] > current.box[2] * current.box[3];
}

/** Edit distance; plates are short. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export class PlateTracker<Payload> {
  private tracks: Track<Payload>[] = [];
  private nextId = 1;
  private readonly idleMs: number;
  private readonly instantConfidence: number;
  private readonly confirms: ((observation: Observation<Payload>) => boolean) | null;

  constructor(options: TrackerOptions<Payload> = {}) {
    this.idleMs = options.idleMs ?? 1500;
    this.instantConfidence = options.instantConfidence ?? 0.9;
    this.confirms = options.confirms ?? null;
  }

  /** Adds one frame's observations; returns the Reads that became ready. */
  observe(observations: readonly Observation<Payload>[], now: number): TrackedRead<Payload>[] {
    const ready: TrackedRead<Payload>[] = [];
    for (const obs of observations) {
      const track = this.findTrack(obs) ?? this.newTrack(obs);
      track.box = obs.box;
      track.lastSeen = obs.at;
      const vote = track.votes.get(obs.plate);
      if (vote) {
        vote.weight += obs.confidence;
        vote.count++;
        if (betterObservation(obs, vote.best)) vote.best = obs;
      } else {
        track.votes.set(obs.plate, { weight: obs.confidence, count: 1, best: obs });
      }
      if (track.emitted === null) {
        const leader = this.leader(track);
        if (leader.count >= 2 || leader.best.confidence >= this.instantConfidence || this.confirms?.(leader.best)) {
          ready.push(this.toRead(track, false));
        }
      }
    }
    ready.push(...this.expire(now));
    return ready;
  }

  /** The observations the tracker still holds (their payloads must stay usable until they are gone from here). */
  held(): Observation<Payload>[] {
    const held: Observation<Payload>[] = [];
    for (const track of this.tracks) {
      for (const vote of track.votes.values()) held.push(vote.best);
      if (track.emittedBest) held.push(track.emittedBest);
    }
    return held;
  }

  /** Ends every track (source stopped); returns their final Reads. */
  flush(): TrackedRead<Payload>[] {
    return this.expire(Number.POSITIVE_INFINITY);
  }

  private expire(now: number): TrackedRead<Payload>[] {
    const done: TrackedRead<Payload>[] = [];
    this.tracks = this.tracks.filter((track) => {
      if (now - track.lastSeen < this.idleMs) return true;
      const leader = this.leader(track);
      if (track.emitted === null) done.push(this.toRead(track, false));
      else if (leader.best.plate !== track.emitted) done.push(this.toRead(track, true));
      else if (leader.best !== track.emittedBest) done.push({ ...this.toRead(track, false), betterImages: true });
      return false;
    });
    return done;
  }

  private findTrack(obs: Observation<Payload>): Track<Payload> | undefined {
    let best: Track<Payload> | undefined;
    let bestScore = 0;
    for (const track of this.tracks) {
      const overlap = iou(track.box, obs.box);
      const leader = this.leader(track).best.plate;
      const distance = editDistance(leader, obs.plate);
      const close = distance <= Math.max(1, Math.floor(leader.length / 3));
      // The same place in the frame excuses a misread character or two, never a different plate:
      // the next car in the same lane must start its own track.
      const similar = distance <= Math.max(1, Math.floor(leader.length / 2));
      const score = overlap > 0.1 && similar ? overlap + (close ? 1 : 0) : close ? 0.5 : 0;
      if (score > bestScore) {
        bestScore = score;
        best = track;
      }
    }
    return best;
  }

  private newTrack(obs: Observation<Payload>): Track<Payload> {
    const track: Track<Payload> = { id: this.nextId++, box: obs.box, lastSeen: obs.at, votes: new Map(), emitted: null, emittedBest: null };
    this.tracks.push(track);
    return track;
  }

  private leader(track: Track<Payload>): { weight: number; count: number; best: Observation<Payload> } {
    let leader: { weight: number; count: number; best: Observation<Payload> } | undefined;
    for (const vote of track.votes.values()) if (!leader || vote.weight > leader.weight) leader = vote;
    return leader!;
  }

  private toRead(track: Track<Payload>, correction: boolean): TrackedRead<Payload> {
    const leader = this.leader(track);
    let total = 0;
    let count = 0;
    for (const vote of track.votes.values()) {
      total += vote.weight;
      count += vote.count;
    }
    track.emitted = leader.best.plate;
    track.emittedBest = leader.best;
    return {
      trackId: track.id,
      plate: leader.best.plate,
      // Share of the track's confidence mass that agrees, times the best reading's own confidence.
      confidence: Math.min(1, (leader.weight / Math.max(total, 1e-9)) * leader.best.confidence + (leader.count > 1 ? 0.05 : 0)),
      best: leader.best,
      observations: count,
      correction,
      betterImages: false,
    };
  }
}
