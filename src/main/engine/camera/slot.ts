/**
 * A one-frame hand-over between a camera's grabber and its recognizer. With a
 * live or rate-paced source the newest frame replaces an unread one (the latest
 * frame wins; stale frames are dropped, never queued). A replay with no set rate
 * is paced by the reader instead, so nothing is dropped.
 */
export class LatestSlot<T> {
  private value: T | null = null;
  private closed = false;
  private onPut: (() => void) | null = null;
  private onTaken: (() => void) | null = null;
  /** Values replaced before anyone took them. */
  dropped = 0;

  /** `onDrop` gets each value nobody will take (replaced before it was taken, or put after close), to free it at once. */
  constructor(
    private readonly dropStale: boolean,
    private readonly onDrop: ((value: T) => void) | null = null,
  ) {}

  async put(value: T): Promise<void> {
    while (!this.dropStale && this.value !== null && !this.closed) {
      await new Promise<void>((resolve) => (this.onTaken = resolve));
    }
    if (this.closed) {
      this.onDrop?.(value);
      return;
    }
    if (this.value !== null) {
      this.dropped++;
      this.onDrop?.(this.value);
    }
    this.value = value;
    this.wake('put');
  }

  /** The newest value, waiting for one; null once closed and empty. */
  async take(): Promise<T | null> {
    while (this.value === null) {
      if (this.closed) return null;
      await new Promise<void>((resolve) => (this.onPut = resolve));
    }
    const value = this.value;
    this.value = null;
    this.wake('taken');
    return value;
  }

  /** No more puts; a pending take still gets the last value. */
  close(): void {
    this.closed = true;
    this.wake('put');
    this.wake('taken');
  }

  private wake(which: 'put' | 'taken'): void {
    const resolve = which === 'put' ? this.onPut : this.onTaken;
    if (which === 'put') this.onPut = null;
    else this.onTaken = null;
    resolve?.();
  }
}
