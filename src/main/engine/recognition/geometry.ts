/**
 * Plate geometry helpers: box/quad arithmetic and cutting a rectified crop out
 * of a frame, shared by every detector.
 */
import cv from '../opencv.js';
import type { Mat, RotatedRect } from '@u4/opencv4nodejs';
import type { Box, Quad } from './types.js';

export function clampBox(box: Box, width: number, height: number): Box {
  const x = Math.max(0, Math.min(width - 1, Math.round(box[0])));
  const y = Math.max(0, Math.min(height - 1, Math.round(box[1])));
  const w = Math.max(1, Math.min(width - x, Math.round(box[2])));
  const h = Math.max(1, Math.min(height - y, Math.round(box[3])));
  return [x, y, w, h];
}

export function quadToBox(quad: Quad): Box {
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return [x, y, Math.max(...xs) - x, Math.max(...ys) - y];
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a[0], b[0]);
  const y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y2 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Corners of a rotated rectangle, ordered clockwise from the top-left as seen
 * in the image, with the long side horizontal (plates are wider than tall).
 */
export function rotatedRectCorners(cx: number, cy: number, w: number, h: number, angleDeg: number): Quad {
  let width = w;
  let height = h;
  let angle = angleDeg;
  if (height > width) {
    [width, height] = [height, width];
    angle += 90;
  }
  // Keep the text upright: fold the angle into (-45, 45].
  while (angle > 45) angle -= 90 * (width >= height ? 2 : 1);
  while (angle <= -45) angle += 180;
  if (angle > 45) angle -= 180;
  const rad = (angle * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const hw = width / 2;
  const hh = height / 2;
  const at = (dx: number, dy: number): [number, number] => [cx + dx * cos - dy * sin, cy + dx * sin + dy * cos];
  return [at(-hw, -hh), at(hw, -hh), at(hw, hh), at(-hw, hh)];
}

export function rotatedRectToQuad(rect: RotatedRect, scaleX = 1, scaleY = 1, grow = 0): Quad {
  return rotatedRectCorners(
    rect.center.x * scaleX,
    rect.center.y * scaleY,
    rect.size.width * scaleX + 2 * grow * scaleX,
    rect.size.height * scaleY + 2 * grow * scaleY,
    rect.angle,
  );
}

/** Cuts the quad out of the frame and warps it to an upright `outWidth` x `outHeight` crop. */
export function rectify(frame: Mat, quad: Quad, outWidth: number, outHeight: number): Mat {
  const src = quad.map(([x, y]) => new cv.Point2(x, y));
  const dst = [
    new cv.Point2(0, 0),
    new cv.Point2(outWidth - 1, 0),
    new cv.Point2(outWidth - 1, outHeight - 1),
    new cv.Point2(0, outHeight - 1),
  ];
  const matrix = cv.getPerspectiveTransform(src, dst);
  return frame.warpPerspective(matrix, new cv.Size(outWidth, outHeight), cv.INTER_LINEAR, cv.BORDER_REPLICATE);
}

/** Axis-aligned crop with a margin (fraction of the box size on each side), clamped to the frame. */
export function cropBox(frame: Mat, box: Box, margin = 0): Mat {
  const mx = box[2] * margin;
  const my = box[3] * margin;
  const [x, y, w, h] = clampBox([box[0] - mx, box[1] - my, box[2] + 2 * mx, box[3] + 2 * my], frame.cols, frame.rows);
  return frame.getRegion(new cv.Rect(x, y, w, h)).copy();
}

export function quadLength(a: readonly [number, number], b: readonly [number, number]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/** Grows a quad about its centre so each side moves out by `margin` of the plate's size. */
export function expandQuad(quad: Quad, margin: number): Quad {
  if (margin === 0) return quad;
  const cx = (quad[0][0] + quad[1][0] + quad[2][0] + quad[3][0]) / 4;
  const cy = (quad[0][1] + quad[1][1] + quad[2][1] + quad[3][1]) / 4;
  const k = 1 + 2 * margin;
  return quad.map(([x, y]) => [cx + (x - cx) * k, cy + (y - cy) * k] as const) as unknown as Quad;
}
