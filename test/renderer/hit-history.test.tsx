// @vitest-environment jsdom
/**
 * Each list's colour and tone on the alert, the hit history of the shift
 * (rows newest first in their list's colour, a row's stored checklist, an open
 * alert resumed from it) and the shift map (reads and the car's track drawn,
 * hits marked apart, reads without a fix counted, a tapped point's read,
 * installed tiles under the grid).
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { AlertView, HitDetail } from '../../src/shared/contract.js';
import { alertTone } from '../../src/renderer/audio/tone.js';
import { formatClock } from '../../src/renderer/lib/format.js';
import { gridMap } from '../../src/renderer/lib/grid-map.js';
import { tilesFor } from '../../src/renderer/lib/map-tiles.js';
import { FakeEngine, NOW, PNG_DATA_URL, makeAlert, makeRead, makeStatus } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const click = (testId: string) => fireEvent.click(screen.getByTestId(testId));

const SHIFT_CHANNELS = ['hits.shift', 'hits.detail', 'shift.map', 'map.tile'];

function amberAlert(overrides: Partial<AlertView> = {}): AlertView {
  const read = makeRead({ id: 21, plate: 'AMB111', capturedAt: NOW - 20 * 60_000 });
  return makeAlert({
    id: 31,
    read,
    raisedAt: NOW - 20 * 60_000,
    entry: { id: 5, listName: 'amber', plate: 'AMB111', state: 'MA', listCode: 'A', category: 'AMBER alert', description: 'child in a blue van' },
    match: { kind: 'exact', differingPositions: [], readPlate: 'AMB111', priority: 1, tone: 'urgent', colour: '#ff8f00' },
    ...overrides,
  });
}

function disposedAmber(): AlertView {
  return amberAlert({
    status: 'disposed',
    acknowledgedAt: NOW - 19 * 60_000,
    checks: { charactersMatch: true, stateMatches: true, dispatch: 'verified-active', dispatchNote: 'by radio' },
    disposition: { kind: 'confirmed', reason: null, note: 'vehicle stopped on Elm St', actions: ['stop'], userId: '1234', recordedAt: NOW - 15 * 60_000 },
  });
}

function stolenAlert(): AlertView {
  const read = makeRead({ id: 22, plate: 'HOT123', capturedAt: NOW - 60_000, gps: { lat: 42.362, lon: -71.057, accuracyM: 4 } });
  return makeAlert({
    id: 32,
    read,
    raisedAt: NOW - 60_000,
    entry: { id: 6, listName: 'NCIC', plate: 'HOT123', state: 'MA', listCode: 'V', category: 'Stolen vehicle', description: 'grey sedan' },
    match: { kind: 'exact', differingPositions: [], readPlate: 'HOT123', priority: 2, tone: 'standard', colour: '#1d4ed8' },
    status: 'acknowledged',
    acknowledgedAt: NOW - 50_000,
  });
}

describe("each list's colour and tone on the alert", () => {
  it('frames the alert in the list colour with legible text, colours the queue, and sounds the list tone', async () => {
    const start = vi.spyOn(alertTone, 'start');
    const { engine } = await renderSignedIn();
    engine.emit('alert', amberAlert());
    const alert = await screen.findByTestId('alert-screen');
    expect(alert.dataset.listColour).toBe('#ff8f00');
    expect(alert.style.getPropertyValue('--list-colour')).toBe('#ff8f00');
    // Orange is light: black text on it (white would be below 3:1).
    expect(alert.style.getPropertyValue('--list-text')).toBe('#000000');
    expect(screen.getByTestId('alert-list-band').textContent).toMatch(/amber/);
    expect(start).toHaveBeenLastCalledWith('urgent');

    // A second alert waits in the queue in its own list's colour.
    engine.emit('alert', { ...stolenAlert(), status: 'pending' });
    const item = await screen.findByTestId('alert-queue-item');
    expect(item.dataset.listColour).toBe('#1d4ed8');
    expect(item.style.getPropertyValue('--list-text')).toBe('#ffffff');
  });

  it('shows the default colour for an alert from an engine that sends none', async () => {
    const { engine } = await renderSignedIn();
    const { colour: _dropped, ...match } = amberAlert().match;
    engine.emit('alert', amberAlert({ match }));
    expect((await screen.findByTestId('alert-screen')).dataset.listColour).toBe('#d32f2f');
  });
});

function shiftEngine(): FakeEngine {
  const engine = new FakeEngine();
  engine.status = makeStatus({ channels: SHIFT_CHANNELS });
  engine.alerts = [disposedAmber(), stolenAlert()];
  return engine;
}

describe('hit history', () => {
  it('lists the shift alerts newest first in their list colours, with disposition and who', async () => {
    const engine = shiftEngine();
    engine.alerts = [disposedAmber()];
    await renderSignedIn(engine);
    engine.alerts = [disposedAmber(), stolenAlert()];
    click('hits-open');
    const rows = await screen.findAllByTestId('hit-row');
    expect(rows.map((r) => r.dataset.alertId)).toEqual(['32', '31']);
    expect(rows.map((r) => r.dataset.listColour)).toEqual(['#1d4ed8', '#ff8f00']);
    expect(within(rows[0]!).getByTestId('hit-status').textContent).toMatch(/Open: checks not finished/);
    expect(within(rows[1]!).getByTestId('hit-status').textContent).toMatch(/Confirmed.*1234/);
    expect(within(rows[1]!).queryByTestId('hit-resume')).toBeNull();
    expect(screen.getByTestId('hits-count').textContent).toBe('2 alerts · 1 open');
    expect(engine.callsTo('hits.shift')).not.toHaveLength(0);
  });

  it('says which open alert was left open from before this sign-in, and by whom; a disposed one and a new one say nothing of it', async () => {
    const engine = shiftEngine();
    engine.status = { ...engine.status, signedInAt: NOW - 10 * 60_000 };
    const leftOpen = amberAlert({ status: 'acknowledged', acknowledgedAt: NOW - 19 * 60_000, raisedDuring: { userId: 'ofc7', signedOutAt: NOW - 12 * 60_000 } });
    engine.alerts = [disposedAmber()];
    await renderSignedIn(engine);
    engine.alerts = [{ ...disposedAmber(), id: 30 }, leftOpen, stolenAlert()];
    click('hits-open');
    const rows = await screen.findAllByTestId('hit-row');
    const note = (id: string) => within(rows.find((r) => r.dataset.alertId === id)!).queryByTestId('hit-inherited')?.textContent ?? null;
    expect(note('31')).toBe(`Left open by ofc7 at ${formatClock(NOW - 12 * 60_000)}`);
    expect(note('32')).toBeNull();
    expect(note('30')).toBeNull();
  });

  it("opens a row's record: images, the checklist as stored with times, dispatch, note and later sightings", async () => {
    const engine = shiftEngine();
    const detail: HitDetail = {
      alert: disposedAmber(),
      steps: [
        { at: NOW - 19 * 60_000, userId: '1234', step: 'acknowledged', answer: null, note: null, changed: false },
        { at: NOW - 18 * 60_000, userId: '1234', step: 'characters', answer: 'no', note: null, changed: false },
        { at: NOW - 17 * 60_000, userId: '1234', step: 'characters', answer: 'yes', note: null, changed: true },
        { at: NOW - 16 * 60_000, userId: '1234', step: 'dispatch', answer: 'verified-active', note: 'by radio', changed: false },
        { at: NOW - 15 * 60_000, userId: '1234', step: 'disposed', answer: 'confirmed', note: 'vehicle stopped on Elm St', changed: false },
      ],
      laterSightings: [makeRead({ id: 23, plate: 'AMB111', capturedAt: NOW - 19.5 * 60_000, cameraId: 'rear' })],
    };
    engine.handle('hits.detail', ({ alertId }) => (alertId === 31 ? { ok: true, value: detail } : { ok: false, error: 'not this one' }));
    await renderSignedIn(engine);
    engine.emit('alert', { ...stolenAlert() });
    click('alert-defer');
    click('hits-open');
    const amberRow = (await screen.findAllByTestId('hit-row')).find((r) => r.dataset.alertId === '31')!;
    fireEvent.click(within(amberRow).getByTestId('hit-open'));
    const record = await screen.findByTestId('hit-detail');
    expect(engine.callsTo('hits.detail')).toEqual([{ alertId: 31 }]);
    expect(screen.getByTestId('hit-detail-crop').getAttribute('src')).toBe(`${PNG_DATA_URL}#crop-21`);
    expect(screen.getByTestId('hit-detail-context').getAttribute('src')).toBe(`${PNG_DATA_URL}#context-21`);
    const steps = within(record).getAllByTestId('hit-step');
    expect(steps.map((s) => s.dataset.step)).toEqual(['acknowledged', 'characters', 'characters', 'dispatch', 'disposed']);
    expect(steps[2]!.textContent).toMatch(/Plate characters match the image \(changed\)Yes/);
    expect(steps[3]!.textContent).toMatch(/Checked with dispatchVerified active.*by radio/);
    expect(screen.getByTestId('hit-detail-dispatch').textContent).toBe('Verified active · by radio');
    expect(screen.getByTestId('hit-detail-note').textContent).toBe('vehicle stopped on Elm St');
    expect(screen.getByTestId('hit-detail-disposition').textContent).toMatch(/^Confirmed · by 1234 at/);
    expect(within(screen.getByTestId('hit-sightings')).getAllByTestId('hit-sighting')[0]!.textContent).toMatch(/Rear camera/);
    // Back to the list, then back to patrol.
    click('hits-back');
    expect(await screen.findByTestId('hits-list')).toBeTruthy();
    click('hits-back');
    expect(await screen.findByTestId('patrol-view')).toBeTruthy();
  });

  it('resumes an open alert from its row, and comes back to the history after it', async () => {
    const engine = shiftEngine();
    await renderSignedIn(engine);
    // The open alert was put aside; the patrol view shows.
    click('alert-defer');
    click('hits-open');
    const openRow = (await screen.findAllByTestId('hit-row')).find((r) => r.dataset.alertId === '32')!;
    fireEvent.click(within(openRow).getByTestId('hit-resume'));
    const alert = await screen.findByTestId('alert-screen');
    expect(alert.dataset.alertId).toBe('32');
    click('alert-defer');
    expect(await screen.findByTestId('hit-history')).toBeTruthy();
  });

  it('says so when there are no hits yet, and shows why a load failed', async () => {
    const engine = new FakeEngine();
    engine.status = makeStatus({ channels: SHIFT_CHANNELS });
    await renderSignedIn(engine);
    click('hits-open');
    expect((await screen.findByTestId('hits-empty')).textContent).toBe('No hits yet this shift.');
    engine.handle('hits.detail', () => ({ ok: false, error: 'alert 4 was not raised during this shift; search the history for earlier hits' }));
    engine.handle('hits.shift', () => ({ ok: false, error: 'hits.shift: not allowed for the administrator role' }));
    click('hits-open-map');
    click('map-open-hits');
    expect((await screen.findByTestId('hits-error')).textContent).toMatch(/Could not load the hits: .*administrator/);
  });
});

describe('shift map', () => {
  function mapEngine(): FakeEngine {
    const engine = shiftEngine();
    engine.reads = [
      makeRead({ id: 20, plate: 'PASS22', capturedAt: NOW - 25 * 60_000, gps: { lat: 42.36, lon: -71.06, accuracyM: 4 } }),
      amberAlert().read,
      makeRead({ id: 24, plate: 'NOFIX1', capturedAt: NOW - 10 * 60_000, gps: null }),
      makeRead({ id: 25, plate: 'NOFIX2', capturedAt: NOW - 9 * 60_000, gps: null }),
      stolenAlert().read,
    ];
    return engine;
  }

  it("draws the shift's reads and track on a grid, hits marked, reads without a fix counted, a tapped point's read", async () => {
    const engine = mapEngine();
    await renderSignedIn(engine);
    click('alert-defer');
    click('map-open');
    const map = await screen.findByTestId('shift-map');
    const points = within(map).getAllByTestId('map-point');
    expect(points).toHaveLength(3);
    expect(points.filter((p) => p.dataset.hit === 'alert').map((p) => p.dataset.readId).sort()).toEqual(['21', '22']);
    // Hits are drawn as diamonds, plain reads as dots.
    expect(points.find((p) => p.dataset.readId === '20')!.querySelector('circle.map-read')).not.toBeNull();
    expect(points.find((p) => p.dataset.readId === '22')!.querySelector('rect.map-hit')).not.toBeNull();
    expect(within(map).getByTestId('map-track').getAttribute('points')!.split(' ')).toHaveLength(3);
    expect(screen.getByTestId('map-counts').textContent).toBe('3 reads on the map · 2 reads without a GPS fix');
    expect(screen.getByTestId('map-background').textContent).toMatch(/latitude\/longitude grid/);
    expect(within(map).queryAllByTestId('map-tile')).toHaveLength(0);

    fireEvent.click(points.find((p) => p.dataset.readId === '21')!);
    const card = screen.getByTestId('map-point-card');
    expect(screen.getByTestId('map-card-plate').getAttribute('aria-label')).toMatch(/^letter A/);
    expect(card.textContent).toMatch(/HIT/);
    click('map-card-open-hit');
    expect(await screen.findByTestId('hit-detail')).toBeTruthy();
    expect(engine.callsTo('hits.detail')).toEqual([{ alertId: 31 }]);
  });

  it('draws installed map tiles under the points', async () => {
    const engine = mapEngine();
    const plain = engine.handlers['shift.map']!;
    engine.handle('shift.map', async (request) => {
      const result = await plain(request);
      return result.ok ? { ok: true, value: { ...result.value, tiles: { zooms: [14, 15, 16] } } } : result;
    });
    engine.handle('map.tile', ({ z, x, y }) => ({ ok: true, value: `${PNG_DATA_URL}#tile-${z}-${x}-${y}` }));
    await renderSignedIn(engine);
    click('alert-defer');
    click('map-open');
    const map = await screen.findByTestId('shift-map');
    await waitFor(() => expect(within(map).queryAllByTestId('map-tile').length).toBeGreaterThan(0));
    const requested = engine.callsTo('map.tile');
    expect(new Set(requested.map((t) => t.z)).size).toBe(1);
    expect(screen.getByTestId('map-background').textContent).toMatch(/installed map/);
  });
});

describe('map tiles for a grid map', () => {
  const points = [
    { id: 1, lat: 42.36, lon: -71.06 },
    { id: 2, lat: 42.37, lon: -71.04 },
  ];

  it('covers the whole map with tiles of one installed zoom, placed at their corners', () => {
    const map = gridMap(points, 960, 600)!;
    const tiles = tilesFor(map, [10, 15, 16, 17]);
    expect(tiles.length).toBeGreaterThan(0);
    // About 0.026 degrees of longitude over 960 pixels: zoom 15.7 would be one tile pixel per screen pixel.
    expect(new Set(tiles.map((t) => t.z))).toEqual(new Set([15]));
    const left = Math.min(...tiles.map((t) => t.left));
    const right = Math.max(...tiles.map((t) => t.left + t.width));
    const top = Math.min(...tiles.map((t) => t.top));
    const bottom = Math.max(...tiles.map((t) => t.top + t.height));
    expect([left <= 0, right >= 960, top <= 0, bottom >= 600]).toEqual([true, true, true, true]);
    // Neighbouring tiles meet edge to edge.
    const row = tiles.filter((t) => t.y === tiles[0]!.y).sort((a, b) => a.x - b.x);
    for (let i = 1; i < row.length; i++) expect(row[i]!.left).toBeCloseTo(row[i - 1]!.left + row[i - 1]!.width, 6);
  });

  it('takes a finer zoom only when its tiles stay few, and none when none is installed', () => {
    const map = gridMap(points, 960, 600)!;
    expect(tilesFor(map, [])).toEqual([]);
    expect(new Set(tilesFor(map, [12, 16]).map((t) => t.z))).toEqual(new Set([12]));
    expect(new Set(tilesFor(map, [16]).map((t) => t.z))).toEqual(new Set([16]));
    // Zoom 17 would take about 70 tiles: the grid alone is drawn.
    expect(tilesFor(map, [17])).toEqual([]);
  });
});
