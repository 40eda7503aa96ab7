/**
 * Evidence packages and the secondary dissemination log (D.1). A package is
 * a ZIP of a hit, or of a history search's results: the images, the
 * read/hit/alert/disposition records as JSON and CSV, the audit rows that
 * concern them, and manifest.json with the SHA-256 of every other file.
 * Every export is logged (who, to whom, why, case number, the manifest's
 * SHA-256) and audited; `verifyPackage` checks a package file by file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Dissemination, DisseminationEntry, HistoryRead, User } from '../../../shared/contract.js';
import { audit } from '../governance/audit.js';
import type { Db } from '../store/db.js';
import { ReadStore } from '../store/reads.js';
import { getSearch, historyReads } from './history.js';
import { readZip, writeZip, ZipError, type ZipEntry } from './zip.js';

export const PACKAGE_FORMAT = 'patrol-lpr-evidence/1';

export class EvidenceError extends Error {}

export type EvidenceSource = { readonly hitId: number } | { readonly searchId: number };

const sha256 = (data: Buffer | string): string => crypto.createHash('sha256').update(data).digest('hex');

/** A CSV field: quoted when needed; a leading = + - @ is defused so a spreadsheet shows it as text. */
function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return [columns.join(','), ...rows.map((row) => columns.map((c) => csvField(row[c])).join(','))].join('\r\n') + '\r\n';
}

interface Gathered {
  readonly reads: HistoryRead[];
  readonly hits: Record<string, unknown>[];
  readonly alerts: Record<string, unknown>[];
  readonly dispositions: Record<string, unknown>[];
  readonly auditRows: Record<string, unknown>[];
  readonly source: Record<string, unknown>;
}

function gather(db: Db, source: EvidenceSource, user: User): Gathered {
  const store = new ReadStore(db);
  let readIds: number[];
  let onlyHit: number | null = null;
  let sourceRecord: Record<string, unknown>;
  if ('hitId' in source) {
    const hit = db.prepare('SELECT read_id FROM hits WHERE id = ?').get(source.hitId) as { read_id: number } | undefined;
    const covert = db.prepare(`SELECT 1 FROM upload_queue WHERE kind = 'covert-hit' AND record_id = ?`).get(source.hitId);
    // A covert hit is never shown in the car, so it cannot be exported from it either.
    if (!hit || covert) throw new EvidenceError(`hit ${source.hitId} does not exist`);
    readIds = [hit.read_id];
    onlyHit = source.hitId;
    sourceRecord = { kind: 'hit', hitId: source.hitId };
  } else {
    const search = getSearch(db, source.searchId);
    if (!search) throw new EvidenceError(`search ${source.searchId} does not exist`);
    if (search.userId !== user.id && user.role === 'officer') throw new EvidenceError(`search ${source.searchId} is another user's; an officer exports only their own searches`);
    readIds = search.readIds.filter((id) => store.get(id) !== null);
    if (readIds.length === 0) throw new EvidenceError(`search ${source.searchId} returned no reads that still exist; nothing to export`);
    sourceRecord = { kind: 'search', searchId: search.id, searchedBy: search.userId, searchedAt: new Date(search.at).toISOString(), justification: search.justification, criteria: search.criteria };
  }
  let reads = historyReads(db, readIds.map((id) => store.get(id)!));
  if (onlyHit !== null) reads = reads.map((r) => ({ ...r, hits: r.hits.filter((h) => h.hitId === onlyHit) }));
  const hitIds = reads.flatMap((r) => r.hits.map((h) => h.hitId));
  const list = (ids: readonly number[]): string => (ids.length === 0 ? 'NULL' : ids.map((n) => Number(n)).join(','));
  const hits = db
    .prepare(`SELECT id, read_id, entry_id, match_kind, differing_positions, matched_plate, entry_snapshot, created_at FROM hits WHERE id IN (${list(hitIds)}) ORDER BY id`)
    .all() as Record<string, unknown>[];
  const alerts = db.prepare(`SELECT * FROM alerts WHERE hit_id IN (${list(hitIds)}) ORDER BY id`).all() as Record<string, unknown>[];
  const alertIds = alerts.map((a) => a.id as number);
  const dispositions = db.prepare(`SELECT * FROM dispositions WHERE alert_id IN (${list(alertIds)}) ORDER BY id`).all() as Record<string, unknown>[];
  const searchId = 'searchId' in source ? source.searchId : null;
  const auditRows = (
    db
      .prepare(
        `SELECT * FROM audit_log WHERE
           json_extract(detail, '$.readId') IN (${list(readIds)})
           OR json_extract(detail, '$.hitId') IN (${list(hitIds)})
           OR json_extract(detail, '$.alertId') IN (${list(alertIds)})
           OR (@searchId IS NOT NULL AND json_extract(detail, '$.searchId') = @searchId)
         ORDER BY id`,
      )
      .all({ searchId }) as Record<string, unknown>[]
  ).map((row) => ({ ...row, detail: JSON.parse(row.detail as string) as unknown }));
  return { reads, hits, alerts, dispositions, auditRows, source: sourceRecord };
}

export interface ExportResult {
  readonly disseminationId: number;
  readonly file: string;
  readonly bytes: number;
  readonly manifestSha256: string;
  readonly reads: number;
  readonly hits: number;
}

/** Builds the package, writes it under outDir, logs the dissemination and audits it. */
export function exportEvidence(db: Db, source: EvidenceSource, to: Dissemination, by: { user: User; now: number; outDir: string; file?: string }): ExportResult {
  const g = gather(db, source, by.user);
  const store = new ReadStore(db);
  const createdAt = new Date(by.now).toISOString();
  const files: ZipEntry[] = [];
  const images: Record<number, { crop: string | null; context: string | null }> = {};
  for (const read of g.reads) {
    images[read.id] = { crop: null, context: null };
    for (const kind of ['crop', 'context'] as const) {
      const jpeg = store.image(read.id, kind);
      if (!jpeg) continue;
      const name = `images/read-${read.id}-${kind}.jpg`;
      files.push({ name, data: jpeg });
      images[read.id]![kind] = name;
    }
  }
  const dissemination = { by: by.user.id, byName: by.user.name, at: createdAt, ...to };
  const records = { format: PACKAGE_FORMAT, source: g.source, dissemination, reads: g.reads.map((r) => ({ ...r, images: images[r.id] })), hits: g.hits, alerts: g.alerts, dispositions: g.dispositions };
  files.push({ name: 'records.json', data: Buffer.from(JSON.stringify(records, null, 2) + '\n') });
  files.push({
    name: 'reads.csv',
    data: Buffer.from(
      toCsv(
        ['id', 'plate', 'state', 'confidence', 'capturedAt', 'cameraId', 'lat', 'lon', 'gpsAccuracyM', 'crop', 'context'],
        g.reads.map((r) => ({
          id: r.id, plate: r.plate, state: r.state, confidence: r.confidence, capturedAt: new Date(r.capturedAt).toISOString(), cameraId: r.cameraId,
          lat: r.gps?.lat, lon: r.gps?.lon, gpsAccuracyM: r.gps?.accuracyM, crop: images[r.id]?.crop, context: images[r.id]?.context,
        })),
      ),
    ),
  });
  const hitRows = g.reads.flatMap((r) => r.hits.map((h) => ({ ...h, readId: r.id, plate: r.plate, capturedAt: new Date(r.capturedAt).toISOString() })));
  files.push({
    name: 'hits.csv',
    data: Buffer.from(toCsv(['hitId', 'readId', 'plate', 'capturedAt', 'listName', 'listCode', 'matchKind', 'matchedPlate', 'alertId', 'alertStatus', 'disposition'], hitRows)),
  });
  files.push({ name: 'audit.json', data: Buffer.from(JSON.stringify(g.auditRows, null, 2) + '\n') });
  files.push({ name: 'audit.csv', data: Buffer.from(toCsv(['id', 'at', 'user_id', 'action', 'detail'], g.auditRows.map((r) => ({ ...r, at: new Date(r.at as number).toISOString() })))) });
  const manifest = {
    format: PACKAGE_FORMAT,
    createdAt,
    caseNumber: to.caseNumber,
    files: files.map((f) => ({ path: f.name, bytes: f.data.length, sha256: sha256(f.data) })),
  };
  const manifestData = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
  const manifestSha256 = sha256(manifestData);
  const zip = writeZip([{ name: 'manifest.json', data: manifestData }, ...files], new Date(by.now));

  fs.mkdirSync(by.outDir, { recursive: true });
  const readIds = g.reads.map((r) => r.id);
  const hitIds = hitRows.map((h) => h.hitId);
  const sourceKind = 'hitId' in source ? 'hit' : 'search';
  const sourceId = 'hitId' in source ? source.hitId : source.searchId;
  return db.transaction((): ExportResult => {
    const info = db
      .prepare(
        `INSERT INTO disseminations (at, user_id, recipient_person, recipient_agency, reason, case_number, source_kind, source_id, read_ids, hit_ids, file, manifest_sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)`,
      )
      .run(by.now, by.user.id, to.recipientPerson, to.recipientAgency, to.reason, to.caseNumber, sourceKind, sourceId, JSON.stringify(readIds), JSON.stringify(hitIds), manifestSha256);
    const id = Number(info.lastInsertRowid);
    const safeCase = to.caseNumber.replace(/[^A-Za-z0-9_-]+/g, '_');
    const file = path.resolve(by.file ?? path.join(by.outDir, `evidence-${id}-${safeCase}.zip`));
    // Written before the transaction commits: a package that could not be written is never logged.
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, zip, { mode: 0o600 });
    fs.renameSync(temp, file);
    db.prepare('UPDATE disseminations SET file = ? WHERE id = ?').run(file, id);
    audit(db, { userId: by.user.id, action: 'evidence.export', detail: { disseminationId: id, source: sourceKind, sourceId, ...to, readIds, hitIds, file, manifestSha256 } }, by.now);
    return { disseminationId: id, file, bytes: zip.length, manifestSha256, reads: readIds.length, hits: hitIds.length };
  })();
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly manifestSha256: string | null;
  readonly files: number;
  /** Each problem names the file it is about. */
  readonly problems: string[];
  readonly caseNumber: string | null;
}

/** Checks a package: a readable ZIP, a manifest, every listed file present with its SHA-256, nothing unlisted. */
export function verifyPackage(zip: Buffer, what = 'package'): VerifyResult {
  let entries: ZipEntry[];
  try {
    entries = readZip(zip, what);
  } catch (error) {
    if (error instanceof ZipError) return { ok: false, manifestSha256: null, files: 0, problems: [error.message], caseNumber: null };
    throw error;
  }
  const byName = new Map(entries.map((e) => [e.name, e.data]));
  const manifestData = byName.get('manifest.json');
  if (!manifestData) return { ok: false, manifestSha256: null, files: 0, problems: [`${what}: manifest.json is missing`], caseNumber: null };
  let manifest: { format?: unknown; caseNumber?: unknown; files?: { path: string; bytes: number; sha256: string }[] };
  try {
    manifest = JSON.parse(manifestData.toString('utf8')) as typeof manifest;
  } catch (error) {
    return { ok: false, manifestSha256: sha256(manifestData), files: 0, problems: [`${what}: manifest.json is not valid JSON: ${(error as Error).message}`], caseNumber: null };
  }
  const problems: string[] = [];
  if (manifest.format !== PACKAGE_FORMAT) problems.push(`${what}: manifest.json: format is ${JSON.stringify(manifest.format)}, expected "${PACKAGE_FORMAT}"`);
  const listed = Array.isArray(manifest.files) ? manifest.files : [];
  if (!Array.isArray(manifest.files)) problems.push(`${what}: manifest.json: no file list`);
  for (const f of listed) {
    const data = byName.get(f.path);
    if (!data) problems.push(`${what}: ${f.path}: listed in the manifest but missing`);
    else if (sha256(data) !== f.sha256) problems.push(`${what}: ${f.path}: SHA-256 does not match the manifest (changed after export)`);
  }
  const names = new Set(listed.map((f) => f.path));
  for (const e of entries) if (e.name !== 'manifest.json' && !names.has(e.name)) problems.push(`${what}: ${e.name}: not listed in the manifest (added after export)`);
  return { ok: problems.length === 0, manifestSha256: sha256(manifestData), files: listed.length, problems, caseNumber: typeof manifest.caseNumber === 'string' ? manifest.caseNumber : null };
}

interface LogRow {
  id: number;
  at: number;
  user_id: string;
  recipient_person: string;
  recipient_agency: string;
  reason: string;
  case_number: string;
  source_kind: 'hit' | 'search';
  source_id: number;
  read_ids: string;
  hit_ids: string;
  file: string;
  manifest_sha256: string;
}

export function disseminationLog(db: Db, limit = 500): DisseminationEntry[] {
  return (db.prepare('SELECT * FROM disseminations ORDER BY id DESC LIMIT ?').all(limit) as LogRow[]).map((r) => ({
    id: r.id,
    at: r.at,
    userId: r.user_id,
    recipientPerson: r.recipient_person,
    recipientAgency: r.recipient_agency,
    reason: r.reason,
    caseNumber: r.case_number,
    source: r.source_kind,
    sourceId: r.source_id,
    readIds: JSON.parse(r.read_ids) as number[],
    hitIds: JSON.parse(r.hit_ids) as number[],
    file: r.file,
    manifestSha256: r.manifest_sha256,
  }));
}

export function disseminationCsv(entries: readonly DisseminationEntry[]): string {
  return toCsv(
    ['id', 'at', 'userId', 'recipientPerson', 'recipientAgency', 'reason', 'caseNumber', 'source', 'sourceId', 'readIds', 'hitIds', 'file', 'manifestSha256'],
    entries.map((e) => ({ ...e, at: new Date(e.at).toISOString(), readIds: e.readIds.join(' '), hitIds: e.hitIds.join(' ') })),
  );
}

/** The log entry of a package, found by its manifest's SHA-256 (null when the package was not made here). */
export function disseminationOf(db: Db, manifestSha256: string): DisseminationEntry | null {
  const row = db.prepare('SELECT id FROM disseminations WHERE manifest_sha256 = ?').get(manifestSha256) as { id: number } | undefined;
  if (!row) return null;
  return disseminationLog(db, Number.MAX_SAFE_INTEGER).find((e) => e.id === row.id) ?? null;
}
