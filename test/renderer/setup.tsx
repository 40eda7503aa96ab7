/** Shared set-up for the renderer's component tests: fresh stores, unmounted trees, silent tone. */
import { cleanup, configure, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { App } from '../../src/renderer/App.js';
import { alertTone } from '../../src/renderer/audio/tone.js';
import { resetAllStores } from '../../src/renderer/stores/index.js';
import { FakeEngine, NOW, OFFICER } from './fake-engine.js';

// findBy*/waitFor give up after one second by default: on a busy two-core machine a render can
// take longer than that without anything being wrong. A real failure still fails, later.
configure({ asyncUtilTimeout: 10_000 });

export function installRendererHooks(): void {
  beforeEach(() => {
    resetAllStores();
    // What a screen keeps across reloads must not leak from one test into the next.
    window.localStorage.clear();
    window.sessionStorage.clear();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    cleanup();
    alertTone.close();
    vi.useRealTimers();
    vi.unstubAllGlobals();
    delete document.body.dataset.tone;
  });
}

/** After a sign-in: the shift-start check comes first; "Start patrol" goes on to the patrol view. */
export async function startPatrol(): Promise<void> {
  fireEvent.click(await screen.findByTestId('start-patrol'));
  await screen.findByTestId('patrol-view');
}

/** Renders the app with the engine already signed in, and waits for the patrol view. */
export async function renderSignedIn(engine = new FakeEngine()) {
  engine.status = { ...engine.status, user: OFFICER };
  const view = render(<App api={engine} />);
  await screen.findByTestId(engine.alerts.some((a) => a.status !== 'disposed') ? 'alert-screen' : 'patrol-view');
  return { engine, ...view };
}
