import type { LprApi } from '../shared/contract.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    lpr?: LprApi;
  }
}

export {};
