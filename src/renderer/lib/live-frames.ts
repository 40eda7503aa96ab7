/**
 * The live tiles' pictures: asks the engine for each camera's newest frame
 * every `intervalMs` while a screen shows tiles, one question at a time (a
 * slow answer delays the next, never piles them up). The cameras' states come
 * from the status the engine pushes; the pictures fill them in.
 */
import { useEffect, useState } from 'react';
import type { CameraFrame, CameraStatus } from '../../shared/contract.js';
import { call, useApi } from '../api.js';
import { useStatusStore } from '../stores/index.js';

export interface LiveCamera {
  /** The newest status: pushed by the engine, or the frame's answer when newer. */
  readonly camera: CameraStatus;
  readonly frame: CameraFrame | null;
}

/** The cameras with their pictures, asked every `intervalMs`; `width` asks for larger pictures than the tiles' 320 px. */
export function useLiveCameras(intervalMs = 1000, width?: number): { cameras: LiveCamera[]; error: string | null } {
  const api = useApi();
  const statuses = useStatusStore((s) => s.status?.cameras);
  const [frames, setFrames] = useState<CameraFrame[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async (): Promise<void> => {
      const result = await call(api, 'cameras.frames', width === undefined ? {} : { width });
      if (stopped) return;
      if (result.ok) {
        setFrames(result.value);
        setError(null);
      } else {
        setError(result.error);
      }
      timer = setTimeout(() => void ask(), intervalMs);
    };
    void ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, intervalMs, width]);

  const cameras = (statuses ?? frames.map((f) => f.camera)).map((status) => {
    const frame = frames.find((f) => f.camera.id === status.id) ?? null;
    // The status event is the newer word on state; the frame answer carries the picture verdict it was judged with.
    const camera = frame && status.equipment === undefined ? { ...status, equipment: frame.camera.equipment ?? null } : status;
    return { camera, frame: frame && camera.state === 'live' ? frame : null };
  });
  return { cameras, error };
}
