/**
 * Hot lists, full screen from the patrol view: every list's age and state
 * with "Sync now" (policy 5.04 IV.C.3: current lists at the start of each
 * day), and the plates entered by hand with their reason (IV.C.6). An alert
 * still takes the screen over; the panel is as it was when the officer
 * comes back.
 */
import { useEffect, useRef } from 'react';
import type { EngineStatus, HotListFault, HotListSyncEvent } from '../../shared/contract.js';
import { hotListFaultWords, hotListWords } from '../../shared/hotlists.js';
import { call, useApi } from '../api.js';
import { formatAge, formatClock, formatCount, formatDayTime, syncOutcomeText } from '../lib/format.js';
import { useNow } from '../lib/hooks.js';
import type { LastSync } from '../stores/hotlists.js';
import { useAlertsStore, useHotListsStore, useSessionStore, useStatusStore } from '../stores/index.js';
import { loadManualEntries, syncHotLists } from '../sync.js';
import { ManualAddResult, ManualEntriesList, ManualEntryForm } from './ManualEntries.js';

type HotListStatus = EngineStatus['hotLists'][number];

export function openHotLists(): void {
  useHotListsStore.getState().setOpen(true);
}

export function HotListsPanel() {
  const api = useApi();
  const manualColumn = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void loadManualEntries(api);
    // A fresh look at ages and counts each time the panel opens.
    void call(api, 'status.get', {}).then((status) => {
      if (status.ok) useStatusStore.getState().setStatus(status.value);
    });
  }, [api]);

  return (
    <div className="hotlists" data-testid="hotlists-panel">
      <header className="panel-bar">
        <button type="button" className="btn btn-back" data-testid="hotlists-close" onClick={() => useHotListsStore.getState().setOpen(false)}>
          ‹ Back to patrol
        </button>
        <h1 className="panel-bar-title">Hot lists</h1>
        <span className="panel-bar-meta">Sync at the start of each shift</span>
        <OpenAlertsChip />
      </header>
      <div className="hotlists-body">
        <HotListsSection />
        <div className="manual-column" ref={manualColumn}>
          <ManualAddResult />
          <ManualEntryForm onAdded={() => manualColumn.current?.scrollTo?.({ top: 0, behavior: 'smooth' })} />
          <ManualEntriesList />
        </div>
      </div>
    </div>
  );
}

/** Alerts the officer put aside stay one tap away. */
function OpenAlertsChip() {
  const openCount = useAlertsStore((s) => s.open.length);
  if (openCount === 0) return null;
  return (
    <button type="button" className="btn open-alerts-chip" onClick={() => useAlertsStore.getState().setDeferred(false)}>
      {openCount} open {openCount === 1 ? 'alert' : 'alerts'} · resume checks
    </button>
  );
}

function HotListsSection() {
  const api = useApi();
  const lists = useStatusStore((s) => s.status?.hotLists);
  const syncing = useHotListsStore((s) => s.syncing);
  const progress = useHotListsStore((s) => s.progress);
  const lastSync = useHotListsStore((s) => s.lastSync);
  const now = useNow();

  // A configured list the car never loaded has no status: it shows through its
  // sync progress and outcome.
  const known = lists ?? [];
  const unloaded = [...new Set([...Object.keys(progress), ...(lastSync?.outcomes ?? []).map((o) => o.list)])].filter(
    (name) => !known.some((l) => l.name === name),
  );
  const imported = known.filter((l) => l.kind === 'imported');
  const manual = known.filter((l) => l.kind === 'manual');
  const syncingAny = syncing && Object.keys(progress).length > 0;

  return (
    <section className="hotlists-section" aria-label="Hot lists">
      <div className="section-title">
        <h2>Lists on this car</h2>
      </div>
      <p className="section-policy">Start of each day: make sure the lists are current.</p>
      <button
        type="button"
        className="btn btn-primary btn-xl btn-sync"
        data-testid="hotlists-sync"
        disabled={syncing}
        aria-busy={syncing}
        onClick={() => void syncHotLists(api)}
      >
        {syncing ? (syncingAny ? 'Syncing…' : 'Contacting list sources…') : 'Sync now'}
      </button>
      {!syncing && lastSync && <SyncResult lastSync={lastSync} lists={known} />}

      <ol className="hotlist-rows">
        {lists && known.length === 0 && unloaded.length === 0 && (
          <li className="hotlist-none" data-testid="hotlist-none">
            <strong>No hot list loaded.</strong> Reads are not being checked. Sync now, or ask the administrator to configure the list sources.
          </li>
        )}
        {[...imported, ...manual].map((list) => (
          <HotListRow key={list.name} list={list} progress={syncing ? progress[list.name] : undefined} now={now} />
        ))}
        {unloaded.map((name) => (
          <UnloadedRow
            key={name}
            name={name}
            progress={syncing ? progress[name] : undefined}
            fault={syncing ? null : (lastSync?.outcomes?.find((o) => o.list === name)?.fault ?? null)}
          />
        ))}
      </ol>
    </section>
  );
}

function HotListRow({ list, progress, now }: { list: HotListStatus; progress: HotListSyncEvent | undefined; now: number }) {
  const manual = list.kind === 'manual';
  const className = ['hotlist-row', list.stale ? 'hotlist-row-stale' : '', list.fault ? 'hotlist-row-error' : ''].filter(Boolean).join(' ');
  const trouble = hotListWords(list, now, (at) => formatDayTime(at, now));
  return (
    <li className={className} data-testid="hotlist-row" data-list={list.name}>
      <div className="hotlist-head">
        <span className="hotlist-name">{list.name}</span>
        <span className="tag">{manual ? 'Manual' : 'Imported'}</span>
        {list.stale && <span className="tag tag-bad">STALE</span>}
        <span className="hotlist-count">
          {formatCount(list.entries)} {list.entries === 1 ? 'entry' : 'entries'}
        </span>
      </div>
      <div className={list.stale ? 'hotlist-age hotlist-age-stale' : 'hotlist-age'}>
        {list.updatedAt === null
          ? (list.fault ? 'Not loaded' : 'Never synced')
          : `${manual ? 'Changed' : 'Data dated'} ${since(list.updatedAt, now)} · ${formatDayTime(list.updatedAt, now)}`}
        {manual && <span className="hotlist-note"> · never stale</span>}
      </div>
      {trouble && !list.fault && (
        <p className="hotlist-error" data-testid="hotlist-stale-reason">
          <strong>Stale:</strong> {trouble.reason}
        </p>
      )}
      {list.fault && <SyncFailure fault={list.fault} inForce={inForceNote(list, now)} />}
      {progress && <SyncProgress event={progress} />}
    </li>
  );
}

function since(at: number, now: number): string {
  const age = formatAge(at, now);
  return age === 'just now' ? age : `${age} ago`;
}

/**
 * Why a list's sync failed in the officer's words, what stays in force, and
 * for the administrator the engine's own account (a path, an address).
 */
function SyncFailure({ fault, inForce, first = false }: { fault: HotListFault; inForce: string; first?: boolean }) {
  const isAdministrator = useSessionStore((s) => s.user?.role === 'administrator');
  return (
    <div className="hotlist-error" data-testid="hotlist-error" data-fault={fault.kind}>
      <p>
        <strong>{first ? 'Sync failed:' : 'Last sync failed:'}</strong> {hotListFaultWords(fault).reason} {inForce}
      </p>
      {isAdministrator && (
        <p className="hotlist-detail" data-testid="hotlist-detail">
          Details: {fault.detail}
        </p>
      )}
    </div>
  );
}

/** A list the car has no copy of yet: being synced for the first time, or its first sync failed. */
function UnloadedRow({ name, progress, fault }: { name: string; progress: HotListSyncEvent | undefined; fault: HotListFault | null }) {
  return (
    <li className={fault ? 'hotlist-row hotlist-row-stale' : 'hotlist-row'} data-testid="hotlist-row" data-list={name}>
      <div className="hotlist-head">
        <span className="hotlist-name">{name}</span>
        <span className="tag">{progress ? 'First sync' : 'Not loaded'}</span>
      </div>
      {fault && <SyncFailure fault={fault} inForce={inForceNote(undefined, 0)} first />}
      {progress && <SyncProgress event={progress} />}
    </li>
  );
}

const PHASE_TEXT: Record<HotListSyncEvent['phase'], string> = {
  download: 'Downloading',
  import: 'Importing',
  done: 'Done',
  failed: 'Failed',
};

export function SyncProgress({ event }: { event: HotListSyncEvent }) {
  const pct = event.fraction === null ? null : Math.round(event.fraction * 100);
  return (
    <div className={`sync-progress sync-${event.phase}`} data-testid="hotlist-progress" data-phase={event.phase}>
      {event.phase === 'failed' ? null : pct === null ? (
        <progress className="progress" aria-label={`${event.list}: ${PHASE_TEXT[event.phase]}`} />
      ) : (
        <progress className="progress" max={100} value={pct} aria-label={`${event.list}: ${PHASE_TEXT[event.phase]}`} />
      )}
      <span className="sync-phase">
        <strong>{PHASE_TEXT[event.phase]}</strong>
        {pct !== null && event.phase !== 'done' ? ` ${pct}%` : ''}
        {event.message ? ` · ${event.message}` : ''}
      </span>
    </div>
  );
}

function inForceNote(status: HotListStatus | undefined, now: number): string {
  if (!status || status.updatedAt === null) return 'There is no copy of this list on the car: reads are not checked against it.';
  return `The copy from ${formatDayTime(status.updatedAt, now)} stays in force.`;
}

function SyncResult({ lastSync, lists }: { lastSync: LastSync; lists: HotListStatus[] }) {
  if (lastSync.error !== null || lastSync.outcomes === null) {
    return (
      <div className="sync-result sync-result-failed" data-testid="hotlists-sync-result" role="alert">
        <p className="error-text" data-testid="hotlists-sync-error">
          Sync not done: {lastSync.error ?? 'no answer'}. The lists on this car stay as they were.
        </p>
      </div>
    );
  }
  const failed = lastSync.outcomes.filter((o) => o.fault !== null).length;
  const total = lastSync.outcomes.length;
  return (
    <div className={failed > 0 ? 'sync-result sync-result-failed' : 'sync-result'} data-testid="hotlists-sync-result" role="status">
      <div className="sync-result-title">
        Sync finished {formatClock(lastSync.finishedAt)}:{' '}
        {failed === 0 ? (total === 1 ? 'the list synced' : `all ${total} lists synced`) : `${failed} of ${total} failed`}
      </div>
      <ul className="outcomes">
        {lastSync.outcomes.map((o) => {
          const status = lists.find((l) => l.name === o.list);
          return (
            <li key={o.list} className={o.fault ? 'outcome outcome-failed' : 'outcome'} data-testid="hotlists-sync-outcome" data-list={o.list}>
              <span className="outcome-mark" aria-hidden="true">
                {o.fault ? '✗' : '✓'}
              </span>
              <span className="outcome-text">
                <strong className="outcome-list">{o.list}</strong>{' '}
                {o.fault ? `Failed: ${hotListFaultWords(o.fault).reason}${status?.updatedAt ? ' The previous copy stays in force.' : ' Not loaded.'}` : syncOutcomeText(o.outcome, o.entries)}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
