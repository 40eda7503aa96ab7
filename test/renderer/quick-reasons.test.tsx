// @vitest-environment jsdom
/**
 * Quick-pick reasons are the car's to configure: the administrator's Car tab
 * edits each list (one reason a line, checked with the engine's own rule),
 * and what the engine answers on alerts.reasons is what the manual entry
 * form and the disposition offer.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App.js';
import { DEFAULT_QUICK_REASONS } from '../../src/shared/checklist.js';
import type { User } from '../../src/shared/contract.js';
import { carSettingsSchema, type CarSettings } from '../../src/shared/settings.js';
import { FakeEngine, NOW, makeAlert } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const ADMIN: User = { id: 'chief', name: 'Chief Ortiz', role: 'administrator' };

function carEngine(): { engine: FakeEngine; saved: () => CarSettings } {
  const engine = new FakeEngine();
  engine.status = { ...engine.status, user: ADMIN, channels: ['users.list', 'audit.list', 'settings.get', 'settings.update'] };
  let settings = carSettingsSchema.parse({});
  engine.handle('users.list', () => ({ ok: true, value: [] }));
  engine.handle('settings.get', () => ({ ok: true, value: { settings, file: '/var/lib/lpr/settings.json' } }));
  engine.handle('settings.update', (request) => {
    settings = carSettingsSchema.parse(request.settings);
    return { ok: true, value: { settings, file: '/var/lib/lpr/settings.json', camerasStarted: [], camerasStopped: [], gpsReopened: false, restartNeeded: [] } };
  });
  return { engine, saved: () => settings };
}

describe('quick-pick reasons', () => {
  it('are edited on the Car tab one a line, a repeated one named at its list, and saved with the settings', async () => {
    const { engine, saved } = carEngine();
    render(<App api={engine} />);
    await screen.findByTestId('patrol-view');
    fireEvent.click(screen.getByTestId('admin-open'));
    fireEvent.click(await screen.findByTestId('admin-tab-settings'));
    const manual = (await screen.findByTestId('settings-reasons-manual')) as HTMLTextAreaElement;
    expect(manual.value).toBe(DEFAULT_QUICK_REASONS.manual.join('\n'));

    fireEvent.change(manual, { target: { value: 'Amber alert\nCourt order\nAmber alert' } });
    expect((await screen.findByTestId('settings-problems')).textContent).toContain('reason "Amber alert" is listed twice');
    expect(manual.getAttribute('aria-invalid')).toBe('true');

    // A blank line while typing the next reason is kept on screen and left out of the list.
    fireEvent.change(manual, { target: { value: 'Amber alert\nCourt order\n' } });
    expect(manual.value).toBe('Amber alert\nCourt order\n');
    await waitFor(() => expect(screen.queryByTestId('settings-problems')).toBeNull());
    expect(screen.getByTestId('settings-changes').textContent).toContain('reasons.manual');
    fireEvent.change(screen.getByTestId('settings-reason'), { target: { value: 'agency asked for court orders' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await screen.findByTestId('settings-applied');
    expect(saved().reasons.manual).toEqual(['Amber alert', 'Court order']);
    expect(saved().reasons.misread).toEqual(DEFAULT_QUICK_REASONS.misread);
  });

  it('that the engine answers are offered on the disposition', async () => {
    const engine = new FakeEngine();
    engine.reasons = { ...DEFAULT_QUICK_REASONS, other: ['Traffic too heavy'] };
    engine.alerts = [makeAlert({ status: 'acknowledged', acknowledgedAt: NOW - 2_000, checks: { charactersMatch: true, stateMatches: true, dispatch: 'not-possible', dispatchNote: '' } })];
    await renderSignedIn(engine);
    fireEvent.click(await screen.findByTestId('disposition-other'));
    expect(await screen.findByRole('button', { name: 'Traffic too heavy' })).toBeTruthy();
  });
});
