/**
 * One camera's panel, opened from its chip on the status bar: its state, rate,
 * last frame, why it failed (in plain words, with the engine's details for
 * the administrator), and the officer's switch to take it out of
 * service or put it back (B.2), with the reason the engine audits.
 */
import { useState } from 'react';
import type { CameraStatus } from '../../shared/contract.js';
import { cameraFaultWords } from '../../shared/equipment.js';
import { call, useApi } from '../api.js';
import { CAMERA_STATE_TEXT, formatAge, formatClock } from '../lib/format.js';
import { useNow } from '../lib/hooks.js';
import { useSessionStore } from '../stores/index.js';

export function CameraService({ camera, onClose }: { camera: CameraStatus; onClose: () => void }) {
  const api = useApi();
  const now = useNow();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const outOfService = camera.state === 'out-of-service';
  // The engine's own account (source address, library wording) is for whoever sets the cameras up.
  const isAdministrator = useSessionStore((s) => s.user?.role === 'administrator');

  async function submit() {
    if (reason.trim().length < 3) {
      setError(outOfService ? 'Say why the camera goes back into service.' : 'Say why the camera goes out of service.');
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call(api, 'cameras.service', { cameraId: camera.id, inService: outOfService, reason: reason.trim() });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    onClose();
  }

  return (
    <div className="camera-service" role="dialog" aria-label={`Camera ${camera.name}`} data-testid="camera-service">
      <div className="camera-service-head">
        <strong>{camera.name}</strong>
        <span data-testid="camera-service-state">{CAMERA_STATE_TEXT[camera.state]}</span>
        {camera.state === 'live' && <span className="chip-extra">{camera.fps.toFixed(1)} fps</span>}
        <span className="chip-extra">last frame {camera.lastFrameAt === null ? 'never' : formatClock(camera.lastFrameAt)}{camera.lastFrameAt !== null && now - camera.lastFrameAt > 60_000 ? ` (${formatAge(camera.lastFrameAt, now)} ago)` : ''}</span>
      </div>
      {camera.outOfServiceReason && <div className="camera-service-note">Out of service: {camera.outOfServiceReason}</div>}
      {camera.fault && camera.state !== 'live' && (
        <div className="camera-service-note" data-testid="camera-service-fault">
          {cameraFaultWords(camera.fault).reason}
          {isAdministrator && (
            <div className="camera-service-detail" data-testid="camera-service-detail">
              Details: {camera.fault.detail}
            </div>
          )}
        </div>
      )}
      <label className="field">
        <span className="field-label">Reason (required, recorded)</span>
        {/* Several lines: the hint and a written-out reason are read whole, never cut at the field's edge. */}
        <textarea
          className="input note"
          data-testid="camera-service-reason"
          value={reason}
          rows={2}
          maxLength={500}
          placeholder={outOfService ? 'e.g. lens replaced, checked at shift start' : 'e.g. lens cracked, camera knocked out of line'}
          disabled={busy}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      {error && (
        <p className="error-text" role="alert" data-testid="camera-service-error">
          {error}
        </p>
      )}
      <div className="camera-service-actions">
        <button type="button" className="btn btn-quiet" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="button" className={outOfService ? 'btn btn-primary' : 'btn btn-danger'} data-testid="camera-service-submit" onClick={() => void submit()} disabled={busy}>
          {outOfService ? 'Put back in service' : 'Take out of service'}
        </button>
      </div>
    </div>
  );
}
