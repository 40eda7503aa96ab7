/**
 * Locks the screen after the car's idle time (settings screen.lockAfterMinutes,
 * reported in the engine status) with no touch, click or key on it. Reading and
 * alerting go on under the lock; an alert on screen counts as activity, so an
 * officer working one is never locked out mid-check.
 */
import { useEffect, useRef } from 'react';
import type { LprApi } from '../../shared/contract.js';
import { lockScreen } from '../sync.js';

const ACTIVITY = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;

export function useIdleLock(api: LprApi, options: { active: boolean; minutes: number; busy: boolean; checkEveryMs?: number }): void {
  const lastActivity = useRef(Date.now());
  const { active, minutes, busy } = options;
  const checkEveryMs = options.checkEveryMs ?? 5_000;

  useEffect(() => {
    const touched = () => {
      lastActivity.current = Date.now();
    };
    for (const event of ACTIVITY) window.addEventListener(event, touched, true);
    return () => {
      for (const event of ACTIVITY) window.removeEventListener(event, touched, true);
    };
  }, []);

  useEffect(() => {
    if (busy) lastActivity.current = Date.now();
  }, [busy]);

  useEffect(() => {
    if (!active || minutes <= 0) return;
    lastActivity.current = Date.now();
    let locking = false;
    const timer = setInterval(() => {
      if (locking || busy) return;
      if (Date.now() - lastActivity.current < minutes * 60_000) return;
      locking = true;
      void lockScreen(api).finally(() => {
        locking = false;
        lastActivity.current = Date.now();
      });
    }, checkEveryMs);
    return () => clearInterval(timer);
  }, [api, active, minutes, busy, checkEveryMs]);
}
