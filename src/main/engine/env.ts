/**
 * Yes/no environment variables, read one way everywhere: 1/true/yes and
 * 0/false/no (any case); anything else is an error naming the variable, so
 * LPR_DEMO=0 never turns the demo on.
 */
export function envFlag(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return false;
  const value = raw.trim().toLowerCase();
  if (value === '1' || value === 'true' || value === 'yes') return true;
  if (value === '0' || value === 'false' || value === 'no') return false;
  throw new Error(`${name}="${raw}" is not a yes/no value: use 1/true/yes or 0/false/no`);
}
