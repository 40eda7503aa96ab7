/**
 * PINs are kept as salted scrypt hashes. Checking one costs ~50 ms of CPU, so
 * it runs on libuv's thread pool (crypto.scrypt), never on the engine's own
 * thread, and at most a few at a time: a burst of attempts waits its turn (up
 * to a bound, then is refused) instead of starving recognition.
 */
import crypto from 'node:crypto';

const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** Checks that may run at once; libuv's pool has 4 threads and ONNX runtime its own. */
const CONCURRENT = 2;
/** Checks that may wait; beyond this the caller is told to try again. */
const MAX_WAITING = 64;

export class PinCheckBusy extends Error {}

let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENT) {
    if (waiting.length >= MAX_WAITING) throw new PinCheckBusy('too many sign-in attempts at once; wait a moment and try again');
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running += 1;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    // The slot passes straight to the next waiter, so `running` stays counted.
    if (next) next();
    else running -= 1;
  }
}

function derive(pin: string, salt: Buffer, length: number): Promise<Buffer> {
  return slot(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        crypto.scrypt(pin, salt, length, PARAMS, (error, key) => (error ? reject(error) : resolve(key)));
      }),
  );
}

export async function hashPin(pin: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await derive(pin, salt, KEY_LENGTH);
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** For start-up and command-line paths where nothing else waits on the thread. */
export function hashPinSync(pin: string): string {
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(pin, salt, KEY_LENGTH, PARAMS);
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A hash no PIN matches, checked in place of an unknown user's so both cost the same. */
const STAND_IN = `scrypt$${Buffer.alloc(16, 7).toString('base64')}$${Buffer.alloc(KEY_LENGTH, 0).toString('base64')}`;

/**
 * Does the PIN match the stored hash? With `stored` null (no such user) the
 * same scrypt work is done against a stand-in and the answer is false.
 */
export async function pinMatches(pin: string, stored: string | null): Promise<boolean> {
  const [scheme, salt, key] = (stored ?? STAND_IN).split('$');
  const wellFormed = scheme === 'scrypt' && !!salt && !!key;
  const expected = wellFormed ? Buffer.from(key!, 'base64') : Buffer.alloc(KEY_LENGTH);
  const actual = await derive(pin, wellFormed ? Buffer.from(salt!, 'base64') : Buffer.alloc(16), expected.length || KEY_LENGTH);
  return stored !== null && wellFormed && expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}
