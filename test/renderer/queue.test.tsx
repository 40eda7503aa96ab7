// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeEngine, NOW, makeAlert, makeRead } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

describe('alert queue and repeat sightings', () => {
  it('shows a repeat sighting on the open alert instead of a new alert', async () => {
    const engine = new FakeEngine();
    const alert = makeAlert({ status: 'acknowledged', acknowledgedAt: NOW - 3_000 });
    engine.alerts = [alert];
    await renderSignedIn(engine);
    expect(screen.queryByTestId('alert-seen-again')).toBeNull();
    const at = new Date(2024, 4, 14, 7, 31, 0).getTime();
    engine.emit('alert', { ...alert, seenAgain: { count: 1, lastAt: at, cameraId: 'rear', readId: 12 } });
    expect(screen.getByTestId('alert-seen-again').textContent).toBe('Seen again 07:31:00, Rear camera');
    expect(screen.getAllByTestId('alert-screen')).toHaveLength(1);
    expect(screen.getByTestId('alert-queue').textContent).toContain('Alert 1 of 1');
    engine.emit('alert', { ...alert, seenAgain: { count: 3, lastAt: at + 60_000, cameraId: 'front', readId: 13 } });
    expect(screen.getByTestId('alert-seen-again').textContent).toContain('07:32:00, Front camera (3 times since this alert)');
  });

  it('lists the other open alerts most urgent first, and a tap switches to one once this one is acknowledged', async () => {
    const engine = new FakeEngine();
    const stolen = makeAlert({ id: 1, status: 'acknowledged', acknowledgedAt: NOW - 9_000, raisedAt: NOW - 10_000 });
    const expired = makeAlert({
      id: 2,
      status: 'acknowledged',
      acknowledgedAt: NOW - 5_000,
      raisedAt: NOW - 6_000,
      read: makeRead({ id: 2, plate: 'EXP111' }),
      entry: { id: 5, listName: 'DMV', plate: 'EXP111', state: 'MA', listCode: 'EXP', category: 'Expired registration', description: '' },
    });
    const wanted = makeAlert({
      id: 3,
      raisedAt: NOW - 1_000,
      read: makeRead({ id: 3, plate: 'WNT999' }),
      entry: { id: 6, listName: 'NCIC', plate: 'WNT999', state: 'MA', listCode: 'W', category: 'Wanted person', description: '' },
    });
    engine.alerts = [stolen, expired, wanted];
    await renderSignedIn(engine);
    // The wanted person is pending and most urgent: it takes the screen; the others cannot be switched to yet.
    expect(screen.getByTestId('alert-screen').dataset.alertId).toBe('3');
    let items = screen.getAllByTestId('alert-queue-item');
    expect(items.map((b) => b.dataset.alertId)).toEqual(['1', '2']);
    expect(items.every((b) => (b as HTMLButtonElement).disabled)).toBe(true);
    fireEvent.click(screen.getByTestId('alert-ack'));
    await waitFor(() => expect((screen.getAllByTestId('alert-queue-item')[0] as HTMLButtonElement).disabled).toBe(false));
    items = screen.getAllByTestId('alert-queue-item');
    expect(items[1]!.textContent).toContain('EXP111');
    fireEvent.click(items[1]!);
    expect(screen.getByTestId('alert-screen').dataset.alertId).toBe('2');
    expect(screen.getAllByTestId('alert-queue-item').map((b) => b.dataset.alertId)).toEqual(['3', '1']);
  });
});
