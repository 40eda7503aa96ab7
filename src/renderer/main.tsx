/**
 * Start-up: use the preload's window.lpr in Electron, or open the WebSocket
 * bridge in browser mode, and mount the app.
 */
import './zod-config.js';
import { createRoot } from 'react-dom/client';
import type { LprApi } from '../shared/contract.js';
import { App } from './App.js';
import { createWsClient, type ConnectionSource } from './bridge/ws-client.js';
import { applyStoredTheme } from './components/ThemeToggle.js';
import './styles.css';

function pickApi(): { api: LprApi; connection?: ConnectionSource } {
  if (window.lpr) return { api: window.lpr };
  const client = createWsClient();
  return { api: client, connection: client.connection };
}

applyStoredTheme();
const { api, connection } = pickApi();
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
createRoot(container).render(<App api={api} connection={connection} />);
