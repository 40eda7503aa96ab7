/**
 * Accounts on the real engine and the command line: PIN length, lockout after
 * wrong PINs in a row (with an injected clock), the same scrypt work for an
 * unknown user as for a wrong PIN, PIN checks off the engine's thread,
 * administrators' changes audited, the first administrator, and `lpr user`
 * needing an administrator once users exist.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { command as userCommand } from '../../src/cli/commands/user.js';
import { CommandFailed, type CliContext } from '../../src/cli/context.js';
import { pinProblem } from '../../src/shared/accounts.js';
import { Engine } from '../../src/main/engine/engine.js';
import { listAudit, verifyAuditChain } from '../../src/main/engine/governance/audit.js';
import { addUser, login, LoginRefused } from '../../src/main/engine/governance/users.js';
import type { Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import { openDatabase } from '../../src/main/engine/store/db.js';

const idle: Recognizer = { name: 'none', recognize: async () => ({ plates: [], timings: { detectMs: 0, ocrMs: 0 } }), dispose: async () => {} };
const T0 = Date.parse('2026-03-01T08:00:00Z');

let dir: string;
let clock: number;
let engine: Engine | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-users-'));
  clock = T0;
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  if (engine) await engine.close();
  engine = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

function startEngine(): Engine {
  engine = new Engine({ dbFile: path.join(dir, 'lpr.sqlite'), recognizer: idle, now: () => clock });
  return engine;
}

describe('PIN rules (shared with the screen)', () => {
  it('needs at least the configured length', () => {
    expect(pinProblem('12345')).toBe('the PIN must be at least 6 characters');
    expect(pinProblem('123456')).toBeNull();
    expect(pinProblem('12345678', 8)).toBeNull();
    expect(pinProblem('1234567', 8)).toMatch(/at least 8/);
    expect(pinProblem(' 123456')).toMatch(/space/);
    expect(pinProblem('x'.repeat(65))).toMatch(/at most 64/);
  });

  it('refuses a short PIN when a user is added', () => {
    const db = openDatabase(path.join(dir, 'lpr.sqlite'));
    expect(() => addUser(db, { id: 'k.smith', name: 'K Smith', role: 'officer', trained: true, pin: '1234' }, null)).toThrow('the PIN must be at least 6 characters');
    expect(() => addUser(db, { id: 'bad id', name: 'K Smith', role: 'officer', trained: true, pin: '123456' }, null)).toThrow(/user id "bad id"/);
    db.close();
  });
});

describe('sign-in on the real engine', () => {
  it('locks an account after 5 wrong PINs in a row for 5 minutes, audited, then lets it in', async () => {
    const e = startEngine();
    addUser(e.db, { id: 'k.smith', name: 'K Smith', role: 'officer', trained: true, pin: '482913' }, null);
    const screen = e.connect(() => undefined);
    for (let i = 1; i <= 4; i++) {
      expect(await screen.invoke('session.login', { userId: 'k.smith', pin: '000000' })).toEqual({ ok: false, error: 'unknown officer ID or wrong PIN' });
    }
    expect(await screen.invoke('session.login', { userId: 'k.smith', pin: '000000' })).toEqual({ ok: false, error: 'wrong PIN 5 times in a row: k.smith is locked until 08:05 UTC' });
    clock += 60_000;
    // The right PIN does not open a locked account.
    expect(await screen.invoke('session.login', { userId: 'k.smith', pin: '482913' })).toMatchObject({ ok: false, error: expect.stringMatching(/locked until 08:05 UTC/) });
    clock = T0 + 5 * 60_000 + 1;
    expect(await screen.invoke('session.login', { userId: 'k.smith', pin: '482913' })).toMatchObject({ ok: true, value: { id: 'k.smith' } });
    const actions = listAudit(e.db, { userId: 'k.smith', limit: 50 }).map((r) => r.action).reverse();
    expect(actions).toEqual([
      ...Array(5).fill('session.login-failed'),
      'user.locked-out',
      'session.login-refused',
      'session.login',
    ]);
    expect(listAudit(e.db, { action: 'user.locked-out' })[0]!.detail).toEqual({ failures: 5, until: T0 + 5 * 60_000 });
    expect(verifyAuditChain(e.db).ok).toBe(true);
  });

  it('a good PIN resets the count, and the limits come from the car settings', async () => {
    const e = startEngine();
    e.carSettings.current = { ...e.carSettings.current, accounts: { pinMinLength: 8, maxFailedAttempts: 2, lockoutMinutes: 1 } };
    addUser(e.db, { id: 'k.smith', name: 'K Smith', role: 'officer', trained: true, pin: '48291300' }, null, T0, e.carSettings.current.accounts);
    const screen = e.connect(() => undefined);
    expect(await screen.invoke('session.login', { userId: 'k.smith', pin: '000000' })).toMatchObject({ ok: false });
    expect(await screen.invoke('session.login', { userId: 'k.smith', pin: '48291300' })).toMatchObject({ ok: true });
    expect(await screen.invoke('session.login', { userId: 'k.smith', pin: '000000' })).toEqual({ ok: false, error: 'unknown officer ID or wrong PIN' });
    expect(await screen.invoke('session.login', { userId: 'k.smith', pin: '000000' })).toMatchObject({ ok: false, error: expect.stringMatching(/2 times in a row.*08:01 UTC/) });
    expect(e.status().pinMinLength).toBe(8);
  });

  it('wrong PINs on the lock screen count too', async () => {
    const e = startEngine();
    addUser(e.db, { id: 'k.smith', name: 'K Smith', role: 'officer', trained: true, pin: '482913' }, null);
    const screen = e.connect(() => undefined);
    await screen.invoke('session.login', { userId: 'k.smith', pin: '482913' });
    await screen.invoke('session.lock', {});
    for (let i = 0; i < 5; i++) expect(await screen.invoke('session.unlock', { pin: '999999' })).toMatchObject({ ok: false });
    expect(await screen.invoke('session.unlock', { pin: '482913' })).toMatchObject({ ok: false, error: expect.stringMatching(/locked until/) });
    expect(await screen.invoke('status.get', {})).toMatchObject({ ok: true, value: { locked: true } });
    expect(listAudit(e.db, { action: 'session.unlock-failed' })).toHaveLength(5);
    expect(listAudit(e.db, { action: 'user.locked-out' })).toHaveLength(1);
  });

  it('an unknown user, a wrong PIN and a locked account each cost one scrypt of the same size', async () => {
    const db = openDatabase(path.join(dir, 'lpr.sqlite'));
    addUser(db, { id: 'k.smith', name: 'K Smith', role: 'officer', trained: true, pin: '482913' }, null);
    const scrypt = vi.spyOn(crypto, 'scrypt');
    const work = async (userId: string, pin: string) => {
      scrypt.mockClear();
      await expect(login(db, userId, pin, T0)).rejects.toThrow(LoginRefused);
      return scrypt.mock.calls.map((call) => [call[2], call[3]]);
    };
    const unknown = await work('nobody', '482913');
    const wrong = await work('k.smith', '000000');
    expect(unknown).toHaveLength(1);
    expect(unknown).toEqual(wrong);
    expect(unknown[0]).toEqual([32, { N: 16384, r: 8, p: 1 }]);
    for (let i = 0; i < 4; i++) await work('k.smith', '000000');
    expect(await work('k.smith', '482913')).toEqual(wrong);
    // The two answers read the same to whoever tries.
    await expect(login(db, 'nobody', '000000', T0)).rejects.toThrow('unknown officer ID or wrong PIN');
    // Figures only, never a pass/fail on time (the machine may be busy).
    const time = async (userId: string) => {
      const started = performance.now();
      await login(db, userId, '111111', T0 + 3600_000).catch(() => undefined);
      return performance.now() - started;
    };
    console.info(`sign-in cost: unknown user ${(await time('nobody')).toFixed(0)} ms, wrong PIN ${(await time('k.smith')).toFixed(0)} ms`);
    db.close();
  });

  it('checks PINs off the engine thread: the event loop keeps turning while 20 checks run', async () => {
    const db = openDatabase(path.join(dir, 'lpr.sqlite'));
    addUser(db, { id: 'k.smith', name: 'K Smith', role: 'officer', trained: true, pin: '482913' }, null);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    let settled = 0;
    const attempts = Array.from({ length: 20 }, (_, i) =>
      login(db, i % 2 ? 'nobody' : 'k.smith', '000000', T0 + i * 1000, { settings: { pinMinLength: 6, maxFailedAttempts: 100, lockoutMinutes: 5 } })
        .catch(() => undefined)
        .finally(() => (settled += 1)),
    );
    // Turns of the loop happen while checks are still outstanding.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const ticksWhileRunning = ticks;
    const settledThen = settled;
    await Promise.all(attempts);
    clearInterval(timer);
    expect(settledThen).toBeLessThan(20);
    expect(ticksWhileRunning).toBeGreaterThan(0);
    db.close();
  });
});

describe('administrators manage accounts through users.* channels', () => {
  it('creates, disables (signing them out), re-enables, resets the PIN and sets the trained flag, each audited', async () => {
    const e = startEngine();
    addUser(e.db, { id: 'admin', name: 'Admin', role: 'administrator', trained: true, pin: '908172' }, null);
    const admin = e.connect(() => undefined);
    await admin.invoke('session.login', { userId: 'admin', pin: '908172' });
    expect(await admin.invoke('users.create', { id: 'k.smith', name: 'K Smith', role: 'officer', trained: false, pin: '123' })).toEqual({
      ok: false,
      error: 'the PIN must be at least 6 characters',
    });
    expect(await admin.invoke('users.create', { id: 'k.smith', name: 'K Smith', role: 'officer', trained: false, pin: '482913' })).toMatchObject({
      ok: true,
      value: { id: 'k.smith', role: 'officer', trained: false, disabled: false },
    });
    const officer = e.connect(() => undefined);
    expect(await officer.invoke('session.login', { userId: 'k.smith', pin: '482913' })).toMatchObject({ ok: false, error: expect.stringMatching(/not marked as trained/) });
    expect(await admin.invoke('users.setTrained', { id: 'k.smith', trained: true })).toMatchObject({ ok: true, value: { trained: true } });
    expect(await officer.invoke('session.login', { userId: 'k.smith', pin: '482913' })).toMatchObject({ ok: true });
    expect(await officer.invoke('users.list', {})).toEqual({ ok: false, error: 'users.list: not allowed for the officer role (allowed: administrator)' });

    expect(await admin.invoke('users.disable', { id: 'k.smith', reason: 'on leave' })).toMatchObject({ ok: true, value: { disabled: true } });
    // Signed out at once, and the account cannot sign in again.
    expect(await officer.invoke('status.get', {})).toMatchObject({ ok: true, value: { user: null } });
    expect(await officer.invoke('session.login', { userId: 'k.smith', pin: '482913' })).toEqual({ ok: false, error: 'the account k.smith is disabled; ask an administrator' });
    expect(await admin.invoke('users.enable', { id: 'k.smith', reason: 'back from leave' })).toMatchObject({ ok: true, value: { disabled: false } });
    expect(await admin.invoke('users.resetPin', { id: 'k.smith', pin: '777123' })).toMatchObject({ ok: true });
    expect(await officer.invoke('session.login', { userId: 'k.smith', pin: '482913' })).toMatchObject({ ok: false });
    expect(await officer.invoke('session.login', { userId: 'k.smith', pin: '777123' })).toMatchObject({ ok: true });

    // Nobody can lock the car out of administration.
    expect(await admin.invoke('users.disable', { id: 'admin', reason: 'testing' })).toEqual({ ok: false, error: 'you cannot disable your own account; ask another administrator' });
    expect(await admin.invoke('users.setTrained', { id: 'admin', trained: false })).toMatchObject({ ok: false, error: expect.stringMatching(/only administrator/) });
    expect(await admin.invoke('users.disable', { id: 'ghost', reason: 'left' })).toEqual({ ok: false, error: 'no user "ghost"' });

    const trail = listAudit(e.db, { userId: 'admin', action: 'user.*' }).map((r) => [r.action, r.detail]).reverse();
    expect(trail).toEqual([
      ['user.add', { id: 'k.smith', name: 'K Smith', role: 'officer', trained: false }],
      ['user.trained', { id: 'k.smith', trained: true }],
      ['user.disable', { id: 'k.smith', reason: 'on leave' }],
      ['user.enable', { id: 'k.smith', reason: 'back from leave' }],
      ['user.reset-pin', { id: 'k.smith' }],
    ]);
    expect(listAudit(e.db, { action: 'session.logout', userId: 'k.smith' })[0]!.detail).toMatchObject({ reason: 'account changed by an administrator' });
    const users = await admin.invoke('users.list', {});
    expect(users).toMatchObject({ ok: true, value: [{ id: 'admin' }, { id: 'k.smith', disabled: false, trained: true }] });
    expect(JSON.stringify(users)).not.toMatch(/scrypt/);
    expect(await admin.invoke('audit.verify', {})).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('asks for the first administrator while no user exists, and only then', async () => {
    const e = startEngine();
    const screen = e.connect(() => undefined);
    expect(e.status().needsFirstAdministrator).toBe(true);
    expect(await screen.invoke('users.firstAdministrator', { id: 'chief', name: 'Chief', pin: '12' })).toMatchObject({ ok: false, error: 'the PIN must be at least 6 characters' });
    expect(await screen.invoke('users.firstAdministrator', { id: 'chief', name: 'Chief', pin: '5550123' })).toEqual({ ok: true, value: { id: 'chief', name: 'Chief', role: 'administrator' } });
    expect(e.status().needsFirstAdministrator).toBe(false);
    expect(await screen.invoke('users.firstAdministrator', { id: 'other', name: 'Other', pin: '5550123' })).toMatchObject({ ok: false, error: expect.stringMatching(/users already exist/) });
    expect(await screen.invoke('session.login', { userId: 'chief', pin: '5550123' })).toMatchObject({ ok: true, value: { role: 'administrator' } });
  });
});

describe('lpr user', () => {
  async function lpr(argv: string[]): Promise<{ code: number; out: string[] }> {
    const out: string[] = [];
    const ctx: CliContext = { dataDir: dir, dbFile: path.join(dir, 'lpr.sqlite'), stdout: (l) => out.push(l), stderr: (l) => out.push(l) };
    const code = await userCommand.run(parseArgs(argv, new Set(userCommand.valuedFlags)), ctx);
    return { code, out };
  }

  it('makes the first user an administrator, then needs an administrator for everything', async () => {
    await expect(lpr(['add', 'k.smith', '--name', 'K Smith', '--pin', '482913'])).rejects.toThrow(/first user must be an administrator/);
    expect((await lpr(['add', 'chief', '--name', 'Chief', '--role', 'administrator', '--pin', '5550123'])).code).toBe(0);
    vi.stubEnv('LPR_ADMIN_PIN', '5550123');
    await expect(lpr(['add', 'k.smith', '--name', 'K Smith', '--pin', '482913'])).rejects.toThrow(/give --as ADMIN-ID/);
    expect(await lpr(['add', 'k.smith', '--name', 'K Smith', '--trained', '--pin', '482913', '--as', 'chief'])).toEqual({ code: 0, out: ['added officer k.smith'] });
    vi.stubEnv('LPR_ADMIN_PIN', '482913');
    const refused = lpr(['list', '--as', 'k.smith']);
    await expect(refused).rejects.toThrow(CommandFailed);
    await expect(lpr(['list', '--as', 'k.smith'])).rejects.toThrow('k.smith is a officer; only an administrator may manage users');
    vi.stubEnv('LPR_ADMIN_PIN', '000000');
    await expect(lpr(['list', '--as', 'chief'])).rejects.toThrow('unknown officer ID or wrong PIN');
    vi.stubEnv('LPR_ADMIN_PIN', '5550123');
    expect((await lpr(['disable', 'k.smith', '--reason', 'left the agency', '--as', 'chief'])).out[0]).toMatch(/k\.smith.*DISABLED/);
    expect((await lpr(['trained', 'k.smith', 'no', '--as', 'chief'])).out[0]).toMatch(/NOT trained/);
    vi.stubEnv('LPR_PIN', '246801');
    expect((await lpr(['reset-pin', 'k.smith', '--as', 'chief'])).code).toBe(0);
    const listed = JSON.parse((await lpr(['list', '--json', '--as', 'chief'])).out[0]!) as { id: string; disabled: boolean }[];
    expect(listed.map((u) => [u.id, u.disabled])).toEqual([
      ['chief', false],
      ['k.smith', true],
    ]);
    const db = openDatabase(path.join(dir, 'lpr.sqlite'));
    const actions = listAudit(db, { userId: 'chief', action: 'user.*' }).map((r) => r.action).reverse();
    expect(actions).toEqual(['user.add', 'user.disable', 'user.trained', 'user.reset-pin']);
    expect(listAudit(db, { action: 'session.login', userId: 'chief' })[0]!.detail).toEqual({ via: 'command line' });
    expect(verifyAuditChain(db).ok).toBe(true);
    db.close();
  });
});
