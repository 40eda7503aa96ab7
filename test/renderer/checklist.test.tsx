// @vitest-environment jsdom
/**
 * The checklist's answers can be changed until the disposition is submitted,
 * contradictory dispositions cannot be chosen (and say why), quick-pick
 * reasons stand in for a typed note, and actions go with the disposition. The
 * fake engine refuses with the engine's own rules (shared/checklist.ts).
 */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeEngine, makeAlert } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const click = (testId: string) => fireEvent.click(screen.getByTestId(testId));
const clickWhenShown = async (testId: string) => fireEvent.click(await screen.findByTestId(testId));
const isDisabled = (testId: string) => (screen.getByTestId(testId) as HTMLButtonElement).disabled;

function acknowledgedWith(checks: Partial<ReturnType<typeof makeAlert>['checks']>): FakeEngine {
  const engine = new FakeEngine();
  engine.alerts = [
    makeAlert({ status: 'acknowledged', checks: { charactersMatch: null, stateMatches: null, dispatch: null, dispatchNote: null, ...checks } }),
  ];
  return engine;
}

describe('alert checklist: changing answers, contradictions, reasons and actions', () => {
  it('changes a "No" on the characters back to "Yes" and goes on to the state check', async () => {
    const engine = acknowledgedWith({});
    await renderSignedIn(engine);
    await clickWhenShown('check-characters-no');
    await screen.findByTestId('disposition-submit');
    expect(screen.getByTestId('disposition-misread').getAttribute('aria-pressed')).toBe('true');
    click('change-characters');
    // Changing can be called off, keeping the stored answer.
    click('change-cancel');
    await screen.findByTestId('disposition-submit');
    click('change-characters');
    await clickWhenShown('check-characters-yes');
    await screen.findByTestId('check-state-yes');
    expect(engine.callsTo('alerts.check')).toEqual([
      { alertId: 7, check: 'characters', matches: false },
      { alertId: 7, check: 'characters', matches: true },
    ]);
    expect(engine.alerts[0]!.checks.charactersMatch).toBe(true);
  });

  it('cannot choose "Confirmed" after dispatch said "Not active", and says why; changing the answer allows it', async () => {
    const engine = acknowledgedWith({ charactersMatch: true, stateMatches: true, dispatch: 'not-active', dispatchNote: '' });
    await renderSignedIn(engine);
    await screen.findByTestId('disposition-submit');
    expect(isDisabled('disposition-confirmed')).toBe(true);
    expect(screen.getByTestId('disposition-contradiction').textContent).toContain('"Confirmed" contradicts the dispatch answer "Not active"');
    click('change-dispatch');
    await clickWhenShown('dispatch-verified-active');
    click('dispatch-submit');
    await waitFor(() => expect(isDisabled('disposition-confirmed')).toBe(false));
    expect(screen.queryByTestId('disposition-contradiction')).toBeNull();
    click('disposition-confirmed');
    click('action-stop');
    click('action-recovered-vehicle');
    click('disposition-submit');
    await screen.findByTestId('disposition-saved');
    expect(engine.callsTo('alerts.dispose')).toEqual([
      { alertId: 7, kind: 'confirmed', note: '', reason: null, actions: ['stop', 'recovered-vehicle'] },
    ]);
  });

  it('shows the engine\'s refusal when the screen\'s view was out of date', async () => {
    const engine = acknowledgedWith({ charactersMatch: true, stateMatches: true, dispatch: 'verified-active', dispatchNote: '' });
    await renderSignedIn(engine);
    await clickWhenShown('disposition-confirmed');
    // Another screen changed the dispatch answer meanwhile.
    engine.alerts = [{ ...engine.alerts[0]!, checks: { ...engine.alerts[0]!.checks, dispatch: 'not-active' } }];
    click('disposition-submit');
    expect((await screen.findByTestId('alert-error')).textContent).toContain('"Confirmed" contradicts the dispatch answer "Not active"');
    expect(engine.alerts[0]!.disposition).toBeNull();
  });

  it('takes a quick-pick reason in place of a note, and keeps arrests and recoveries for confirmed hits', async () => {
    const engine = acknowledgedWith({ charactersMatch: false });
    engine.reasons = { ...engine.reasons, misread: ['Trailer plate', 'Character misread'] };
    await renderSignedIn(engine);
    await screen.findByTestId('disposition-submit');
    expect(isDisabled('disposition-submit')).toBe(true);
    expect(screen.getByTestId('disposition-refusal').textContent).toContain('pick a reason or write a note');
    expect(isDisabled('action-arrest')).toBe(true);
    expect(isDisabled('action-recovered-vehicle')).toBe(true);
    expect(isDisabled('action-stop')).toBe(false);
    expect((await screen.findByTestId('reason-0')).textContent).toBe('Trailer plate');
    click('reason-1');
    expect(screen.getByTestId('reason-1').getAttribute('aria-pressed')).toBe('true');
    expect(isDisabled('disposition-submit')).toBe(false);
    click('disposition-submit');
    await screen.findByTestId('disposition-saved');
    expect(engine.callsTo('alerts.dispose')).toEqual([{ alertId: 7, kind: 'misread', note: '', reason: 'Character misread', actions: [] }]);
    expect(engine.alerts[0]!.disposition).toMatchObject({ kind: 'misread', reason: 'Character misread' });
  });

  it('offers "Change" for every answered check while the disposition is open', async () => {
    const engine = acknowledgedWith({ charactersMatch: true, stateMatches: true, dispatch: 'verified-active', dispatchNote: '' });
    await renderSignedIn(engine);
    expect(screen.getByTestId('change-characters')).toBeTruthy();
    expect(screen.getByTestId('change-state')).toBeTruthy();
    expect(screen.getByTestId('change-dispatch')).toBeTruthy();
  });
});
