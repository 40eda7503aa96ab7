/**
 * A camera's live preview on the settings screen: frames of the source as
 * entered (grabbed by the engine in a process of its own, turned by the
 * entered rotation), refreshed while the preview is on, with the region of
 * interest drawn over it. Dragging on the picture draws a new region; the
 * numbers beside it adjust it. A source that gives no frame stops the
 * preview with the engine's reason.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { Responses } from '../../shared/contract.js';
import type { CameraSettings } from '../../shared/settings.js';
import { call, useApi } from '../api.js';
import './CameraPreview.css';

export type Region = NonNullable<CameraSettings['roi']>;

/** How long the preview waits between frames (the engine grabs one frame per question). */
const REFRESH_MS = 1000;
/** Tallest the preview picture is drawn (CSS pixels). */
const PREVIEW_MAX_HEIGHT = 340;

interface Props {
  /** The camera as entered; null while it does not pass the settings check (nothing to preview yet). */
  camera: CameraSettings | null;
  roi: Region | undefined;
  onRoi: (roi: Region) => void;
  testId: string;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** The region spanned by two points given as fractions of the picture. */
export function regionBetween(a: { x: number; y: number }, b: { x: number; y: number }): Region {
  const x = round3(clamp01(Math.min(a.x, b.x)));
  const y = round3(clamp01(Math.min(a.y, b.y)));
  return { x, y, w: round3(Math.min(1 - x, Math.abs(a.x - b.x))), h: round3(Math.min(1 - y, Math.abs(a.y - b.y))) };
}

export function CameraPreview({ camera, roi, onRoi, testId }: Props) {
  const api = useApi();
  const [on, setOn] = useState(false);
  const [frame, setFrame] = useState<Responses['settings.preview'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [drawing, setDrawing] = useState<{ from: { x: number; y: number }; to: { x: number; y: number } } | null>(null);
  const picture = useRef<HTMLDivElement>(null);
  // The camera as entered, read by the refresh loop at each question without restarting it.
  const latest = useRef(camera);
  latest.current = camera;

  useEffect(() => {
    if (!on) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async (): Promise<void> => {
      const entered = latest.current;
      if (!entered) {
        setError('Fix the camera settings marked in red first.');
        setOn(false);
        return;
      }
      const answer = await call(api, 'settings.preview', { camera: entered });
      if (stopped) return;
      if (answer.ok) {
        setFrame(answer.value);
        setError(null);
        timer = setTimeout(() => void ask(), REFRESH_MS);
      } else {
        setError(answer.error);
        setOn(false);
      }
    };
    void ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, on]);

  function at(event: PointerEvent<HTMLDivElement>): { x: number; y: number } {
    const box = picture.current!.getBoundingClientRect();
    return { x: clamp01((event.clientX - box.left) / box.width), y: clamp01((event.clientY - box.top) / box.height) };
  }

  const shown = drawing ? regionBetween(drawing.from, drawing.to) : roi;
  const rotation = camera?.rotation ?? 0;
  return (
    <div className="preview" data-testid={testId}>
      <div className="preview-bar">
        <button type="button" className={on ? 'btn preview-toggle tab-on' : 'btn preview-toggle'} data-testid={`${testId}-toggle`} onClick={() => setOn(!on)} aria-pressed={on}>
          {on ? 'Stop preview' : 'Live preview'}
        </button>
        <span className="preview-caption" data-testid={`${testId}-caption`}>
          {frame ? `${frame.width}×${frame.height}${rotation ? `, turned ${rotation}°` : ''}${frame.from === 'running' ? ', from the running camera' : ''}` : 'No picture yet'}
        </span>
      </div>
      <div
        ref={picture}
        className={frame ? 'preview-picture' : 'preview-picture preview-empty'}
        // A tall (turned) picture is kept to a height that leaves the fields in view.
        style={frame ? { aspectRatio: `${frame.width} / ${frame.height}`, width: `min(100%, ${Math.round((PREVIEW_MAX_HEIGHT * frame.width) / frame.height)}px)` } : undefined}
        onPointerDown={(e) => {
          if (!frame) return;
          e.currentTarget.setPointerCapture?.(e.pointerId);
          const p = at(e);
          setDrawing({ from: p, to: p });
        }}
        onPointerMove={(e) => drawing && setDrawing({ ...drawing, to: at(e) })}
        onPointerUp={(e) => {
          if (!drawing) return;
          const region = regionBetween(drawing.from, at(e));
          setDrawing(null);
          // A tap is not a region.
          if (region.w >= 0.02 && region.h >= 0.02) onRoi(region);
        }}
        onPointerCancel={() => setDrawing(null)}
      >
        {frame ? (
          <img src={frame.image} alt={`Preview of ${camera?.name ?? 'the camera'}`} draggable={false} data-testid={`${testId}-image`} />
        ) : (
          <span className="preview-hint">{on ? 'Opening the source…' : 'Turn the preview on to see this source, then drag on the picture to mark where plates are read.'}</span>
        )}
        {frame && shown && (
          <div
            className="preview-roi"
            data-testid={`${testId}-roi`}
            style={{ left: `${shown.x * 100}%`, top: `${shown.y * 100}%`, width: `${shown.w * 100}%`, height: `${shown.h * 100}%` }}
          />
        )}
      </div>
      {error && (
        <p className="error-text preview-error" role="alert" data-testid={`${testId}-error`}>
          No preview: {error}
        </p>
      )}
    </div>
  );
}
