// @vitest-environment jsdom
/**
 * The screens of governance: the lock screen (PIN unlocks, an alert shows and
 * sounds over it, idle time locks), the first administrator, and the
 * administrator's Users and Audit tabs.
 */
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/App.js';
import { alertTone } from '../../src/renderer/audio/tone.js';
import type { AuditRowView, User, UserRecordView } from '../../src/shared/contract.js';
import { FakeEngine, NOW, makeAlert } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const ADMIN: User = { id: 'chief', name: 'Chief Ortiz', role: 'administrator' };

function lockable(engine = new FakeEngine()): FakeEngine {
  engine.handle('session.lock', () => {
    engine.status = { ...engine.status, locked: true };
    return { ok: true, value: null };
  });
  engine.handle('session.unlock', ({ pin }) => {
    if (pin !== '4321') return { ok: false, error: 'unknown officer ID or wrong PIN' };
    engine.status = { ...engine.status, locked: false };
    return { ok: true, value: null };
  });
  return engine;
}

describe('lock screen', () => {
  it('locks from the header, refuses a wrong PIN, and the right PIN opens the patrol view again', async () => {
    const engine = lockable();
    await renderSignedIn(engine);
    fireEvent.click(screen.getByTestId('lock'));
    await screen.findByTestId('lock-screen');
    expect(engine.callsTo('session.lock')).toHaveLength(1);
    fireEvent.change(screen.getByTestId('lock-pin'), { target: { value: '9999' } });
    fireEvent.click(screen.getByTestId('lock-unlock'));
    expect((await screen.findByTestId('lock-error')).textContent).toContain('wrong PIN');
    fireEvent.change(screen.getByTestId('lock-pin'), { target: { value: '4321' } });
    fireEvent.click(screen.getByTestId('lock-unlock'));
    await screen.findByTestId('patrol-view');
    expect(engine.callsTo('session.unlock')).toEqual([{ pin: '9999' }, { pin: '4321' }]);
  });

  it('shows an alert that arrives while locked and sounds its tone over the lock', async () => {
    const engine = lockable();
    await renderSignedIn(engine);
    const start = vi.spyOn(alertTone, 'start');
    fireEvent.click(screen.getByTestId('lock'));
    await screen.findByTestId('lock-screen');
    engine.emit('alert', makeAlert());
    expect((await screen.findByTestId('lock-alert')).textContent).toMatch(/HIT: .* unlock to work the alert/);
    expect(screen.getByTestId('lock-screen')).toBeTruthy();
    await waitFor(() => expect(start).toHaveBeenCalled());
    fireEvent.change(screen.getByTestId('lock-pin'), { target: { value: '4321' } });
    fireEvent.click(screen.getByTestId('lock-unlock'));
    await screen.findByTestId('alert-screen');
  });

  it('locks by itself after the idle time the engine reports', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(NOW);
    const engine = lockable();
    engine.status = { ...engine.status, lockAfterMinutes: 2 };
    await renderSignedIn(engine);
    act(() => vi.advanceTimersByTime(60_000));
    fireEvent.pointerDown(screen.getByTestId('patrol-view'));
    act(() => vi.advanceTimersByTime(90_000));
    expect(engine.callsTo('session.lock')).toHaveLength(0);
    act(() => vi.advanceTimersByTime(60_000));
    expect(engine.callsTo('session.lock')).toHaveLength(1);
    vi.useRealTimers();
    await screen.findByTestId('lock-screen');
  });
});

describe('first run', () => {
  it('asks for the first administrator, checks the PIN rule, then offers sign-in', async () => {
    const engine = new FakeEngine();
    engine.status = { ...engine.status, needsFirstAdministrator: true, pinMinLength: 6 };
    engine.handle('users.firstAdministrator', ({ id, name }) => {
      engine.status = { ...engine.status, needsFirstAdministrator: false };
      return { ok: true, value: { id, name, role: 'administrator' } };
    });
    render(<App api={engine} />);
    await screen.findByTestId('first-admin');
    fireEvent.change(screen.getByTestId('first-admin-id'), { target: { value: 'chief' } });
    fireEvent.change(screen.getByTestId('first-admin-name'), { target: { value: 'Chief Ortiz' } });
    fireEvent.change(screen.getByTestId('first-admin-pin'), { target: { value: '1234' } });
    fireEvent.change(screen.getByTestId('first-admin-pin-again'), { target: { value: '1234' } });
    fireEvent.click(screen.getByTestId('first-admin-submit'));
    expect((await screen.findByTestId('first-admin-error')).textContent).toBe('the PIN must be at least 6 characters');
    fireEvent.change(screen.getByTestId('first-admin-pin'), { target: { value: '5550123' } });
    fireEvent.change(screen.getByTestId('first-admin-pin-again'), { target: { value: '5550124' } });
    fireEvent.click(screen.getByTestId('first-admin-submit'));
    expect((await screen.findByTestId('first-admin-error')).textContent).toBe('The two PINs differ.');
    fireEvent.change(screen.getByTestId('first-admin-pin-again'), { target: { value: '5550123' } });
    fireEvent.click(screen.getByTestId('first-admin-submit'));
    await screen.findByTestId('login-user');
    expect(screen.getByText(/Administrator chief created/)).toBeTruthy();
    expect(engine.callsTo('users.firstAdministrator')).toEqual([{ id: 'chief', name: 'Chief Ortiz', pin: '5550123' }]);
  });
});

function adminEngine(): FakeEngine {
  const engine = new FakeEngine();
  engine.status = { ...engine.status, user: ADMIN, channels: ['users.list', 'users.create', 'users.disable', 'users.enable', 'users.resetPin', 'users.setTrained', 'audit.list', 'audit.verify'] };
  let users: UserRecordView[] = [
    { id: 'chief', name: 'Chief Ortiz', role: 'administrator', trained: true, disabled: false, lockedUntil: null, failedAttempts: 0, createdAt: NOW },
    { id: 'k.smith', name: 'K Smith', role: 'officer', trained: true, disabled: false, lockedUntil: NOW + 4 * 60_000, failedAttempts: 0, createdAt: NOW },
  ];
  const change = (id: string, patch: Partial<UserRecordView>) => {
    users = users.map((u) => (u.id === id ? { ...u, ...patch } : u));
    return { ok: true as const, value: users.find((u) => u.id === id)! };
  };
  engine.handle('users.list', () => ({ ok: true, value: users }));
  engine.handle('users.create', ({ id, name, role, trained }) => {
    const user: UserRecordView = { id, name, role, trained, disabled: false, lockedUntil: null, failedAttempts: 0, createdAt: NOW };
    users = [...users, user];
    return { ok: true, value: user };
  });
  engine.handle('users.disable', ({ id }) => change(id, { disabled: true }));
  engine.handle('users.enable', ({ id }) => change(id, { disabled: false }));
  engine.handle('users.resetPin', ({ id }) => change(id, { lockedUntil: null }));
  engine.handle('users.setTrained', ({ id, trained }) => change(id, { trained }));
  const rows: AuditRowView[] = [
    { id: 3, at: NOW - 60_000, userId: 'chief', action: 'user.add', detail: { id: 'k.smith', role: 'officer' }, hash: 'c'.repeat(64) },
    { id: 2, at: NOW - 120_000, userId: 'k.smith', action: 'session.login-failed', detail: { reason: 'wrong PIN', failures: 1 }, hash: 'b'.repeat(64) },
  ];
  engine.handle('audit.list', (filter) => ({ ok: true, value: rows.filter((r) => !filter.userId || r.userId === filter.userId) }));
  engine.handle('audit.verify', () => ({ ok: true, value: { ok: true, rows: 3, firstId: 1, lastId: 3, lastHash: 'c'.repeat(64) } }));
  return engine;
}

/** Renders the app with the administrator signed in (renderSignedIn signs in the officer). */
async function renderAdmin(engine: FakeEngine) {
  render(<App api={engine} />);
  await screen.findByTestId('patrol-view');
}

describe("administrator's screen", () => {
  it('lists users with their state and changes them: trained flag, disable with a reason, reset PIN, add', async () => {
    const engine = adminEngine();
    await renderAdmin(engine);
    fireEvent.click(screen.getByTestId('admin-open'));
    await screen.findByTestId('users-tab');
    const rows = await screen.findAllByTestId('user-row');
    expect(rows).toHaveLength(2);
    const smith = rows[1]!;
    expect(within(smith).getByTestId('user-state').textContent).toMatch(/Locked until/);
    // An administrator cannot disable their own account from here.
    expect((within(rows[0]!).getByTestId('user-disable') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(within(smith).getByTestId('user-trained'));
    await waitFor(() => expect(engine.callsTo('users.setTrained')).toEqual([{ id: 'k.smith', trained: false }]));
    await waitFor(() => expect(within(smith).getByTestId('user-state').textContent).toMatch(/Locked until/));

    fireEvent.click(within(smith).getByTestId('user-disable'));
    fireEvent.change(within(smith).getByTestId('user-confirm-text'), { target: { value: 'x' } });
    fireEvent.click(within(smith).getByTestId('user-confirm'));
    expect((await within(smith).findByTestId('user-error')).textContent).toMatch(/Say why/);
    fireEvent.change(within(smith).getByTestId('user-confirm-text'), { target: { value: 'left the agency' } });
    fireEvent.click(within(smith).getByTestId('user-confirm'));
    await waitFor(() => expect(within(smith).getByTestId('user-state').textContent).toBe('Disabled'));
    expect(engine.callsTo('users.disable')).toEqual([{ id: 'k.smith', reason: 'left the agency' }]);

    fireEvent.click(within(smith).getByTestId('user-reset-pin'));
    fireEvent.change(within(smith).getByTestId('user-confirm-text'), { target: { value: '123' } });
    fireEvent.click(within(smith).getByTestId('user-confirm'));
    expect((await within(smith).findByTestId('user-error')).textContent).toBe('the PIN must be at least 6 characters');
    expect(engine.callsTo('users.resetPin')).toHaveLength(0);

    fireEvent.change(screen.getByTestId('new-user-id'), { target: { value: 'sgt.lee' } });
    fireEvent.change(screen.getByTestId('new-user-name'), { target: { value: 'Sgt Lee' } });
    fireEvent.change(screen.getByTestId('new-user-role'), { target: { value: 'supervisor' } });
    fireEvent.change(screen.getByTestId('new-user-pin'), { target: { value: '777123' } });
    fireEvent.click(screen.getByTestId('new-user-submit'));
    expect((await screen.findByTestId('new-user-done')).textContent).toBe('Supervisor sgt.lee added.');
    expect(engine.callsTo('users.create')).toEqual([{ id: 'sgt.lee', name: 'Sgt Lee', role: 'supervisor', trained: true, pin: '777123' }]);
    expect(screen.getAllByTestId('user-row')).toHaveLength(3);
  });

  it('shows the audit trail with the verify result, and filters it', async () => {
    const engine = adminEngine();
    await renderAdmin(engine);
    fireEvent.click(screen.getByTestId('admin-open'));
    fireEvent.click(await screen.findByTestId('admin-tab-audit'));
    expect((await screen.findByText(/Chain verified/)).closest('[data-testid="audit-verdict"]')?.textContent).toMatch(/3 rows, 1 to 3/);
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(2));
    // The user ID is typed on the on-screen keyboard, in lower case.
    fireEvent.click(screen.getByTestId('audit-filter-user-keyboard'));
    const keys = within(screen.getByTestId('audit-filter-user-keys'));
    fireEvent.click(screen.getByTestId('audit-filter-user-keys-case'));
    for (const char of 'k.smith') fireEvent.click(keys.getByRole('button', { name: char }));
    fireEvent.click(screen.getByTestId('audit-filter-user-keys-done'));
    expect(screen.queryByTestId('audit-filter-user-keys')).toBeNull();
    expect((screen.getByTestId('audit-filter-user') as HTMLInputElement).value).toBe('k.smith');
    fireEvent.change(screen.getByTestId('audit-filter-action'), { target: { value: 'session.*' } });
    fireEvent.click(screen.getByTestId('audit-filter-apply'));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(1));
    expect(engine.callsTo('audit.list').at(-1)).toMatchObject({ userId: 'k.smith', action: 'session.*', limit: 50 });
    expect(screen.getByTestId('audit-row').textContent).toMatch(/session\.login-failed.*reason: wrong PIN/);
  });

  it('names the row where a broken chain fails', async () => {
    const engine = adminEngine();
    engine.handle('audit.verify', () => ({ ok: true, value: { ok: false, rows: 41, rowId: 42, reason: 'row 42 was altered: its content does not match its hash' } }));
    await renderAdmin(engine);
    fireEvent.click(screen.getByTestId('admin-open'));
    fireEvent.click(await screen.findByTestId('admin-tab-audit'));
    expect((await screen.findByTestId('audit-verdict')).textContent).toMatch(/Chain BROKEN at row 42\..*altered/);
  });

  it('is not offered to an officer', async () => {
    await renderSignedIn(new FakeEngine());
    expect(screen.queryByTestId('admin-open')).toBeNull();
  });
});
