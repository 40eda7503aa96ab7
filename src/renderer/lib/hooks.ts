/** Small hooks shared by the screens. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Result } from '../../shared/contract.js';
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

/**
 * One engine request at a time from a screen: `busy` while it runs, a second
 * tap before the re-render is ignored (run gives null), and a refusal is kept
 * in `error` to show. run gives the engine's answer otherwise.
 */
export function useRequest(): {
  busy: boolean;
  error: string | null;
  setError: (error: string | null) => void;
  run: <T>(request: () => Promise<Result<T>>) => Promise<Result<T> | null>;
} {
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T,>(request: () => Promise<Result<T>>): Promise<Result<T> | null> => {
    if (inFlight.current) return null;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      const result = await request();
      if (!result.ok) setError(result.error);
      return result;
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
