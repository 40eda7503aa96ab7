/**
 * The offline map of a history search: positions drawn on a plain
 * latitude/longitude grid (nothing is fetched; the grid is the fallback the
 * policy allows when no map data is shipped). Pure, so it is tested alone.
 */
export interface MapPoint {
  readonly id: number;
  readonly lat: number;
  readonly lon: number;
}

export interface GridMap {
  readonly width: number;
  readonly height: number;
  /** Projected points, in the input order. */
  readonly points: { id: number; x: number; y: number }[];
  readonly latLines: { value: number; y: number }[];
  readonly lonLines: { value: number; x: number }[];
  readonly bounds: { south: number; west: number; north: number; east: number };
}

/** A round grid step that gives about `count` lines over `span` degrees. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

export function gridMap(points: readonly MapPoint[], width: number, height: number): GridMap | null {
  if (points.length === 0) return null;
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  // At least ~200 m of view, and a margin so no point sits on the edge.
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const midLon = (Math.min(...lons) + Math.max(...lons)) / 2;
  const cos = Math.max(0.1, Math.cos((midLat * Math.PI) / 180));
  let latSpan = Math.max(0.002, (Math.max(...lats) - Math.min(...lats)) * 1.2);
  let lonSpan = Math.max(0.002 / cos, (Math.max(...lons) - Math.min(...lons)) * 1.2);
  // Same scale on both axes (a degree of longitude is shorter by cos(latitude)).
  const aspect = width / height;
  if ((lonSpan * cos) / latSpan < aspect) lonSpan = (latSpan * aspect) / cos;
  else latSpan = (lonSpan * cos) / aspect;
  const bounds = { south: midLat - latSpan / 2, north: midLat + latSpan / 2, west: midLon - lonSpan / 2, east: midLon + lonSpan / 2 };
  const x = (lon: number): number => ((lon - bounds.west) / lonSpan) * width;
  const y = (lat: number): number => ((bounds.north - lat) / latSpan) * height;
  const latStep = niceStep(latSpan, 4);
  const lonStep = niceStep(lonSpan, 5);
  const latLines: GridMap['latLines'] = [];
  for (let v = Math.ceil(bounds.south / latStep) * latStep; v <= bounds.north; v += latStep) latLines.push({ value: Number(v.toFixed(6)), y: y(v) });
  const lonLines: GridMap['lonLines'] = [];
  for (let v = Math.ceil(bounds.west / lonStep) * lonStep; v <= bounds.east; v += lonStep) lonLines.push({ value: Number(v.toFixed(6)), x: x(v) });
  return { width, height, points: points.map((p) => ({ id: p.id, x: x(p.lon), y: y(p.lat) })), latLines, lonLines, bounds };
}
