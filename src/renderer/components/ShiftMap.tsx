/**
 * The offline map of this shift: every read with a GPS position, the car's
 * track through them in the order they were taken, hits marked apart, and a
 * tap on a point shows its read. Nothing is downloaded: positions are drawn
 * on a coordinate grid, over the agency's map tiles when some are installed
 * in the data folder (map/{z}/{x}/{y}.png). Reads without a fix are counted.
 */
import { useEffect, useMemo, useState } from 'react';
import type { MapRead, ShiftMap as ShiftMapData } from '../../shared/contract.js';
import { call, useApi } from '../api.js';
import { formatClock, formatConfidence } from '../lib/format.js';
import { gridMap } from '../lib/grid-map.js';
import { tilesFor } from '../lib/map-tiles.js';
import { useAlertsStore, useHitsStore, useStatusStore } from '../stores/index.js';
import { PlateText } from './PlateText.js';
import { ReadImage } from './ReadImage.js';
import './HitHistory.css';

export function openShiftMap(): void {
  useHitsStore.getState().show('map');
}

/** The map's drawing size; the SVG scales to the space the screen gives it. */
const WIDTH = 960;
const HEIGHT = 600;

export function ShiftMap() {
  const api = useApi();
  const [data, setData] = useState<ShiftMapData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  // A new alert or a disposition: load again so the new hit is on the map.
  const openAlerts = useAlertsStore((s) => s.open);

  useEffect(() => {
    let live = true;
    void call(api, 'shift.map', {}).then((result) => {
      if (!live) return;
      if (result.ok) setData(result.value);
      setError(result.ok ? null : result.error);
    });
    return () => {
      live = false;
    };
  }, [api, openAlerts]);

  const point = data?.points.find((p) => p.id === selected) ?? null;
  return (
    <div className="hits shift-map-screen" data-testid="shift-map-screen">
      <header className="panel-bar">
        <button type="button" className="btn btn-back" data-testid="map-back" onClick={() => useHitsStore.getState().close()}>
          ‹ Back
        </button>
        <h1 className="panel-bar-title">Shift map</h1>
        {data && (
          <span className="panel-bar-meta" data-testid="map-counts">
            {data.points.length === 1 ? '1 read' : `${data.points.length} reads`} on the map
            {data.withoutFix > 0 ? ` · ${data.withoutFix === 1 ? '1 read' : `${data.withoutFix} reads`} without a GPS fix` : ''}
            {data.truncated ? ' · older reads left out' : ''}
          </span>
        )}
        <button type="button" className="btn hits-map-button" data-testid="map-open-hits" onClick={() => useHitsStore.getState().show('hits')}>
          Hits this shift
        </button>
      </header>
      {error && (
        <p className="error-text hits-error" role="alert" data-testid="map-error">
          Could not load the map: {error}
        </p>
      )}
      <div className="shift-map-body">
        {data ? <MapDrawing data={data} selected={selected} onSelect={setSelected} /> : !error && <p className="hits-empty muted">Loading…</p>}
        <aside className="shift-map-side">
          <Legend tiles={data?.tiles !== null && data?.tiles !== undefined} />
          {point ? <PointCard point={point} onClose={() => setSelected(null)} /> : <p className="muted">Tap a point to see its read.</p>}
        </aside>
      </div>
    </div>
  );
}

function Legend({ tiles }: { tiles: boolean }) {
  return (
    <ul className="map-legend" aria-label="Map key">
      <li>
        <svg width="22" height="22" aria-hidden="true">
          <circle cx="11" cy="11" r="6" className="map-read" />
        </svg>
        Read
      </li>
      <li>
        <svg width="22" height="22" aria-hidden="true">
          <rect x="4" y="4" width="14" height="14" transform="rotate(45 11 11)" className="map-hit" />
        </svg>
        Hit (alert)
      </li>
      <li>
        <svg width="22" height="22" aria-hidden="true">
          <circle cx="11" cy="11" r="7" className="map-sighting" />
        </svg>
        Hot plate seen again
      </li>
      <li>
        <svg width="22" height="22" aria-hidden="true">
          <line x1="2" y1="11" x2="20" y2="11" className="map-track" />
        </svg>
        Car&apos;s track
      </li>
      <li className="muted" data-testid="map-background">
        {tiles ? 'Drawn over the installed map.' : 'No map installed: drawn on a latitude/longitude grid.'}
      </li>
    </ul>
  );
}

function MapDrawing({ data, selected, onSelect }: { data: ShiftMapData; selected: number | null; onSelect(id: number): void }) {
  const map = useMemo(() => gridMap(data.points, WIDTH, HEIGHT), [data.points]);
  const tiles = useMemo(() => (map && data.tiles ? tilesFor(map, data.tiles.zooms) : []), [map, data.tiles]);
  if (!map) {
    return (
      <p className="hits-empty" data-testid="map-none">
        No read with a GPS position yet this shift.
      </p>
    );
  }
  const byId = new Map(data.points.map((p) => [p.id, p]));
  const located = map.points.map((p) => ({ ...p, read: byId.get(p.id)! }));
  // Hits drawn last, over the reads around them.
  const ordered = [...located.filter((p) => p.read.hit === null), ...located.filter((p) => p.read.hit === 'sighting'), ...located.filter((p) => p.read.hit === 'alert')];
  return (
    <svg
      className="shift-map"
      data-testid="shift-map"
      viewBox={`0 0 ${map.width} ${map.height}`}
      preserveAspectRatio="xMidYMid meet"
      role="group"
      aria-label={`${data.points.length} reads on ${tiles.length > 0 ? 'the map' : 'a coordinate grid'}`}
    >
      <rect width={map.width} height={map.height} className="map-bg" />
      {tiles.map((t) => (
        <MapTile key={`${t.z}/${t.x}/${t.y}`} {...t} />
      ))}
      {map.latLines.map((l) => (
        <g key={`lat${l.value}`}>
          <line x1={0} x2={map.width} y1={l.y} y2={l.y} className="map-grid" />
          <text x={6} y={l.y - 4} className="map-label">
            {l.value.toFixed(4)}°
          </text>
        </g>
      ))}
      {map.lonLines.map((l) => (
        <g key={`lon${l.value}`}>
          <line y1={0} y2={map.height} x1={l.x} x2={l.x} className="map-grid" />
          {/* A label too near the right edge would be cut. */}
          {l.x < map.width - 90 && (
            <text x={l.x + 4} y={map.height - 6} className="map-label">
              {l.value.toFixed(4)}°
            </text>
          )}
        </g>
      ))}
      {located.length > 1 && <polyline points={located.map((p) => `${p.x},${p.y}`).join(' ')} className="map-track" data-testid="map-track" />}
      {ordered.map((p) => (
        <g
          key={p.id}
          className={selected === p.id ? 'map-point map-point-selected' : 'map-point'}
          data-testid="map-point"
          data-read-id={p.id}
          data-hit={p.read.hit ?? undefined}
          role="button"
          tabIndex={0}
          aria-label={`${p.read.hit === 'alert' ? 'Hit' : 'Read'} ${p.read.plate} at ${formatClock(p.read.capturedAt)}`}
          onClick={() => onSelect(p.id)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ' ') onSelect(p.id);
          }}
        >
          {/* A larger invisible target for a finger. */}
          <circle cx={p.x} cy={p.y} r={18} className="map-target" />
          {p.read.hit === 'alert' ? (
            <rect x={p.x - 10} y={p.y - 10} width={20} height={20} transform={`rotate(45 ${p.x} ${p.y})`} className="map-hit" />
          ) : (
            <circle cx={p.x} cy={p.y} r={p.read.hit === 'sighting' ? 9 : 6} className={p.read.hit === 'sighting' ? 'map-sighting' : 'map-read'} />
          )}
        </g>
      ))}
    </svg>
  );
}

function MapTile({ z, x, y, left, top, width, height }: { z: number; x: number; y: number; left: number; top: number; width: number; height: number }) {
  const api = useApi();
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void call(api, 'map.tile', { z, x, y }).then((result) => {
      if (live && result.ok) setHref(result.value);
    });
    return () => {
      live = false;
    };
  }, [api, z, x, y]);
  if (!href) return null;
  return <image href={href} x={left} y={top} width={width} height={height} preserveAspectRatio="none" data-testid="map-tile" />;
}

function PointCard({ point, onClose }: { point: MapRead; onClose(): void }) {
  const cameraName = useStatusStore((s) => s.status?.cameras.find((c) => c.id === point.cameraId)?.name ?? point.cameraId);
  const alertId = point.alertId;
  return (
    <section className="map-card" data-testid="map-point-card" data-read-id={point.id} aria-label={`Read of ${point.plate}`}>
      <div className="map-card-head">
        <PlateText plate={point.plate} testId="map-card-plate" />
        {point.hit === 'alert' && <span className="hit-tag">HIT</span>}
        {point.hit === 'sighting' && <span className="hit-tag seen-tag">SEEN AGAIN</span>}
      </div>
      <ReadImage readId={point.id} kind="crop" alt={`Plate crop of ${point.plate}`} className="map-card-crop" />
      <dl className="facts">
        <dt>Time</dt>
        <dd>{formatClock(point.capturedAt)}</dd>
        <dt>Camera</dt>
        <dd>{cameraName}</dd>
        <dt>State</dt>
        <dd>{point.state ?? 'not read'}</dd>
        <dt>Sure</dt>
        <dd>{formatConfidence(point.confidence)}</dd>
        <dt>Position</dt>
        <dd>
          {point.lat.toFixed(5)}, {point.lon.toFixed(5)}
        </dd>
      </dl>
      <div className="map-card-actions">
        {alertId !== null && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="map-card-open-hit"
            onClick={() => {
              useHitsStore.getState().show('hits');
              useHitsStore.getState().setDetail(alertId);
            }}
          >
            Hit record
          </button>
        )}
        <button type="button" className="btn" data-testid="map-card-close" onClick={onClose}>
          Close
        </button>
      </div>
    </section>
  );
}
