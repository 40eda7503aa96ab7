// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RECENT_READS_LIMIT } from '../../src/renderer/stores/reads.js';
import { FakeEngine, NOW, PNG_DATA_URL, makeAlert, makeRead, makeStatus } from './fake-engine.js';
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
    expect(screen.queryByTestId('stale-warning')).toBeNull();
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
    expect(screen.getByTestId('camera-service').textContent).toContain('unplugged');
  });

  it('warns clearly when a hot list is stale, live from status events', async () => {
    const { engine } = await renderSignedIn();
    expect(screen.queryByTestId('stale-warning')).toBeNull();
    engine.emit(
      'status',
      makeStatus({ hotLists: [{ name: 'NCIC', entries: 10, updatedAt: NOW - 30 * 3_600_000, stale: true, kind: 'imported', lastError: null }] }),
    );
    const warning = screen.getByTestId('stale-warning');
    expect(warning.textContent).toContain('STALE');
    expect(warning.textContent).toContain('NCIC');
    expect(warning.textContent).toContain('30 h');
  });

  it('says in plain words why a list is stale (old data, failed sync)', async () => {
    const { engine } = await renderSignedIn();
    engine.emit(
      'status',
      makeStatus({
        hotLists: [
          { name: 'NCIC', entries: 10, updatedAt: NOW - 5 * 86_400_000, stale: true, staleReason: "its data is 5 days old by the file's date, over the 24 h limit: get a newer list", kind: 'imported', lastError: null },
          { name: 'dmv', entries: 10, updatedAt: NOW - 3_600_000, stale: true, staleReason: 'the last update failed (HTTP 503); the copy in force is 60 min old', kind: 'imported', lastError: 'HTTP 503' },
        ],
      }),
    );
    const warning = await screen.findByTestId('stale-warning');
    expect(warning.textContent).toContain("NCIC: its data is 5 days old by the file's date");
    expect(warning.textContent).toContain('dmv: the last update failed (HTTP 503)');
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

  it('shows an engine sign-out failure instead of crashing', async () => {
    const engine = new FakeEngine();
    engine.handle('session.logout', () => ({ ok: false, error: 'disk full' }));
    await renderSignedIn(engine);
    fireEvent.click(screen.getByTestId('logout'));
    expect((await screen.findByRole('alert')).textContent).toContain('disk full');
    expect(screen.getByTestId('patrol-view')).toBeTruthy();
  });
});
