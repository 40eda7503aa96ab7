/**
 * The cameras take the recognizer in turns: one recognition at a time, and
 * among the cameras waiting, the one that waited longest goes next
 * (round-robin). A camera asks its grabber for a frame only once its turn has
 * come, so the frame recognized is the newest one (latest frame wins) and
 * frames that came while others were read are dropped in the grabber, never
 * queued. Called concurrently from every camera, the recognizer ran three
 * inferences at once on two cores: each took three times as long and the
 * frames waited behind each other, which is what made frame-to-alert slow.
 */
export interface Turn {
  /** Lets the next camera in; idempotent. */
  release(): void;
}

export class RecognitionTurns {
  private busy = false;
  /** Cameras waiting, longest first; a camera waits at most once. */
  private readonly waiting: {
    readonly cameraId: string;
    readonly grant: (turn: Turn) => void;
    readonly reject: (error: Error) => void;
    readonly onNext: (() => void) | null;
    told: boolean;
  }[] = [];
  /** Turns given, per camera (status and tests). */
  readonly given = new Map<string, number>();

  /**
   * Waits for this camera's turn. `onNext` is called once the camera is next in
   * line (at the latest when its turn comes), so it can ask its grabber for a
   * frame while the camera before it is read. A camera that asks again while
   * waiting is refused (one pipeline per camera).
   */
  take(cameraId: string, onNext?: () => void): Promise<Turn> {
    if (this.waiting.some((w) => w.cameraId === cameraId)) {
      return Promise.reject(new Error(`camera ${cameraId} is already waiting for the recognizer`));
    }
    return new Promise<Turn>((grant, reject) => {
      this.waiting.push({ cameraId, grant, reject, onNext: onNext ?? null, told: false });
      this.next();
    });
  }

  /** Gives up a wait (the camera stopped); its place goes to the others. */
  cancel(cameraId: string): void {
    const at = this.waiting.findIndex((w) => w.cameraId === cameraId);
    if (at < 0) return;
    const [gone] = this.waiting.splice(at, 1);
    gone!.reject(new TurnCancelled(cameraId));
    this.tellNext();
  }

  /** Cameras waiting now, in the order they will go. */
  get queue(): readonly string[] {
    return this.waiting.map((w) => w.cameraId);
  }

  private next(): void {
    if (this.busy) {
      this.tellNext();
      return;
    }
    const first = this.waiting.shift();
    if (!first) return;
    if (!first.told) first.onNext?.();
    this.tellNext();
    this.busy = true;
    this.given.set(first.cameraId, (this.given.get(first.cameraId) ?? 0) + 1);
    let released = false;
    first.grant({
      release: () => {
        if (released) return;
        released = true;
        this.busy = false;
        this.next();
      },
    });
  }

  private tellNext(): void {
    const head = this.waiting[0];
    if (!head || head.told) return;
    head.told = true;
    head.onNext?.();
  }
}

/** A camera's wait for its turn ended because the camera stopped. */
export class TurnCancelled extends Error {
  constructor(cameraId: string) {
    super(`camera ${cameraId} stopped while waiting for the recognizer`);
  }
}
