/**
 * Line parsers of the list formats: NCIC fixed width (column map from the
 * configuration) and CSV/TSV with a header row. A parser turns one line into an
 * entry, null for a blank line, or a string saying what is wrong with it; the
 * importer adds the file and line number.
 */
import type { CsvLayout, ListCodeMeaning, NcicLayout, ColumnRange } from './config.js';
import { isPattern, literalCount, normalisePattern, normalisePlate } from './plate.js';

export interface ParsedEntry {
  /** A-Z0-9, or with `*`/`?` for a partial plate (CSV lists only). */
  readonly plate: string;
  readonly state: string | null;
  readonly listCode: string;
  readonly description: string;
  readonly expiresAt: number | null;
  /** The record number (NCIC NIC) when the list carries one. */
  readonly recordNumber: string | null;
}

export type LineParser = (line: string) => ParsedEntry | string | null;

const STATE = /^[A-Z]{2}$/;
const YEAR = /^\d{4}$/;
const LIST_CODE = /^[A-Za-z0-9_-]{1,16}$/;
const RECORD_NUMBER = /^[A-Za-z0-9-]{1,20}$/;

function checkRecordNumber(text: string): string | null {
  if (text === '' || RECORD_NUMBER.test(text)) return null;
  return `record number "${text}" is not 1-20 letters, digits or "-"`;
}

function cut(line: string, range: ColumnRange | undefined): string {
  if (!range) return '';
  return line.slice(range[0], range[1] ?? undefined).trim();
}

function validDate(yyyymmdd: string): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const HEADER_DATE = /(?:^|[^\d])((?:19|20)\d{2})(-?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?:[T ]?([01]\d|2[0-3]):?([0-5]\d)(?::?([0-5]\d))?(Z)?)?(?!\d)/;

/**
 * The date an extract carries in its header line ("NCIC VEHICLE EXTRACT
 * 20240101", "... 2024-01-01T06:30"), as UTC milliseconds; null when the line
 * holds no valid date. A date without a time counts from the start of that day
 * (UTC), so the list is never taken for newer than it is.
 */
export function extractDateOf(line: string): number | null {
  const m = HEADER_DATE.exec(line);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
  if (!validDate(`${m[1]}${m[3]}${m[4]}`)) return null;
  return Date.UTC(y, mo - 1, d, Number(m[5] ?? 0), Number(m[6] ?? 0), Number(m[7] ?? 0));
}

/** Shortest line that holds every bounded column of the layout. */
export function ncicRecordLength(layout: NcicLayout): number {
  let min = 0;
  for (const range of Object.values(layout.columns)) {
    if (range) min = Math.max(min, range[1] ?? range[0]);
  }
  return min;
}

export function makeNcicParser(layout: NcicLayout, codes: Readonly<Record<string, ListCodeMeaning>>): LineParser {
  const c = layout.columns;
  const minLength = ncicRecordLength(layout);
  return (line) => {
    if (line.length < minLength) {
      if (line.trim() === '') return null;
      return `record is ${line.length} characters long, the NCIC layout needs at least ${minLength} (truncated line or wrong column map)`;
    }
    const listCode = cut(line, c.listCode).toUpperCase();
    if (!Object.prototype.hasOwnProperty.call(codes, listCode)) {
      return `unknown list code "${listCode}" (expected one of ${Object.keys(codes).join(' ')})`;
    }
    const recordNumber = cut(line, c.recordNumber).toUpperCase();
    const badRecord = checkRecordNumber(recordNumber);
    if (badRecord !== null) return badRecord;
    const rawPlate = cut(line, c.plate);
    const plate = normalisePlate(rawPlate);
    if (plate === null) return `plate "${rawPlate}" is not 1-10 letters or digits`;
    const stateText = cut(line, c.state).toUpperCase();
    if (stateText !== '' && !STATE.test(stateText)) return `state "${stateText}" is not a two-letter code`;
    const date = cut(line, c.incidentDate);
    if (date !== '' && !validDate(date)) return `incident date "${date}" is not a date YYYYMMDD`;
    const tagYear = cut(line, c.tagYear);
    if (tagYear !== '' && !YEAR.test(tagYear)) return `tag year "${tagYear}" is not a four-digit year`;
    const vehicleYear = cut(line, c.vehicleYear);
    if (vehicleYear !== '' && !YEAR.test(vehicleYear)) return `vehicle year "${vehicleYear}" is not a four-digit year`;
    const vehicle = [vehicleYear, cut(line, c.make), cut(line, c.model), cut(line, c.colour)].filter((s) => s !== '').join(' ');
    let description = vehicle;
    if (tagYear !== '') description += `${description ? '; ' : ''}tag ${tagYear}`;
    if (date !== '') description += `${description ? '; ' : ''}since ${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
    return { plate, state: stateText === '' ? null : stateText, listCode, description, expiresAt: null, recordNumber: recordNumber === '' ? null : recordNumber };
  };
}

/** Splits one CSV/TSV record; double quotes group fields and "" is a quote. */
export function splitFields(line: string, delimiter: string): string[] | string {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStart = true;
  while (i < line.length) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (i < line.length && line[i] !== delimiter) return `unexpected character after a closing quote at column ${i + 1}`;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
      i++;
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
      fieldStart = true;
      i++;
      continue;
    }
    field += ch;
    fieldStart = false;
    i++;
  }
  if (quoted) return 'unterminated quoted field (a record may not span lines; truncated line?)';
  fields.push(field);
  return fields;
}

/** Header name folded for comparison: case, spaces, '_' and '-' ignored. */
export function headerKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/g, '');
}

const USUAL_NAMES: Record<keyof CsvLayout['columns'], readonly string[]> = {
  plate: ['plate', 'platenumber', 'plateno', 'licenseplate', 'licenceplate', 'tag', 'lic'],
  state: ['state', 'platestate', 'stateofissuance', 'st', 'jurisdiction'],
  listCode: ['listcode', 'code', 'list', 'type'],
  description: ['description', 'desc', 'details', 'notes', 'remarks'],
  expires: ['expires', 'expiry', 'expiresat', 'expirydate', 'expiration'],
  recordNumber: ['nic', 'recordnumber', 'recordno', 'record', 'nicnumber', 'ncicnumber'],
};

export interface CsvColumns {
  readonly plate: number;
  readonly state: number;
  readonly listCode: number;
  readonly description: number;
  readonly expires: number;
  readonly recordNumber: number;
  readonly count: number;
}

/** Finds each field in the header row; a string says what is missing. */
export function resolveCsvHeader(header: readonly string[], layout: CsvLayout): CsvColumns | string {
  const keys = header.map((h) => headerKey(h));
  const find = (field: keyof CsvLayout['columns']): number | string => {
    const configured = layout.columns[field];
    if (configured !== undefined) {
      const at = keys.indexOf(headerKey(configured));
      return at >= 0 ? at : `header has no column "${configured}" (configured for ${field}); found: ${header.join(', ')}`;
    }
    for (const name of USUAL_NAMES[field]) {
      const at = keys.indexOf(name);
      if (at >= 0) return at;
    }
    return -1;
  };
  const plate = find('plate');
  const state = find('state');
  const listCode = find('listCode');
  const description = find('description');
  const expires = find('expires');
  const recordNumber = find('recordNumber');
  for (const v of [plate, state, listCode, description, expires, recordNumber]) if (typeof v === 'string') return v;
  if (plate === -1) return `header has no plate column; found: ${header.join(', ')}`;
  if (listCode === -1 && layout.defaultListCode === undefined) {
    return `header has no list code column and the list has no defaultListCode; found: ${header.join(', ')}`;
  }
  return {
    plate: plate as number,
    state: state as number,
    listCode: listCode as number,
    description: description as number,
    expires: expires as number,
    recordNumber: recordNumber as number,
    count: header.length,
  };
}

function parseExpiry(text: string): number | null | string {
  if (text === '') return null;
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const ms = Date.parse(text.length === 10 ? `${text}T23:59:59` : text.replace(' ', 'T'));
    if (Number.isFinite(ms)) return ms;
  }
  return `expiry "${text}" is not a date (YYYY-MM-DD or ISO 8601 date and time)`;
}

export interface CsvParserOptions {
  readonly delimiter: string;
  readonly codes: Readonly<Record<string, ListCodeMeaning>>;
  readonly defaultListCode?: string;
  /** Fewest known characters a partial plate (with * or ?) must have. */
  readonly minKnownCharacters: number;
}

export function makeCsvParser(columns: CsvColumns, options: CsvParserOptions): LineParser {
  return (line) => {
    if (line.trim() === '') return null;
    const fields = splitFields(line, options.delimiter);
    if (typeof fields === 'string') return fields;
    if (fields.length !== columns.count) {
      return `has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${columns.count} (truncated or malformed line)`;
    }
    const rawPlate = fields[columns.plate]!.trim();
    const plate = isPattern(rawPlate) ? normalisePattern(rawPlate) : normalisePlate(rawPlate);
    if (plate === null) return `plate "${rawPlate}" is not 1-10 letters or digits (with * or ? for a partial plate)`;
    if (isPattern(plate) && literalCount(plate) < options.minKnownCharacters) {
      return `partial plate "${plate}" has fewer than ${options.minKnownCharacters} known characters`;
    }
    const stateText = columns.state >= 0 ? fields[columns.state]!.trim().toUpperCase() : '';
    if (stateText !== '' && !STATE.test(stateText)) return `state "${stateText}" is not a two-letter code`;
    const listCode = columns.listCode >= 0 ? fields[columns.listCode]!.trim().toUpperCase() : (options.defaultListCode ?? '').toUpperCase();
    if (!LIST_CODE.test(listCode)) return `list code "${listCode}" is not 1-16 letters, digits, "_" or "-"`;
    const description = columns.description >= 0 ? fields[columns.description]!.trim() : '';
    const expires = columns.expires >= 0 ? parseExpiry(fields[columns.expires]!.trim()) : null;
    if (typeof expires === 'string') return expires;
    const recordNumber = columns.recordNumber >= 0 ? fields[columns.recordNumber]!.trim().toUpperCase() : '';
    const badRecord = checkRecordNumber(recordNumber);
    if (badRecord !== null) return badRecord;
    return { plate, state: stateText === '' ? null : stateText, listCode, description, expiresAt: expires, recordNumber: recordNumber === '' ? null : recordNumber };
  };
}
