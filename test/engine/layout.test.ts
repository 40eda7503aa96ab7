/**
 * Two-line plates: the crop is cut in the gap between its rows and the rows
 * are joined side by side for the one-row OCR; one-row and wide crops are
 * left alone; the reader reads a two-line plate upper row first.
 */
import { describe, expect, it } from 'vitest';
import cv from '../../src/main/engine/opencv.js';
import { defaultModelDir } from '../../src/main/engine/recognition/index.js';
import { findCut, joinedWins, joinRows, rowContrast, splitTwoLines, TWO_LINE_MAX_ASPECT } from '../../src/main/engine/recognition/layout.js';
import { ProjectPlateReader } from '../../src/main/engine/recognition/project-models.js';
import type { PlateText } from '../../src/main/engine/recognition/types.js';
import { renderPlateScene, renderTwoLinePlate } from '../helpers/images.js';

type Mat = ReturnType<typeof renderTwoLinePlate>;

/** Same size and the same bytes (regions are copied out first: they are not contiguous). */
function sameImage(a: Mat, b: Mat): boolean {
  return a.rows === b.rows && a.cols === b.cols && a.copy().getData().equals(b.copy().getData());
}

describe('two-line plate layout', () => {
  it('measures each row\'s contrast over the inner columns only', () => {
    // 10 x 2: row 0 is flat except the outermost columns, row 1 alternates 0/100 inside
    const gray = new Uint8Array([255, 50, 50, 50, 50, 50, 50, 50, 50, 0, 0, 0, 100, 0, 100, 0, 100, 0, 100, 0]);
    const ink = rowContrast(gray, 10, 2);
    expect(ink[0]).toBe(0);
    expect(ink[1]).toBeCloseTo(50, 6);
  });

  it('cuts a two-line plate in the gap between its rows', () => {
    const plate = renderTwoLinePlate('AB', '1234');
    const cut = findCut(plate);
    expect(cut).not.toBeNull();
    // the upper row ends at 42% of the height, the lower one begins at 58%
    expect(cut!).toBeGreaterThan(plate.rows * 0.42);
    expect(cut!).toBeLessThan(plate.rows * 0.58);
    // the same cut in a grey copy that is a region of a larger image (not contiguous in memory)
    const canvas = new cv.Mat(plate.rows + 20, plate.cols + 30, cv.CV_8UC1, 128);
    plate.cvtColor(cv.COLOR_BGR2GRAY).copyTo(canvas.getRegion(new cv.Rect(10, 5, plate.cols, plate.rows)));
    expect(findCut(canvas.getRegion(new cv.Rect(10, 5, plate.cols, plate.rows)))).toBe(cut);
  });

  it('joins the rows side by side, each resized to half the height', () => {
    const plate = renderTwoLinePlate('XY', '905', 150, 101);
    const cut = findCut(plate)!;
    const joined = joinRows(plate, cut);
    expect([joined.rows, joined.cols, joined.channels]).toEqual([51, 300, 3]);
    const top = plate.getRegion(new cv.Rect(0, 0, 150, cut)).resize(51, 150, 0, 0, cv.INTER_LINEAR);
    const bottom = plate.getRegion(new cv.Rect(0, cut, 150, 101 - cut)).resize(51, 150, 0, 0, cv.INTER_LINEAR);
    expect(sameImage(joined.getRegion(new cv.Rect(0, 0, 150, 51)), top)).toBe(true);
    expect(sameImage(joined.getRegion(new cv.Rect(150, 0, 150, 51)), bottom)).toBe(true);
    expect(sameImage(top, bottom)).toBe(false);
    expect(sameImage(splitTwoLines(plate)!, joined)).toBe(true);
    expect(() => joinRows(plate, 0)).toThrow(/cut 0 is outside/);
  });

  it('leaves wide crops, one-row crops and blank crops alone', () => {
    const twoRowsButWide = renderTwoLinePlate('AB', '1234', 240, 120);
    expect(240 / 120).toBeGreaterThanOrEqual(TWO_LINE_MAX_ASPECT);
    expect(findCut(twoRowsButWide)).toBeNull();
    // a one-row plate cut narrower than 2:1 (characters across the middle band)
    const scene = renderPlateScene('KT48');
    const pw = Math.round(640 * 0.36);
    const narrow = scene.getRegion(new cv.Rect(Math.round((640 - pw) / 2), Math.round(360 * 0.5) + 10, Math.round(pw * 0.5), Math.round(pw / 2) - 20));
    expect(narrow.cols / narrow.rows).toBeLessThan(TWO_LINE_MAX_ASPECT);
    expect(findCut(narrow)).toBeNull();
    expect(findCut(new cv.Mat(100, 100, cv.CV_8UC3, [200, 200, 200]))).toBeNull();
    expect(findCut(new cv.Mat(6, 8, cv.CV_8UC3, [200, 200, 200]))).toBeNull();
  });

  it('takes the joined reading when it is more probable, or when it holds the one-row reading and is at least 0.5 probable', () => {
    const read = (plate: string, confidence: number): PlateText => ({ plate, confidence, charConfidences: [], candidates: [{ plate, confidence }], state: null, stateConfidence: 0 });
    expect(joinedWins(read('AB1234', 0.6), read('AB1234', 0.5))).toBe(true);
    expect(joinedWins(read('ZZ9', 0.4), read('AB1234', 0.5))).toBe(false);
    // one row read confidently, the joined reading adds the other row
    expect(joinedWins(read('MU2566', 0.55), read('2566', 0.97))).toBe(true);
    expect(joinedWins(read('MNW848', 0.6), read('MNW', 0.9))).toBe(true);
    expect(joinedWins(read('MU2566', 0.45), read('2566', 0.97))).toBe(false);
    // a joined reading that does not hold the one-row reading needs to be more probable
    expect(joinedWins(read('MU2567', 0.8), read('2566', 0.97))).toBe(false);
    expect(joinedWins(read('2566', 0.6), read('2566', 0.97))).toBe(false);
  });

  it('joins the rows of the further views of a plate whose rows it joined', async () => {
    // settleAt above 1: every plate is read in its further views too
    const reader = await ProjectPlateReader.create(defaultModelDir(), 1, { settleAt: 2 });
    try {
      const plate = renderTwoLinePlate('KD', '4721');
      const looser = new cv.Mat(plate.rows + 12, plate.cols + 12, cv.CV_8UC3, [245, 245, 245]);
      plate.copyTo(looser.getRegion(new cv.Rect(6, 6, plate.cols, plate.rows)));
      const [viaViews] = await reader.readViews([plate], () => [looser]);
      // both already joined: too wide to be cut again, so read as they are
      const [joinedByHand] = await reader.readViews([splitTwoLines(plate)!], () => [splitTwoLines(looser)!]);
      expect(viaViews!.plate).toBe('KD4721');
      expect(viaViews!.candidates).toEqual(joinedByHand!.candidates);
      // the looser view counted: not the same as the plate alone
      const [alone] = await reader.readViews([splitTwoLines(plate)!]);
      expect(alone!.candidates).not.toEqual(viaViews!.candidates);
    } finally {
      await reader.dispose();
    }
  });

  it('reads a two-line plate upper row first, and a one-row plate as before', async () => {
    const reader = await ProjectPlateReader.create(defaultModelDir(), 1);
    try {
      const [two] = await reader.read([renderTwoLinePlate('KD', '4721')]);
      expect(two!.plate).toBe('KD4721');
      const scene = renderPlateScene('7XBR205');
      const pw = Math.round(640 * 0.36);
      const [one] = await reader.read([scene.getRegion(new cv.Rect(Math.round((640 - pw) / 2), Math.round(360 * 0.5), pw, Math.round(pw / 2)))]);
      expect(one!.plate).toBe('7XBR205');
    } finally {
      await reader.dispose();
    }
  });
});
