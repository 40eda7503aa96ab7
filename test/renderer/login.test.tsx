// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/App.js';
import { useSessionStore } from '../../src/renderer/stores/index.js';
import { FakeEngine, OFFICER, makeAlert } from './fake-engine.js';
import { installRendererHooks, renderSignedIn, startPatrol } from './setup.js';

installRendererHooks();

function signIn(userId: string, pin: string) {
  fireEvent.change(screen.getByTestId('login-user'), { target: { value: userId } });
  fireEvent.change(screen.getByTestId('login-pin'), { target: { value: pin } });
  fireEvent.click(screen.getByTestId('login-submit'));
}

describe('login', () => {
  it('signs a trained officer in, shows the shift-start check, and loads the patrol view', async () => {
    const engine = new FakeEngine();
    render(<App api={engine} />);
    await screen.findByTestId('login-user');
    signIn('1234', '4321');
    await screen.findByTestId('shift-start');
    await startPatrol();
    expect(engine.callsTo('session.login')).toEqual([{ userId: '1234', pin: '4321' }]);
    expect(useSessionStore.getState().user).toEqual(OFFICER);
    await waitFor(() => expect(screen.getAllByTestId('read-row')).toHaveLength(1));
    expect(engine.callsTo('alerts.open')).toHaveLength(1);
  });

  it("shows the engine's refusal for an untrained user and stays on the login screen", async () => {
    const engine = new FakeEngine();
    render(<App api={engine} />);
    await screen.findByTestId('login-user');
    signIn('untrained', '0000');
    expect((await screen.findByTestId('login-error')).textContent).toContain('not marked as trained');
    expect(screen.queryByTestId('patrol-view')).toBeNull();
    expect((screen.getByTestId('login-pin') as HTMLInputElement).value).toBe('');
  });

  it('checks the PIN length before asking the engine', async () => {
    const engine = new FakeEngine();
    render(<App api={engine} />);
    await screen.findByTestId('login-user');
    signIn('1234', '12');
    expect((await screen.findByTestId('login-error')).textContent).toContain('at least 4 digits');
    expect(engine.callsTo('session.login')).toHaveLength(0);
  });

  it('types the PIN with the on-screen keypad', async () => {
    const engine = new FakeEngine();
    render(<App api={engine} />);
    fireEvent.change(await screen.findByTestId('login-user'), { target: { value: '1234' } });
    fireEvent.focus(screen.getByTestId('login-pin'));
    for (const digit of ['4', '3', '2', '9']) fireEvent.click(screen.getByRole('button', { name: digit }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete last digit' }));
    fireEvent.click(screen.getByRole('button', { name: '1' }));
    expect((screen.getByTestId('login-pin') as HTMLInputElement).value).toBe('4321');
    fireEvent.click(screen.getByTestId('login-submit'));
    await screen.findByTestId('shift-start');
  });

  it('disables the submit button while the engine answers', async () => {
    const engine = new FakeEngine();
    let answer!: () => void;
    engine.handle('session.login', () => new Promise((resolve) => (answer = () => resolve({ ok: true, value: { ...OFFICER, resumeToken: 'resume-token-of-the-fake-engine' } }))));
    render(<App api={engine} />);
    await screen.findByTestId('login-user');
    signIn('1234', '4321');
    await waitFor(() => expect((screen.getByTestId('login-submit') as HTMLButtonElement).disabled).toBe(true));
    answer();
    await screen.findByTestId('shift-start');
  });

  it('creates the AudioContext on the login click so the tone may play later', async () => {
    const created: string[] = [];
    class FakeAudioContext {
      state = 'suspended';
      constructor() {
        created.push('context');
      }
      resume = vi.fn(async () => {
        this.state = 'running';
      });
      close = vi.fn(async () => undefined);
    }
    vi.stubGlobal('AudioContext', FakeAudioContext);
    render(<App api={new FakeEngine()} />);
    await screen.findByTestId('login-user');
    signIn('1234', '4321');
    await screen.findByTestId('shift-start');
    expect(created).toEqual(['context']);
  });

  it('resumes the session the engine already has, straight to an open alert', async () => {
    const engine = new FakeEngine();
    engine.alerts = [makeAlert()];
    await renderSignedIn(engine);
    expect(screen.getByTestId('alert-screen')).toBeTruthy();
    expect(engine.callsTo('session.login')).toHaveLength(0);
  });

  it('signs out', async () => {
    const { engine } = await renderSignedIn();
    fireEvent.click(screen.getByTestId('logout'));
    // Sign-out shows the shift summary first.
    fireEvent.click(await screen.findByTestId('signout-confirm'));
    await screen.findByTestId('login-user');
    expect(engine.callsTo('session.logout')).toHaveLength(1);
  });
});
