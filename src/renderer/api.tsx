/**
 * The renderer's one door to the engine: the LprApi (window.lpr in Electron,
 * the WebSocket client in browser mode), handed down through React context so
 * tests can pass a fake.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { Channel, LprApi, RequestOf, Responses, Result } from '../shared/contract.js';

const ApiContext = createContext<LprApi | null>(null);

export function ApiProvider({ api, children }: { api: LprApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): LprApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

/** invoke that never rejects: a thrown error becomes an ok:false Result the UI can show. */
export async function call<C extends Channel>(api: LprApi, channel: C, request: RequestOf<C>): Promise<Result<Responses[C]>> {
  try {
    const result = await api.invoke(channel, request);
    if (typeof result !== 'object' || result === null) return { ok: false, error: `no answer to "${channel}"` };
    return result;
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
