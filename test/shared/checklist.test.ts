/** The checklist's rules as a pure module: every answer combination gives one next step and a consistent verdict. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DISPOSITION_ACTIONS,
  DEFAULT_QUICK_REASONS,
  checkRefusal,
  dispositionKindRefusal,
  dispositionRefusal,
  nextStep,
  type ChecklistState,
} from '../../src/shared/checklist.js';
import { carSettingsSchema } from '../../src/shared/settings.js';

const state = (checks: Partial<ChecklistState['checks']>, status: ChecklistState['status'] = 'acknowledged'): ChecklistState => ({
  status,
  checks: { charactersMatch: null, stateMatches: null, dispatch: null, ...checks },
});

describe('checklist rules', () => {
  it('orders the steps and skips to the disposition after a "No"', () => {
    expect(nextStep(state({}, 'pending'))).toBe('acknowledge');
    expect(nextStep(state({}))).toBe('characters');
    expect(nextStep(state({ charactersMatch: false }))).toBe('disposition');
    expect(nextStep(state({ charactersMatch: true }))).toBe('state');
    expect(nextStep(state({ charactersMatch: true, stateMatches: false }))).toBe('disposition');
    expect(nextStep(state({ charactersMatch: true, stateMatches: true }))).toBe('dispatch');
    expect(nextStep(state({ charactersMatch: true, stateMatches: true, dispatch: 'not-possible' }))).toBe('disposition');
    expect(nextStep(state({ charactersMatch: true }, 'disposed'))).toBe('done');
  });

  it('refuses "Confirmed" after any answer that contradicts it', () => {
    expect(dispositionKindRefusal(state({ charactersMatch: false }), 'confirmed')).toMatch(/characters: No/);
    expect(dispositionKindRefusal(state({ charactersMatch: true, stateMatches: false }), 'confirmed')).toMatch(/state of issuance: No/);
    expect(dispositionKindRefusal(state({ charactersMatch: true, stateMatches: true, dispatch: 'not-active' }), 'confirmed')).toMatch(/Not active/);
    expect(dispositionKindRefusal(state({ charactersMatch: true, stateMatches: true, dispatch: 'verified-active' }), 'confirmed')).toBeNull();
    expect(dispositionKindRefusal(state({ charactersMatch: true, stateMatches: true }), 'other')).toMatch(/complete the checks/);
  });

  it('a disposition it accepts never contradicts an answer, for every combination of answers, kinds and actions', () => {
    const answer = fc.constantFrom(null, true, false);
    fc.assert(
      fc.property(
        answer,
        answer,
        fc.constantFrom(null, 'verified-active' as const, 'not-active' as const, 'not-possible' as const),
        fc.constantFrom('confirmed' as const, 'misread' as const, 'not-on-list' as const, 'other' as const),
        fc.subarray([...DISPOSITION_ACTIONS]),
        fc.constantFrom('', 'why'),
        (charactersMatch, stateMatches, dispatch, kind, actions, note) => {
          const alert = state({ charactersMatch, stateMatches, dispatch });
          const refused = dispositionRefusal(alert, { kind, note, reason: null, actions }, []);
          if (refused !== null) return;
          if (kind === 'confirmed') {
            expect(charactersMatch).toBe(true);
            expect(stateMatches).toBe(true);
            expect(dispatch === 'verified-active' || dispatch === 'not-possible').toBe(true);
          } else {
            expect(actions.filter((a) => ['arrest', 'recovered-vehicle', 'recovered-plate', 'person-located'].includes(a))).toEqual([]);
          }
          if (kind === 'misread' || kind === 'other') expect(note).not.toBe('');
        },
      ),
    );
  });

  it('lets answers change until the disposition, in order', () => {
    expect(checkRefusal(state({ charactersMatch: true }, 'disposed'), 'characters')).toMatch(/can no longer be changed/);
    expect(checkRefusal(state({}, 'pending'), 'characters')).toMatch(/acknowledge/);
    expect(checkRefusal(state({ charactersMatch: false, stateMatches: true }), 'characters')).toBeNull();
    expect(checkRefusal(state({ charactersMatch: false }), 'state')).toMatch(/change that answer first/);
    expect(checkRefusal(state({ charactersMatch: true, stateMatches: false }), 'dispatch')).toMatch(/change that answer first/);
    expect(checkRefusal(state({ charactersMatch: true, stateMatches: true, dispatch: 'not-active' }), 'dispatch')).toBeNull();
  });

  it('reads quick-pick reasons from the car settings, with defaults, and refuses a bad list naming where', () => {
    expect(carSettingsSchema.parse({}).reasons).toEqual(DEFAULT_QUICK_REASONS);
    expect(carSettingsSchema.parse({ reasons: { other: ['Traffic'] } }).reasons.other).toEqual(['Traffic']);
    const twice = carSettingsSchema.safeParse({ reasons: { misread: ['Dirty', 'Dirty'] } });
    expect(twice.success).toBe(false);
    expect(twice.error!.issues[0]).toMatchObject({ path: ['reasons', 'misread', 1], message: 'reason "Dirty" is listed twice' });
    const unknown = carSettingsSchema.safeParse({ reasons: { stolen: [] } });
    expect(unknown.success).toBe(false);
    expect(unknown.error!.issues[0]!.path).toEqual(['reasons']);
  });
});
