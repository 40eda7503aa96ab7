/**
 * `lpr settings check [FILE]`: validates the car's settings file and names
 * every bad key with its line; `lpr settings show` prints the settings in
 * force with every default filled in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkCarSettings, loadCarSettings, SETTINGS_FILE } from '../../main/engine/settings/car-settings.js';
import { UsageError, type ParsedArgs } from '../args.js';
import { CommandFailed, type CliContext } from '../context.js';
import type { Command } from '../lpr.js';

async function run(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const [action, fileArg] = args.positional;
  const file = path.resolve(fileArg ?? path.join(ctx.dataDir, SETTINGS_FILE));
  if (action === 'check') {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new CommandFailed(`${file}: cannot read: ${(error as Error).message}`);
    }
    const checked = checkCarSettings(text, file);
    if (!checked.ok) {
      for (const problem of checked.problems) ctx.stderr(problem);
      return 1;
    }
    const s = checked.settings;
    ctx.stdout(`${file}: valid (${s.cameras.length} camera${s.cameras.length === 1 ? '' : 's'}${s.gps ? `, GPS on ${s.gps.device}` : ', no GPS'})`);
    return 0;
  }
  if (action === 'show') {
    ctx.stdout(JSON.stringify(loadCarSettings(file), null, 2));
    return 0;
  }
  throw new UsageError(action ? `unknown action "${action}"` : 'say what to do: check or show');
}

export const command: Command = {
  summary: "check the car's settings file",
  usage: 'usage: lpr settings check [FILE]   (default DATA_DIR/settings.json; exit 1 naming each bad key and line)\n       lpr settings show [FILE]    (the settings in force, defaults filled in)',
  valuedFlags: [],
  run,
};
