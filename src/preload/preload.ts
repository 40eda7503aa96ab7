/**
 * The preload: exposes window.lpr, the contract of src/shared/contract.ts, as
 * two named functions over IPC. Nothing else reaches the renderer; the main
 * process parses every request with the contract's schemas.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Channel, EventName, EventOf, LprApi, RequestOf, Responses, Result } from '../shared/contract';

const api: LprApi = {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<Responses[C]>> {
    return ipcRenderer.invoke('lpr:invoke', channel, request) as Promise<Result<Responses[C]>>;
  },
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) listener(payload as EventOf<E>);
    };
    ipcRenderer.on('lpr:event', handler);
    return () => {
      ipcRenderer.removeListener('lpr:event', handler);
    };
  },
};

contextBridge.exposeInMainWorld('lpr', api);
