/**
 * Pre- and post-processing of the models on inputs made here: BGR → planar
 * float tensors, the detector's probability map → plates with corners, and
 * quad geometry.
 */
import { describe, expect, it } from 'vitest';
import cv from '../../src/main/engine/opencv.js';
import { matToChw } from '../../src/main/engine/recognition/onnx.js';
import { decodePlateMap } from '../../src/main/engine/recognition/project-models.js';
import { expandQuad, iou, quadToBox, rotatedRectCorners } from '../../src/main/engine/recognition/geometry.js';
import type { Quad } from '../../src/main/engine/recognition/types.js';

describe('matToChw', () => {
  const mat = new cv.Mat(2, 3, cv.CV_8UC3, [10, 20, 30]); // B=10 G=20 R=30

  it('writes planes in the requested colour order with mean and std applied', () => {
    const out = new Float32Array(3 * 2 * 3);
    matToChw(mat, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], order: 'rgb' }, out, 0, 3, 2);
    expect(out[0]).toBeCloseTo((30 / 255 - 0.5) / 0.5, 5); // R plane first
    expect(out[6]).toBeCloseTo((20 / 255 - 0.5) / 0.5, 5);
    expect(out[12]).toBeCloseTo((10 / 255 - 0.5) / 0.5, 5);
    matToChw(mat, { mean: [0, 0, 0], std: [1, 1, 1], order: 'bgr' }, out, 0, 3, 2);
    expect(out[0]).toBeCloseTo(10 / 255, 5);
  });

  it('pads to the right of the valid width and below the image', () => {
    const out = new Float32Array(1 * 3 * 4).fill(9);
    matToChw(mat, { mean: [0], std: [1], order: 'gray' }, out, 0, 4, 3, 2, -1);
    const gray = (0.114 * 10 + 0.587 * 20 + 0.299 * 30) / 255;
    expect(out[0]).toBeCloseTo(gray, 4);
    expect(out[1]).toBeCloseTo(gray, 4);
    expect(out[2]).toBe(-1); // x >= validWidth
    expect(out[8]).toBe(-1); // y >= rows
  });
});

describe('decodePlateMap', () => {
  const pp = { prob_threshold: 0.5, min_cells: 2, score_threshold: 0.6, max_detections: 4 };

  it('turns each connected blob into one plate with probability-weighted corners, scaled to the frame', () => {
    const OW = 8;
    const OH = 6;
    const prob = new Float32Array(OW * OH);
    const corners = new Float32Array(8 * OW * OH);
    const plane = OW * OH;
    // A 3x2 blob at cols 2..4, rows 2..3 whose cells all point at the same corners (stride 4).
    const target = [[8, 8], [20, 8], [20, 16], [8, 16]];
    for (let r = 2; r <= 3; r++) for (let c = 2; c <= 4; c++) {
      const i = r * OW + c;
      prob[i] = 0.9;
      const cx = 4 * c + 2;
      const cy = 4 * r + 2;
      target.forEach(([x, y], k) => {
        corners[2 * k * plane + i] = x! - cx;
        corners[(2 * k + 1) * plane + i] = y! - cy;
      });
    }
    // A single weak cell elsewhere: below min_cells, dropped.
    prob[5 * OW + 7] = 0.95;
    const plates = decodePlateMap(prob, corners, OW, OH, 4, 0.5, pp, 1000, 1000);
    expect(plates).toHaveLength(1);
    expect(plates[0]!.score).toBeCloseTo(0.9, 5);
    expect(plates[0]!.quad!.map(([x, y]) => [Math.round(x), Math.round(y)])).toEqual([[16, 16], [40, 16], [40, 32], [16, 32]]);
    expect(plates[0]!.box).toEqual([16, 16, 24, 16]);
  });

  it('drops blobs whose peak is below the score threshold', () => {
    const prob = new Float32Array(16).fill(0.55);
    expect(decodePlateMap(prob, new Float32Array(8 * 16), 4, 4, 4, 1, pp, 100, 100)).toEqual([]);
  });
});

describe('geometry', () => {
  it('keeps plates upright and wide whatever angle convention minAreaRect used', () => {
    const a = rotatedRectCorners(100, 50, 40, 120, -90);
    const box = quadToBox(a);
    expect(box[2]).toBeCloseTo(120, 5);
    expect(box[3]).toBeCloseTo(40, 5);
    expect(a[0][0]).toBeLessThan(a[1][0]);
    expect(a[0][1]).toBeLessThan(a[3][1]);
  });

  it('grows a quad about its centre', () => {
    const quad: Quad = [[10, 10], [30, 10], [30, 20], [10, 20]];
    expect(expandQuad(quad, 0.25)).toEqual([[5, 7.5], [35, 7.5], [35, 22.5], [5, 22.5]]);
    expect(iou([0, 0, 10, 10], [5, 0, 10, 10])).toBeCloseTo(1 / 3, 5);
  });
});
