/**
 * Errors of hot-list import and sync. The message always names the file (or
 * URL) and, where there is one, the line: `FILE:LINE: what is wrong`.
 */
export class HotListImportError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(line === null ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'HotListImportError';
  }
}

/** A download that could not be completed (network, HTTP status, truncated body). */
export class HotListSyncError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
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
