/**
 * A small argument parser for `lpr`: flags may appear anywhere on the line
 * (`--data-dir DIR` in particular), values follow their flag, `--` ends flags.
 */
export interface ParsedArgs {
  readonly positional: string[];
  /** The last value of each flag. */
  readonly flags: Map<string, string | true>;
  /** Every value of each valued flag, in order (a flag may be given more than once). */
  readonly all: Map<string, string[]>;
}

export class UsageError extends Error {}

/** `valued` names the flags that take a value; every other `--flag` is boolean. */
export function parseArgs(argv: readonly string[], valued: ReadonlySet<string>): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const all = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (valued.has(name)) {
        const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
        flags.set(name, value);
        all.set(name, [...(all.get(name) ?? []), value]);
      } else {
        if (eq >= 0) throw new UsageError(`--${name} takes no value`);
        flags.set(name, true);
      }
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags, all };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

export function intFlag(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Every value given for a flag that may repeat. */
export function stringFlags(args: ParsedArgs, name: string): string[] {
  return args.all.get(name) ?? [];
}
