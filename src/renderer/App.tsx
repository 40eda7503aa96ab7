/**
 * The renderer's root: which screen shows (sign-in, patrol, shift, hit history,
 * shift map, hot lists, alert), the engine subscriptions, the alert tone, and the connection banner.
 */
import { useEffect, useRef } from 'react';
import type { LprApi } from '../shared/contract.js';
import { ApiProvider, useApi } from './api.js';
import { alertTone, setToneFlag, toneKind } from './audio/tone.js';
import type { ConnectionSource } from './bridge/ws-client.js';
import { AlertScreen } from './components/AlertScreen.js';
import { ConnectionBanner, SavedToast, StorageBanner } from './components/Banners.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import { FailureBanners } from './components/FailureBanners.js';
import { HistoryScreen } from './components/HistoryScreen.js';
import { HitHistory } from './components/HitHistory.js';
import { HotListsPanel } from './components/HotListsPanel.js';
import { LockScreen } from './components/LockScreen.js';
import { LoginScreen } from './components/LoginScreen.js';
import { RecordsPanel } from './components/RecordsPanel.js';
import { AdminScreen } from './admin/AdminScreen.js';
import { useIdleLock } from './lib/idle-lock.js';
import { PatrolView } from './components/PatrolView.js';
import { startScreenMemory } from './lib/ui-memory.js';
import { ShiftScreen } from './components/ShiftScreen.js';
import { ShiftStartScreen } from './components/ShiftStartScreen.js';
import { ShiftMap } from './components/ShiftMap.js';
import {
  selectCurrentAlert,
  useAdminStore,
  useAlertsStore,
  useConnectionStore,
  useHistoryStore,
  useHitsStore,
  useHotListsStore,
  useRecordsStore,
  useSessionStore,
  useStatusStore,
  useShiftStore,
  useStartStore,
} from './stores/index.js';
import { resumeSession, subscribeToEngine } from './sync.js';

export interface AppProps {
  api: LprApi;
  /** Browser mode's bridge state; absent in Electron, where IPC cannot drop. */
  connection?: ConnectionSource;
}

export function App({ api, connection }: AppProps) {
  return (
    <ErrorBoundary>
      <ApiProvider api={api}>
        <Shell connection={connection} />
      </ApiProvider>
    </ErrorBoundary>
  );
}

function Shell({ connection }: { connection: ConnectionSource | undefined }) {
  const api = useApi();
  const phase = useSessionStore((s) => s.phase);
  const current = useAlertsStore(selectCurrentAlert);
  const deferred = useAlertsStore((s) => s.deferred);
  const hotListsOpen = useHotListsStore((s) => s.open);
  const historyOpen = useHistoryStore((s) => s.open);
  const recordsOpen = useRecordsStore((s) => s.open);
  const adminOpen = useAdminStore((s) => s.open);
  const locked = useStatusStore((s) => s.status?.locked ?? false);
  const lockAfterMinutes = useStatusStore((s) => s.status?.lockAfterMinutes ?? 0);
  const shiftOpen = useShiftStore((s) => s.open);
  const startOpen = useStartStore((s) => s.open);
  const shiftView = useHitsStore((s) => s.open);

  useEffect(() => subscribeToEngine(api), [api]);
  useEffect(() => startScreenMemory(), []);

  useEffect(() => {
    void resumeSession(api);
  }, [api]);

  useEffect(() => {
    if (!connection) return;
    useConnectionStore.getState().attach(connection.state());
    let wasOpen = connection.state() === 'open';
    return connection.onChange((state) => {
      useConnectionStore.getState().setState(state);
      // The engine may have restarted while we were away: ask again who is
      // signed in, and reload reads and open alerts.
      if (state === 'open' && !wasOpen && useConnectionStore.getState().everOpen) void resumeSession(api);
      wasOpen = state === 'open';
    });
  }, [api, connection]);

  // Any tap unlocks audio, for a session restored without the login click.
  useEffect(() => {
    const prime = () => alertTone.prime();
    window.addEventListener('pointerdown', prime, true);
    window.addEventListener('keydown', prime, true);
    return () => {
      window.removeEventListener('pointerdown', prime, true);
      window.removeEventListener('keydown', prime, true);
    };
  }, []);

  const signedIn = phase === 'signed-in';
  // The tone sounds over the lock screen too: a hit must be heard whoever is at the car.
  const tonePlaying = signedIn && current !== null && current.status === 'pending';
  // Each list sounds its own tone (urgent, standard or quiet).
  const tone = toneKind(current?.match.tone ?? 'standard');
  useIdleLock(api, { active: signedIn && !locked, minutes: lockAfterMinutes, busy: tonePlaying });
  useEffect(() => {
    if (tonePlaying) alertTone.start(tone);
    else alertTone.stop();
  }, [tonePlaying, tone]);
  useEffect(() => {
    setToneFlag(alertTone.playing ? 'playing' : 'silent');
    return () => alertTone.stop();
  }, []);

  useQueuedAlertChime(current?.id ?? null);

  let screen;
  let startShown = false;
  if (phase === 'starting') {
    screen = (
      <div className="splash" data-testid="starting">
        Starting the plate reader…
      </div>
    );
  } else if (!signedIn) {
    screen = <LoginScreen />;
  } else if (locked) {
    screen = <LockScreen />;
  } else if (current && !deferred) {
    // An alert takes over from any other screen.
    screen = <AlertScreen key={current.id} alert={current} />;
  } else if (startOpen) {
    // The shift-start check (B.2, C.3) shows every fault itself: no banners above it.
    startShown = true;
    screen = <ShiftStartScreen />;
  } else if (shiftOpen) {
    screen = <ShiftScreen />;
  } else if (shiftView === 'hits') {
    screen = <HitHistory />;
  } else if (shiftView === 'map') {
    screen = <ShiftMap />;
  } else if (hotListsOpen) {
    screen = <HotListsPanel />;
  } else if (historyOpen) {
    screen = <HistoryScreen />;
  } else if (recordsOpen) {
    screen = <RecordsPanel />;
  } else if (adminOpen) {
    screen = <AdminScreen />;
  } else {
    screen = <PatrolView />;
  }

  return (
    <div className="app">
      <ConnectionBanner />
      {phase !== 'starting' && !startShown && <FailureBanners />}
      <StorageBanner />
      {screen}
      <SavedToast />
    </div>
  );
}

/** A short chime when an alert arrives behind the one on screen (the siren belongs to the one shown). */
function useQueuedAlertChime(currentId: number | null) {
  const open = useAlertsStore((s) => s.open);
  const known = useRef(new Set<number>());
  useEffect(() => {
    let queuedNew = false;
    for (const alert of open) {
      if (known.current.has(alert.id)) continue;
      known.current.add(alert.id);
      if (alert.id !== currentId && alert.status === 'pending') queuedNew = true;
    }
    if (queuedNew && currentId !== null) alertTone.chime();
  }, [open, currentId]);
}
