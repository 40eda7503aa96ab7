/** Small hooks shared by the screens. */
import { useEffect, useState } from 'react';
import { useApi, call } from '../api.js';
import { imageKey, useReadsStore, type ImageKind, type ImageSlot } from '../stores/reads.js';

/** The current time, refreshed every `intervalMs` (for ages such as "hot list 3 h old"). */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** A read's image, fetched once and cached in the reads store. undefined or 'loading' while it comes. */
export function useReadImage(readId: number, kind: ImageKind): ImageSlot | undefined {
  const api = useApi();
  const slot = useReadsStore((s) => s.images[imageKey(readId, kind)]);
  const missing = slot === undefined;
  useEffect(() => {
    if (!missing) return;
    const { setImage } = useReadsStore.getState();
    setImage(readId, kind, 'loading');
    void call(api, 'reads.image', { readId, kind }).then((result) => {
      setImage(readId, kind, result.ok && typeof result.value === 'string' ? result.value : null);
    });
  }, [api, readId, kind, missing]);
  return slot;
}
