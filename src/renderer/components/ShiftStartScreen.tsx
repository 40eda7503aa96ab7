/**
 * The shift-start screen, after sign-in and before patrol: the equipment
 * check (policy B.2) and the lists' shift-start sync (C.3) in one look. Each
 * camera's live picture with its verdict and what to do (a camera can be
 * taken out of service from here), the GPS fix, and each hot list's age with
 * the progress of the sync the sign-in started. "Start patrol" is always
 * allowed: what is still wrong stays on the failure banners.
 */
import { useState } from 'react';
import type { EngineStatus, GpsFix, HotListSyncEvent } from '../../shared/contract.js';
import { useApi } from '../api.js';
import { failureNotices } from '../lib/failures.js';
import { hotListFaultWords, hotListWords } from '../../shared/hotlists.js';
import { formatAge, formatCount, formatDayTime } from '../lib/format.js';
import { useNow } from '../lib/hooks.js';
import { useLiveCameras } from '../lib/live-frames.js';
import { useHotListsStore, useSessionStore, useStartStore, useStatusStore } from '../stores/index.js';
import { syncHotLists } from '../sync.js';
import { CameraService } from './CameraService.js';
import { CameraTile } from './CameraTile.js';
import { SyncProgress } from './HotListsPanel.js';
import { ThemeToggle } from './ThemeToggle.js';

type HotListStatus = EngineStatus['hotLists'][number];

export function openShiftStart(): void {
  useStartStore.getState().show();
}

export function ShiftStartScreen() {
  const user = useSessionStore((s) => s.user);
  const status = useStatusStore((s) => s.status);
  const now = useNow(1000);
  const progress = useHotListsStore((s) => s.progress);
  // The status knows the lists the car holds; a list whose first sync just failed is known from the sync alone.
  const notices = failureNotices(status, now);
  const syncFailures = Object.values(progress)
    .filter((e) => e.phase === 'failed' && !notices.some((n) => n.id === `hotlist:${e.list}`))
    .map((e) => ({ title: `${e.list} list could not be loaded` }));
  const problems = [...notices, ...syncFailures];
  return (
    <div className="shift-start" data-testid="shift-start">
      <header className="panel-bar shift-start-bar">
        <div className="shift-start-title">
          <h1>Start of shift</h1>
          <span className="panel-meta">{user ? `${user.name} · ` : ''}check the cameras, the GPS and the hot lists</span>
        </div>
        <ThemeToggle />
        <button type="button" className="btn btn-primary btn-xl shift-start-go" data-testid="start-patrol" onClick={() => useStartStore.getState().close()}>
          Start patrol
        </button>
      </header>
      <p className={problems.length > 0 ? 'shift-start-summary shift-start-summary-problems' : 'shift-start-summary'} data-testid="shift-start-summary" role="status">
        {problems.length === 0
          ? 'Everything checked is working.'
          : `${problems.length === 1 ? '1 problem' : `${problems.length} problems`}: ${problems.map((p) => p.title).join(' · ')}. You can start patrol; ${problems.length === 1 ? 'it stays' : 'they stay'} on screen until fixed.`}
      </p>
      <div className="shift-start-body">
        <CamerasSection />
        <div className="shift-start-side">
          <GpsSection status={status} />
          <ListsSection lists={status?.hotLists ?? null} now={now} />
        </div>
      </div>
    </div>
  );
}

function CamerasSection() {
  const { cameras, error } = useLiveCameras(1000);
  const [serviceOf, setServiceOf] = useState<string | null>(null);
  return (
    <section className="shift-start-section shift-start-cameras" aria-label="Cameras">
      <h2>Cameras</h2>
      {error && cameras.every((c) => c.frame === null) && <p className="panel-meta">Pictures not available: {error}</p>}
      {cameras.length === 0 && (
        <p className="shift-start-none" data-testid="shift-start-no-camera">
          No camera is set up on this car: no plates will be read. Call the administrator.
        </p>
      )}
      <div className="camera-tiles">
        {cameras.map((live) => (
          <CameraTile key={live.camera.id} live={live} size="large">
            {serviceOf === live.camera.id ? (
              <CameraService camera={live.camera} onClose={() => setServiceOf(null)} />
            ) : (
              <button type="button" className="btn btn-quiet camera-tile-service" data-testid="camera-tile-service" onClick={() => setServiceOf(live.camera.id)}>
                {live.camera.state === 'out-of-service' ? 'Back in service…' : 'Out of service…'}
              </button>
            )}
          </CameraTile>
        ))}
      </div>
    </section>
  );
}

/** How good a fix is, in words. */
const QUALITY_TEXT: Record<NonNullable<GpsFix['quality']>, string> = {
  gps: 'GPS fix',
  dgps: 'Corrected GPS fix (good)',
  pps: 'Precise GPS fix',
  rtk: 'Precise GPS fix (RTK)',
  'float-rtk': 'Precise GPS fix (RTK, settling)',
  estimated: 'Estimated position only (no satellites)',
  manual: 'Position entered by hand',
  simulated: 'Simulated position (test)',
};

function GpsSection({ status }: { status: EngineStatus | null }) {
  const gps = status?.gps ?? null;
  const receiver = status?.gpsReceiver ?? false;
  const weak = gps?.quality === 'estimated' || gps?.quality === 'simulated' || gps?.quality === 'manual';
  return (
    <section className={`shift-start-section shift-start-gps ${gps ? (weak ? 'check-warn' : 'check-good') : 'check-bad'}`} aria-label="GPS" data-testid="shift-start-gps">
      <h2>GPS</h2>
      {gps ? (
        <>
          <p className="check-line">
            <span className="dot" aria-hidden="true" />
            <strong>{gps.quality ? QUALITY_TEXT[gps.quality] : 'Position fixed'}</strong>
          </p>
          <p className="check-detail">
            {gps.satellites != null ? `${gps.satellites} satellites · ` : ''}
            {gps.accuracyM !== null ? `within ${Math.round(gps.accuracyM)} m · ` : ''}
            {gps.speedKmh != null ? `${Math.round(gps.speedKmh)} km/h` : 'speed not known'}
          </p>
          {gps.clockSkewed && (
            <p className="check-action">
              This computer's clock is {Math.round(Math.abs(gps.clockOffsetMs ?? 0) / 1000)} s off the GPS time: read times may be wrong. Tell the administrator.
            </p>
          )}
          {weak && <p className="check-action">Reads are saved with a rough position. If this stays once you drive, check the GPS antenna.</p>}
        </>
      ) : (
        <>
          <p className="check-line">
            <span className="dot" aria-hidden="true" />
            <strong data-testid="shift-start-gps-none">{receiver ? 'No fix' : 'No GPS receiver'}</strong>
          </p>
          <p className="check-action">
            {receiver
              ? 'Reads are saved without a location until it finds the satellites. Park with open sky above; if it stays, check the GPS antenna and its cable.'
              : 'Reads are saved without a location. Tell the administrator the GPS is not connected.'}
          </p>
        </>
      )}
    </section>
  );
}

function ListsSection({ lists, now }: { lists: HotListStatus[] | null; now: number }) {
  const api = useApi();
  const progress = useHotListsStore((s) => s.progress);
  const syncing = useHotListsStore((s) => s.syncing);
  const known = lists ?? [];
  // A list the car has no copy of yet shows only through the sync's progress.
  const unloaded = Object.keys(progress).filter((name) => !known.some((l) => l.name === name));
  const troubled = known.some((l) => l.stale || l.fault) || known.length === 0 || unloaded.some((name) => progress[name]?.phase === 'failed');
  return (
    <section className="shift-start-section shift-start-lists" aria-label="Hot lists">
      <h2>Hot lists</h2>
      {lists && known.length === 0 && unloaded.length === 0 && (
        <p className="check-action check-bad-text" data-testid="shift-start-no-list">
          No hot list is loaded: reads are not checked against any list. Sync now, or tell dispatch.
        </p>
      )}
      <ol className="start-lists">
        {known.map((list) => (
          <ListRow key={list.name} list={list} event={progress[list.name]} now={now} />
        ))}
        {unloaded.map((name) => (
          <ListRow
            key={name}
            list={{ name, entries: 0, updatedAt: null, stale: false, kind: 'imported', fault: null }}
            event={progress[name]}
            now={now}
          />
        ))}
      </ol>
      {troubled && (
        <button type="button" className="btn" data-testid="shift-start-sync" disabled={syncing} onClick={() => void syncHotLists(api)}>
          {syncing ? 'Syncing…' : 'Sync again'}
        </button>
      )}
    </section>
  );
}

function ListRow({ list, event, now }: { list: HotListStatus; event: HotListSyncEvent | undefined; now: number }) {
  // A failure this sync reported, or one the status still carries, or data too old: red until a sync succeeds.
  // The engine's own account of a failure (paths, addresses) is for whoever sets the lists up.
  const isAdministrator = useSessionStore((s) => s.user?.role === 'administrator');
  const fault = event?.phase === 'failed' ? (event.fault ?? null) : event?.phase !== 'done' ? list.fault : null;
  const failed = event?.phase === 'failed' || fault !== null;
  const trouble = hotListWords(list, now, (at) => formatDayTime(at, now));
  const bad = failed || list.stale;
  const age = list.updatedAt === null ? (fault ? 'not loaded' : 'never synced') : `data ${formatAge(list.updatedAt, now) === 'just now' ? 'from just now' : `${formatAge(list.updatedAt, now)} old`}`;
  return (
    <li className={bad ? 'start-list start-list-bad' : 'start-list'} data-testid="shift-start-list" data-list={list.name} data-bad={bad ? 'true' : undefined}>
      <div className="start-list-head">
        <span className="dot" aria-hidden="true" />
        <strong className="start-list-name">{list.name}</strong>
        <span className="start-list-age" data-testid="shift-start-list-age">
          {age}
        </span>
        <span className="start-list-count">
          {formatCount(list.entries)} {list.entries === 1 ? 'entry' : 'entries'}
        </span>
      </div>
      {event && event.phase !== 'failed' && <SyncProgress event={event} />}
      {failed && (
        <p className="check-action check-bad-text" data-testid="shift-start-list-error">
          Sync failed: {fault ? hotListFaultWords(fault).reason : event?.message}{' '}
          {list.updatedAt === null ? 'There is no copy on the car: reads are not checked against it.' : 'The older copy stays in use: check a hit on it with dispatch.'}
          {fault && isAdministrator && (
            <span className="check-detail" data-testid="shift-start-list-detail">
              Details: {fault.detail}
            </span>
          )}
        </p>
      )}
      {!failed && trouble && (
        <p className="check-action check-bad-text" data-testid="shift-start-list-stale">
          Out of date: {trouble.reason} Check a hit on it with dispatch before acting.
        </p>
      )}
    </li>
  );
}
