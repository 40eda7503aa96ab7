// @vitest-environment jsdom
/**
 * The shift screen: deployments (a special detail waits for a supervisor's
 * approval, by PIN on this screen or by code), the shift summary with its
 * CSV, and sign-out that asks first when an alert is still open.
 */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { shiftCsv } from '../../src/renderer/lib/shift-csv.js';
import { useAlertsStore } from '../../src/renderer/stores/index.js';
import { FakeEngine, NOW, OFFICER, SUPERVISOR, SUPERVISOR_CODE, SUPERVISOR_PIN, makeAlert } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const click = (testId: string) => fireEvent.click(screen.getByTestId(testId));
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
const isDisabled = (testId: string) => (screen.getByTestId(testId) as HTMLButtonElement).disabled;

describe('shift screen', () => {
  it('a special detail waits for approval; a wrong PIN is refused, the supervisor\'s PIN starts it', async () => {
    const { engine } = await renderSignedIn();
    click('shift-open');
    await screen.findByTestId('deploy-routine');
    expect(isDisabled('deploy-special')).toBe(true);
    type('deploy-purpose', 'Stolen-vehicle sweep, Route 9');
    click('deploy-special');
    await screen.findByTestId('deploy-awaiting');
    type('approve-supervisor-id', SUPERVISOR.id);
    type('approve-pin', '000000');
    click('approve-signin');
    expect((await screen.findByTestId('shift-error')).textContent).toContain('wrong PIN');
    expect(screen.getByTestId('deploy-awaiting')).toBeTruthy();
    type('approve-pin', SUPERVISOR_PIN);
    click('approve-signin');
    expect((await screen.findByTestId('deploy-active')).textContent).toContain(`approved by ${SUPERVISOR.id}`);
    expect(engine.callsTo('deployments.approve')).toEqual([
      { deploymentId: 40, supervisorId: SUPERVISOR.id, pin: '000000' },
      { deploymentId: 40, supervisorId: SUPERVISOR.id, pin: SUPERVISOR_PIN },
    ]);
    // The summary lists the deployment with its own counters.
    await screen.findByTestId('summary-deployment-40');
    click('deploy-end');
    await screen.findByTestId('deploy-routine');
    expect(engine.deployments[0]).toMatchObject({ status: 'ended' });
  });

  it('approves with the supervisor\'s one-time code', async () => {
    const { engine } = await renderSignedIn();
    click('shift-open');
    await screen.findByTestId('deploy-purpose');
    type('deploy-purpose', 'Warrant service');
    click('deploy-special');
    await screen.findByTestId('deploy-awaiting');
    type('approve-code', `${SUPERVISOR_CODE.slice(0, 4)}-${SUPERVISOR_CODE.slice(4)}`.toLowerCase());
    click('approve-code-submit');
    expect((await screen.findByTestId('deploy-active')).textContent).toContain('(code)');
    expect(engine.deployments[0]).toMatchObject({ status: 'active', approvalMethod: 'code' });
  });

  it('sign-out with an open alert asks first; "Back" keeps the officer signed in', async () => {
    const engine = new FakeEngine();
    engine.alerts = [makeAlert()];
    await renderSignedIn(engine);
    // The officer put the alert aside to reach the patrol view.
    useAlertsStore.setState({ deferred: true });
    await screen.findByTestId('logout');
    click('logout');
    expect((await screen.findByTestId('signout-open-alerts')).textContent).toContain('1 alert has no disposition yet');
    expect(screen.queryByTestId('signout-confirm')).toBeNull();
    click('signout-back');
    await waitFor(() => expect(screen.queryByTestId('shift-screen')).toBeNull());
    expect(engine.callsTo('session.logout')).toHaveLength(0);

    click('logout');
    await screen.findByTestId('signout-anyway');
    click('signout-anyway');
    const counters = await screen.findByTestId('shift-counters');
    expect(counters.querySelector('[data-figure="undisposed"] dd')!.textContent).toBe('1');
    click('signout-confirm');
    await screen.findByTestId('login-user');
    expect(engine.callsTo('session.logout')).toHaveLength(1);
  });

  it('shows the shift\'s figures and exports them as CSV', async () => {
    const engine = new FakeEngine();
    engine.alerts = [
      makeAlert({ id: 1, status: 'disposed', disposition: { kind: 'confirmed', reason: null, note: '', actions: ['stop', 'arrest'], userId: OFFICER.id, recordedAt: NOW } }),
      makeAlert({ id: 2, status: 'disposed', disposition: { kind: 'misread', reason: 'Character misread', note: '', actions: [], userId: OFFICER.id, recordedAt: NOW } }),
    ];
    await renderSignedIn(engine);
    click('shift-open');
    const counters = await screen.findByTestId('shift-counters');
    const figure = (key: string) => counters.querySelector(`[data-figure="${key}"] dd`)!.textContent;
    expect([figure('hits'), figure('confirmed'), figure('disposition-misread'), figure('action-arrest'), figure('action-stop')]).toEqual(['2', '1', '1', '1', '1']);

    const summary = (await engine.invoke('shift.summary', {})) as { ok: true; value: Parameters<typeof shiftCsv>[0] };
    const csv = shiftCsv({ ...summary.value, officer: { ...OFFICER, name: 'Rivera, "Ace"' } });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,deployment,figure,value');
    expect(lines).toContain('shift,,officer,"Rivera, ""Ace"" (1234)"');
    expect(lines).toContain('shift,,confirmed hits,1');
    expect(lines).toContain('shift,,action: Arrest,1');
    expect(lines).toContain('shift,,disposition: misread,1');
  });
});
