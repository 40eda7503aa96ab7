/**
 * A camera's live tile: its newest picture, its name, and its verdict in
 * plain words (shared/equipment.ts) with what to do. Large on the
 * shift-start screen, small in the patrol screen's strip; a tap opens the
 * larger view.
 */
import type { ReactNode } from 'react';
import { cameraCheck } from '../../shared/equipment.js';
import { formatClock } from '../lib/format.js';
import './CameraTiles.css';
import type { LiveCamera } from '../lib/live-frames.js';

export function CameraTile({ live, size, onOpen, children }: { live: LiveCamera; size: 'small' | 'large'; onOpen?: () => void; children?: ReactNode }) {
  const { camera, frame } = live;
  const check = cameraCheck(camera);
  const picture = frame?.image ? (
    <img className="camera-tile-picture" src={frame.image} alt={`Picture from the ${camera.name} camera`} data-testid="camera-tile-image" data-captured-at={frame.capturedAt ?? undefined} />
  ) : (
    <span className="camera-tile-picture camera-tile-nopicture" data-testid="camera-tile-nopicture">
      {check.words}
    </span>
  );
  const head = (
    <>
      {picture}
      <span className="camera-tile-head">
        <span className="camera-tile-name">{camera.name}</span>
        <span className={`camera-tile-verdict verdict-${check.severity}`} data-testid="camera-tile-verdict">
          <span className="dot" aria-hidden="true" />
          {check.words}
        </span>
      </span>
    </>
  );
  return (
    <div className={`camera-tile camera-tile-${size} camera-tile-${check.severity}`} data-testid="camera-tile" data-camera={camera.id} data-verdict={check.kind}>
      {onOpen ? (
        <button type="button" className="camera-tile-open" aria-label={`${camera.name} camera: ${check.words}. Open the larger view`} data-testid="camera-tile-open" onClick={onOpen}>
          {head}
        </button>
      ) : (
        <div className="camera-tile-open">{head}</div>
      )}
      {size === 'large' && (
        <div className="camera-tile-body">
          {check.action && (
            <p className="camera-tile-action" data-testid="camera-tile-action">
              {check.action}
            </p>
          )}
          {camera.state === 'out-of-service' && camera.outOfServiceReason && <p className="camera-tile-note">Reason: {camera.outOfServiceReason}</p>}
          {check.kind === 'misaligned' && camera.misaligned && <p className="camera-tile-note">{camera.misaligned}.</p>}
          <p className="camera-tile-meta">
            {camera.state === 'live' ? `${camera.fps.toFixed(1)} pictures a second · ` : ''}
            last picture {camera.lastFrameAt === null ? 'never' : formatClock(camera.lastFrameAt)}
          </p>
          {children}
        </div>
      )}
    </div>
  );
}
