// @vitest-environment jsdom
/**
 * The supervisors' records panel: holds listed, placed and released with
 * their reasons, the engine's refusal shown in words, and the dissemination
 * log with its CSV download.
 */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { DisseminationEntry, HoldView } from '../../src/shared/contract.js';
import { carSettingsSchema } from '../../src/shared/settings.js';
import { FakeEngine, NOW, makeStatus } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const click = (testId: string) => fireEvent.click(screen.getByTestId(testId));
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

const HOLD: HoldView = {
  id: 5, caseNumber: '2026-00042', reason: 'trial pending', createdBy: 'sgt1', createdAt: NOW - 86_400_000, until: NOW + 90 * 86_400_000,
  plate: '7ABC*', from: null, to: null, readIds: [], releasedAt: null, releasedBy: null, releaseReason: null, reads: 3, active: true,
};
const ENTRY: DisseminationEntry = {
  id: 9, at: NOW - 3_600_000, userId: 'ofc7', recipientPerson: 'Det. A. Ray', recipientAgency: 'County DA', reason: 'prosecution', caseNumber: '2026-00042',
  source: 'hit', sourceId: 70, readIds: [7], hitIds: [70], file: '/data/exports/evidence-9.zip', manifestSha256: 'ab'.repeat(32),
};

function recordsEngine(): FakeEngine {
  const engine = new FakeEngine();
  let holds = [HOLD];
  engine.status = makeStatus({ channels: ['retention.holds.list', 'retention.holds.place', 'retention.holds.release', 'evidence.log'] });
  engine.handle('retention.holds.list', () => ({ ok: true, value: holds }));
  engine.handle('retention.holds.place', (r) => {
    if (!r.plate) return { ok: false, error: 'a hold must name reads: by id, by plate, or by time range' };
    const hold = { ...HOLD, id: 6, caseNumber: r.caseNumber, plate: r.plate, reason: r.reason, until: r.until };
    holds = [hold, ...holds];
    return { ok: true, value: hold };
  });
  engine.handle('retention.holds.release', ({ id }) => {
    holds = holds.filter((h) => h.id !== id);
    return { ok: true, value: { ...HOLD, releasedAt: NOW, active: false } };
  });
  engine.handle('evidence.log', () => ({ ok: true, value: { entries: [ENTRY], csv: 'id,at\r\n9,2024\r\n' } }));
  return engine;
}

describe('records panel', () => {
  it('is only offered to roles with the channel', async () => {
    await renderSignedIn();
    expect(screen.queryByTestId('records-open')).toBeNull();
  });

  it('lists, places and releases holds, and shows the dissemination log with a CSV download', async () => {
    const engine = recordsEngine();
    await renderSignedIn(engine);
    click('records-open');
    await screen.findByTestId('records-panel');
    expect((await screen.findByTestId('hold-row')).textContent).toContain('keeps 3 reads');
    expect(screen.getByTestId('log-row').textContent).toContain('Det. A. Ray · County DA');

    type('hold-case', '2026-00077');
    type('hold-reason', 'subpoena received');
    type('hold-until', '2026-12-31');
    click('hold-place');
    expect((await screen.findByTestId('hold-error')).textContent).toBe('a hold must name reads: by id, by plate, or by time range');
    type('hold-plate', 'xyz9*');
    click('hold-place');
    await waitFor(() => expect(screen.getAllByTestId('hold-row')).toHaveLength(2));
    expect(engine.callsTo('retention.holds.place').at(-1)).toMatchObject({ caseNumber: '2026-00077', plate: 'XYZ9*', reason: 'subpoena received' });

    fireEvent.click(screen.getAllByTestId('hold-release')[1]!);
    type('hold-release-reason', 'case closed');
    click('hold-release-confirm');
    await waitFor(() => expect(screen.getAllByTestId('hold-row')).toHaveLength(1));
    expect(engine.callsTo('retention.holds.release')).toEqual([{ id: 5, reason: 'case closed' }]);

    const created = vi.fn(() => 'blob:csv');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() }));
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    click('log-csv');
    expect(created).toHaveBeenCalledTimes(1);
    expect(clicked).toHaveBeenCalledTimes(1);
  });
});

describe('retention periods on the administrator\'s screen', () => {
  it('checks each period with the settings rule, saves with a reason, and purges now', async () => {
    const engine = recordsEngine();
    engine.status = makeStatus({ channels: ['retention.holds.list', 'evidence.log', 'settings.get', 'settings.update', 'retention.purge'] });
    const settings = carSettingsSchema.parse({});
    engine.handle('settings.get', () => ({ ok: true, value: { settings, file: '/data/settings.json' } }));
    engine.handle('settings.update', (r) => ({ ok: true, value: { settings: carSettingsSchema.parse(r.settings), file: '/data/settings.json', camerasStarted: [], camerasStopped: [], gpsReopened: false, restartNeeded: [] } }));
    engine.handle('retention.purge', () => ({
      ok: true,
      value: { asOf: NOW, clockBehindMs: null, counts: { hits: 1, alerts: 1, dispositions: 1, readsOfHits: 1, readsWithoutHit: 120, imagesWithoutHit: 40, gps: 3, audit: 0, keptByHold: 2, hitsKeptOpen: 0 } },
    }));
    await renderSignedIn(engine);
    click('records-open');
    await screen.findByTestId('retention-section');
    expect((screen.getByTestId('retention-readsWithoutHit') as HTMLInputElement).value).toBe('30 days');
    type('retention-gps', '-5 days');
    click('retention-save');
    expect((await screen.findByTestId('retention-problem')).textContent).toMatch(/GPS positions of reads without a hit: period "-5 days" is negative/);
    expect(engine.callsTo('settings.update')).toEqual([]);
    type('retention-gps', '14 days');
    type('retention-reason', 'agency rule 12 changed');
    click('retention-save');
    await screen.findByText('Saved; the next purge uses these periods.');
    expect(engine.callsTo('settings.update')[0]).toMatchObject({ reason: 'agency rule 12 changed', settings: { retention: { gps: '14 days', readsWithoutHit: '30 days' } } });
    click('retention-purge');
    expect((await screen.findByTestId('retention-purged')).textContent).toContain('Purged: 120 reads');
  });
});
