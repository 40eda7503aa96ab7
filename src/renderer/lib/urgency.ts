/**
 * How urgent a hot-list entry is, from its free-text category and list code.
 * Hot lists come from many sources with their own wording, so this matches on
 * words; anything unrecognised is treated as serious rather than routine.
 */
export type Urgency = 'critical' | 'high' | 'medium' | 'low';

const RULES: readonly [RegExp, Urgency][] = [
  [/amber|abduct|kidnap|missing|armed|danger|violent|homicide|terror|felony|wanted|warrant|officer/i, 'critical'],
  [/stolen|theft|carjack|robbery|burglary|gang|felon/i, 'high'],
  [/expired|registration|suspend|revok|insurance|uninsured|unregistered|parking|scofflaw|toll|tax/i, 'low'],
  [/manual|local|interest|investigat|watch|bolo/i, 'medium'],
];

export function urgencyOf(category: string, listCode = ''): Urgency {
  const text = `${category} ${listCode}`;
  for (const [pattern, urgency] of RULES) {
    if (pattern.test(text)) return urgency;
  }
  return 'high';
}

/** An alert's urgency: a list configured with the urgent tone is critical whatever its wording. */
export function alertUrgency(alert: { entry: { category: string; listCode: string }; match: { tone: string } }): Urgency {
  return alert.match.tone === 'urgent' ? 'critical' : urgencyOf(alert.entry.category, alert.entry.listCode);
}

export const URGENCY_RANK: Record<Urgency, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export const URGENCY_LABEL: Record<Urgency, string> = {
  critical: 'Officer safety',
  high: 'High priority',
  medium: 'Of interest',
  low: 'Routine',
};
