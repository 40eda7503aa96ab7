/**
 * A serial GPS receiver stood in for by a socat pseudo-terminal pair: NMEA
 * written to one end becomes the engine's current fix on the other.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSerialGps } from '../../src/main/engine/gps/gps.js';

const haveSocat = spawnSync('socat', ['-V']).status === 0;
if (!haveSocat) console.warn('serial GPS test skipped: socat is not installed');

function withChecksum(body: string): string {
  let sum = 0;
  for (const ch of body) sum ^= ch.charCodeAt(0);
  return `$${body}*${sum.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
}

describe.skipIf(!haveSocat)('serial GPS', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpr-gps-'));
  const receiver = path.join(dir, 'gps');
  const feeder = path.join(dir, 'feed');
  let socat: ChildProcess | null = null;
  afterAll(() => {
    socat?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads fixes from the port', async () => {
    socat = spawn('socat', [`pty,raw,echo=0,link=${receiver}`, `pty,raw,echo=0,link=${feeder}`]);
    await expect.poll(() => fs.existsSync(receiver) && fs.existsSync(feeder), { timeout: 5000 }).toBe(true);
    const gps = await openSerialGps(receiver, 4800);
    try {
      const out = fs.openSync(feeder, 'w');
      const sentence = withChecksum('GPGGA,123519,4229.123,N,07105.456,W,1,08,0.9,545.4,M,46.9,M,,');
      await expect
        .poll(() => {
          fs.writeSync(out, sentence);
          return gps.current();
        }, { timeout: 10_000, interval: 200 })
        .toMatchObject({ accuracyM: 4.5 });
      expect(gps.current()!.lat).toBeCloseTo(42.48538, 4);
      expect(gps.current()!.lon).toBeCloseTo(-71.0909, 4);
      fs.closeSync(out);
    } finally {
      await gps.close();
    }
  });
});
