// @vitest-environment jsdom
/**
 * The history search screen: shown to roles that may search, refuses to ask
 * without a justification, sends the case number or reason with the search,
 * lists results with their crops (fetched through the search), draws GPS
 * positions on the offline grid, and exports a hit with its recipient.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { HistorySearchResult } from '../../src/shared/contract.js';
import { gridMap } from '../../src/renderer/lib/grid-map.js';
import { FakeEngine, NOW, PNG_DATA_URL, makeRead, makeStatus } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const click = (testId: string) => fireEvent.click(screen.getByTestId(testId));
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

const RESULT: HistorySearchResult = {
  searchId: 41,
  truncated: false,
  reads: [
    {
      ...makeRead({ id: 7, plate: 'ABC123', capturedAt: NOW - 86_400_000 }),
      hasImages: true,
      hits: [{ hitId: 70, listName: 'NCIC', listCode: 'V', matchKind: 'exact', matchedPlate: 'ABC123', alertId: 700, alertStatus: 'disposed', disposition: 'confirmed' }],
    },
    { ...makeRead({ id: 8, plate: 'ABC128', gps: { lat: 42.37, lon: -71.05, accuracyM: 5 } }), hasImages: true, hits: [] },
    { ...makeRead({ id: 9, plate: 'ABD123', gps: null }), hasImages: false, hits: [] },
  ],
};

function historyEngine(): FakeEngine {
  const engine = new FakeEngine();
  engine.status = makeStatus({ channels: ['history.search', 'history.image', 'history.reasons', 'evidence.export'] });
  engine.handle('history.reasons', () => ({ ok: true, value: [{ code: 'investigation', label: 'Criminal investigation' }] }));
  engine.handle('history.search', () => ({ ok: true, value: RESULT }));
  engine.handle('history.image', ({ readId }) => ({ ok: true, value: `${PNG_DATA_URL}#history-${readId}` }));
  engine.handle('evidence.export', () => ({ ok: true, value: { disseminationId: 3, file: '/data/exports/evidence-3-2026-1.zip', bytes: 9000, manifestSha256: 'ab'.repeat(32), reads: 1, hits: 1 } }));
  return engine;
}

describe('history search screen', () => {
  it('has no History button for a role without the channel', async () => {
    await renderSignedIn();
    expect(screen.queryByTestId('history-open')).toBeNull();
  });

  it('asks for a justification before searching, then sends it with the search', async () => {
    const engine = historyEngine();
    await renderSignedIn(engine);
    click('history-open');
    await screen.findByTestId('history-screen');
    type('history-plate', 'abc*');
    click('history-search');
    expect(screen.getByTestId('history-error').textContent).toMatch(/case number/);
    expect(engine.callsTo('history.search')).toEqual([]);

    click('history-mode-reason');
    await waitFor(() => expect(screen.getByTestId('history-reason').querySelectorAll('option')).toHaveLength(2));
    type('history-reason', 'investigation');
    type('history-reason-text', 'short');
    click('history-search');
    expect(screen.getByTestId('history-error').textContent).toMatch(/at least 10 characters/);
    type('history-reason-text', 'burglary ring on Main St');
    click('history-search');
    await screen.findByTestId('history-count');
    expect(engine.callsTo('history.search')).toEqual([{ plate: 'ABC*', justification: { reason: 'investigation', text: 'burglary ring on Main St' } }]);
  });

  it('lists the results with crops fetched through the search, maps the ones with GPS, and exports a hit', async () => {
    const engine = historyEngine();
    await renderSignedIn(engine);
    click('history-open');
    await screen.findByTestId('history-screen');
    type('history-case', '2026-00042');
    type('history-plate', 'AB*');
    click('history-search');
    expect((await screen.findByTestId('history-count')).textContent).toBe('3 reads');
    const rows = screen.getAllByTestId('history-row');
    expect(rows.map((r) => r.dataset.read)).toEqual(['7', '8', '9']);
    await waitFor(() => expect(within(rows[0]!).getByRole('img').getAttribute('src')).toBe(`${PNG_DATA_URL}#history-7`));
    expect(rows[0]!.textContent).toContain('HIT NCIC');
    expect(rows[2]!.textContent).toContain('image purged');
    expect(engine.callsTo('history.image').map((r) => r.readId).sort()).toEqual([7, 8]);
    expect(engine.callsTo('history.image').every((r) => r.searchId === 41)).toBe(true);
    expect(screen.getAllByTestId('history-map-point')).toHaveLength(2);

    click('history-export');
    await screen.findByTestId('export-dialog');
    type('export-person', 'Det. A. Ray');
    type('export-agency', 'County DA');
    type('export-reason', 'prosecution');
    type('export-case', '2026-00042');
    click('export-submit');
    expect((await screen.findByTestId('export-done')).textContent).toContain('/data/exports/evidence-3-2026-1.zip');
    expect(engine.callsTo('evidence.export')).toEqual([{ hitId: 70, recipientPerson: 'Det. A. Ray', recipientAgency: 'County DA', reason: 'prosecution', caseNumber: '2026-00042' }]);
    fireEvent.click(screen.getByText('Done'));
    click('history-export-all');
    expect((await screen.findByTestId('export-dialog')).textContent).toContain('Export these results as evidence');
    type('export-person', 'Det. A. Ray');
    type('export-agency', 'County DA');
    type('export-reason', 'prosecution');
    // The case number typed on the on-screen keyboard, which offers no character a case number cannot hold.
    click('export-case-keyboard');
    const keys = within(screen.getByTestId('export-keyboard'));
    expect(keys.queryByRole('button', { name: '*' })).toBeNull();
    for (const char of '2026-00042') fireEvent.click(keys.getByRole('button', { name: char }));
    click('export-keyboard-done');
    expect(screen.queryByTestId('export-keyboard')).toBeNull();
    click('export-submit');
    await screen.findByTestId('export-done');
    expect(engine.callsTo('evidence.export')[1]).toEqual({ searchId: 41, recipientPerson: 'Det. A. Ray', recipientAgency: 'County DA', reason: 'prosecution', caseNumber: '2026-00042' });
  });

  it('shows the engine\'s refusal in words', async () => {
    const engine = historyEngine();
    engine.handle('history.search', () => ({ ok: false, error: 'search reason "operation-x" expired on 2026-01-31; give a case number or another reason' }));
    await renderSignedIn(engine);
    click('history-open');
    type('history-case', '2026-00042');
    type('history-plate', 'AB*');
    click('history-search');
    expect((await screen.findByTestId('history-error')).textContent).toContain('expired on 2026-01-31');
  });
});

describe('grid map', () => {
  it('keeps every point inside the frame at one scale, with grid lines inside the bounds', () => {
    const map = gridMap([{ id: 1, lat: 42.36, lon: -71.06 }, { id: 2, lat: 42.37, lon: -71.05 }], 480, 240)!;
    for (const p of map.points) {
      expect(p.x).toBeGreaterThan(0);
      expect(p.x).toBeLessThan(480);
      expect(p.y).toBeGreaterThan(0);
      expect(p.y).toBeLessThan(240);
    }
    // North is up.
    expect(map.points[1]!.y).toBeLessThan(map.points[0]!.y);
    expect(map.latLines.every((l) => l.value >= map.bounds.south && l.value <= map.bounds.north)).toBe(true);
    expect(map.lonLines.length).toBeGreaterThan(1);
    expect(gridMap([], 480, 240)).toBeNull();
    // A single point still gets a view around it.
    expect(gridMap([{ id: 1, lat: 0, lon: 0 }], 100, 100)!.points[0]).toEqual({ id: 1, x: 50, y: 50 });
  });
});
