// @vitest-environment jsdom
import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App.js';
import type { ConnectionSource, ConnectionState } from '../../src/renderer/bridge/ws-client.js';
import { FakeEngine, OFFICER, makeAlert } from './fake-engine.js';
import { installRendererHooks } from './setup.js';

installRendererHooks();

class FakeConnection implements ConnectionSource {
  current: ConnectionState = 'open';
  private listeners = new Set<(state: ConnectionState) => void>();
  state = () => this.current;
  onChange(listener: (state: ConnectionState) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(state: ConnectionState) {
    this.current = state;
    act(() => {
      for (const l of this.listeners) l(state);
    });
  }
}

describe('app and bridge connection', () => {
  it('shows a banner while the engine is unreachable and reloads the shift on reconnect', async () => {
    const engine = new FakeEngine();
    engine.status = { ...engine.status, user: OFFICER };
    const connection = new FakeConnection();
    render(<App api={engine} connection={connection} />);
    await screen.findByTestId('patrol-view');
    expect(screen.queryByTestId('connection-banner')).toBeNull();

    connection.set('closed');
    expect(screen.getByTestId('connection-banner').textContent).toContain('reconnecting');
    engine.alerts = [makeAlert()];
    const alertLoads = engine.callsTo('alerts.open').length;
    connection.set('connecting');
    connection.set('open');
    expect(screen.queryByTestId('connection-banner')).toBeNull();
    await screen.findByTestId('alert-screen');
    expect(engine.callsTo('alerts.open').length).toBe(alertLoads + 1);
  });

  it('returns to sign-in when the engine lost the session while disconnected', async () => {
    const engine = new FakeEngine();
    engine.status = { ...engine.status, user: OFFICER };
    const connection = new FakeConnection();
    render(<App api={engine} connection={connection} />);
    await screen.findByTestId('patrol-view');
    connection.set('closed');
    engine.status = { ...engine.status, user: null };
    connection.set('open');
    await screen.findByTestId('login-user');
    expect(screen.getByText(/ended the session/)).toBeTruthy();
  });

  it('says it is connecting before the bridge first opens', async () => {
    const engine = new FakeEngine();
    const connection = new FakeConnection();
    connection.current = 'connecting';
    render(<App api={engine} connection={connection} />);
    await waitFor(() => expect(screen.getByTestId('connection-banner').textContent).toContain('Connecting'));
  });

  it('unsubscribes from engine events when unmounted', async () => {
    const engine = new FakeEngine();
    const view = render(<App api={engine} />);
    await screen.findByTestId('login-user');
    expect(engine.listenerCount('alert')).toBe(1);
    view.unmount();
    expect(engine.listenerCount('alert')).toBe(0);
  });
});
