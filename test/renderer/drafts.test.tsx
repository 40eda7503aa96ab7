// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App.js';
import { resetAllStores } from '../../src/renderer/stores/index.js';
import { FakeEngine, NOW, OFFICER, makeAlert, makeRead } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const click = (testId: string) => fireEvent.click(screen.getByTestId(testId));
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

/** A reload: the page's memory is gone, its storage stays, the engine (or a restarted one) answers. */
async function reload(engine: FakeEngine, expect: 'alert-screen' | 'patrol-view' | 'hotlists-panel') {
  cleanup();
  resetAllStores();
  render(<App api={engine} />);
  await screen.findByTestId(expect);
}

function twoAlerts(engine: FakeEngine) {
  engine.alerts = [
    makeAlert({ id: 7, status: 'acknowledged', acknowledgedAt: NOW - 3_000, checks: { charactersMatch: false, stateMatches: null, dispatch: null, dispatchNote: null } }),
    makeAlert({
      id: 8,
      status: 'acknowledged',
      acknowledgedAt: NOW - 2_000,
      raisedAt: NOW - 2_500,
      read: makeRead({ id: 2, plate: 'ZZZ999' }),
      entry: { id: 5, listName: 'NCIC', plate: 'ZZZ999', state: 'MA', listCode: 'SV', category: 'Stolen vehicle', description: '' },
    }),
  ];
}

describe('drafts', () => {
  it('keep the chosen disposition and its note, and the alert on screen, over a reload', async () => {
    const engine = new FakeEngine();
    twoAlerts(engine);
    await renderSignedIn(engine);
    // The officer is on alert 7 (oldest) with two open; switch to 8 and start its dispatch check, then back to 7.
    expect(screen.getByTestId('alert-screen').dataset.alertId).toBe('7');
    fireEvent.click(document.querySelector('[data-testid="alert-queue-item"][data-alert-id="8"]')!);
    click('check-characters-yes');
    await screen.findByTestId('check-state-yes');
    click('check-state-yes');
    await screen.findByTestId('dispatch-not-possible');
    click('dispatch-not-possible');
    type('dispatch-note', 'radio down');
    fireEvent.click(document.querySelector('[data-testid="alert-queue-item"][data-alert-id="7"]')!);
    click('disposition-other');
    type('disposition-note', 'driver stopped, owner has the plate');

    await reload(engine, 'alert-screen');
    expect(screen.getByTestId('alert-screen').dataset.alertId).toBe('7');
    expect(screen.getByTestId('disposition-other').getAttribute('aria-pressed')).toBe('true');
    expect((screen.getByTestId('disposition-note') as HTMLTextAreaElement).value).toBe('driver stopped, owner has the plate');
    fireEvent.click(document.querySelector('[data-testid="alert-queue-item"][data-alert-id="8"]')!);
    expect((await screen.findByTestId('dispatch-note') as HTMLTextAreaElement).value).toBe('radio down');
    expect(screen.getByTestId('dispatch-not-possible').getAttribute('aria-pressed')).toBe('true');
  });

  it('keep the picked reason and the actions taken over a reload, and the submit sends them', async () => {
    const engine = new FakeEngine();
    twoAlerts(engine);
    await renderSignedIn(engine);
    click('disposition-other');
    (await screen.findByTestId('reason-1')).click();
    click('action-warning');
    type('disposition-note', 'owner called in');

    await reload(engine, 'alert-screen');
    expect(screen.getByTestId('alert-screen').dataset.alertId).toBe('7');
    expect((await screen.findByTestId('reason-1')).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('action-warning').getAttribute('aria-pressed')).toBe('true');
    click('disposition-submit');
    await screen.findByTestId('disposition-saved');
    expect(engine.callsTo('alerts.dispose')).toEqual([
      { alertId: 7, kind: 'other', note: 'owner called in', reason: engine.reasons.other[1], actions: ['warning'] },
    ]);
  });

  it('restore a draft kept before reasons and actions were kept, with none chosen', async () => {
    const engine = new FakeEngine();
    twoAlerts(engine);
    window.localStorage.setItem(
      'lpr.screen',
      JSON.stringify({ userId: OFFICER.id, currentAlertId: 7, alertDrafts: { 7: { dispatchResult: null, dispatchNote: '', disposition: 'other', dispositionNote: 'older note' } } }),
    );
    await renderSignedIn(engine);
    expect((screen.getByTestId('disposition-note') as HTMLTextAreaElement).value).toBe('older note');
    expect(screen.getByTestId('action-warning').getAttribute('aria-pressed')).toBe('false');
  });

  it('keep them over an engine restart that signs the screen in again with its token', async () => {
    const engine = new FakeEngine();
    twoAlerts(engine);
    engine.handle('session.resume', ({ token }) =>
      token === 'resume-token-of-the-fake-engine'
        ? (engine.status = { ...engine.status, user: OFFICER }, { ok: true, value: { ...OFFICER, resumeToken: token } })
        : { ok: false, error: 'unknown token' },
    );
    // Signed in through the login screen, so the screen holds a resume token.
    engine.status = { ...engine.status, user: null };
    render(<App api={engine} />);
    await screen.findByTestId('login-user');
    type('login-user', OFFICER.id);
    type('login-pin', '4321');
    click('login-submit');
    await screen.findByTestId('alert-screen');
    click('disposition-misread');
    type('disposition-note', 'reads 8BC');

    // The engine restarts: it no longer knows this connection.
    engine.status = { ...engine.status, user: null };
    await reload(engine, 'alert-screen');
    expect(engine.callsTo('session.resume')).toHaveLength(1);
    expect((screen.getByTestId('disposition-note') as HTMLTextAreaElement).value).toBe('reads 8BC');
  });

  it('keep a half-typed manual entry with its panel open over a reload', async () => {
    const engine = new FakeEngine();
    await renderSignedIn(engine);
    click('hotlists-open');
    await screen.findByTestId('hotlists-panel');
    type('manual-plate', 'KLM45');
    type('manual-reason', 'seen leaving the scene on Elm');
    await reload(engine, 'hotlists-panel');
    expect((screen.getByTestId('manual-plate') as HTMLInputElement).value).toBe('KLM45');
    expect((screen.getByTestId('manual-reason') as HTMLInputElement).value).toBe('seen leaving the scene on Elm');
  });

  it('are not shown to the next officer after a sign-out', async () => {
    const engine = new FakeEngine();
    twoAlerts(engine);
    await renderSignedIn(engine);
    click('disposition-misread');
    type('disposition-note', 'private note');
    await waitFor(() => expect(window.localStorage.getItem('lpr.screen')).toContain('private note'));
    click('alert-defer');
    await screen.findByTestId('patrol-view');
    click('logout');
    // Sign-out asks first about the open alerts, then shows the shift summary.
    await screen.findByTestId('signout-open-alerts');
    click('signout-anyway');
    (await screen.findByTestId('signout-confirm')).click();
    await screen.findByTestId('login-submit');
    expect(window.localStorage.getItem('lpr.screen')).toBeNull();
  });
});
