// @vitest-environment jsdom
/**
 * The storage banner: every screen says when the disk is full or failing
 * (alerts still come, reads wait in memory) and when a damaged database was
 * moved aside at start-up, live from status events.
 */
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { StorageStatus } from '../../src/shared/contract.js';
import { makeAlert, makeStatus } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const healthy: StorageStatus = { state: 'ok', message: null, buffered: 0, lost: 0, freeBytes: 5e9, replaced: null };

describe('storage banner', () => {
  it('shows nothing while storage is healthy, and the fault with what is held while it is not', async () => {
    const { engine } = await renderSignedIn();
    engine.emit('status', makeStatus({ storage: healthy }));
    expect(screen.queryByTestId('storage-banner')).toBeNull();
    engine.emit('status', makeStatus({ storage: { ...healthy, state: 'full', message: 'Storage is full: reads and alerts are kept in memory.', buffered: 3 } }));
    const banner = await screen.findByTestId('storage-banner');
    expect(banner.textContent).toContain('STORAGE FULL');
    expect(banner.textContent).toContain('kept in memory');
    expect(banner.textContent).toContain('3 reads waiting to be stored');
    engine.emit('status', makeStatus({ storage: healthy }));
    expect(screen.queryByTestId('storage-banner')).toBeNull();
  });

  it('stays above the alert screen, so the officer knows the alert is not stored yet', async () => {
    const { engine } = await renderSignedIn();
    engine.emit('status', makeStatus({ storage: { ...healthy, state: 'failing', message: 'The database cannot be written.' } }));
    engine.emit('alert', makeAlert());
    await screen.findByTestId('alert-screen');
    expect(screen.getByTestId('storage-banner').textContent).toContain('STORAGE FAILING');
  });

  it('tells that a damaged database was moved aside and where', async () => {
    const { engine } = await renderSignedIn();
    engine.emit('status', makeStatus({ storage: { ...healthy, replaced: { movedTo: '/data/lpr.sqlite.damaged-2026-01-02T03-04-05-000Z', at: 1, problems: ['page 7: bad'] } } }));
    const banner = await screen.findByTestId('storage-replaced-banner');
    expect(banner.textContent).toContain('DATABASE REPLACED');
    expect(banner.textContent).toContain('/data/lpr.sqlite.damaged-2026-01-02T03-04-05-000Z');
  });
});
