/**
 * The administrator's screen: the Users tab (accounts), the Car tab (the
 * car's settings: cameras, GPS, lists, thresholds) and the Audit tab (the
 * trail with filters and the chain's verification). Tabs show only for the
 * channels this role may call; the engine checks the role on every request
 * anyway. An alert still takes the screen over.
 */
import { useAdminStore, useHotListsStore, useStatusStore } from '../stores/index.js';
import { AuditTab } from './AuditTab.js';
import { SettingsTab } from './SettingsTab.js';
import { UsersTab } from './UsersTab.js';

export function openAdmin(): void {
  useHotListsStore.getState().setOpen(false);
  useAdminStore.getState().setOpen(true);
}

export function AdminScreen() {
  const channels = useStatusStore((s) => s.status?.channels ?? []);
  const tab = useAdminStore((s) => s.tab);
  const mayUsers = channels.includes('users.list');
  const mayAudit = channels.includes('audit.list');
  const maySettings = channels.includes('settings.update');
  const shown = (tab === 'users' && !mayUsers) || (tab === 'settings' && !maySettings) ? 'audit' : tab;

  return (
    <div className="admin" data-testid="admin-screen">
      <header className="panel-bar">
        <button type="button" className="btn btn-back" data-testid="admin-close" onClick={() => useAdminStore.getState().setOpen(false)}>
          ‹ Back to patrol
        </button>
        <h1 className="panel-bar-title">Administration</h1>
        <nav className="tabs" aria-label="Administration">
          {mayUsers && (
            <button
              type="button"
              role="tab"
              aria-selected={shown === 'users'}
              className={shown === 'users' ? 'btn tab tab-on' : 'btn tab'}
              data-testid="admin-tab-users"
              onClick={() => useAdminStore.getState().setTab('users')}
            >
              Users
            </button>
          )}
          {maySettings && (
            <button
              type="button"
              role="tab"
              aria-selected={shown === 'settings'}
              className={shown === 'settings' ? 'btn tab tab-on' : 'btn tab'}
              data-testid="admin-tab-settings"
              onClick={() => useAdminStore.getState().setTab('settings')}
            >
              Car
            </button>
          )}
          {mayAudit && (
            <button
              type="button"
              role="tab"
              aria-selected={shown === 'audit'}
              className={shown === 'audit' ? 'btn tab tab-on' : 'btn tab'}
              data-testid="admin-tab-audit"
              onClick={() => useAdminStore.getState().setTab('audit')}
            >
              Audit
            </button>
          )}
        </nav>
      </header>
      <div className="admin-body">
        {shown === 'users' && mayUsers ? <UsersTab /> : shown === 'settings' && maySettings ? <SettingsTab /> : mayAudit ? <AuditTab /> : <p className="admin-empty">Nothing here for this role.</p>}
      </div>
    </div>
  );
}
