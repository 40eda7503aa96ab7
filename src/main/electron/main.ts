/**
 * Electron main process: one full-screen window on the MDT, the engine in a
 * supervised utility process, and the IPC handler that checks the sender,
 * parses each request with the contract's schema and forwards it. Main never
 * decodes a frame.
 */
import { app, BrowserWindow, dialog, ipcMain, safeStorage, utilityProcess, type IpcMainInvokeEvent, type UtilityProcess } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseRequest, type Result } from '../../shared/contract.js';
import { envFlag } from '../engine/env.js';
import type { FromEngine, ToEngine } from '../engine-process.js';
import { loadOrCreateDbKey } from './db-key.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// dist/src/main/electron → project root
const root = path.resolve(here, '..', '..', '..', '..');
const rendererIndex = path.join(root, 'dist', 'renderer', 'index.html');
const preload = path.join(root, 'dist', 'preload', 'preload', 'preload.js');
const engineEntry = path.join(here, '..', 'engine-process.js');

let window: BrowserWindow | null = null;
let engine: UtilityProcess | null = null;
let nextId = 1;
const pending = new Map<number, (result: Result<unknown>) => void>();
let restarts = 0;

/**
 * What the engine process starts with: the data folder (its settings.json
 * names the car's cameras and GPS receiver) and whether to play the demo,
 * which runs in its own folder inside it.
 */
export function engineConfig(env: NodeJS.ProcessEnv = process.env, userData = app.getPath('userData')): ToEngine {
  const dataDir = env.LPR_DATA_DIR ?? path.join(userData, 'data');
  // The key is made on first run and kept protected by safeStorage beside the data.
  const key = loadOrCreateDbKey(userData, safeStorage, env);
  return { type: 'start', dataDir, demo: envFlag('LPR_DEMO', env), dbKey: key.text };
}

/** Starts the engine process and restarts it (with back-off) when it dies. */
function startEngine(): void {
  const child = utilityProcess.fork(engineEntry, [], { serviceName: 'lpr-engine', stdio: 'inherit' });
  engine = child;
  child.on('message', (message: FromEngine) => {
    switch (message.type) {
      case 'ready':
        restarts = 0;
        break;
      case 'result':
        pending.get(message.id)?.(message.result as Result<unknown>);
        pending.delete(message.id);
        break;
      case 'event':
        if (window && window.webContents.id === message.screen) window.webContents.send('lpr:event', message.event, message.payload);
        break;
      case 'fatal':
        console.error(`engine failed: ${message.error}`);
        break;
    }
  });
  child.on('exit', (code) => {
    engine = null;
    for (const [id, resolve] of pending) {
      resolve({ ok: false, error: 'the engine restarted; try again' });
      pending.delete(id);
    }
    if (app.isReady() && !quitting) {
      const delay = Math.min(30_000, 1000 * 2 ** restarts++);
      console.error(`engine exited with code ${code}; restarting in ${delay} ms`);
      setTimeout(startEngine, delay);
    }
  });
  let config: ToEngine;
  try {
    config = engineConfig();
  } catch (error) {
    dialog.showErrorBox('The database cannot be opened', (error as Error).message);
    app.exit(78);
    return;
  }
  child.postMessage(config);
}

function fromOurWindow(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return event.sender === window?.webContents && url.startsWith(pathToFileURL(path.dirname(rendererIndex)).href);
}

ipcMain.handle('lpr:invoke', async (event, channel: unknown, request: unknown): Promise<Result<unknown>> => {
  if (!fromOurWindow(event)) return { ok: false, error: 'request from an unknown frame refused' };
  if (typeof channel !== 'string') return { ok: false, error: 'channel must be a string' };
  const parsed = parseRequest(channel, request);
  if (!parsed.ok) return parsed;
  if (!engine) return { ok: false, error: 'the engine is starting; try again in a moment' };
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    engine!.postMessage({ type: 'invoke', screen: event.sender.id, id, channel, request: parsed.value } satisfies ToEngine);
  });
});

let quitting = false;

function createWindow(): void {
  window = new BrowserWindow({
    width: 1280,
    height: 800,
    backgroundColor: '#0b0f14',
    autoHideMenuBar: true,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (e) => e.preventDefault());
  void window.loadFile(rendererIndex);
  const screen = window.webContents.id;
  window.on('closed', () => {
    engine?.postMessage({ type: 'close-screen', screen } satisfies ToEngine);
    window = null;
  });
}

app.on('before-quit', () => {
  quitting = true;
  engine?.kill();
});
app.on('window-all-closed', () => app.quit());
void app.whenReady().then(() => {
  startEngine();
  createWindow();
});
