/**
 * Every channel of the contract against the real engine, for each kind of
 * caller: nobody signed in, each role, and a locked screen. A channel either
 * answers (its own result or its own domain error) or is refused by the
 * router, and which one is decided by the roles its handler declares. The
 * examples map is typed over every channel, so a new channel without an
 * example fails to compile.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, RequestOf, Role } from '../../src/shared/contract.js';
import { Engine } from '../../src/main/engine/engine.js';
import { addUser } from '../../src/main/engine/governance/users.js';
import type { Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import { allHandlers } from '../../src/main/engine/requests/index.js';
import type { Connection } from '../../src/main/engine/session/connection.js';

const idle: Recognizer = {
  name: 'none',
  recognize: async () => ({ plates: [], timings: { detectMs: 0, ocrMs: 0 } }),
  dispose: async () => {},
};

/** A well-formed request for each channel (it may still fail in its domain: no such alert, say). */
const examples: { [C in Channel]: RequestOf<C> } = {
  'session.login': { userId: 'nobody', pin: '000000' },
  'session.logout': {},
  'session.resume': { token: 'x'.repeat(43) },
  'session.lock': {},
  'session.unlock': { pin: '000000' },
  'status.get': {},
  'reads.recent': { limit: 5 },
  'reads.image': { readId: 1, kind: 'crop' },
  'alerts.open': {},
  'alerts.acknowledge': { alertId: 999 },
  'alerts.check': { alertId: 999, check: 'characters', matches: true },
  'alerts.dispose': { alertId: 999, kind: 'misread', note: 'wrong car' },
  'alerts.reasons': {},
  'deployments.current': {},
  'deployments.start': { kind: 'special', purpose: '' },
  'deployments.approve': { deploymentId: 999, code: 'ABCD1234' },
  'deployments.end': { deploymentId: 999 },
  'shift.summary': {},
  'hits.shift': {},
  'hits.detail': { alertId: 999 },
  'shift.map': {},
  'map.tile': { z: 3, x: 2, y: 5 },
  'hotlists.sync': {},
  'hotlists.manual.list': {},
  'hotlists.manual.add': { plate: 'ABC123', state: 'CA', reason: 'seen at a burglary' },
  'hotlists.manual.remove': { id: 999, reason: 'no longer wanted' },
  'settings.get': {},
  'settings.update': { settings: {}, reason: 'nothing changes' },
  'settings.preview': { camera: { id: 'front', name: 'Front', position: 'front', source: '/nonexistent/front.mp4' } },
  'history.search': { plate: 'ABC*', justification: { caseNumber: '2026-0001' } },
  'history.image': { searchId: 999, readId: 1, kind: 'crop' },
  'history.reasons': {},
  'evidence.export': { hitId: 999, recipientPerson: 'Det. Ray', recipientAgency: 'County DA', reason: 'prosecution', caseNumber: '2026-0001' },
  'evidence.log': {},
  'retention.holds.list': {},
  'retention.holds.place': { caseNumber: '2026-0001', reason: 'trial pending', until: Date.now() + 86_400_000, plate: 'ABC*' },
  'retention.holds.release': { id: 999, reason: 'case closed' },
  'retention.purge': {},
  'cameras.service': { cameraId: 'nowhere', inService: false, reason: 'lens cracked' },
  'cameras.frames': {},
  'users.firstAdministrator': { id: 'first', name: 'First Admin', pin: '864213' },
  'users.list': {},
  'users.create': { id: 'new.officer', name: 'New Officer', role: 'officer', trained: true, pin: '864213' },
  'users.disable': { id: 'nobody', reason: 'left the agency' },
  'users.enable': { id: 'nobody', reason: 'back from leave' },
  'users.resetPin': { id: 'nobody', pin: '864213' },
  'users.setTrained': { id: 'nobody', trained: true },
  'audit.list': { action: 'session.*', limit: 5 },
  'audit.verify': {},
};

const PINS: Record<Role, string> = { officer: '111111', supervisor: '222222', administrator: '333333' };

let dir: string;
let engine: Engine;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-roles-'));
  engine = new Engine({ dbFile: path.join(dir, 'lpr.sqlite'), recognizer: idle });
  for (const role of Object.keys(PINS) as Role[]) {
    addUser(engine.db, { id: role, name: `The ${role}`, role, trained: true, pin: PINS[role] }, null);
  }
});

afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function screenAs(role: Role | null, locked = false): Promise<Connection> {
  const screen = engine.connect(() => undefined);
  if (role) expect(await screen.invoke('session.login', { userId: role, pin: PINS[role] })).toMatchObject({ ok: true });
  if (locked) expect(await screen.invoke('session.lock', {})).toEqual({ ok: true, value: null });
  return screen;
}

const ROUTER_REFUSAL = /: (sign in first|not allowed for the \w+ role|the screen is locked)/;

describe('every channel admits exactly the roles it declares', () => {
  const channels = Object.keys(allHandlers) as Channel[];

  it('has an example for every channel of the contract', () => {
    expect(Object.keys(examples).sort()).toEqual([...channels].sort());
  });

  for (const channel of channels) {
    it(channel, async () => {
      const { roles, whileLocked } = allHandlers[channel];
      for (const role of [null, 'officer', 'supervisor', 'administrator'] as const) {
        const screen = await screenAs(role);
        const result = await screen.invoke(channel, examples[channel]);
        const admitted = roles === 'anyone' || (role !== null && roles.includes(role));
        const refused = !result.ok && ROUTER_REFUSAL.test(result.error);
        expect({ role, refused }).toEqual({ role, refused: !admitted });
        if (!admitted) expect(result).toEqual({ ok: false, error: expect.stringContaining(`${channel}: `) });
        screen.close();
      }
      // A locked screen may only call what is allowed while locked.
      if (roles !== 'anyone') {
        const screen = await screenAs(roles[0]!, true);
        const result = await screen.invoke(channel, examples[channel]);
        const refusedForLock = !result.ok && /the screen is locked/.test(result.error);
        expect(refusedForLock).toBe(!whileLocked);
        screen.close();
      }
    });
  }
});

describe('sessions belong to their screen', () => {
  it('signing in on one screen does not sign in another, and a resume token signs the same officer in again', async () => {
    const first = await screenAs('officer');
    const second = engine.connect(() => undefined);
    expect(await second.invoke('alerts.open', {})).toEqual({ ok: false, error: 'alerts.open: sign in first' });
    const login = await first.invoke('session.login', { userId: 'supervisor', pin: PINS.supervisor });
    expect(login.ok).toBe(true);
    const token = (login as { value: { resumeToken: string } }).value.resumeToken;
    // The engine restarted or the page reloaded: a fresh screen resumes with the token.
    const reloaded = engine.connect(() => undefined);
    expect(await reloaded.invoke('session.resume', { token })).toMatchObject({ ok: true, value: { id: 'supervisor', role: 'supervisor' } });
    expect(await reloaded.invoke('alerts.open', {})).toEqual({ ok: true, value: [] });
    // After sign-out the token is worthless.
    await reloaded.invoke('session.logout', {});
    const again = engine.connect(() => undefined);
    expect(await again.invoke('session.resume', { token })).toEqual({ ok: false, error: 'this sign-in has ended; sign in again' });
    for (const s of [first, second, reloaded, again]) s.close();
  });

  it('a locked screen gets alerts but not reads, and the PIN unlocks it', async () => {
    const events: string[] = [];
    const screen = engine.connect((event) => events.push(event));
    await screen.invoke('session.login', { userId: 'officer', pin: PINS.officer });
    await screen.invoke('session.lock', {});
    expect(await screen.invoke('session.unlock', { pin: '999999' })).toMatchObject({ ok: false });
    const status = await screen.invoke('status.get', {});
    expect(status).toMatchObject({ ok: true, value: { locked: true, user: { id: 'officer' } } });
    expect(await screen.invoke('session.unlock', { pin: PINS.officer })).toEqual({ ok: true, value: null });
    expect(await screen.invoke('status.get', {})).toMatchObject({ ok: true, value: { locked: false } });
    screen.close();
  });

  it('an officer removes only their own manual entries; a supervisor may remove any', async () => {
    const officer = await screenAs('officer');
    const added = await officer.invoke('hotlists.manual.add', { plate: 'QRS456', state: 'MA', reason: 'burglary suspect vehicle' });
    expect(added.ok).toBe(true);
    const id = (added as { value: { entry: { id: number } } }).value.entry.id;
    addUser(engine.db, { id: 'officer2', name: 'Another officer', role: 'officer', trained: true, pin: '444444' }, null);
    const other = engine.connect(() => undefined);
    await other.invoke('session.login', { userId: 'officer2', pin: '444444' });
    expect(await other.invoke('hotlists.manual.remove', { id, reason: 'not mine to remove' })).toEqual({
      ok: false,
      error: `manual entry ${id} was entered by officer; only they or a supervisor may remove it`,
    });
    const supervisor = await screenAs('supervisor');
    expect(await supervisor.invoke('hotlists.manual.remove', { id, reason: 'case closed' })).toEqual({ ok: true, value: null });
    for (const s of [officer, other, supervisor]) s.close();
  });
});
