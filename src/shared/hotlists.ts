/**
 * A hot list's state in the officer's words (policy C.3): why its last sync
 * failed, and whether the copy in the car can still be trusted. The engine
 * types each failure where it finds it (hotlist/errors.ts) and the screens,
 * the CLI and the log say it from here, so a path or an address in the
 * engine's detail never becomes the officer's reading.
 */
import type { HotListFault, HotListStatus } from './contract.js';

/**
 * Why a list's sync or import failed, as the engine's hot-list code tells apart:
 * - missing: the file its source names is not there (USB stick or share not mounted), or is no file;
 * - unreachable: the server could not be reached, or the download broke off and did not resume;
 * - refused: the server answered with an HTTP error status (its status says which);
 * - insecure: the connection is not one the list may come over (plain http://, a certificate that does not check out);
 * - bad-format: the file is not in the list's format (its line says where, when known);
 * - empty: the file holds no entries (a truncated download, most likely);
 * - integrity: the file's checksum or signature does not match, or could not be checked;
 * - storage: the car's database could not take it in (disk full, write error);
 * - unexpected: any other error (its detail says what), and failures stored before kinds were.
 */
export const HOTLIST_FAULT_KINDS = ['missing', 'unreachable', 'refused', 'insecure', 'bad-format', 'empty', 'integrity', 'storage', 'unexpected'] as const;
export type HotListFaultKind = (typeof HOTLIST_FAULT_KINDS)[number];

/** Where a list's age counts from (store.ts DataDate). */
export const DATA_FROM_KINDS = ['extract', 'file', 'server', 'download'] as const;
export type DataFrom = (typeof DATA_FROM_KINDS)[number];

const ADMINISTRATOR = 'If it stays, call the administrator.';

const FAULT_WORDS: Record<HotListFaultKind, { readonly reason: (fault: Pick<HotListFault, 'status' | 'line'>) => string; readonly action: string }> = {
  missing: {
    reason: () => 'The list file is missing: the USB stick or network share may not be connected.',
    action: `Connect it and sync again. ${ADMINISTRATOR}`,
  },
  unreachable: {
    reason: () => "The list's server could not be reached.",
    action: `Sync again when the network is back. ${ADMINISTRATOR}`,
  },
  refused: {
    reason: (fault) => (fault.status === null ? "The list's server refused the download." : `The list's server refused the download (HTTP ${fault.status}).`),
    action: `Sync again later. ${ADMINISTRATOR}`,
  },
  insecure: {
    reason: () => 'The connection to the list\'s server is not secure, so the list was not taken.',
    action: 'Call the administrator.',
  },
  'bad-format': {
    reason: (fault) =>
      fault.line === null ? 'The new file is not a list the reader can use, so it was not taken.' : `The new file is damaged or in the wrong format (line ${fault.line}), so it was not taken.`,
    action: 'Call the administrator: the agency has to send the list again.',
  },
  empty: {
    reason: () => 'The new file has no entries (an incomplete download?), so it was not taken.',
    action: `Sync again. ${ADMINISTRATOR}`,
  },
  integrity: {
    reason: () => 'The new file failed its integrity check (damaged or altered), so it was not taken.',
    action: 'Call the administrator: the agency has to send the list again.',
  },
  storage: {
    reason: () => "The car's storage could not take the new list in.",
    action: 'Restart the reader and sync again; if it happens again, call the administrator.',
  },
  unexpected: {
    reason: () => 'The reader met an error while updating it.',
    action: `Sync again. ${ADMINISTRATOR}`,
  },
};

/** Why a sync failed and what to do, in the officer's words; never the engine's detail (paths, addresses, library wording). */
export function hotListFaultWords(fault: Pick<HotListFault, 'kind' | 'status' | 'line'>): { readonly reason: string; readonly action: string } {
  const words = FAULT_WORDS[fault.kind];
  return { reason: words.reason(fault), action: words.action };
}

/** An age in words: "40 min", "5 h", "3 days". */
export function ageWords(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

const DATA_FROM_WORDS: Record<DataFrom, string> = {
  extract: "by the extract's own date",
  file: "by the file's date",
  server: "by the server's date",
  download: 'since it was downloaded',
};

/** What makes a list stale, from its status; null while it is current (and for manual lists, never stale). */
export type HotListTrouble = 'never-synced' | 'never-loaded' | 'sync-failed' | 'too-old';

export function hotListTrouble(list: Pick<HotListStatus, 'kind' | 'updatedAt' | 'fault' | 'stale'>): HotListTrouble | null {
  if (list.kind === 'manual') return null;
  if (list.updatedAt === null) return list.fault ? 'never-loaded' : 'never-synced';
  if (list.fault) return 'sync-failed';
  return list.stale ? 'too-old' : null;
}

/** A list's problem in a notice's words: its title ("County list could not be updated"), why, and what it means and what to do. */
export interface HotListWords {
  readonly trouble: HotListTrouble;
  readonly title: string;
  readonly reason: string;
  readonly action: string;
}

const CHECK_WITH_DISPATCH = 'check a hit on it with dispatch before acting on it.';
const NOT_CHECKED = 'There is no copy of it on the car: reads are not checked against it.';

/**
 * What is wrong with a list, or null when nothing is. `copyFrom` is the time
 * of the copy in force as the caller writes times ("06:10", "3 Dec 06:10");
 * `now` gives the data's age.
 */
export function hotListWords(
  list: Pick<HotListStatus, 'name' | 'kind' | 'updatedAt' | 'dataFrom' | 'fault' | 'stale' | 'staleAfterMs'>,
  now: number,
  copyFrom: (at: number) => string,
): HotListWords | null {
  const trouble = hotListTrouble(list);
  switch (trouble) {
    case null:
      return null;
    case 'never-synced':
      return { trouble, title: `${list.name} list has never been synced`, reason: NOT_CHECKED, action: 'Sync it before patrol.' };
    case 'never-loaded': {
      const words = hotListFaultWords(list.fault!);
      return { trouble, title: `${list.name} list could not be loaded`, reason: `${words.reason} ${NOT_CHECKED}`, action: words.action };
    }
    case 'sync-failed': {
      const words = hotListFaultWords(list.fault!);
      return {
        trouble,
        title: `${list.name} list could not be updated`,
        reason: words.reason,
        action: `The copy from ${copyFrom(list.updatedAt!)} is in force: ${CHECK_WITH_DISPATCH} ${words.action}`,
      };
    }
    case 'too-old': {
      const age = ageWords(Math.max(0, now - list.updatedAt!));
      const from = list.dataFrom ? ` ${DATA_FROM_WORDS[list.dataFrom]}` : '';
      const limit = list.staleAfterMs === null || list.staleAfterMs === undefined ? '' : `, over the ${ageWords(list.staleAfterMs)} limit`;
      return {
        trouble,
        title: `${list.name} list is out of date`,
        reason: `Its data is ${age} old${from}${limit}.`,
        action: `Hits on it may be wrong or missing. Sync now, and ${CHECK_WITH_DISPATCH}`,
      };
    }
  }
}
