/**
 * Namespaced structured logs (pino). Engine modules log through here; the
 * level comes from LPR_LOG_LEVEL (default "info"; "silent" in tests). Logs go
 * to stderr so `--json` output on stdout stays clean.
 */
import pino from 'pino';

const root = pino({ level: process.env.LPR_LOG_LEVEL ?? 'info', base: { pid: process.pid } }, pino.destination(2));

export function logger(module: string): pino.Logger {
  return root.child({ module });
}
