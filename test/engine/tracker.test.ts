import { describe, expect, it } from 'vitest';
import { PlateTracker, type Observation } from '../../src/main/engine/tracking/tracker.js';

const obs = (plate: string, confidence: number, x: number, at: number): Observation<string> => ({
  plate,
  confidence,
  box: [x, 100, 100, 50],
  at,
  payload: `${plate}@${at}`,
});

describe('PlateTracker', () => {
  it('emits one read once two frames agree, not one per frame', () => {
    const tracker = new PlateTracker<string>({ idleMs: 500 });
    expect(tracker.observe([obs('ABC123', 0.7, 100, 0)], 0)).toEqual([]);
    const ready = tracker.observe([obs('ABC123', 0.8, 110, 100)], 100);
    expect(ready).toHaveLength(1);
    expect(ready[0]!.plate).toBe('ABC123');
    expect(ready[0]!.correction).toBe(false);
    expect(tracker.observe([obs('ABC123', 0.8, 120, 200)], 200)).toEqual([]);
    expect(tracker.observe([], 2000)).toEqual([]);
  });

  it('emits a confident single reading at once', () => {
    const tracker = new PlateTracker<string>();
    const ready = tracker.observe([obs('XYZ9', 0.97, 0, 0)], 0);
    expect(ready.map((r) => r.plate)).toEqual(['XYZ9']);
  });

  it('votes across frames and corrects an early misread when the track ends', () => {
    const tracker = new PlateTracker<string>({ idleMs: 300, instantConfidence: 0.95 });
    const first = [
      ...tracker.observe([obs('8BC123', 0.6, 100, 0)], 0),
      ...tracker.observe([obs('8BC123', 0.6, 105, 50)], 50),
    ];
    expect(first.map((r) => r.plate)).toEqual(['8BC123']);
    tracker.observe([obs('ABC123', 0.9, 110, 100)], 100);
    tracker.observe([obs('ABC123', 0.9, 115, 150)], 150);
    const end = tracker.observe([], 1000);
    expect(end).toHaveLength(1);
    expect(end[0]!.plate).toBe('ABC123');
    expect(end[0]!.correction).toBe(true);
    expect(end[0]!.best.payload).toBe('ABC123@100');
  });

  it('keeps two plates in one frame apart', () => {
    const tracker = new PlateTracker<string>({ idleMs: 300 });
    tracker.observe([obs('AAA111', 0.7, 0, 0), obs('ZZZ999', 0.7, 600, 0)], 0);
    const ready = tracker.observe([obs('AAA111', 0.7, 5, 50), obs('ZZZ999', 0.7, 605, 50)], 50);
    expect(ready.map((r) => r.plate).sort()).toEqual(['AAA111', 'ZZZ999']);
  });

  it('flushes unconfirmed tracks when the source ends', () => {
    const tracker = new PlateTracker<string>();
    tracker.observe([obs('LONE1', 0.5, 0, 0)], 0);
    expect(tracker.flush().map((r) => r.plate)).toEqual(['LONE1']);
  });
});

describe('PlateTracker with the next car in the same place', () => {
  it('starts a new track for a different plate at the same position', () => {
    const tracker = new PlateTracker<string>({ idleMs: 300, instantConfidence: 0.95 });
    tracker.observe([obs('HOT123', 0.8, 100, 0)], 0);
    const first = tracker.observe([obs('HOT123', 0.8, 100, 50)], 50);
    const second = [...tracker.observe([obs('CLEAN1', 0.8, 100, 100)], 100), ...tracker.observe([obs('CLEAN1', 0.8, 100, 150)], 150)];
    expect(first.map((r) => r.plate)).toEqual(['HOT123']);
    expect(second.map((r) => r.plate)).toEqual(['CLEAN1']);
  });
});

describe('PlateTracker evidence', () => {
  it('offers the larger view of the same plate when the track ends, without a new read', () => {
    const tracker = new PlateTracker<string>({ idleMs: 300, instantConfidence: 0.95 });
    const small = (at: number): Observation<string> => ({ plate: 'ABC123', confidence: 0.8, box: [100, 100, 60, 30], at, payload: `small@${at}` });
    const large = (at: number): Observation<string> => ({ plate: 'ABC123', confidence: 0.81, box: [90, 95, 160, 80], at, payload: `large@${at}` });
    tracker.observe([small(0)], 0);
    const first = tracker.observe([small(50)], 50);
    expect(first).toMatchObject([{ plate: 'ABC123', betterImages: false, best: { payload: 'small@0' } }]);
    tracker.observe([large(100)], 100);
    const end = tracker.observe([], 1000);
    expect(end).toMatchObject([{ trackId: first[0]!.trackId, plate: 'ABC123', correction: false, betterImages: true, best: { payload: 'large@100' } }]);
  });

  it('says nothing more when the first view stayed the best', () => {
    const tracker = new PlateTracker<string>({ idleMs: 300 });
    tracker.observe([obs('ABC123', 0.9, 100, 0)], 0);
    tracker.observe([obs('ABC123', 0.7, 100, 50)], 50);
    expect(tracker.observe([], 1000)).toEqual([]);
  });

  it('emits a reading the pipeline says confirms itself (a hot-list hit) from its first frame', () => {
    const tracker = new PlateTracker<string>({ confirms: (o) => o.plate === 'HOT1' && o.confidence >= 0.5 });
    expect(tracker.observe([obs('HOT1', 0.4, 0, 0)], 0)).toEqual([]);
    const other = new PlateTracker<string>({ confirms: (o) => o.plate === 'HOT1' && o.confidence >= 0.5 });
    expect(other.observe([obs('COLD1', 0.6, 0, 0)], 0)).toEqual([]);
    const ready = other.observe([obs('HOT1', 0.6, 500, 10)], 10);
    expect(ready.map((r) => [r.plate, r.observations, r.correction])).toEqual([['HOT1', 1, false]]);
  });

  it('says which observations it still holds, until their tracks end', () => {
    const tracker = new PlateTracker<string>({ idleMs: 300 });
    tracker.observe([obs('ABC123', 0.7, 100, 0)], 0);
    tracker.observe([obs('ABC123', 0.8, 105, 50), obs('XYZ9', 0.6, 600, 50)], 50);
    expect(tracker.held().map((o) => o.payload).sort()).toEqual(['ABC123@50', 'ABC123@50', 'XYZ9@50']);
    tracker.observe([], 400);
    expect(tracker.held()).toEqual([]);
  });
});
