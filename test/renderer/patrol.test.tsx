// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatClock } from '../../src/renderer/lib/format.js';
import { RECENT_READS_LIMIT } from '../../src/renderer/stores/reads.js';
import { FakeEngine, NOW, OFFICER, PNG_DATA_URL, makeAlert, makeRead, makeStatus } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

describe('patrol view', () => {
  it('lists recent reads with plate, state, confidence, camera, time and crop', async () => {
    await renderSignedIn();
    const row = (await screen.findAllByTestId('read-row'))[0]!;
    const text = row.textContent ?? '';
    expect(text).toContain('ABC1234');
    expect(text).toContain('MA');
    expect(text).toContain('97%');
    expect(text).toContain('Front');
    expect(text).toMatch(/\d\d:\d\d:\d\d/);
    const img = await within(row).findByRole('img');
    expect(img.getAttribute('src')).toBe(`${PNG_DATA_URL}#crop-1`);
  });

  it('puts a new read from the engine at the top of the list', async () => {
    const { engine } = await renderSignedIn();
    await screen.findAllByTestId('read-row');
    engine.emit('read', makeRead({ id: 2, plate: 'XYZ987', capturedAt: NOW }));
    const rows = screen.getAllByTestId('read-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('XYZ987');
  });

  it(`keeps at most ${RECENT_READS_LIMIT} reads on screen`, async () => {
    const { engine } = await renderSignedIn();
    await screen.findAllByTestId('read-row');
    for (let i = 0; i < RECENT_READS_LIMIT + 5; i++) engine.emit('read', makeRead({ id: 100 + i, plate: `P${i}`, capturedAt: NOW + i }));
    expect(screen.getAllByTestId('read-row')).toHaveLength(RECENT_READS_LIMIT);
  });

  it('shows a placeholder when a read has no crop', async () => {
    const engine = new FakeEngine();
    engine.images['1:crop'] = null;
    await renderSignedIn(engine);
    const row = (await screen.findAllByTestId('read-row'))[0]!;
    await waitFor(() => expect(row.textContent).toContain('No image'));
  });

  it('shows the header: officer, cameras, GPS fix, hot-list age', async () => {
    await renderSignedIn();
    const header = screen.getByRole('banner');
    await waitFor(() => expect(header.textContent).toContain('Ofc. Rivera'));
    expect(header.textContent).toContain('Front: OK');
    expect(header.textContent).toContain('Rear: Failed');
    expect(screen.getByTestId('gps-state').textContent).toContain('Fix±4 m');
    expect(screen.getByTestId('hotlist-age').textContent).toContain('2 h 00 min');
    expect(document.querySelector('[data-failure="hotlist:NCIC"]')).toBeNull();
  });

  it("opens a camera's panel from its chip; the officer takes it out of service with a reason", async () => {
    const { engine } = await renderSignedIn();
    engine.handle('cameras.service', (request) => ({
      ok: true,
      value: { ...makeStatus().cameras[0]!, state: 'out-of-service', outOfServiceReason: request.reason },
    }));
    const chip = (await screen.findAllByTestId('camera-state'))[0]!;
    fireEvent.click(chip);
    const panel = screen.getByTestId('camera-service');
    expect(panel.textContent).toContain('Front');
    expect(panel.textContent).toContain('14.8 fps');
    fireEvent.click(within(panel).getByTestId('camera-service-submit'));
    expect(within(panel).getByTestId('camera-service-error').textContent).toMatch(/say why/i);
    expect(engine.callsTo('cameras.service')).toEqual([]);
    fireEvent.change(within(panel).getByTestId('camera-service-reason'), { target: { value: 'lens cracked' } });
    fireEvent.click(within(panel).getByTestId('camera-service-submit'));
    await waitFor(() => expect(engine.callsTo('cameras.service')).toEqual([{ cameraId: 'front', inService: false, reason: 'lens cracked' }]));
    await waitFor(() => expect(screen.queryByTestId('camera-service')).toBeNull());
    // A failed camera's panel says why it failed.
    fireEvent.click(screen.getAllByTestId('camera-state')[1]!);
    expect(screen.getByTestId('camera-service').textContent).toContain('It could not be reached.');
    expect(screen.getByTestId('camera-service').textContent).not.toContain('/dev/video2');
  });

  it('warns clearly when a hot list is stale, live from status events', async () => {
    const { engine } = await renderSignedIn();
    expect(document.querySelector('[data-failure="hotlist:NCIC"]')).toBeNull();
    engine.emit(
      'status',
      makeStatus({ hotLists: [{ name: 'NCIC', entries: 10, updatedAt: NOW - 30 * 3_600_000, stale: true, kind: 'imported', fault: null }] }),
    );
    const warning = document.querySelector('[data-failure="hotlist:NCIC"]')!;
    expect(warning.textContent).toContain('NCIC list is out of date');
    expect(warning.textContent).toContain('30 h');
    expect(warning.textContent).not.toMatch(/IV\.C|Policy/);
  });

  it('says in plain words why a list is stale (old data, failed sync)', async () => {
    const { engine } = await renderSignedIn();
    engine.emit(
      'status',
      makeStatus({
        hotLists: [
          { name: 'NCIC', entries: 10, updatedAt: NOW - 5 * 86_400_000, dataFrom: 'file', stale: true, staleAfterMs: 24 * 3_600_000, kind: 'imported', fault: null },
          {
            name: 'dmv',
            entries: 10,
            updatedAt: NOW - 3_600_000,
            stale: true,
            kind: 'imported',
            fault: { kind: 'refused', detail: 'https://dmv.example/list.csv: server answered HTTP 503', at: NOW - 60_000, status: 503, line: null },
          },
        ],
      }),
    );
    await waitFor(() => expect(document.querySelector('[data-failure="hotlist:NCIC"]')).not.toBeNull());
    expect(document.querySelector('[data-failure="hotlist:NCIC"]')!.textContent).toContain("Its data is 5 days old by the file's date, over the 24 h limit.");
    // Beyond the two most serious faults, the others are one tap away.
    fireEvent.click(screen.getByTestId('failure-more'));
    const dmv = document.querySelector('[data-failure="hotlist:dmv"]')!;
    expect(dmv.querySelector('.failure-title')!.textContent).toBe('dmv list could not be updated');
    expect(dmv.querySelector('.failure-reason')!.textContent).toBe("The list's server refused the download (HTTP 503).");
    expect(dmv.textContent).not.toContain('dmv.example');
  });

  it('warns when no GPS fix', async () => {
    const engine = new FakeEngine();
    engine.status = makeStatus({ gps: null });
    await renderSignedIn(engine);
    await waitFor(() => expect(screen.getByTestId('gps-state').textContent).toContain('No fix'));
  });

  it('counts open alerts and lets the officer go back to ones put aside', async () => {
    const engine = new FakeEngine();
    engine.alerts = [makeAlert({ status: 'acknowledged', acknowledgedAt: NOW })];
    await renderSignedIn(engine);
    fireEvent.click(screen.getByTestId('alert-defer'));
    await screen.findByTestId('patrol-view');
    expect(screen.getByTestId('open-alerts-count').textContent).toBe('1');
    fireEvent.click(screen.getByTestId('open-alerts-count'));
    await screen.findByTestId('alert-screen');
  });

  it('counts the hits since this sign-in, and says which open alert the officer before left open, and when', async () => {
    const signedInAt = NOW - 60_000;
    const leftAt = NOW - 3_600_000;
    const engine = new FakeEngine();
    engine.status = makeStatus({ signedInAt, hitsThisShift: 0, readsThisShift: 1 });
    engine.alerts = [makeAlert({ status: 'acknowledged', acknowledgedAt: leftAt - 60_000, raisedAt: leftAt - 120_000, raisedDuring: { userId: 'ofc7', signedOutAt: leftAt } })];
    await renderSignedIn(engine);
    expect(screen.getByTestId('alert-inherited').textContent).toBe(`Left open by ofc7 at ${formatClock(leftAt)}`);
    fireEvent.click(screen.getByTestId('alert-defer'));
    await screen.findByTestId('patrol-view');
    expect(screen.getByTestId('open-alerts-count').textContent).toBe('1');
    expect(screen.getByTestId('open-alerts-inherited').textContent).toBe(`Left open by ofc7 at ${formatClock(leftAt)}`);
    expect(screen.getByTestId('hits-since-signin-count').textContent).toBe('0');
    expect(screen.getByTestId('hits-since-signin').textContent).toBe('hits since you signed in');
    expect(screen.getByText('read since you signed in')).toBeTruthy();
  });

  it('marks only the alerts raised before this sign-in as left open, in the queue and on the tile', async () => {
    const signedInAt = NOW - 60_000;
    const engine = new FakeEngine();
    engine.status = makeStatus({ signedInAt, hitsThisShift: 1 });
    const mine = makeAlert({ id: 8, status: 'acknowledged', acknowledgedAt: NOW, raisedAt: NOW - 4_000, raisedDuring: { userId: OFFICER.id, signedOutAt: null } });
    // Raised while nobody was signed in, and one left open by this same officer's earlier sign-in.
    const unattended = makeAlert({ id: 9, status: 'acknowledged', acknowledgedAt: NOW, raisedAt: NOW - 7_200_000, raisedDuring: null, entry: { ...makeAlert().entry, id: 98, plate: 'QRS222' } });
    const earlier = makeAlert({ id: 10, status: 'acknowledged', acknowledgedAt: NOW, raisedAt: NOW - 9_000_000, raisedDuring: { userId: OFFICER.id, signedOutAt: NOW - 8_000_000 }, entry: { ...makeAlert().entry, id: 97, plate: 'TUV333' } });
    engine.alerts = [mine, unattended, earlier];
    await renderSignedIn(engine);
    const shown = Number(screen.getByTestId('alert-screen').getAttribute('data-alert-id'));
    const notes = new Map([
      [8, null],
      [9, 'Raised before you signed in, with no one signed in'],
      [10, `Left open by you at ${formatClock(NOW - 8_000_000)}`],
    ]);
    expect(screen.queryByTestId('alert-inherited')?.textContent ?? null).toBe(notes.get(shown));
    for (const item of screen.getAllByTestId('alert-queue-item')) {
      const id = Number(item.getAttribute('data-alert-id'));
      expect(within(item).queryByTestId('alert-queue-inherited')?.textContent ?? null).toBe(notes.get(id));
    }
    fireEvent.click(screen.getByTestId('alert-defer'));
    await screen.findByTestId('patrol-view');
    expect(screen.getByTestId('open-alerts-count').textContent).toBe('3');
    expect(screen.getByTestId('open-alerts-inherited').textContent).toBe('2 left open from before you signed in');
    expect(screen.getByTestId('hits-since-signin-count').textContent).toBe('1');
    expect(screen.getByTestId('hits-since-signin').textContent).toBe('hit since you signed in');
  });

  it('shows an engine sign-out failure instead of crashing', async () => {
    const engine = new FakeEngine();
    engine.handle('session.logout', () => ({ ok: false, error: 'disk full' }));
    await renderSignedIn(engine);
    fireEvent.click(screen.getByTestId('logout'));
    fireEvent.click(await screen.findByTestId('signout-confirm'));
    expect((await screen.findByTestId('shift-error')).textContent).toContain('disk full');
    fireEvent.click(screen.getByTestId('shift-close'));
    expect(screen.getByTestId('patrol-view')).toBeTruthy();
  });

  it('keeps unsure reads off the feed under the configured floor, and says how many', async () => {
    const engine = new FakeEngine();
    engine.status = makeStatus({ feedConfidenceFloor: 0.4 });
    engine.reads = [makeRead({ id: 1, plate: 'ABC1234', confidence: 0.97 }), makeRead({ id: 2, plate: '1', confidence: 0.06, capturedAt: NOW - 1_000 })];
    await renderSignedIn(engine);
    await waitFor(() => expect(screen.getAllByTestId('read-row')).toHaveLength(1));
    expect(screen.getByTestId('reads-hidden').textContent).toContain('1 unsure read under 40% not listed');
    engine.emit('status', makeStatus({ feedConfidenceFloor: 0.05 }));
    expect(screen.getAllByTestId('read-row')).toHaveLength(2);
  });

  it('marks the read that raised an open alert and later sightings of its plate', async () => {
    const engine = new FakeEngine();
    const hit = makeRead({ id: 1, plate: 'HOT123', capturedAt: NOW - 60_000 });
    engine.reads = [hit, makeRead({ id: 2, plate: 'HOT123', capturedAt: NOW - 5_000 }), makeRead({ id: 3, plate: 'OTHER1', capturedAt: NOW - 4_000 })];
    engine.alerts = [makeAlert({ read: hit, status: 'acknowledged', acknowledgedAt: NOW - 50_000 })];
    await renderSignedIn(engine);
    fireEvent.click(screen.getByTestId('alert-defer'));
    await screen.findByTestId('patrol-view');
    const mark = (id: number) => document.querySelector<HTMLElement>(`[data-testid="read-row"][data-read-id="${id}"]`)!.dataset.mark;
    expect(mark(1)).toBe('hit');
    expect(mark(2)).toBe('seen-again');
    expect(mark(3)).toBeUndefined();
  });

  it('opens a read from the feed with its images, other readings and position', async () => {
    const engine = new FakeEngine();
    engine.reads = [makeRead({ candidates: [{ plate: 'ABC1234', confidence: 0.97 }, { plate: 'A8C1234', confidence: 0.02 }] })];
    await renderSignedIn(engine);
    fireEvent.click((await screen.findAllByTestId('read-row-open'))[0]!);
    const detail = screen.getByTestId('read-detail');
    expect(detail.textContent).toContain('ABC1234');
    expect(screen.getByTestId('read-detail-candidates').textContent).toContain('A8C1234 · 2%');
    expect(screen.getByTestId('read-detail-position').textContent).toBe('42.36010, -71.05890');
    await waitFor(() => expect(within(detail).getAllByRole('img')).toHaveLength(2));
    fireEvent.click(screen.getByTestId('read-detail-close'));
    expect(screen.queryByTestId('read-detail')).toBeNull();
  });
});
