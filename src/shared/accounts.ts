/**
 * Rules for user accounts, written once: the engine enforces them and the
 * administrator's screen checks a form with the same functions before it
 * sends it. Imports nothing runtime-specific.
 */
import { z } from 'zod';

export const USER_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const PIN_MAX_LENGTH = 64;

export const accountSettingsSchema = z
  .object({
    /** Shortest PIN or password accepted when one is set (policy default 6). */
    pinMinLength: z.number().int().min(4).max(32).default(6),
    /** Wrong PINs in a row before the account is locked. */
    maxFailedAttempts: z.number().int().min(1).max(100).default(5),
    /** How long a locked-out account stays locked. */
    lockoutMinutes: z.number().min(0.1).max(24 * 60).default(5),
  })
  .strict();
export type AccountSettings = z.infer<typeof accountSettingsSchema>;
export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = accountSettingsSchema.parse({});

/** Why a user id cannot be used, or null. */
export function userIdProblem(id: string): string | null {
  return USER_ID_PATTERN.test(id) ? null : `user id "${id}" must be 1-64 letters, digits, ".", "_" or "-"`;
}

/** Why a new PIN cannot be used, or null. */
export function pinProblem(pin: string, minLength = DEFAULT_ACCOUNT_SETTINGS.pinMinLength): string | null {
  if (pin.length < minLength) return `the PIN must be at least ${minLength} characters`;
  if (pin.length > PIN_MAX_LENGTH) return `the PIN must be at most ${PIN_MAX_LENGTH} characters`;
  if (/^\s|\s$/.test(pin)) return 'the PIN must not start or end with a space';
  return null;
}
