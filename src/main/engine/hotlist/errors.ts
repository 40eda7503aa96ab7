/**
 * Errors of hot-list import and sync. The message always names the file (or
 * URL) and, where there is one, the line: `FILE:LINE: what is wrong`. Each
 * carries the kind of fault it is (shared/hotlists.ts), set where it is
 * thrown, so the screens say it in the officer's words and keep the message
 * itself for the administrator and the log.
 */
import type { HotListFault } from '../../../shared/contract.js';
import type { HotListFaultKind } from '../../../shared/hotlists.js';

/** A file that cannot be imported: bad format by default (with its line when known), or what the thrower says. */
export class HotListImportError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
    readonly kind: HotListFaultKind = 'bad-format',
  ) {
    super(line === null ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'HotListImportError';
  }
}

/** A download or check that could not be completed (network, HTTP status, truncated body, integrity). */
export class HotListSyncError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
    readonly kind: HotListFaultKind,
    /** refused: the server's HTTP status. */
    readonly status: number | null = null,
  ) {
    super(`${source}: ${reason}`);
    this.name = 'HotListSyncError';
  }
}

/** Invalid manual entry or list configuration. */
export class HotListInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HotListInputError';
  }
}

/** A failure as it is recorded on the list: its kind, the engine's detail, and the status or line that go with the kind. */
export type HotListFailure = Omit<HotListFault, 'at'>;

/**
 * The fault an error stands for. The hot-list errors say it themselves; a
 * database or disk error met while storing a list is a storage fault; anything
 * else is unexpected, its message kept as the detail.
 */
export function faultOf(error: unknown): HotListFailure {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof HotListImportError) return { kind: error.kind, detail, status: null, line: error.kind === 'bad-format' ? error.line : null };
  if (error instanceof HotListSyncError) return { kind: error.kind, detail, status: error.status, line: null };
  return { kind: isStorageError(error) ? 'storage' : 'unexpected', detail, status: null, line: null };
}

/** SQLite's errors (better-sqlite3 codes them SQLITE_*) and a full or failing disk. */
export function isStorageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_') || code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS' || code === 'EIO');
}
