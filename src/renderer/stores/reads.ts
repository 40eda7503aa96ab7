/** Recent reads for the patrol list, and the images fetched for reads. */
import { create } from 'zustand';
import type { ReadSummary } from '../../shared/contract.js';
import { useAlertsStore } from './alerts.js';

/** How many reads the patrol list keeps; older ones drop off the screen (they stay in the engine). */
export const RECENT_READS_LIMIT = 50;

export type ImageKind = 'crop' | 'context' | 'closer-crop' | 'closer-context';
/** undefined: never asked; 'loading': asked; null: the read has no such image; string: data: URL. */
export type ImageSlot = string | null | 'loading';

export function imageKey(readId: number, kind: ImageKind): string {
  return `${readId}:${kind}`;
}

export interface ReadsState {
  reads: ReadSummary[];
  images: Record<string, ImageSlot>;
  /** The read whose detail is open (a tap on a feed row), or null. */
  detail: number | null;
  setDetail(readId: number | null): void;
  setReads(reads: ReadSummary[]): void;
  addRead(read: ReadSummary): void;
  setImage(readId: number, kind: ImageKind, slot: ImageSlot): void;
  /** Drops a read's cached images so whatever shows them fetches them again. */
  forgetImages(readId: number): void;
  clear(): void;
}

function newestFirst(reads: ReadSummary[]): ReadSummary[] {
  return [...reads].sort((a, b) => b.capturedAt - a.capturedAt || b.id - a.id).slice(0, RECENT_READS_LIMIT);
}

/** Over a 12-hour shift the cache would grow without end; beyond this many images, drop those no longer on screen. */
const IMAGE_CACHE_SOFT_LIMIT = RECENT_READS_LIMIT * 3;

function pruneImages(images: Record<string, ImageSlot>, reads: ReadSummary[]): Record<string, ImageSlot> {
  const keys = Object.keys(images);
  if (keys.length <= IMAGE_CACHE_SOFT_LIMIT) return images;
  const keep = new Set<number>(reads.map((r) => r.id));
  for (const alert of useAlertsStore.getState().open) keep.add(alert.read.id);
  const pruned: Record<string, ImageSlot> = {};
  for (const key of keys) {
    const readId = Number(key.slice(0, key.indexOf(':')));
    if (keep.has(readId)) pruned[key] = images[key] as ImageSlot;
  }
  return pruned;
}

export const useReadsStore = create<ReadsState>()((set) => ({
  reads: [],
  images: {},
  detail: null,
  setDetail: (detail) => set({ detail }),
  setReads: (reads) => set({ reads: newestFirst(reads) }),
  addRead: (read) =>
    set((s) => {
      const reads = newestFirst([read, ...s.reads.filter((r) => r.id !== read.id)]);
      return { reads, images: pruneImages(s.images, reads) };
    }),
  setImage: (readId, kind, slot) => set((s) => ({ images: { ...s.images, [imageKey(readId, kind)]: slot } })),
  forgetImages: (readId) =>
    set((s) => {
      const images = { ...s.images };
      for (const kind of ['crop', 'context', 'closer-crop', 'closer-context'] as const) delete images[imageKey(readId, kind)];
      return { images };
    }),
  clear: () => set({ reads: [], images: {}, detail: null }),
}));

export function resetReadsStore(): void {
  useReadsStore.setState({ reads: [], images: {}, detail: null });
}
