import { describe, expect, it } from 'vitest';
import { alertUrgency, urgencyOf } from '../../src/renderer/lib/urgency.js';

describe('alert urgency', () => {
  it('takes the list’s urgent tone over the wording of its category', () => {
    expect(alertUrgency({ entry: { category: 'Expired registration', listCode: 'E' }, match: { tone: 'urgent' } })).toBe('critical');
    expect(alertUrgency({ entry: { category: 'Expired registration', listCode: 'E' }, match: { tone: 'standard' } })).toBe('low');
  });

  it('reads the category when the tone is standard, and treats unknown wording as serious', () => {
    expect(urgencyOf('AMBER alert')).toBe('critical');
    expect(urgencyOf('Stolen vehicle', 'V')).toBe('high');
    expect(urgencyOf('Something new')).toBe('high');
  });
});
