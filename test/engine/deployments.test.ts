/**
 * Deployments on the real engine, through a screen's connection (router, roles,
 * sessions): a special detail cannot start until a supervisor approves it, on
 * the same screen or with a one-time code from `lpr deployment approve-code`;
 * the approval is recorded and audited; per-deployment and shift counters.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { command as deploymentCommand } from '../../src/cli/commands/deployment.js';
import { CommandFailed, type CliContext } from '../../src/cli/context.js';
import { Engine } from '../../src/main/engine/engine.js';
import { addUser } from '../../src/main/engine/governance/users.js';
import type { HotListMatch } from '../../src/main/engine/hotlist/types.js';
import type { Recognizer } from '../../src/main/engine/recognition/recognizer.js';
import type { Connection } from '../../src/main/engine/session/connection.js';
import { deploymentViewSchema, shiftSummarySchema, type Channel, type RequestOf, type Responses } from '../../src/shared/contract.js';

const idle: Recognizer = { name: 'none', recognize: async () => ({ plates: [], timings: { detectMs: 0, ocrMs: 0 } }), dispose: async () => {} };

let dir: string;
let engine: Engine;
let clock: number;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-deploy-'));
  clock = Date.UTC(2026, 0, 5, 18, 0, 0);
  engine = new Engine({ dbFile: path.join(dir, 'lpr.sqlite'), recognizer: idle, now: () => clock });
  addUser(engine.db, { id: 'ofc', name: 'Ofc. Rivera', role: 'officer', trained: true, pin: '111111' }, null);
  addUser(engine.db, { id: 'ofc2', name: 'Ofc. Chen', role: 'officer', trained: true, pin: '444444' }, null);
  addUser(engine.db, { id: 'sgt', name: 'Sgt. Okafor', role: 'supervisor', trained: true, pin: '222222' }, null);
});

afterEach(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function signedIn(userId: string, pin: string): Promise<Connection> {
  const screen = engine.connect(() => undefined);
  expect(await screen.invoke('session.login', { userId, pin })).toMatchObject({ ok: true });
  return screen;
}

async function ok<C extends Channel>(screen: Connection, channel: C, request: RequestOf<C>): Promise<Responses[C]> {
  const result = await screen.invoke(channel, request);
  if (!result.ok) throw new Error(`${channel} refused: ${result.error}`);
  return result.value as Responses[C];
}

async function refused<C extends Channel>(screen: Connection, channel: C, request: RequestOf<C>): Promise<string> {
  const result = await screen.invoke(channel, request);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.error;
}

const auditActions = (prefix: string) =>
  (engine.db.prepare('SELECT action, user_id, detail FROM audit_log WHERE action LIKE ? ORDER BY id').all(`${prefix}%`) as { action: string; user_id: string; detail: string }[]).map(
    (r) => ({ action: r.action, user: r.user_id, ...(JSON.parse(r.detail) as object) }),
  );

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; error: string | null }> {
  const out: string[] = [];
  const ctx: CliContext = { dataDir: dir, dbFile: path.join(dir, 'lpr.sqlite'), stdout: (l) => out.push(l), stderr: () => undefined };
  try {
    return { code: await deploymentCommand.run(parseArgs(argv, new Set(['data-dir', ...deploymentCommand.valuedFlags])), ctx), out, error: null };
  } catch (error) {
    return { code: error instanceof CommandFailed ? error.exitCode : 2, out, error: (error as Error).message };
  }
}

describe('deployments', () => {
  it('starts a routine patrol at once, and refuses a second deployment until the first ends', async () => {
    const screen = await signedIn('ofc', '111111');
    expect(await ok(screen, 'deployments.current', {})).toBeNull();
    const patrol = deploymentViewSchema.parse(await ok(screen, 'deployments.start', { kind: 'routine', purpose: '' }));
    expect(patrol).toMatchObject({ kind: 'routine', status: 'active', officerId: 'ofc', startedAt: clock, approvedBy: null });
    expect(await refused(screen, 'deployments.start', { kind: 'routine', purpose: '' })).toMatch(new RegExp(`deployment ${patrol.id} is in progress; end it first`));
    clock += 60_000;
    expect(await ok(screen, 'deployments.end', { deploymentId: patrol.id })).toMatchObject({ status: 'ended', endedAt: clock });
    expect(await ok(screen, 'deployments.current', {})).toBeNull();
    expect(await refused(screen, 'deployments.end', { deploymentId: patrol.id })).toMatch(/already ended/);
  });

  it('a special detail cannot start unapproved; a supervisor signing in on the same screen approves it', async () => {
    const screen = await signedIn('ofc', '111111');
    expect(await refused(screen, 'deployments.start', { kind: 'special', purpose: ' ' })).toMatch(/needs its purpose/);
    const detail = await ok(screen, 'deployments.start', { kind: 'special', purpose: 'Stolen-vehicle sweep, Route 9 corridor' });
    expect(detail).toMatchObject({ status: 'awaiting-approval', startedAt: null });
    // Nothing else starts meanwhile, and an officer's PIN does not approve it.
    expect(await refused(screen, 'deployments.start', { kind: 'routine', purpose: '' })).toMatch(/waiting for approval/);
    expect(await refused(screen, 'deployments.approve', { deploymentId: detail.id, supervisorId: 'ofc2', pin: '444444' })).toMatch(/Ofc. Chen is not a supervisor/);
    expect(await refused(screen, 'deployments.approve', { deploymentId: detail.id, supervisorId: 'sgt', pin: '999999' })).toMatch(/wrong PIN/);
    expect(await ok(screen, 'deployments.current', {})).toMatchObject({ status: 'awaiting-approval' });

    clock += 5_000;
    const approved = await ok(screen, 'deployments.approve', { deploymentId: detail.id, supervisorId: 'sgt', pin: '222222' });
    expect(approved).toMatchObject({ status: 'active', approvedBy: 'sgt', approvedAt: clock, approvalMethod: 'supervisor-pin', startedAt: clock });
    // The officer is still the one signed in on the screen.
    expect((await ok(screen, 'status.get', {})).user).toMatchObject({ id: 'ofc' });
    expect(await refused(screen, 'deployments.approve', { deploymentId: detail.id, supervisorId: 'sgt', pin: '222222' })).toMatch(/not waiting for approval \(it is active\)/);
    expect(auditActions('deployment.')).toEqual([
      { action: 'deployment.request', user: 'ofc', deploymentId: detail.id, kind: 'special', purpose: 'Stolen-vehicle sweep, Route 9 corridor' },
      { action: 'deployment.approve', user: 'sgt', deploymentId: detail.id, officerId: 'ofc', method: 'supervisor-pin', purpose: 'Stolen-vehicle sweep, Route 9 corridor' },
    ]);
  });

  it('a supervisor cannot approve their own special detail', async () => {
    const screen = await signedIn('sgt', '222222');
    const detail = await ok(screen, 'deployments.start', { kind: 'special', purpose: 'Warrant service' });
    expect(await refused(screen, 'deployments.approve', { deploymentId: detail.id, supervisorId: 'sgt', pin: '222222' })).toMatch(/other than the officer who asks/);
  });

  it('a one-time code from `lpr deployment approve-code` approves one detail once, and not after it expires', async () => {
    expect((await cli('approve-code', '--user', 'ofc', '--pin', '111111')).error).toMatch(/ofc is not a supervisor/);
    expect((await cli('approve-code', '--user', 'sgt', '--pin', '000000')).error).toMatch(/wrong PIN/);
    expect((await cli('approve-code', '--pin', '222222')).error).toMatch(/--user is required/);
    const issued = await cli('approve-code', '--user', 'sgt', '--pin', '222222', '--json');
    expect(issued.code).toBe(0);
    const { code, expiresAt } = JSON.parse(issued.out[0]!) as { code: string; expiresAt: string };
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());

    const screen = await signedIn('ofc', '111111');
    const detail = await ok(screen, 'deployments.start', { kind: 'special', purpose: 'DUI checkpoint support' });
    expect(await refused(screen, 'deployments.approve', { deploymentId: detail.id, code: 'WRONG123' })).toMatch(/not valid/);
    // Typed with a dash and in lower case, as read out over the radio.
    const typed = `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase();
    // The engine's clock is in 2026; the code was issued now by the CLI: use the engine clock near the issue time.
    clock = Date.now();
    const approved = await ok(screen, 'deployments.approve', { deploymentId: detail.id, code: typed });
    expect(approved).toMatchObject({ status: 'active', approvedBy: 'sgt', approvalMethod: 'code' });
    await ok(screen, 'deployments.end', { deploymentId: detail.id });
    const again = await ok(screen, 'deployments.start', { kind: 'special', purpose: 'Second sweep' });
    expect(await refused(screen, 'deployments.approve', { deploymentId: again.id, code })).toMatch(/already been used/);

    const late = await cli('approve-code', '--user', 'sgt', '--pin', '222222', '--minutes', '1', '--json');
    const lateCode = (JSON.parse(late.out[0]!) as { code: string }).code;
    clock = Date.now() + 2 * 60_000;
    expect(await refused(screen, 'deployments.approve', { deploymentId: again.id, code: lateCode })).toMatch(/expired/);
    expect(await ok(screen, 'deployments.current', {})).toMatchObject({ id: again.id, status: 'awaiting-approval' });
    expect(auditActions('deployment.approve-refused').map((r) => (r as unknown as { why: string }).why)).toEqual([
      expect.stringMatching(/not valid/),
      expect.stringMatching(/already been used/),
      expect.stringMatching(/expired/),
    ]);

    const listed = await cli('list', '--json');
    expect((JSON.parse(listed.out[0]!) as unknown[]).map((d) => deploymentViewSchema.parse(d).status)).toEqual(['ended', 'awaiting-approval']);
  });

  it('counts a deployment\'s and the shift\'s reads, alerts, dispositions by kind and actions', async () => {
    const screen = await signedIn('ofc', '111111');
    const addRead = (plate: string) =>
      engine.reads.add({ plate, confidence: 0.9, state: 'CA', stateConfidence: 0.9, box: [0, 0, 10, 5], candidates: [], cameraId: 'front', capturedAt: clock, gps: null, cropJpeg: null, contextJpeg: null }).id;
    const hit = (readId: number, entryId: number): number => {
      const match: HotListMatch = {
        entry: { id: entryId, listName: 'ncic', plate: 'X', state: 'CA', listCode: 'V', category: 'Stolen vehicle', description: '' },
        kind: 'exact',
        differingPositions: [],
        matchedPlate: 'X',
        covert: false,
        priority: 1,
      };
      return engine.alerts.raise(readId, match, clock).alert!.id;
    };
    clock += 1_000;
    addRead('BEFORE1');
    clock += 1_000;
    const patrol = await ok(screen, 'deployments.start', { kind: 'routine', purpose: '' });
    clock += 1_000;
    const a1 = hit(addRead('AAA111'), 1);
    addRead('BBB222');
    const a2 = hit(addRead('CCC333'), 2);
    for (const alertId of [a1, a2]) {
      await ok(screen, 'alerts.acknowledge', { alertId });
      await ok(screen, 'alerts.check', { alertId, check: 'characters', matches: alertId === a1 });
    }
    await ok(screen, 'alerts.check', { alertId: a1, check: 'state', matches: true });
    await ok(screen, 'alerts.check', { alertId: a1, check: 'dispatch', result: 'verified-active', note: '' });
    await ok(screen, 'alerts.dispose', { alertId: a1, kind: 'confirmed', note: '', actions: ['stop', 'arrest', 'recovered-vehicle'] });
    await ok(screen, 'alerts.dispose', { alertId: a2, kind: 'misread', note: '', reason: 'Character misread', actions: ['stop'] });
    clock += 1_000;
    await ok(screen, 'deployments.end', { deploymentId: patrol.id });
    clock += 1_000;
    const a3 = hit(addRead('DDD444'), 3);

    const summary = shiftSummarySchema.parse(await ok(screen, 'shift.summary', {}));
    expect(summary.officer.id).toBe('ofc');
    expect(summary.counters).toEqual({
      reads: 5,
      hits: 3,
      confirmedHits: 1,
      undisposed: 1,
      dispositions: { confirmed: 1, misread: 1, 'not-on-list': 0, other: 0 },
      actions: { stop: 2, arrest: 1, citation: 0, warning: 0, 'recovered-vehicle': 1, 'recovered-plate': 0, 'person-located': 0 },
    });
    expect(summary.deployments).toHaveLength(1);
    expect(summary.deployments[0]!.counters).toMatchObject({ reads: 3, hits: 2, confirmedHits: 1, undisposed: 0 });
    expect(a3).toBeGreaterThan(a2);

    // While ofc is signed in, the open alert is theirs.
    expect((await ok(screen, 'alerts.open', {})).map((a) => a.raisedDuring)).toEqual([{ userId: 'ofc', signedOutAt: null }]);

    // The next officer's shift starts at their sign-in: none of this is theirs.
    await ok(screen, 'session.logout', {});
    const signedOutAt = clock;
    clock += 1_000;
    const next = await signedIn('ofc2', '444444');
    const theirs = await ok(next, 'shift.summary', {});
    expect(theirs.counters).toMatchObject({ reads: 0, hits: 0, undisposed: 0 });
    expect(theirs.deployments).toEqual([]);
    const status = await ok(next, 'status.get', {});
    expect(status.hitsThisShift).toBe(0);
    expect(status.signedInAt).toBe(clock);
    // The alert ofc left open is still open for ofc2, and says who left it and when.
    const inherited = await ok(next, 'alerts.open', {});
    expect(inherited.map((a) => ({ id: a.id, raisedDuring: a.raisedDuring }))).toEqual([{ id: a3, raisedDuring: { userId: 'ofc', signedOutAt } }]);
    expect(inherited[0]!.raisedAt).toBeLessThan(status.signedInAt!);
  });
});
