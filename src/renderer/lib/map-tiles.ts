/**
 * Which installed map tiles (slippy-map numbering, map/{z}/{x}/{y}.png in the
 * data folder) cover a grid map's area, and where each lands on it. Pure, so
 * it is tested alone; the tiles themselves come from the engine (map.tile).
 */
import type { GridMap } from './grid-map.js';

export interface PlacedTile {
  readonly z: number;
  readonly x: number;
  readonly y: number;
  /** Where the tile's corners fall on the map, in the map's pixels. */
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The most tiles one map draws (the zoom is lowered until they fit). */
export const MAX_TILES = 48;
const TILE_PX = 256;

const lonOf = (x: number, z: number): number => (x / 2 ** z) * 360 - 180;
const latOf = (y: number, z: number): number => {
  const n = Math.PI - (2 * Math.PI * y) / 2 ** z;
  return (180 / Math.PI) * Math.atan(Math.sinh(n));
};
const tileX = (lon: number, z: number): number => Math.floor(((lon + 180) / 360) * 2 ** z);
const tileY = (lat: number, z: number): number => {
  const r = (Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
};

/**
 * The tiles to draw under a grid map: from the installed zoom closest to one
 * screen pixel per tile pixel without going past it (lower when more than
 * MAX_TILES would be needed). Empty when no zoom is installed.
 */
export function tilesFor(map: GridMap, zooms: readonly number[]): PlacedTile[] {
  if (zooms.length === 0) return [];
  const { south, west, north, east } = map.bounds;
  const wanted = Math.log2((360 * map.width) / ((east - west) * TILE_PX));
  const sorted = [...zooms].sort((a, b) => b - a);
  const candidates = [...sorted.filter((z) => z <= wanted), ...[...sorted].reverse().filter((z) => z > wanted)];
  for (const z of candidates) {
    const n = 2 ** z;
    const x0 = Math.max(0, tileX(west, z));
    const x1 = Math.min(n - 1, tileX(east, z));
    const y0 = Math.max(0, tileY(north, z));
    const y1 = Math.min(n - 1, tileY(south, z));
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES) continue;
    const px = (lon: number): number => ((lon - west) / (east - west)) * map.width;
    const py = (lat: number): number => ((north - lat) / (north - south)) * map.height;
    const tiles: PlacedTile[] = [];
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const left = px(lonOf(x, z));
        const top = py(latOf(y, z));
        tiles.push({ z, x, y, left, top, width: px(lonOf(x + 1, z)) - left, height: py(latOf(y + 1, z)) - top });
      }
    }
    return tiles;
  }
  return [];
}
