/**
 * Pass delivery on its own, with a recorder and a read store that keep what
 * they are given: one Read per vehicle pass, another camera's sight of the
 * same plate moments later joins it, a better view goes to the stored read,
 * a corrected vote is stored, told and matched again, and every alert a read
 * raises is announced.
 */
import { describe, expect, it } from 'vitest';
import type { AlertView, ReadSummary } from '../../src/shared/contract.js';
import type { CameraPass, ObservationPayload } from '../../src/main/engine/camera/pipeline.js';
import { PassDelivery, SAME_PASS_MS } from '../../src/main/engine/passes.js';
import type { NewRead } from '../../src/main/engine/store/reads.js';
import type { TrackedRead } from '../../src/main/engine/tracking/tracker.js';
import cv from '../../src/main/engine/opencv.js';

const T0 = 1_700_000_000_000;

function alertFor(read: ReadSummary): AlertView {
  return {
    id: 100 + read.id,
    status: 'pending',
    raisedAt: read.capturedAt,
    read,
    entry: { id: 9, listName: 'agency', plate: read.plate, state: 'CA', listCode: 'V', category: 'Stolen vehicle', description: 'stolen' },
    match: { kind: 'exact', differingPositions: [], readPlate: read.plate, priority: 1, tone: 'standard' },
    acknowledgedAt: null,
    checks: { charactersMatch: null, stateMatches: null, dispatch: null, dispatchNote: null },
    disposition: null,
  };
}

/** A recorder and read store that keep what they are given; plates starting HOT raise an alert. */
function delivery(options: { rematchFails?: boolean } = {}) {
  const recorded: NewRead[] = [];
  const views: { readId: number; box: readonly number[]; capturedAt: number }[] = [];
  const corrections: { readId: number; plate: string }[] = [];
  const events: { read: ReadSummary[]; readView: number[]; alert: AlertView[] } = { read: [], readView: [], alert: [] };
  const newPasses: { cameraId: string; box: readonly number[]; width: number; height: number }[] = [];
  const summary = (id: number, read: Pick<NewRead, 'plate' | 'confidence' | 'state' | 'box' | 'cameraId' | 'capturedAt' | 'gps' | 'candidates'>): ReadSummary => ({
    id, plate: read.plate, confidence: read.confidence, state: read.state, box: [...read.box] as ReadSummary['box'], cameraId: read.cameraId, capturedAt: read.capturedAt, gps: read.gps, candidates: [...read.candidates],
  });
  const passes = new PassDelivery({
    now: () => T0 + 60_000,
    reads: {
      correct: (readId, reading) => {
        corrections.push({ readId, plate: reading.plate });
        const original = recorded[readId - 1]!;
        return summary(readId, { ...original, ...reading });
      },
      addView: (readId, view) => {
        views.push({ readId, box: view.box, capturedAt: view.capturedAt });
        return 'extra';
      },
    },
    recorder: {
      record: (read) => {
        recorded.push(read);
        const stored = summary(recorded.length, read);
        return { read: stored, alerts: read.plate.startsWith('HOT') ? [alertFor(stored)] : [] };
      },
      rematch: (read) => {
        if (options.rematchFails) throw new Error('database is locked');
        return read.plate.startsWith('HOT') ? [alertFor(read)] : [];
      },
    },
    events: { read: (r) => events.read.push(r), readView: (id) => events.readView.push(id), alert: (a) => events.alert.push(a) },
    onNewPass: (cameraId, box, width, height) => newPasses.push({ cameraId, box, width, height }),
  });
  return { passes, recorded, views, corrections, events, newPasses };
}

function pass(cameraId: string, passKey: string, plate: string, at: number, flags: { correction?: boolean; betterImages?: boolean } = {}): CameraPass {
  const frame = new cv.Mat(240, 320, cv.CV_8UC3, [90, 95, 100]);
  const read: TrackedRead<ObservationPayload> = {
    trackId: 1,
    plate,
    confidence: 0.9,
    observations: 3,
    correction: flags.correction ?? false,
    betterImages: flags.betterImages ?? false,
    best: {
      plate,
      confidence: 0.9,
      box: [100, 100, 120, 60],
      at,
      payload: { frame, gps: null, crop: frame.getRegion(new cv.Rect(100, 100, 120, 60)), state: 'CA', stateConfidence: 0.8, candidates: [{ plate, confidence: 0.9 }] },
    },
  };
  return { cameraId, passKey, read };
}

describe('pass delivery', () => {
  it('stores a new pass as one read with its pictures, tells the screens, announces its alerts and where the plate was in the frame', () => {
    const { passes, recorded, events, newPasses } = delivery();
    passes.deliver(pass('front', 'front#1#1', 'HOT123', T0));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ plate: 'HOT123', cameraId: 'front', capturedAt: T0, state: 'CA', box: [100, 100, 120, 60] });
    // JPEGs of the crop and the context frame.
    expect([...recorded[0]!.cropJpeg!.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...recorded[0]!.contextJpeg!.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(events.read.map((r) => r.plate)).toEqual(['HOT123']);
    expect(events.alert.map((a) => a.read.id)).toEqual([1]);
    expect(newPasses).toEqual([{ cameraId: 'front', box: [100, 100, 120, 60], width: 320, height: 240 }]);
  });

  it("joins another camera's sight of the same plate moments later to the same read; later than that, or the same camera's next pass, is a read of its own", () => {
    const { passes, recorded, views, events } = delivery();
    passes.deliver(pass('front', 'front#1#1', 'ABC123', T0));
    passes.deliver(pass('rear', 'rear#1#1', 'ABC123', T0 + SAME_PASS_MS));
    expect(recorded).toHaveLength(1);
    // A better view of the rear camera's pass goes to the front camera's read.
    passes.deliver(pass('rear', 'rear#1#1', 'ABC123', T0 + SAME_PASS_MS + 100, { betterImages: true }));
    expect(views).toEqual([{ readId: 1, box: [100, 100, 120, 60], capturedAt: T0 + SAME_PASS_MS + 100 }]);
    expect(events.readView).toEqual([1]);

    passes.deliver(pass('side', 'side#1#1', 'ABC123', T0 + 2 * SAME_PASS_MS + 1));
    passes.deliver(pass('side', 'side#1#2', 'ABC123', T0 + 2 * SAME_PASS_MS + 2));
    expect(recorded.map((r) => r.cameraId)).toEqual(['front', 'side', 'side']);
  });

  it('a corrected vote corrects the stored read, tells the screens, and is matched again: a hit it now makes is announced', () => {
    const { passes, recorded, corrections, events, views } = delivery();
    passes.deliver(pass('front', 'front#1#1', 'H0T123', T0));
    expect(events.alert).toEqual([]);
    passes.deliver(pass('front', 'front#1#1', 'HOT123', T0 + 200, { correction: true }));
    expect(recorded).toHaveLength(1);
    expect(corrections).toEqual([{ readId: 1, plate: 'HOT123' }]);
    expect(views.map((v) => v.readId)).toEqual([1]);
    expect(events.read.map((r) => [r.id, r.plate])).toEqual([[1, 'H0T123'], [1, 'HOT123']]);
    expect(events.alert.map((a) => a.read.plate)).toEqual(['HOT123']);
    // The corrected plate is the one another camera's sight joins.
    passes.deliver(pass('rear', 'rear#1#1', 'HOT123', T0 + 1000));
    expect(recorded).toHaveLength(1);
  });

  it('a corrected read that cannot be matched again is still stored and told; the failure does not reach the camera', () => {
    const { passes, corrections, events } = delivery({ rematchFails: true });
    passes.deliver(pass('front', 'front#1#1', 'H0T123', T0));
    expect(() => passes.deliver(pass('front', 'front#1#1', 'HOT123', T0 + 200, { correction: true }))).not.toThrow();
    expect(corrections).toHaveLength(1);
    expect(events.read.map((r) => r.plate)).toEqual(['H0T123', 'HOT123']);
    expect(events.alert).toEqual([]);
  });
});
