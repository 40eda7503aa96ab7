/**
 * `lpr demo`: the main job with no camera attached: the engine plays the
 * project's own rendered footage, a planted hot-list plate raises an alert,
 * and the UI is served on 127.0.0.1.
 */
import type { Command } from '../lpr.js';
import { serve } from './serve.js';

export const command: Command = {
  summary: 'run the main job on the built-in demo footage',
  usage: 'usage: lpr demo [--port N] [--threads N] [--data-dir DIR]',
  valuedFlags: ['port', 'threads', 'engine', 'fps', 'hotlist-config'],
  run: (args, ctx) => serve(args, ctx, true),
};
