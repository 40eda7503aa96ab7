// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AlertView, Result } from '../../src/shared/contract.js';
import { FakeEngine, NOW, PNG_DATA_URL, deferred, makeAlert, makeRead } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';
import { useSessionStore } from '../../src/renderer/stores/index.js';

installRendererHooks();

const click = (testId: string) => fireEvent.click(screen.getByTestId(testId));
const clickWhenShown = async (testId: string) => fireEvent.click(await screen.findByTestId(testId));
const isDisabled = (testId: string) => (screen.getByTestId(testId) as HTMLButtonElement).disabled;

async function raise(engine: FakeEngine, alert: AlertView = makeAlert()) {
  engine.emit('alert', alert);
  return screen.findByTestId('alert-screen');
}

describe('alert screen', () => {
  it('leaves an administrator at the car on their screen: alerts are patrol work they could neither silence nor put aside', async () => {
    const engine = new FakeEngine();
    await renderSignedIn(engine);
    engine.status = { ...engine.status, user: { id: 'chief', name: 'Chief Ortiz', role: 'administrator' } };
    useSessionStore.getState().signedIn({ id: 'chief', name: 'Chief Ortiz', role: 'administrator' });
    engine.emit('alert', makeAlert());
    // Events arrive in order: once the read after it shows, the alert has been handled.
    engine.emit('read', makeRead({ id: 9, plate: 'XYZ987', capturedAt: NOW }));
    await waitFor(() => expect(screen.getAllByTestId('read-row')[0]!.textContent).toContain('XYZ987'));
    expect(screen.queryByTestId('alert-screen')).toBeNull();
    expect(document.body.dataset.tone).toBe('silent');
  });

  it('takes over the patrol view the moment an alert event arrives, with the tone playing', async () => {
    const { engine } = await renderSignedIn();
    expect(document.body.dataset.tone).toBe('silent');
    await raise(engine);
    expect(screen.queryByTestId('patrol-view')).toBeNull();
    expect(document.body.dataset.tone).toBe('playing');
    expect(screen.getByTestId('alert-ack')).toBeTruthy();
    expect(screen.getByTestId('alert-screen').textContent).toContain('Stolen vehicle');
    expect(screen.getByTestId('alert-screen').textContent).toContain('2019 Honda Civic, grey');
    expect(screen.getByTestId('alert-match-kind').textContent).toContain('Exact match');
  });

  it('shows the read beside the list entry, with crop, context and differing characters highlighted', async () => {
    const { engine } = await renderSignedIn();
    const read = makeRead({ id: 5, plate: '8BC1234' });
    await raise(
      engine,
      makeAlert({
        read,
        entry: { ...makeAlert().entry, plate: 'BBC1234', state: 'NH' },
        match: { kind: 'lookalike', differingPositions: [0], readPlate: '8BC1234', priority: 1, tone: 'standard' },
      }),
    );
    const readPlate = screen.getByTestId('alert-read-plate');
    const entryPlate = screen.getByTestId('alert-entry-plate');
    expect(readPlate.textContent).toBe('8BC1234');
    expect(entryPlate.textContent).toBe('BBC1234');
    expect([...readPlate.querySelectorAll('.ch-diff')].map((e) => e.textContent)).toEqual(['8']);
    expect([...entryPlate.querySelectorAll('.ch-diff')].map((e) => e.textContent)).toEqual(['B']);
    expect(screen.getByTestId('alert-match-kind').textContent).toContain('Look-alike');
    expect(screen.getByTestId('alert-read-state').textContent).toBe('MA');
    expect(screen.getByTestId('alert-entry-state').textContent).toBe('NH');
    await waitFor(() => expect(screen.getByTestId('alert-crop-image').getAttribute('src')).toBe(`${PNG_DATA_URL}#crop-5`));
    await waitFor(() => expect(screen.getByTestId('alert-context-image').getAttribute('src')).toBe(`${PNG_DATA_URL}#context-5`));
  });

  it('shows the record number next to the list entry, and the other records of the same plate', async () => {
    const { engine } = await renderSignedIn();
    const base = makeAlert();
    await raise(
      engine,
      makeAlert({
        entry: {
          ...base.entry,
          recordNumber: 'V000000001',
          otherRecords: [
            { listName: 'NCIC', listCode: 'W', category: 'Wanted person', recordNumber: 'W000000003', description: 'armed' },
            { listName: 'state-dmv', listCode: 'P', category: 'Stolen plate', recordNumber: null, description: '' },
          ],
        },
      }),
    );
    expect(screen.getByTestId('alert-record-number').textContent).toBe('NIC V000000001');
    expect(screen.getByTestId('alert-entry-record').textContent).toBe('V000000001');
    expect(screen.getByTestId('alert-other-records').textContent).toContain('2 other records for');
    const others = screen.getAllByTestId('alert-other-record').map((li) => li.textContent);
    expect(others[0]).toContain('NIC W000000003');
    expect(others[0]).toContain('Wanted person');
    expect(others[0]).toContain('armed');
    expect(others[1]).toContain('No record number');
    expect(others[1]).toContain('state-dmv');
  });

  it('shows no record number and no other records when the list has none', async () => {
    const { engine } = await renderSignedIn();
    await raise(engine);
    expect(screen.queryByTestId('alert-record-number')).toBeNull();
    expect(screen.getByTestId('alert-entry-record').textContent).toBe('None on the list');
    expect(screen.queryByTestId('alert-other-records')).toBeNull();
  });

  it('shows large exactly what the camera read, and the alternative it matched on, every differing position marked', async () => {
    const { engine } = await renderSignedIn();
    const read = makeRead({ id: 6, plate: 'BXR4I27', candidates: [{ plate: 'BXR4I27', confidence: 0.6 }, { plate: '8XR4127', confidence: 0.3 }] });
    await raise(
      engine,
      makeAlert({
        read,
        entry: { ...makeAlert().entry, plate: '8XR4127' },
        match: { kind: 'lookalike', differingPositions: [0], readPlate: '8XR4127', priority: 1, tone: 'standard' },
      }),
    );
    const readPlate = screen.getByTestId('alert-read-plate');
    expect(readPlate.textContent).toBe('BXR4I27');
    expect([...readPlate.querySelectorAll('.ch-diff')].map((e) => e.textContent)).toEqual(['B', 'I']);
    expect([...screen.getByTestId('alert-entry-plate').querySelectorAll('.ch-diff')].map((e) => e.textContent)).toEqual(['8', '1']);
    const alternative = screen.getByTestId('alert-alternative-plate');
    expect(alternative.textContent).toBe('8XR4127');
    expect([...alternative.querySelectorAll('.ch-diff')].map((e) => e.textContent)).toEqual(['8', '1']);
  });

  it('shows the closer view when the engine replaces the read\'s images while the alert is open', async () => {
    const { engine } = await renderSignedIn();
    await raise(engine, makeAlert({ read: makeRead({ id: 9, plate: 'ABC1234' }) }));
    await waitFor(() => expect(screen.getByTestId('alert-crop-image').getAttribute('src')).toBe(`${PNG_DATA_URL}#crop-9`));
    engine.images['9:crop'] = `${PNG_DATA_URL}#closer-crop-9`;
    engine.images['9:context'] = `${PNG_DATA_URL}#closer-context-9`;
    engine.emit('readView', { readId: 9 });
    await waitFor(() => expect(screen.getByTestId('alert-crop-image').getAttribute('src')).toBe(`${PNG_DATA_URL}#closer-crop-9`));
    await waitFor(() => expect(screen.getByTestId('alert-context-image').getAttribute('src')).toBe(`${PNG_DATA_URL}#closer-context-9`));
  });

  it('walks the checklist one stored step at a time, then records the disposition', async () => {
    const { engine } = await renderSignedIn();
    await raise(engine);
    expect(screen.queryByTestId('check-characters-yes')).toBeNull();

    click('alert-ack');
    await screen.findByTestId('check-characters-yes');
    expect(document.body.dataset.tone).toBe('silent');
    expect(screen.queryByTestId('alert-ack')).toBeNull();
    expect(screen.queryByTestId('check-state-yes')).toBeNull();

    click('check-characters-yes');
    await screen.findByTestId('check-state-yes');
    expect(screen.queryByTestId('dispatch-submit')).toBeNull();

    click('check-state-yes');
    await screen.findByTestId('dispatch-submit');
    expect(isDisabled('dispatch-submit')).toBe(true);
    expect(screen.queryByTestId('disposition-submit')).toBeNull();
    click('dispatch-verified-active');
    fireEvent.change(screen.getByTestId('dispatch-note'), { target: { value: 'dispatch confirms stolen' } });
    click('dispatch-submit');

    await screen.findByTestId('disposition-submit');
    expect(isDisabled('disposition-submit')).toBe(true);
    click('disposition-confirmed');
    expect(isDisabled('disposition-submit')).toBe(false);
    click('disposition-submit');

    expect((await screen.findByTestId('disposition-saved')).textContent).toContain('Confirmed');
    await screen.findByTestId('patrol-view');
    expect(screen.getByTestId('open-alerts-count').textContent).toBe('0');

    expect(engine.calls.map((c) => c.channel).filter((c) => c.startsWith('alerts.') && c !== 'alerts.open' && c !== 'alerts.reasons')).toEqual([
      'alerts.acknowledge',
      'alerts.check',
      'alerts.check',
      'alerts.check',
      'alerts.dispose',
    ]);
    expect(engine.callsTo('alerts.check')).toEqual([
      { alertId: 7, check: 'characters', matches: true },
      { alertId: 7, check: 'state', matches: true },
      { alertId: 7, check: 'dispatch', result: 'verified-active', note: 'dispatch confirms stolen' },
    ]);
    expect(engine.callsTo('alerts.dispose')).toEqual([{ alertId: 7, kind: 'confirmed', note: '', reason: null, actions: [] }]);
  });

  it('goes straight to the disposition with Misread chosen when the characters do not match', async () => {
    const { engine } = await renderSignedIn();
    await raise(engine);
    click('alert-ack');
    await screen.findByTestId('check-characters-no');
    click('check-characters-no');
    await screen.findByTestId('disposition-submit');
    expect(screen.queryByTestId('check-state-yes')).toBeNull();
    expect(screen.queryByTestId('dispatch-submit')).toBeNull();
    expect(screen.getByTestId('disposition-misread').getAttribute('aria-pressed')).toBe('true');
    // A misread needs a note before it can be submitted.
    expect(isDisabled('disposition-submit')).toBe(true);
    fireEvent.change(screen.getByTestId('disposition-note'), { target: { value: 'plate reads 8BC, not BBC' } });
    expect(isDisabled('disposition-submit')).toBe(false);
    click('disposition-submit');
    await screen.findByTestId('disposition-saved');
    expect(engine.callsTo('alerts.dispose')).toEqual([{ alertId: 7, kind: 'misread', note: 'plate reads 8BC, not BBC', reason: null, actions: [] }]);
  });

  it('goes straight to the disposition when the state does not match', async () => {
    const { engine } = await renderSignedIn();
    await raise(engine);
    click('alert-ack');
    await clickWhenShown('check-characters-yes');
    await clickWhenShown('check-state-no');
    await screen.findByTestId('disposition-submit');
    expect(screen.getByTestId('disposition-misread').getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByTestId('dispatch-submit')).toBeNull();
  });

  it('requires a note for Other', async () => {
    const engine = new FakeEngine();
    engine.alerts = [
      makeAlert({
        status: 'acknowledged',
        checks: { charactersMatch: true, stateMatches: true, dispatch: 'not-possible', dispatchNote: '' },
      }),
    ];
    await renderSignedIn(engine);
    click('disposition-other');
    expect(isDisabled('disposition-submit')).toBe(true);
    fireEvent.change(screen.getByTestId('disposition-note'), { target: { value: '   ' } });
    expect(isDisabled('disposition-submit')).toBe(true);
    click('disposition-not-on-list');
    expect(isDisabled('disposition-submit')).toBe(false);
  });

  it('shows an engine error inline and lets the officer try again', async () => {
    const { engine } = await renderSignedIn();
    await raise(engine);
    let fail = true;
    const original = engine.handlers['alerts.acknowledge']!;
    engine.handle('alerts.acknowledge', (request) => (fail ? { ok: false, error: 'database is locked' } : original(request)));
    click('alert-ack');
    expect((await screen.findByTestId('alert-error')).textContent).toContain('database is locked');
    expect(document.body.dataset.tone).toBe('playing');
    expect(isDisabled('alert-ack')).toBe(false);
    fail = false;
    click('alert-ack');
    await screen.findByTestId('check-characters-yes');
    expect(screen.queryByTestId('alert-error')).toBeNull();
  });

  it('survives an invoke that throws', async () => {
    const { engine } = await renderSignedIn();
    await raise(engine);
    engine.handle('alerts.acknowledge', () => {
      throw new Error('bridge exploded');
    });
    click('alert-ack');
    expect((await screen.findByTestId('alert-error')).textContent).toContain('bridge exploded');
  });

  it('disables the buttons while a request is in flight', async () => {
    const { engine } = await renderSignedIn();
    await raise(engine);
    click('alert-ack');
    await screen.findByTestId('check-characters-yes');
    const answer = deferred<Result<AlertView>>();
    engine.handle('alerts.check', () => answer.promise);
    click('check-characters-yes');
    await waitFor(() => expect(isDisabled('check-characters-yes')).toBe(true));
    expect(isDisabled('check-characters-no')).toBe(true);
    click('check-characters-yes');
    expect(engine.callsTo('alerts.check')).toHaveLength(1);
    answer.resolve({ ok: true, value: { ...engine.alerts[0]!, checks: { ...engine.alerts[0]!.checks, charactersMatch: true } } });
    await screen.findByTestId('check-state-yes');
  });

  it('loads open alerts after sign-in', async () => {
    const engine = new FakeEngine();
    engine.alerts = [makeAlert({ id: 3 })];
    await renderSignedIn(engine);
    expect(screen.getByTestId('alert-screen').dataset.alertId).toBe('3');
    expect(document.body.dataset.tone).toBe('playing');
  });

  it('queues several alerts, shows the count, and moves to the next one after a disposition', async () => {
    const { engine } = await renderSignedIn();
    await raise(engine, makeAlert({ id: 1 }));
    engine.emit('alert', makeAlert({ id: 2, read: makeRead({ id: 2, plate: 'QRS555' }), raisedAt: NOW - 1000 }));
    expect(screen.getByTestId('alert-screen').dataset.alertId).toBe('1');
    expect(screen.getByTestId('alert-queue-count').textContent).toContain('1 more waiting');

    click('alert-ack');
    await clickWhenShown('check-characters-no');
    fireEvent.change(await screen.findByTestId('disposition-note'), { target: { value: 'wrong plate' } });
    click('disposition-submit');
    await screen.findByTestId('disposition-saved');
    await waitFor(() => expect(screen.getByTestId('alert-screen').dataset.alertId).toBe('2'));
    expect(screen.getByTestId('alert-read-plate').textContent).toBe('QRS555');
    expect(document.body.dataset.tone).toBe('playing');
    expect(screen.queryByTestId('alert-queue-count')).toBeNull();
  });

  it('puts an officer-safety alert ahead of a routine one that came first', async () => {
    const engine = new FakeEngine();
    engine.alerts = [
      makeAlert({ id: 1, raisedAt: NOW - 60_000, entry: { ...makeAlert().entry, category: 'Expired registration', listCode: 'EXP' } }),
      makeAlert({ id: 2, raisedAt: NOW, entry: { ...makeAlert().entry, category: 'AMBER alert', listCode: 'AMB' } }),
    ];
    await renderSignedIn(engine);
    expect(screen.getByTestId('alert-screen').dataset.alertId).toBe('2');
    expect(screen.getByTestId('alert-screen').className).toContain('urgency-critical');
  });

  it('keeps the alert being worked on when a more urgent one queues behind it', async () => {
    const { engine } = await renderSignedIn();
    await raise(engine, makeAlert({ id: 1, entry: { ...makeAlert().entry, category: 'Expired registration', listCode: 'EXP' } }));
    engine.emit('alert', makeAlert({ id: 2, entry: { ...makeAlert().entry, category: 'Wanted person', listCode: 'W' } }));
    expect(screen.getByTestId('alert-screen').dataset.alertId).toBe('1');
    expect(screen.getByTestId('alert-queue-count').textContent).toContain('1 new');
  });

  it('drops an alert the engine reports disposed elsewhere', async () => {
    const { engine } = await renderSignedIn();
    await raise(engine);
    engine.emit('alert', makeAlert({ status: 'disposed' }));
    await screen.findByTestId('patrol-view');
    expect(document.body.dataset.tone).toBe('silent');
  });
});
