/**
 * Test images the project makes itself: a plate-like white rectangle with dark
 * characters on a grey scene, and files that are deliberately not images.
 */
import cv from '../../src/main/engine/opencv.js';
import type { Mat } from '@u4/opencv4nodejs';

export function renderPlateScene(text: string, width = 640, height = 360): Mat {
  const scene = new cv.Mat(height, width, cv.CV_8UC3, [90, 95, 100]);
  const pw = Math.round(width * 0.36);
  const ph = Math.round(pw / 2);
  const x = Math.round((width - pw) / 2);
  const y = Math.round(height * 0.5);
  scene.drawRectangle(new cv.Rect(x, y, pw, ph), new cv.Vec3(245, 245, 245), -1);
  scene.drawRectangle(new cv.Rect(x, y, pw, ph), new cv.Vec3(40, 40, 40), 2);
  const scale = pw / 190;
  scene.putText(text, new cv.Point2(x + Math.round(pw * 0.07), y + Math.round(ph * 0.72)), cv.FONT_HERSHEY_DUPLEX, scale, new cv.Vec3(110, 40, 20), Math.max(2, Math.round(scale * 2.2)));
  return scene;
}

/**
 * A two-line plate (as on motorcycles and trailers) filling a width x height
 * image: `top` centred in the upper row, `bottom` in the lower one, dark on
 * white with a rim.
 */
export function renderTwoLinePlate(top: string, bottom: string, width = 176, height = 120): Mat {
  const plate = new cv.Mat(height, width, cv.CV_8UC3, [245, 245, 245]);
  plate.drawRectangle(new cv.Rect(1, 1, width - 2, height - 2), new cv.Vec3(40, 40, 40), 2);
  const ink = new cv.Vec3(110, 40, 20);
  const row = (text: string, baseline: number, scale: number): void => {
    const thickness = Math.max(2, Math.round(scale * 2.2));
    const { size } = cv.getTextSize(text, cv.FONT_HERSHEY_DUPLEX, scale, thickness);
    plate.putText(text, new cv.Point2(Math.round((width - size.width) / 2), baseline), cv.FONT_HERSHEY_DUPLEX, scale, ink, thickness);
  };
  row(top, Math.round(height * 0.42), (height * 0.3) / 22);
  row(bottom, Math.round(height * 0.88), (height * 0.3) / 22);
  return plate;
}

export function writeJpeg(file: string, image: Mat): void {
  cv.imwrite(file, image);
}
