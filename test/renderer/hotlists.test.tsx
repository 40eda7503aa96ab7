// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Responses, Result } from '../../src/shared/contract.js';
import { FakeEngine, NOW, PNG_DATA_URL, deferred, makeAlert, makeManualEntry, makeStatus } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';
import { useSessionStore } from '../../src/renderer/stores/index.js';

installRendererHooks();

const click = (testId: string) => fireEvent.click(screen.getByTestId(testId));
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
const text = (testId: string) => screen.getByTestId(testId).textContent ?? '';

const REFUSED_503 = { kind: 'refused', detail: 'https://dmv.example/lists/current.csv: server answered HTTP 503', at: NOW - 600_000, status: 503, line: null } as const;

function twoLists(engine: FakeEngine) {
  engine.status = makeStatus({
    user: engine.status.user,
    hotLists: [
      { name: 'NCIC', entries: 120_000, updatedAt: NOW - 30 * 3_600_000, stale: true, kind: 'imported', fault: null },
      {
        name: 'state-dmv',
        entries: 8_000,
        updatedAt: NOW - 3 * 3_600_000,
        stale: false,
        kind: 'imported',
        fault: REFUSED_503,
      },
      { name: 'manual', entries: 1, updatedAt: NOW - 3_600_000, stale: false, kind: 'manual', fault: null },
    ],
  });
}

async function openPanel(engine = new FakeEngine()) {
  const view = await renderSignedIn(engine);
  click('hotlists-open');
  await screen.findByTestId('hotlists-panel');
  return view;
}

describe('hot lists panel', () => {
  it('opens from the header button and from the hot-list ages, and goes back to patrol', async () => {
    await renderSignedIn();
    click('hotlists-open');
    expect(await screen.findByTestId('hotlists-panel')).toBeTruthy();
    expect(screen.queryByTestId('patrol-view')).toBeNull();
    click('hotlists-close');
    await screen.findByTestId('patrol-view');
    fireEvent.click(screen.getByTestId('hotlist-age'));
    await screen.findByTestId('hotlists-panel');
  });

  it('shows each list: entries, age, kind, STALE, and a failed sync in plain words', async () => {
    const engine = new FakeEngine();
    twoLists(engine);
    await openPanel(engine);
    const rows = screen.getAllByTestId('hotlist-row');
    expect(rows.map((r) => r.dataset.list)).toEqual(['NCIC', 'state-dmv', 'manual']);
    const [ncic, dmv, manual] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(ncic.textContent).toContain('120,000 entries');
    expect(ncic.textContent).toContain('STALE');
    expect(ncic.textContent).toContain('Data dated 30 h 00 min ago');
    expect(ncic.textContent).toContain('Imported');
    expect(within(ncic).queryByTestId('hotlist-error')).toBeNull();
    const error = within(dmv).getByTestId('hotlist-error');
    expect(error.dataset.fault).toBe('refused');
    expect(error.textContent).toContain("Last sync failed: The list's server refused the download (HTTP 503).");
    expect(error.textContent).toContain('stays in force');
    // The server's address is the administrator's to see, not the officer's.
    expect(error.textContent).not.toContain('dmv.example');
    expect(within(dmv).queryByTestId('hotlist-detail')).toBeNull();
    expect(dmv.textContent).not.toContain('STALE');
    expect(manual.textContent).toContain('Manual');
    expect(manual.textContent).toContain('1 entry');
  });

  it("shows the engine's details of a failed sync to the administrator only", async () => {
    const engine = new FakeEngine();
    twoLists(engine);
    await openPanel(engine);
    const dmv = () => screen.getAllByTestId('hotlist-row').find((r) => r.dataset.list === 'state-dmv')!;
    expect(within(dmv()).queryByTestId('hotlist-detail')).toBeNull();
    act(() => useSessionStore.getState().signedIn({ id: 'chief', name: 'Chief Ortiz', role: 'administrator' }));
    expect(within(dmv()).getByTestId('hotlist-detail').textContent).toBe(`Details: ${REFUSED_503.detail}`);
    expect(within(dmv()).getByTestId('hotlist-error').textContent).toContain("The list's server refused the download (HTTP 503).");
  });

  it('says a list whose first sync failed is not loaded, and why', async () => {
    const engine = new FakeEngine();
    engine.status = makeStatus({
      user: engine.status.user,
      hotLists: [{ name: 'county', entries: 0, updatedAt: null, stale: true, kind: 'imported', fault: { kind: 'empty', detail: '/mnt/share/county.csv: the file has no entries', at: NOW, status: null, line: null } }],
    });
    await openPanel(engine);
    const row = screen.getAllByTestId('hotlist-row')[0]!;
    expect(row.textContent).toContain('Not loaded');
    expect(within(row).getByTestId('hotlist-error').dataset.fault).toBe('empty');
    expect(within(row).getByTestId('hotlist-error').textContent).toContain('The new file has no entries (an incomplete download?), so it was not taken.');
    expect(within(row).getByTestId('hotlist-error').textContent).toContain('reads are not checked against it');
    expect(row.textContent).not.toContain('/mnt/share');
  });

  it('syncs with live progress per list, then shows the outcome of each list', async () => {
    const engine = new FakeEngine();
    twoLists(engine);
    const answer = deferred<Result<Responses['hotlists.sync']>>();
    engine.handle('hotlists.sync', () => answer.promise);
    await openPanel(engine);

    click('hotlists-sync');
    expect(engine.callsTo('hotlists.sync')).toHaveLength(1);
    const button = screen.getByTestId('hotlists-sync') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.click(button);
    expect(engine.callsTo('hotlists.sync')).toHaveLength(1);

    engine.emit('hotListSync', { list: 'NCIC', phase: 'download', fraction: 0.42, message: 'downloading 4200 kB' });
    engine.emit('hotListSync', { list: 'state-dmv', phase: 'download', fraction: null, message: 'downloading 12 kB' });
    const progressOf = (list: string) =>
      within(screen.getAllByTestId('hotlist-row').find((r) => r.dataset.list === list)!).getByTestId('hotlist-progress');
    const ncicProgress = progressOf('NCIC');
    expect(ncicProgress.textContent).toContain('Downloading 42%');
    expect(ncicProgress.textContent).toContain('downloading 4200 kB');
    expect(ncicProgress.querySelector('progress')?.getAttribute('value')).toBe('42');
    // Unknown size: an indeterminate bar.
    expect(progressOf('state-dmv').querySelector('progress')?.hasAttribute('value')).toBe(false);

    engine.emit('hotListSync', { list: 'NCIC', phase: 'import', fraction: 0.9, message: 'parse: 108000 lines' });
    expect(progressOf('NCIC').textContent).toContain('Importing 90%');
    expect(screen.queryByTestId('hotlists-sync-result')).toBeNull();

    engine.status = makeStatus({
      user: engine.status.user,
      hotLists: [
        { name: 'NCIC', entries: 121_500, updatedAt: NOW, stale: false, kind: 'imported', fault: null },
        { name: 'state-dmv', entries: 8_000, updatedAt: NOW - 3 * 3_600_000, stale: false, kind: 'imported', fault: REFUSED_503 },
      ],
    });
    answer.resolve({
      ok: true,
      value: [
        { list: 'NCIC', outcome: 'imported', entries: 121_500, error: null, fault: null },
        { list: 'state-dmv', outcome: 'failed', entries: 0, error: REFUSED_503.detail, fault: REFUSED_503 },
      ],
    });

    const result = await screen.findByTestId('hotlists-sync-result');
    expect(result.textContent).toContain('1 of 2 failed');
    const outcomes = within(result).getAllByTestId('hotlists-sync-outcome');
    expect(outcomes[0]!.textContent).toContain('NCIC');
    expect(outcomes[0]!.textContent).toContain('Updated: 121,500 entries');
    expect(outcomes[1]!.textContent).toContain("Failed: The list's server refused the download (HTTP 503).");
    expect(outcomes[1]!.textContent).not.toContain('dmv.example');
    expect(outcomes[1]!.textContent).toContain('stays in force');
    expect((screen.getByTestId('hotlists-sync') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByTestId('hotlist-progress')).toBeNull();
    // The rows follow the engine's status after the sync.
    await waitFor(() => expect(screen.getAllByTestId('hotlist-row')[0]!.textContent).toContain('121,500 entries'));
    expect(screen.getAllByTestId('hotlist-row')[0]!.textContent).not.toContain('STALE');
  });

  it('shows a configured list the car never loaded, through its first sync and its failure', async () => {
    const engine = new FakeEngine();
    const answer = deferred<Result<Responses['hotlists.sync']>>();
    engine.handle('hotlists.sync', () => answer.promise);
    await openPanel(engine);
    click('hotlists-sync');
    engine.emit('hotListSync', { list: 'state-dmv', phase: 'download', fraction: null, message: 'downloading 0 kB' });
    const row = () => screen.getAllByTestId('hotlist-row').find((r) => r.dataset.list === 'state-dmv')!;
    expect(row().textContent).toContain('First sync');
    expect(within(row()).getByTestId('hotlist-progress')).toBeTruthy();
    answer.resolve({
      ok: true,
      value: [
        { list: 'NCIC', outcome: 'not-modified', entries: 120_000, error: null, fault: null },
        {
          list: 'state-dmv',
          outcome: 'failed',
          entries: 0,
          error: 'https://dmv.example/x.csv: download failed after 5 attempts: server answered HTTP 503; the previous list stays in force',
          fault: { ...REFUSED_503, detail: 'https://dmv.example/x.csv: download failed after 5 attempts: server answered HTTP 503; the previous list stays in force' },
        },
      ],
    });
    const result = await screen.findByTestId('hotlists-sync-result');
    const [ncic, dmv] = within(result).getAllByTestId('hotlists-sync-outcome') as [HTMLElement, HTMLElement];
    expect(ncic.textContent).toContain('Server copy unchanged: 120,000 entries');
    expect(dmv.textContent).toContain('refused the download (HTTP 503). Not loaded.');
    expect(dmv.textContent).not.toContain('previous list stays in force');
    const error = within(row()).getByTestId('hotlist-error');
    expect(row().textContent).toContain('Not loaded');
    expect(error.textContent).toContain('reads are not checked against it');
  });

  it('shows a sync the engine refuses inline', async () => {
    const engine = new FakeEngine();
    engine.handle('hotlists.sync', () => ({ ok: false, error: 'no hot list has a source to sync from; import one or configure hotlists.json' }));
    await openPanel(engine);
    click('hotlists-sync');
    const error = await screen.findByTestId('hotlists-sync-error');
    expect(error.textContent).toContain('no hot list has a source to sync from');
    expect(error.textContent).toContain('stay as they were');
  });

  it('starts the sync from the stale-list banner', async () => {
    const engine = new FakeEngine();
    twoLists(engine);
    await renderSignedIn(engine);
    // Each failing list's banner offers the sync; any of them starts it.
    fireEvent.click(screen.getAllByTestId('banner-sync')[0]!);
    await screen.findByTestId('hotlists-panel');
    expect(engine.callsTo('hotlists.sync')).toHaveLength(1);
    expect(await screen.findByTestId('hotlists-sync-result')).toBeTruthy();
  });
});

describe('manual entries (C.6)', () => {
  it('adds a plate with its reason and shows, prominently, the reads earlier this shift that it matches', async () => {
    const engine = new FakeEngine();
    engine.earlierReads = [
      { readId: 31, plate: 'ABC123', state: 'MA', capturedAt: NOW - 2 * 3_600_000, cameraId: 'front', kind: 'partial' },
      { readId: 32, plate: 'ABD123', state: null, capturedAt: NOW - 3_600_000, cameraId: 'rear', kind: 'partial' },
    ];
    await openPanel(engine);

    type('manual-plate', 'ab c*12-3');
    expect((screen.getByTestId('manual-plate') as HTMLInputElement).value).toBe('ABC*123');
    expect(screen.getByText(/Partial plate/)).toBeTruthy();
    type('manual-state', 'MA');
    type('manual-reason', '  Grey sedan seen leaving the burglary on Elm St, case 24-1187 ');
    type('manual-expiry', '12');
    click('manual-submit');

    const added = await screen.findByTestId('manual-added');
    expect(engine.callsTo('hotlists.manual.add')).toEqual([
      { plate: 'ABC*123', state: 'MA', reason: 'Grey sedan seen leaving the burglary on Elm St, case 24-1187', expiresInHours: 12 },
    ]);
    expect(within(added).getByTestId('manual-added-plate').textContent).toBe('ABC*123');
    expect(added.textContent).toContain('PARTIAL');
    expect(added.textContent).toContain('Grey sedan seen leaving');
    expect(added.textContent).toContain('in 12 h 00 min');

    const earlier = within(added).getByTestId('manual-earlier-reads');
    expect(earlier.textContent).toContain('2 earlier reads this shift match');
    // Newest first.
    const rows = within(earlier).getAllByTestId('manual-earlier-read');
    expect(rows.map((r) => r.dataset.readId)).toEqual(['32', '31']);
    expect(rows[1]!.textContent).toContain('ABC123');
    expect(rows[1]!.textContent).toContain('MA');
    expect(rows[1]!.textContent).toMatch(/\d\d:\d\d:\d\d/);
    expect(rows[1]!.textContent).toContain('Front');
    expect(rows[1]!.textContent).toContain('Partial');
    expect(rows[0]!.textContent).toContain('not read');
    expect(rows[0]!.textContent).toContain('Rear');
    await waitFor(() => expect(within(rows[1]!).getByRole('img').getAttribute('src')).toBe(`${PNG_DATA_URL}#crop-31`));

    // The form is ready for the next plate, and the entry is in the list.
    expect((screen.getByTestId('manual-plate') as HTMLInputElement).value).toBe('');
    expect((screen.getByTestId('manual-reason') as HTMLTextAreaElement).value).toBe('');
    await waitFor(() => expect(screen.getAllByTestId('manual-entry-row')).toHaveLength(1));
    expect(screen.getByTestId('manual-entry-row').textContent).toContain('ABC*123');
  });

  it('folds a long run of earlier reads behind "Show all"', async () => {
    const engine = new FakeEngine();
    engine.earlierReads = Array.from({ length: 7 }, (_, i) => ({
      readId: 40 + i,
      plate: 'BXR4127',
      state: 'VA',
      capturedAt: NOW - (10 - i) * 60_000,
      cameraId: 'front',
      kind: 'exact' as const,
    }));
    await openPanel(engine);
    type('manual-plate', 'BXR4127');
    type('manual-reason', 'Registered owner wanted for questioning');
    click('manual-submit');
    const earlier = await screen.findByTestId('manual-earlier-reads');
    expect(earlier.textContent).toContain('7 earlier reads this shift match');
    expect(within(earlier).getAllByTestId('manual-earlier-read')).toHaveLength(4);
    expect(within(earlier).getAllByTestId('manual-earlier-read')[0]!.dataset.readId).toBe('46');
    click('manual-earlier-more');
    expect(within(earlier).getAllByTestId('manual-earlier-read')).toHaveLength(7);
  });

  it('says so when no earlier read matches, and sends an unknown state and default expiry as such', async () => {
    const engine = new FakeEngine();
    await openPanel(engine);
    type('manual-plate', 'xyz987');
    type('manual-reason', 'BOLO from dispatch');
    click('manual-submit');
    const earlier = await screen.findByTestId('manual-earlier-reads');
    expect(earlier.textContent).toBe('No earlier reads this shift match.');
    expect(engine.callsTo('hotlists.manual.add')).toEqual([{ plate: 'XYZ987', state: null, reason: 'BOLO from dispatch' }]);
    expect(screen.getByTestId('manual-added').textContent).toContain('Any state');
  });

  it("shows the engine's refusal and keeps what was typed", async () => {
    const engine = new FakeEngine();
    await openPanel(engine);
    type('manual-plate', 'KLM456');
    type('manual-reason', 'Person of interest, case 24-2001');
    type('manual-expiry', '500');
    click('manual-submit');
    const error = await screen.findByTestId('manual-error');
    expect(error.textContent).toContain('the expiry may be at most 168 hours ahead');
    expect(screen.queryByTestId('manual-added')).toBeNull();
    expect((screen.getByTestId('manual-plate') as HTMLInputElement).value).toBe('KLM456');
    expect((screen.getByTestId('manual-expiry') as HTMLInputElement).value).toBe('500');
  });

  it('asks for the reason before sending anything (C.6)', async () => {
    const engine = new FakeEngine();
    await openPanel(engine);
    type('manual-plate', 'KLM456');
    click('manual-submit');
    expect(text('manual-error')).toContain('every plate entered by hand needs a reason');
    expect(engine.callsTo('hotlists.manual.add')).toHaveLength(0);
    expect(document.activeElement).toBe(screen.getByTestId('manual-reason'));
  });

  it('lists the entries in force with who entered them, when, until when and why', async () => {
    const engine = new FakeEngine();
    engine.manual = [
      makeManualEntry(),
      makeManualEntry({ id: 502, plate: '7?K*', state: null, partial: true, reason: 'Hit and run, partial plate from witness', enteredAt: NOW - 600_000 }),
    ];
    await openPanel(engine);
    const rows = await screen.findAllByTestId('manual-entry-row');
    expect(rows.map((r) => r.dataset.entryId)).toEqual(['502', '501']);
    expect(rows[0]!.textContent).toContain('7?K*');
    expect(rows[0]!.textContent).toContain('PARTIAL');
    expect(rows[0]!.textContent).toContain('Any state');
    expect(rows[1]!.textContent).toContain('KLM456');
    expect(rows[1]!.textContent).toContain('Seen leaving the burglary on Elm St');
    expect(rows[1]!.textContent).toContain('Entered by 1234');
    expect(rows[1]!.textContent).toContain('(in 23 h 00 min)');
    expect(rows[1]!.textContent).not.toContain('PARTIAL');
  });

  it('removes an entry only with a reason', async () => {
    const engine = new FakeEngine();
    engine.manual = [makeManualEntry(), makeManualEntry({ id: 502, plate: 'QRS777' })];
    await openPanel(engine);
    const row = (await screen.findAllByTestId('manual-entry-row')).find((r) => r.dataset.entryId === '501')!;
    fireEvent.click(within(row).getByTestId('manual-remove'));
    const confirm = within(row).getByTestId('manual-remove-confirm') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(row).getByTestId('manual-remove-reason'), { target: { value: 'Vehicle located, case closed' } });
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    await waitFor(() => expect(screen.getAllByTestId('manual-entry-row')).toHaveLength(1));
    expect(engine.callsTo('hotlists.manual.remove')).toEqual([{ id: 501, reason: 'Vehicle located, case closed' }]);
    expect(screen.getByTestId('manual-entry-row').dataset.entryId).toBe('502');
  });

  it('shows a refused removal in the row and keeps the entry', async () => {
    const engine = new FakeEngine();
    engine.manual = [makeManualEntry()];
    engine.handle('hotlists.manual.remove', () => ({ ok: false, error: 'database is locked' }));
    await openPanel(engine);
    fireEvent.click(await screen.findByTestId('manual-remove'));
    type('manual-remove-reason', 'Entered by mistake');
    click('manual-remove-confirm');
    expect((await screen.findByTestId('manual-remove-error')).textContent).toContain('database is locked');
    expect(screen.getAllByTestId('manual-entry-row')).toHaveLength(1);
  });

  it('gives way to an alert and comes back with the half-typed entry', async () => {
    const engine = new FakeEngine();
    await openPanel(engine);
    type('manual-plate', 'KLM456');
    type('manual-reason', 'Half typed');
    engine.emit('alert', makeAlert({ status: 'acknowledged', acknowledgedAt: NOW }));
    await screen.findByTestId('alert-screen');
    expect(screen.queryByTestId('hotlists-panel')).toBeNull();
    click('alert-defer');
    await screen.findByTestId('hotlists-panel');
    expect((screen.getByTestId('manual-plate') as HTMLInputElement).value).toBe('KLM456');
    expect((screen.getByTestId('manual-reason') as HTMLTextAreaElement).value).toBe('Half typed');
  });
});
