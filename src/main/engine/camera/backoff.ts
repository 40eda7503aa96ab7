/**
 * When to reopen a camera that failed: the wait doubles with each failure in a
 * row up to a ceiling, and a camera that then runs well for a while (a good
 * minute by default) starts again from the first, short wait. Without the
 * reset one bad hour would leave a camera retrying at the ceiling for good.
 */
export interface BackoffPolicy {
  /** First wait after a failure (ms). */
  readonly initialMs: number;
  /** The longest wait (ms). */
  readonly maxMs: number;
  /** Frames for this long without a failure forget earlier failures (ms). */
  readonly resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

export class Backoff {
  private failures = 0;
  private goodSince: number | null = null;

  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {}

  /** Failures counted toward the next wait. */
  get failuresInARow(): number {
    return this.failures;
  }

  /** A good frame arrived at `now`. */
  frame(now: number): void {
    if (this.goodSince === null) this.goodSince = now;
    else if (this.failures > 0 && now - this.goodSince >= this.policy.resetAfterMs) this.failures = 0;
  }

  /** The source failed at `now`: how long to wait before reopening it. */
  failed(now: number): number {
    if (this.goodSince !== null && now - this.goodSince >= this.policy.resetAfterMs) this.failures = 0;
    this.goodSince = null;
    const delay = Math.min(this.policy.maxMs, this.policy.initialMs * 2 ** this.failures);
    this.failures++;
    return delay;
  }
}
