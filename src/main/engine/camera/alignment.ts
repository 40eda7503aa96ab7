/**
 * The alignment part of the equipment check (policy B.2), watched all shift
 * long from what the cameras read: a camera knocked out of line shows it in
 * two ways. Its plates appear only at one edge of the picture (the road is
 * half out of view), or it reads nothing at all for a long drive at speed
 * while the car's other cameras go on reading (it looks at the sky or the
 * hood). Pure bookkeeping over reads and GPS speeds; the engine feeds it and
 * shows its verdict with each camera's status.
 */

export interface AlignmentLimits {
  /** A plate whose box comes this close to an edge (fraction of the frame) is read "at the edge". */
  readonly edgeBand: number;
  /** The last this-many reads of a camera are judged... */
  readonly recentReads: number;
  /** ...once there are at least this many of them... */
  readonly minReads: number;
  /** ...and the camera is misaligned when at least this share of them sit at the same edge. */
  readonly edgeShare: number;
  /** Driving at or above this speed counts as "at speed" (km/h, from the GPS). */
  readonly speedKmh: number;
  /** A camera that reads nothing through this much driving at speed (ms)... */
  readonly silentDriveMs: number;
  /** ...while the other cameras read at least this many plates is misaligned. */
  readonly othersRead: number;
  /** A gap between speed samples longer than this counts only this much (ms): a lost fix is not a long drive. */
  readonly maxSampleGapMs: number;
}

export const DEFAULT_ALIGNMENT_LIMITS: AlignmentLimits = {
  edgeBand: 0.06,
  recentReads: 20,
  minReads: 8,
  edgeShare: 0.9,
  speedKmh: 30,
  silentDriveMs: 10 * 60_000,
  othersRead: 10,
  maxSampleGapMs: 10_000,
};

export type Edge = 'left' | 'right' | 'top' | 'bottom';

/** Which way to move the camera so plates at that edge come to the middle. */
const TURN: Record<Edge, string> = { left: 'turn it to the left', right: 'turn it to the right', top: 'tilt it up', bottom: 'tilt it down' };

/** The edge a plate's box touches (the nearest, if several), or null when it is clear of them. */
export function edgeOf(box: readonly [number, number, number, number], frameWidth: number, frameHeight: number, band: number): Edge | null {
  const [x, y, w, h] = box;
  const gaps: [Edge, number][] = [
    ['left', x / frameWidth],
    ['right', (frameWidth - (x + w)) / frameWidth],
    ['top', y / frameHeight],
    ['bottom', (frameHeight - (y + h)) / frameHeight],
  ];
  const near = gaps.filter(([, gap]) => gap <= band).sort((a, b) => a[1] - b[1]);
  return near[0]?.[0] ?? null;
}

interface CameraWatch {
  /** Edge of each recent read (null: clear of the edges), newest last. */
  readonly edges: (Edge | null)[];
  /** Driving at speed since this camera's last read (ms). */
  silentDriveMs: number;
  /** Plates the other cameras read since this camera's last read. */
  othersRead: number;
}

export class AlignmentWatch {
  private readonly watches = new Map<string, CameraWatch>();
  private lastSample: { at: number; atSpeed: boolean } | null = null;

  constructor(private readonly limits: AlignmentLimits = DEFAULT_ALIGNMENT_LIMITS) {}

  private watch(cameraId: string): CameraWatch {
    let watch = this.watches.get(cameraId);
    if (!watch) {
      watch = { edges: [], silentDriveMs: 0, othersRead: 0 };
      this.watches.set(cameraId, watch);
    }
    return watch;
  }

  /** A plate a camera read, with its box in the frame it was read in. */
  observeRead(cameraId: string, box: readonly [number, number, number, number], frameWidth: number, frameHeight: number): void {
    const watch = this.watch(cameraId);
    watch.edges.push(edgeOf(box, frameWidth, frameHeight, this.limits.edgeBand));
    if (watch.edges.length > this.limits.recentReads) watch.edges.shift();
    watch.silentDriveMs = 0;
    watch.othersRead = 0;
    for (const [id, other] of this.watches) if (id !== cameraId) other.othersRead++;
  }

  /**
   * A GPS speed sample (null: no fix), with the cameras that were delivering
   * frames meanwhile: a camera that is failed or out of service is not
   * silent for want of alignment.
   */
  observeSpeed(at: number, speedKmh: number | null, liveCameras: readonly string[]): void {
    const atSpeed = speedKmh !== null && speedKmh >= this.limits.speedKmh;
    const last = this.lastSample;
    this.lastSample = { at, atSpeed };
    if (!last || !last.atSpeed || !atSpeed || at <= last.at) return;
    const driven = Math.min(at - last.at, this.limits.maxSampleGapMs);
    for (const id of liveCameras) this.watch(id).silentDriveMs += driven;
  }

  /** Why the camera looks misaligned, in plain words; null while it looks fine or there is too little to tell. */
  misaligned(cameraId: string): string | null {
    const watch = this.watches.get(cameraId);
    if (!watch) return null;
    const { edges } = watch;
    if (edges.length >= this.limits.minReads) {
      const counts = new Map<Edge, number>();
      for (const edge of edges) if (edge) counts.set(edge, (counts.get(edge) ?? 0) + 1);
      const [edge, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [null, 0];
      if (edge && count / edges.length >= this.limits.edgeShare) {
        return `plates are seen only at the ${edge} edge of the picture (${count} of its last ${edges.length} reads): ${TURN[edge]}`;
      }
    }
    if (watch.silentDriveMs >= this.limits.silentDriveMs && watch.othersRead >= this.limits.othersRead) {
      const minutes = Math.round(watch.silentDriveMs / 60_000);
      return `no plate read in ${minutes} minutes of driving at speed while the other cameras read ${watch.othersRead}: check where it points`;
    }
    return null;
  }

  /** A camera removed or re-aimed (its settings changed) starts afresh. */
  forget(cameraId: string): void {
    this.watches.delete(cameraId);
  }
}
