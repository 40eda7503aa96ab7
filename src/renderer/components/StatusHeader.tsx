/** The patrol view's header: who is signed in, cameras, GPS fix, hot-list ages (a tap opens the hot lists), the Shift screen (deployment, summary) and sign-out through the shift summary. */
import { useState } from 'react';
import { useApi } from '../api.js';
import { CAMERA_STATE_TEXT, formatAge } from '../lib/format.js';
import { useNow } from '../lib/hooks.js';
import { useSessionStore, useStatusStore } from '../stores/index.js';
import { lockScreen } from '../sync.js';
import { openHistory } from './HistoryScreen.js';
import { openRecords } from './RecordsPanel.js';
import { openAdmin } from '../admin/AdminScreen.js';
import { openHotLists } from './HotListsPanel.js';
import { openShift } from './ShiftScreen.js';
import { ThemeToggle } from './ThemeToggle.js';
import { CameraService } from './CameraService.js';
import { cameraFaultWords } from '../../shared/equipment.js';

export function StatusHeader() {
  const api = useApi();
  const user = useSessionStore((s) => s.user);
  const status = useStatusStore((s) => s.status);
  const now = useNow();
  const busy = false;
  const [error, setError] = useState<string | null>(null);
  const [serviceCamera, setServiceCamera] = useState<string | null>(null);
  const shownCamera = status?.cameras.find((c) => c.id === serviceCamera) ?? null;

  async function lock() {
    setError(null);
    const problem = await lockScreen(api);
    if (problem) setError(`Lock failed: ${problem}`);
  }

  return (
    <header className="status-header">
      <div className="officer">
        <div className="officer-name">{user?.name ?? '—'}</div>
        <div className="officer-id">
          ID {user?.id ?? '—'}
          {user?.role === 'administrator' ? ' · administrator' : user?.role === 'supervisor' ? ' · supervisor' : ''}
        </div>
      </div>

      <div className="status-groups">
        <div className="status-group" aria-label="Cameras">
          <span className="status-group-label">Cameras</span>
          {status && status.cameras.length === 0 && <span className="chip chip-bad">None connected</span>}
          {status?.cameras.map((camera) => (
            <button
              type="button"
              key={camera.id}
              className={`chip chip-button chip-${camera.state === 'live' ? 'good' : camera.state === 'starting' || camera.state === 'reconnecting' ? 'warn' : 'bad'}`}
              title={camera.outOfServiceReason ?? (camera.fault ? cameraFaultWords(camera.fault).reason : 'Camera details and service')}
              data-testid="camera-state"
              aria-expanded={serviceCamera === camera.id}
              onClick={() => setServiceCamera(serviceCamera === camera.id ? null : camera.id)}
            >
              <span className="dot" />
              {camera.name}: {CAMERA_STATE_TEXT[camera.state]}
              {camera.state === 'live' && <span className="chip-extra">{Math.round(camera.fps)} fps</span>}
            </button>
          ))}
          {shownCamera && <CameraService camera={shownCamera} onClose={() => setServiceCamera(null)} />}
        </div>

        <div className="status-group" aria-label="GPS">
          <span className="status-group-label">GPS</span>
          {status?.gps ? (
            <span className="chip chip-good" data-testid="gps-state" title={`${status.gps.lat.toFixed(5)}, ${status.gps.lon.toFixed(5)}`}>
              <span className="dot" />
              Fix
              {status.gps.accuracyM !== null && <span className="chip-extra">±{Math.round(status.gps.accuracyM)} m</span>}
              {status.gps.speedKmh != null && <span className="chip-extra">{Math.round(status.gps.speedKmh)} km/h</span>}
            </span>
          ) : null}
          {status?.gps?.clockSkewed && (
            <span className="chip chip-bad" data-testid="gps-clock" title="Read times come from this computer's clock; have it set right">
              <span className="dot" />
              Clock off by {Math.round(Math.abs(status.gps.clockOffsetMs ?? 0) / 1000)} s
            </span>
          )}
          {status?.gps ? null : (
            <span className="chip chip-warn" data-testid="gps-state">
              <span className="dot" />
              No fix
            </span>
          )}
        </div>

        <button
          type="button"
          className="status-group status-group-button"
          title="Open the hot lists"
          data-testid="hotlists-open-status"
          onClick={openHotLists}
        >
          <span className="status-group-label">Hot lists</span>
          {status && status.hotLists.length === 0 && <span className="chip chip-bad">None loaded</span>}
          {status?.hotLists.map((list) => (
            <span key={list.name} className={`chip chip-${list.stale ? 'bad' : list.fault ? 'warn' : 'good'}`} data-testid="hotlist-age">
              <span className="dot" />
              {list.name}
              <span className="chip-extra">
                {list.updatedAt === null ? (list.fault ? 'not loaded' : 'never synced') : formatAge(list.updatedAt, now)}
                {list.stale ? ' · STALE' : list.fault ? ' · sync failed' : ''}
              </span>
            </span>
          ))}
        </button>
      </div>

      <div className="header-actions">
        <button
          type="button"
          className={status?.hotLists.some((l) => l.stale) || status?.hotLists.length === 0 ? 'btn btn-attention' : 'btn'}
          data-testid="hotlists-open"
          onClick={openHotLists}
        >
          Hot lists
        </button>
        {status?.channels.includes('history.search') && (
          <button type="button" className="btn" data-testid="history-open" onClick={openHistory}>
            History
          </button>
        )}
        {status?.channels.includes('retention.holds.list') && (
          <button type="button" className="btn" data-testid="records-open" onClick={openRecords}>
            Records
          </button>
        )}
        {(status?.channels.includes('users.list') || status?.channels.includes('audit.list')) && (
          <button type="button" className="btn" data-testid="admin-open" onClick={openAdmin}>
            Admin
          </button>
        )}
        <ThemeToggle />
        <button type="button" className="btn btn-quiet" data-testid="lock" onClick={lock} disabled={busy}>
          Lock
        </button>
        <button type="button" className="btn" data-testid="shift-open" onClick={() => openShift(false)}>
          Shift
        </button>
        <button type="button" className="btn btn-quiet" data-testid="logout" onClick={() => openShift(true)} disabled={busy}>
          Sign out
        </button>
      </div>
      {error && (
        <p className="error-text header-error" role="alert">
          {error.startsWith('Lock failed') ? error : `Sign-out failed: ${error}`}
        </p>
      )}
    </header>
  );
}
