import { describe, expect, it } from 'vitest';
import { NmeaError, NmeaFixTracker, parseNmea } from '../../src/main/engine/gps/gps.js';

function withChecksum(body: string): string {
  let sum = 0;
  for (const ch of body) sum ^= ch.charCodeAt(0);
  return `$${body}*${sum.toString(16).toUpperCase().padStart(2, '0')}`;
}

describe('NMEA', () => {
  it('parses RMC and GGA positions', () => {
    const rmc = parseNmea(withChecksum('GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W'));
    expect(rmc!.lat).toBeCloseTo(48.1173, 4);
    expect(rmc!.lon).toBeCloseTo(11.5167, 4);
    const gga = parseNmea(withChecksum('GPGGA,123519,4229.123,N,07105.456,W,1,08,0.9,545.4,M,46.9,M,,'));
    expect(gga!.lat).toBeCloseTo(42.48538, 4);
    expect(gga!.lon).toBeCloseTo(-71.0909, 4);
    expect(gga!.accuracyM).toBe(4.5);
  });

  it('returns null without a fix and throws on corruption', () => {
    expect(parseNmea(withChecksum('GPRMC,123519,V,,,,,,,230394,,'))).toBeNull();
    expect(parseNmea(withChecksum('GPGSV,3,1,11,03,03,111,00'))).toBeNull();
    expect(() => parseNmea('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*00')).toThrow(NmeaError);
    expect(() => parseNmea('garbage')).toThrow(NmeaError);
    expect(() => parseNmea(withChecksum('GPRMC,123519,A,48x7.038,N,01131.000,E,,,230394,,'))).toThrow(/coordinate/);
  });

  it('forgets a fix that is too old', () => {
    let now = 0;
    const tracker = new NmeaFixTracker(5000, () => now);
    tracker.feed(withChecksum('GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W'));
    tracker.feed('noise');
    expect(tracker.errors).toBe(1);
    expect(tracker.current()).not.toBeNull();
    now = 6000;
    expect(tracker.current()).toBeNull();
  });
});
