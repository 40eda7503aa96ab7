// @vitest-environment jsdom
/**
 * The on-screen keyboard and the PIN keypad: a user ID with letters typed on
 * the keyboard signs in; plates typed on it reach the manual entry and the
 * history search; a plate keyboard offers only plate characters (and the
 * physical keyboard's other characters are dropped); one PIN keypad on the
 * sign-in and the locked screens; the manual entry's quick-pick reasons come
 * from the car settings. Case numbers (a legal hold, a history search) and a
 * supervisor's approval code are typed on it too.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App.js';
import { keyboardAccepts, keyboardRows } from '../../src/renderer/components/OnScreenKeyboard.js';
import { DEFAULT_QUICK_REASONS, manualEntryReason } from '../../src/shared/checklist.js';
import { PLATE_CHARACTERS } from '../../src/shared/plates.js';
import { APPROVAL_CODE_ALPHABET, type HoldView, type User } from '../../src/shared/contract.js';
import { CASE_NUMBER_PATTERN } from '../../src/shared/records.js';
import { FakeEngine, NOW, OFFICER, SUPERVISOR, SUPERVISOR_CODE, makeStatus } from './fake-engine.js';
import { installRendererHooks, renderSignedIn } from './setup.js';

installRendererHooks();

const click = (testId: string) => fireEvent.click(screen.getByTestId(testId));
const value = (testId: string) => (screen.getByTestId(testId) as HTMLInputElement).value;

/** Taps each character's key on the keyboard with that test id. */
function tap(keyboard: string, text: string) {
  const keys = within(screen.getByTestId(keyboard));
  for (const char of text) fireEvent.click(keys.getByRole('button', { name: char }));
}

const LETTERED: User = { id: 'Sgt.K9-b', name: 'Sgt. Baker', role: 'officer' };

/** An officer who may search history, on the history screen (no earlier reads). */
async function openHistory(): Promise<FakeEngine> {
  const engine = new FakeEngine();
  engine.status = makeStatus({ user: OFFICER, channels: ['history.search', 'history.reasons'] });
  engine.handle('history.reasons', () => ({ ok: true, value: [] }));
  engine.handle('history.search', () => ({ ok: true, value: { searchId: 1, truncated: false, reads: [] } }));
  await renderSignedIn(engine);
  click('history-open');
  await screen.findByTestId('history-screen');
  return engine;
}

describe('sign-in keyboard', () => {
  it('types a user ID with letters, digits, lower case and punctuation on the keyboard, the PIN on the keypad, and signs in', async () => {
    const engine = new FakeEngine();
    engine.handle('session.login', ({ userId, pin }) => {
      if (userId !== LETTERED.id || pin !== '4321') return { ok: false, error: 'wrong officer ID or PIN' };
      engine.status = { ...engine.status, user: LETTERED };
      return { ok: true, value: { ...LETTERED, resumeToken: 'resume-token-of-the-fake-engine' } };
    });
    render(<App api={engine} />);
    await screen.findByTestId('login-user');
    // The ID's keyboard shows first, with letters; the PIN keypad is not there.
    expect(screen.getByTestId('login-keyboard')).toBeTruthy();
    expect(screen.queryByTestId('login-keypad')).toBeNull();

    tap('login-keyboard', 'S');
    click('login-keyboard-case');
    tap('login-keyboard', 'gt');
    click('login-keyboard-case');
    tap('login-keyboard', '.K9-X');
    fireEvent.click(screen.getByRole('button', { name: 'Delete last character' }));
    click('login-keyboard-case');
    tap('login-keyboard', 'b');
    expect(value('login-user')).toBe('Sgt.K9-b');
    expect(screen.getByTestId('login-keyboard-value').textContent).toBe('Sgt.K9-b');
    // The physical keyboard keeps working beside the on-screen one.
    fireEvent.change(screen.getByTestId('login-user'), { target: { value: 'Sgt.K9-bX' } });
    fireEvent.click(screen.getByRole('button', { name: 'Delete last character' }));
    expect(value('login-user')).toBe('Sgt.K9-b');

    // Done moves on to the PIN, and the keypad takes the keyboard's place.
    click('login-keyboard-done');
    const keypad = await screen.findByTestId('login-keypad');
    expect(screen.queryByTestId('login-keyboard')).toBeNull();
    for (const digit of '4321') fireEvent.click(within(keypad).getByRole('button', { name: digit }));
    expect(value('login-pin')).toBe('4321');
    click('login-submit');
    // Signed in: the shift-start check comes first.
    await screen.findByTestId('shift-start');
    expect(engine.callsTo('session.login')).toEqual([{ userId: 'Sgt.K9-b', pin: '4321' }]);
  });

  it('offers only what a user ID may hold', () => {
    const keys = keyboardRows('id').join('');
    for (const char of 'QAZ019._-') expect(keys).toContain(char);
    for (const char of '*?,/ ') expect(keys).not.toContain(char);
  });
});

describe('PIN keypad', () => {
  it('is the same keypad on the sign-in and the locked screen, and unlocks', async () => {
    const engine = new FakeEngine();
    engine.handle('session.lock', () => {
      engine.status = { ...engine.status, locked: true };
      return { ok: true, value: null };
    });
    engine.handle('session.unlock', ({ pin }) => {
      if (pin !== '4321') return { ok: false, error: 'wrong PIN' };
      engine.status = { ...engine.status, locked: false };
      return { ok: true, value: null };
    });
    await renderSignedIn(engine);
    click('lock');
    const keypad = await screen.findByTestId('lock-keypad');
    expect(within(keypad).getAllByRole('button').map((b) => b.getAttribute('aria-label'))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', 'Clear', '0', 'Delete last digit']);
    for (const digit of '999') fireEvent.click(within(keypad).getByRole('button', { name: digit }));
    fireEvent.click(within(keypad).getByRole('button', { name: 'Clear' }));
    for (const digit of '43219') fireEvent.click(within(keypad).getByRole('button', { name: digit }));
    fireEvent.click(within(keypad).getByRole('button', { name: 'Delete last digit' }));
    expect(value('lock-pin')).toBe('4321');
    click('lock-unlock');
    await screen.findByTestId('patrol-view');
    expect(engine.callsTo('session.unlock')).toEqual([{ pin: '4321' }]);
  });
});

describe('plate keyboard', () => {
  it('offers exactly the plate characters, and the wildcards only where a partial plate is allowed', () => {
    expect([...keyboardRows('plate').join('')].sort()).toEqual([...PLATE_CHARACTERS].sort());
    expect([...keyboardRows('plate-pattern').join('')].sort()).toEqual([...`${PLATE_CHARACTERS}*?`].sort());
    for (const char of ['-', '.', ' ', 'a', 'Ä', '_', '/']) {
      expect(keyboardAccepts('plate', char)).toBe(false);
      expect(keyboardAccepts('plate-pattern', char)).toBe(false);
    }
    expect(keyboardAccepts('plate', '*')).toBe(false);
    expect(keyboardAccepts('text', ' ')).toBe(true);
  });

  it('types a manual entry plate, refuses other characters, and sends it with a quick-pick reason', async () => {
    const engine = new FakeEngine();
    await renderSignedIn(engine);
    click('hotlists-open');
    await screen.findByTestId('hotlists-panel');
    click('manual-plate-keyboard');
    const keyboard = screen.getByTestId('manual-keyboard');
    // No key for anything that is not a plate character or a wildcard; no space.
    expect(within(keyboard).queryByRole('button', { name: '-' })).toBeNull();
    expect(within(keyboard).queryByRole('button', { name: 'Space' })).toBeNull();
    expect(within(keyboard).queryByRole('button', { name: 'a' })).toBeNull();
    tap('manual-keyboard', '7KD*4');
    expect(value('manual-plate')).toBe('7KD*4');
    // The physical keyboard keeps working, and what is not a plate character is dropped.
    fireEvent.change(screen.getByTestId('manual-plate'), { target: { value: '7kd*4-1.8' } });
    expect(value('manual-plate')).toBe('7KD*418');
    click('manual-keyboard-done');
    expect(screen.queryByTestId('manual-keyboard')).toBeNull();

    const picks = screen.getAllByTestId('manual-quick-reason');
    expect(picks.map((b) => b.textContent)).toEqual([...DEFAULT_QUICK_REASONS.manual]);
    fireEvent.click(picks[2]!);
    expect(picks[2]!.getAttribute('aria-pressed')).toBe('true');
    click('manual-submit');
    await screen.findByTestId('manual-added');
    expect(engine.callsTo('hotlists.manual.add')).toEqual([{ plate: '7KD*418', state: null, reason: 'Missing person' }]);
  });

  it('types the reason on the keyboard with spaces after a quick-pick reason the car settings configure', async () => {
    const engine = new FakeEngine();
    engine.reasons = { ...DEFAULT_QUICK_REASONS, manual: ['Amber alert', 'Court order'] };
    await renderSignedIn(engine);
    click('hotlists-open');
    await screen.findByTestId('hotlists-panel');
    fireEvent.change(screen.getByTestId('manual-plate'), { target: { value: 'ABC123' } });
    await waitFor(() => expect(screen.getAllByTestId('manual-quick-reason').map((b) => b.textContent)).toEqual(['Amber alert', 'Court order']));
    fireEvent.click(screen.getByRole('button', { name: 'Court order' }));
    click('manual-reason-keyboard');
    tap('manual-keyboard', 'case');
    fireEvent.click(within(screen.getByTestId('manual-keyboard')).getByRole('button', { name: 'Space' }));
    tap('manual-keyboard', '24-1187');
    expect((screen.getByTestId('manual-reason') as HTMLTextAreaElement).value).toBe('case 24-1187');
    click('manual-submit');
    await screen.findByTestId('manual-added');
    expect(engine.callsTo('hotlists.manual.add')).toEqual([{ plate: 'ABC123', state: null, reason: 'Court order: case 24-1187' }]);
  });

  it('asks for a reason when none is picked or typed', async () => {
    const engine = new FakeEngine();
    await renderSignedIn(engine);
    click('hotlists-open');
    await screen.findByTestId('hotlists-panel');
    fireEvent.change(screen.getByTestId('manual-plate'), { target: { value: 'ABC123' } });
    await screen.findAllByTestId('manual-quick-reason');
    click('manual-submit');
    expect(screen.getByTestId('manual-error').textContent).toContain('Pick a reason or write why');
    expect(engine.callsTo('hotlists.manual.add')).toHaveLength(0);
  });

  it('types the history search plate on the keyboard', async () => {
    const engine = await openHistory();
    fireEvent.change(screen.getByTestId('history-case'), { target: { value: '24-1187' } });
    click('history-plate-keyboard');
    tap('history-keyboard', 'BXR4?27');
    expect(within(screen.getByTestId('history-keyboard')).queryByRole('button', { name: '.' })).toBeNull();
    click('history-keyboard-done');
    click('history-search');
    await screen.findByTestId('history-count');
    expect(engine.callsTo('history.search')).toEqual([{ plate: 'BXR4?27', justification: { caseNumber: '24-1187' } }]);
  });
});

describe('case number and approval code keyboards', () => {
  it('offer what a case number and an approval code may hold, and nothing else', () => {
    const caseKeys = keyboardRows('case').join('');
    expect([...caseKeys].sort()).toEqual([...`${PLATE_CHARACTERS}./_-`].sort());
    for (const char of caseKeys) expect(CASE_NUMBER_PATTERN.test(`AB${char}1`)).toBe(true);
    for (const char of ['*', '?', ',', '#', 'Ä']) expect(keyboardAccepts('case', char)).toBe(false);
    expect([...keyboardRows('code').join('')].sort()).toEqual([...`${APPROVAL_CODE_ALPHABET}-`].sort());
    for (const char of ['B', '8', 'O', '0', 'I', '1', 'S', '5', 'Z', '2', '.', '*']) expect(keyboardAccepts('code', char)).toBe(false);
  });

  it('types a legal hold\'s case number, then its plate, on the keyboard; the plate takes only plate characters', async () => {
    const engine = new FakeEngine();
    engine.status = makeStatus({ user: SUPERVISOR, channels: ['retention.holds.list', 'retention.holds.place', 'evidence.log'] });
    const holds: HoldView[] = [];
    engine.handle('retention.holds.list', () => ({ ok: true, value: holds }));
    engine.handle('evidence.log', () => ({ ok: true, value: { entries: [], csv: '' } }));
    engine.handle('retention.holds.place', (r) => {
      const hold: HoldView = {
        id: 1, caseNumber: r.caseNumber, reason: r.reason, createdBy: SUPERVISOR.id, createdAt: NOW, until: r.until, plate: r.plate ?? null, from: null, to: null,
        readIds: [], releasedAt: null, releasedBy: null, releaseReason: null, reads: 2, active: true,
      };
      holds.push(hold);
      return { ok: true, value: hold };
    });
    await renderSignedIn(engine);
    click('records-open');
    await screen.findByTestId('records-panel');

    click('hold-case-keyboard');
    expect(screen.getByTestId('hold-keyboard').getAttribute('aria-label')).toBe('Keyboard: Case number');
    tap('hold-keyboard', '2026-00042');
    expect(within(screen.getByTestId('hold-keyboard')).queryByRole('button', { name: '*' })).toBeNull();
    // "Next" goes on to the plate.
    expect(screen.getByTestId('hold-keyboard-done').textContent).toBe('Next');
    click('hold-keyboard-done');
    expect(screen.getByTestId('hold-keyboard').getAttribute('aria-label')).toBe('Keyboard: Plate');
    tap('hold-keyboard', '7AB?1*');
    expect(within(screen.getByTestId('hold-keyboard')).queryByRole('button', { name: '-' })).toBeNull();
    click('hold-keyboard-done');
    expect(screen.queryByTestId('hold-keyboard')).toBeNull();
    expect(value('hold-case')).toBe('2026-00042');
    expect(value('hold-plate')).toBe('7AB?1*');
    // The physical keyboard still works; what a plate cannot hold is dropped.
    fireEvent.change(screen.getByTestId('hold-plate'), { target: { value: '7ab-c.1*' } });
    expect(value('hold-plate')).toBe('7ABC1*');

    fireEvent.change(screen.getByTestId('hold-until'), { target: { value: '2030-12-31' } });
    fireEvent.change(screen.getByTestId('hold-reason'), { target: { value: 'trial pending' } });
    click('hold-place');
    await screen.findByTestId('hold-row');
    expect(engine.callsTo('retention.holds.place')).toMatchObject([{ caseNumber: '2026-00042', plate: '7ABC1*', reason: 'trial pending' }]);
  });

  it('types the history search\'s case number on the keyboard, then the plate', async () => {
    const engine = await openHistory();
    click('history-case-keyboard');
    tap('history-keyboard', '24/1187.A');
    click('history-keyboard-done');
    tap('history-keyboard', 'BXR*');
    click('history-keyboard-done');
    click('history-search');
    await screen.findByTestId('history-count');
    expect(engine.callsTo('history.search')).toEqual([{ plate: 'BXR*', justification: { caseNumber: '24/1187.A' } }]);
  });

  it('types the supervisor\'s approval code on the keyboard, as printed with its dash', async () => {
    const { engine } = await renderSignedIn();
    click('shift-open');
    fireEvent.change(await screen.findByTestId('deploy-purpose'), { target: { value: 'Warrant service' } });
    click('deploy-special');
    await screen.findByTestId('deploy-awaiting');
    click('approve-code-keyboard');
    const keys = within(screen.getByTestId('approve-code-keys'));
    expect(keys.queryByRole('button', { name: 'O' })).toBeNull();
    expect(keys.queryByRole('button', { name: '0' })).toBeNull();
    tap('approve-code-keys', `${SUPERVISOR_CODE.slice(0, 4)}-${SUPERVISOR_CODE.slice(4)}`);
    click('approve-code-keys-done');
    click('approve-code-submit');
    await screen.findByTestId('deploy-active');
    expect(engine.callsTo('deployments.approve')).toEqual([{ deploymentId: 40, code: `${SUPERVISOR_CODE.slice(0, 4)}-${SUPERVISOR_CODE.slice(4)}` }]);
  });
});

describe('manual entry reason', () => {
  it('joins the quick-pick reason and the words typed', () => {
    expect(manualEntryReason('Missing person', '  last seen on Route 9 ')).toBe('Missing person: last seen on Route 9');
    expect(manualEntryReason('Missing person', '  ')).toBe('Missing person');
    expect(manualEntryReason('', 'seen at the bank')).toBe('seen at the bank');
    expect(manualEntryReason('', '')).toBe('');
  });
});
