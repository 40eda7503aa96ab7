/**
 * Browser mode's wire format: the window.lpr contract carried over one
 * WebSocket. The server parses every invoke with the same request schemas the
 * Electron main process uses.
 */
import { z } from 'zod';

export const clientMessageSchema = z.object({
  type: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  channel: z.string(),
  request: z.unknown(),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  | { type: 'result'; id: number; result: { ok: true; value: unknown } | { ok: false; error: string } }
  | { type: 'event'; event: string; payload: unknown };

/** Path of the WebSocket endpoint on the browser-mode server. */
export const BRIDGE_PATH = '/bridge';
