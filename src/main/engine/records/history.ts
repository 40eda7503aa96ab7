/**
 * History search (C.8): stored reads and their hits by plate (with * and ?),
 * time, camera and map area. A search is refused without a justification the
 * agency accepts; each one is stored with its justification and the reads it
 * returned, and audited with them. Images of a search's reads are viewed
 * through that search, and each view is audited against it.
 */
import {
  justificationProblem,
  type Justification,
  type SearchReason,
} from '../../../shared/records.js';
import { JUSTIFICATION_REQUIRED } from '../../../shared/records.js';
import type { HistoryHit, HistoryQuery, HistoryRead, HistorySearchResult, ReadSummary } from '../../../shared/contract.js';
import { audit } from '../governance/audit.js';
import type { Db } from '../store/db.js';
import { ReadStore } from '../store/reads.js';

export class SearchRefused extends Error {}

interface Row {
  id: number;
}

/** The hits on these reads, covert ones left out (never shown in the car). */
export function hitsOfReads(db: Db, readIds: readonly number[]): Map<number, HistoryHit[]> {
  const out = new Map<number, HistoryHit[]>();
  const stmt = db.prepare(
    `SELECT h.id, h.read_id, h.match_kind, h.matched_plate, h.entry_snapshot, a.id AS alert_id, a.status, d.kind AS d_kind
     FROM hits h LEFT JOIN alerts a ON a.hit_id = h.id LEFT JOIN dispositions d ON d.alert_id = a.id
     WHERE h.read_id = ? AND NOT EXISTS (SELECT 1 FROM upload_queue q WHERE q.kind = 'covert-hit' AND q.record_id = h.id)
     ORDER BY h.id`,
  );
  for (const readId of readIds) {
    const rows = stmt.all(readId) as {
      id: number;
      read_id: number;
      match_kind: HistoryHit['matchKind'];
      matched_plate: string;
      entry_snapshot: string;
      alert_id: number | null;
      status: HistoryHit['alertStatus'];
      d_kind: HistoryHit['disposition'];
    }[];
    out.set(
      readId,
      rows.map((r) => {
        const entry = JSON.parse(r.entry_snapshot) as { listName?: string; listCode?: string };
        return {
          hitId: r.id,
          listName: entry.listName ?? '',
          listCode: entry.listCode ?? '',
          matchKind: r.match_kind,
          matchedPlate: r.matched_plate,
          alertId: r.alert_id,
          alertStatus: r.status,
          disposition: r.d_kind,
        };
      }),
    );
  }
  return out;
}

/** Reads as history shows them: the summary, whether images remain, and the hits. */
export function historyReads(db: Db, reads: readonly ReadSummary[]): HistoryRead[] {
  const hits = hitsOfReads(db, reads.map((r) => r.id));
  const images = db.prepare('SELECT crop_jpeg IS NOT NULL OR context_jpeg IS NOT NULL AS has FROM reads WHERE id = ?');
  return reads.map((read) => ({ ...read, hasImages: (images.get(read.id) as { has: number }).has === 1, hits: hits.get(read.id) ?? [] }));
}

export function searchHistory(
  db: Db,
  query: HistoryQuery,
  justification: Justification | undefined,
  by: { userId: string; now: number; reasons: readonly SearchReason[] },
): HistorySearchResult {
  if (!justification || (!justification.caseNumber && !justification.reason)) throw new SearchRefused(JUSTIFICATION_REQUIRED);
  const problem = justificationProblem(justification, by.reasons, by.now);
  if (problem) {
    audit(db, { userId: by.userId, action: 'history.search-refused', detail: { justification, problem } }, by.now);
    throw new SearchRefused(problem);
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) throw new SearchRefused('from: must not be later than to');
  const params = {
    plate: query.plate,
    from: query.from ?? null,
    to: query.to ?? null,
    camera: query.cameraId ?? null,
    south: query.area?.south ?? null,
    west: query.area?.west ?? null,
    north: query.area?.north ?? null,
    east: query.area?.east ?? null,
    limit: query.limit + 1,
  };
  // The pattern holds only A-Z, 0-9, * and ? (the contract checks it), all of which GLOB reads as meant.
  const ids = (
    db
      .prepare(
        `SELECT id FROM reads
         WHERE plate GLOB @plate
           AND (@from IS NULL OR captured_at >= @from) AND (@to IS NULL OR captured_at <= @to)
           AND (@camera IS NULL OR camera_id = @camera)
           AND (@south IS NULL OR (lat BETWEEN @south AND @north AND lon BETWEEN @west AND @east))
         ORDER BY captured_at DESC, id DESC LIMIT @limit`,
      )
      .all(params) as Row[]
  ).map((r) => r.id);
  const truncated = ids.length > query.limit;
  if (truncated) ids.length = query.limit;
  const store = new ReadStore(db);
  const reads = historyReads(db, ids.map((id) => store.get(id)!));
  const criteria = { plate: query.plate, from: query.from ?? null, to: query.to ?? null, cameraId: query.cameraId ?? null, area: query.area ?? null, limit: query.limit };
  const searchId = db.transaction(() => {
    const info = db
      .prepare(
        `INSERT INTO history_searches (user_id, at, case_number, reason, reason_text, criteria, read_ids, truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        by.userId,
        by.now,
        justification.caseNumber ?? null,
        justification.caseNumber ? null : justification.reason!,
        justification.caseNumber ? null : justification.text!,
        JSON.stringify(criteria),
        JSON.stringify(ids),
        truncated ? 1 : 0,
      );
    const id = Number(info.lastInsertRowid);
    audit(
      db,
      {
        userId: by.userId,
        action: 'history.search',
        detail: {
          searchId: id,
          justification,
          criteria,
          returned: reads.map((r) => ({ readId: r.id, plate: r.plate, capturedAt: r.capturedAt, hits: r.hits.map((h) => h.hitId) })),
          truncated,
        },
      },
      by.now,
    );
    return id;
  })();
  return { searchId, reads, truncated };
}

export interface StoredSearch {
  readonly id: number;
  readonly userId: string;
  readonly at: number;
  readonly justification: Justification;
  readonly criteria: Record<string, unknown>;
  readonly readIds: number[];
}

export function getSearch(db: Db, id: number): StoredSearch | null {
  const row = db.prepare('SELECT * FROM history_searches WHERE id = ?').get(id) as
    | { id: number; user_id: string; at: number; case_number: string | null; reason: string | null; reason_text: string | null; criteria: string; read_ids: string }
    | undefined;
  if (!row) return null;
  return {
    id: row.id,
    userId: row.user_id,
    at: row.at,
    justification: row.case_number ? { caseNumber: row.case_number } : { reason: row.reason!, text: row.reason_text! },
    criteria: JSON.parse(row.criteria) as Record<string, unknown>,
    readIds: JSON.parse(row.read_ids) as number[],
  };
}

/**
 * An image of a read a search returned, viewed by the one who searched (or a
 * supervisor or administrator); audited with the search.
 */
export function viewSearchImage(
  db: Db,
  request: { searchId: number; readId: number; kind: 'crop' | 'context' },
  by: { userId: string; mayViewOthers: boolean; now: number },
): Buffer | null {
  const search = getSearch(db, request.searchId);
  if (!search) throw new SearchRefused(`search ${request.searchId} does not exist`);
  if (search.userId !== by.userId && !by.mayViewOthers) throw new SearchRefused(`search ${request.searchId} is another user's; run your own justified search`);
  if (!search.readIds.includes(request.readId)) throw new SearchRefused(`read ${request.readId} is not among the results of search ${request.searchId}`);
  const row = db.prepare(`SELECT ${request.kind === 'crop' ? 'crop_jpeg' : 'context_jpeg'} AS jpeg FROM reads WHERE id = ?`).get(request.readId) as
    | { jpeg: Buffer | null }
    | undefined;
  audit(db, { userId: by.userId, action: 'read.image-view', detail: { searchId: search.id, readId: request.readId, kind: request.kind, justification: search.justification, found: !!row?.jpeg } }, by.now);
  if (!row) throw new SearchRefused(`read ${request.readId} has been purged since the search`);
  return row.jpeg;
}
