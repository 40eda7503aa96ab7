/**
 * The shift summary as CSV (one row per figure: section, deployment, figure,
 * value) for the agency's records (B.1.d). Pure: the screen turns it into a
 * download.
 */
import { ACTION_LABEL, DISPOSITION_ACTIONS } from '../../shared/checklist.js';
import type { DispositionKind, ShiftCounters, ShiftSummary } from '../../shared/contract.js';

const KINDS: readonly DispositionKind[] = ['confirmed', 'misread', 'not-on-list', 'other'];

/** A CSV field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function counterRows(section: string, deployment: string, counters: ShiftCounters): (string | number)[][] {
  return [
    [section, deployment, 'reads', counters.reads],
    [section, deployment, 'hits', counters.hits],
    [section, deployment, 'confirmed hits', counters.confirmedHits],
    [section, deployment, 'without disposition', counters.undisposed],
    ...KINDS.map((kind) => [section, deployment, `disposition: ${kind}`, counters.dispositions[kind] ?? 0]),
    ...DISPOSITION_ACTIONS.map((action) => [section, deployment, `action: ${ACTION_LABEL[action]}`, counters.actions[action] ?? 0]),
  ];
}

export function shiftCsv(summary: ShiftSummary): string {
  const iso = (t: number | null) => (t === null ? '' : new Date(t).toISOString());
  const rows: (string | number | null)[][] = [
    ['section', 'deployment', 'figure', 'value'],
    ['shift', '', 'officer', `${summary.officer.name} (${summary.officer.id})`],
    ['shift', '', 'from', iso(summary.from)],
    ['shift', '', 'to', iso(summary.to)],
    ...counterRows('shift', '', summary.counters),
  ];
  for (const { deployment: d, counters } of summary.deployments) {
    const name = `#${d.id}`;
    rows.push(
      ['deployment', name, 'kind', d.kind === 'special' ? 'special detail' : 'routine patrol'],
      ['deployment', name, 'purpose', d.purpose],
      ['deployment', name, 'status', d.status],
      ['deployment', name, 'approved by', d.approvedBy],
      ['deployment', name, 'approved at', iso(d.approvedAt)],
      ['deployment', name, 'started', iso(d.startedAt)],
      ['deployment', name, 'ended', iso(d.endedAt)],
    );
    if (counters) rows.push(...counterRows('deployment', name, counters));
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
