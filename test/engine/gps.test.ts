import { describe, expect, it } from 'vitest';
import { NmeaError, NmeaFixTracker, parseNmea, parseNmeaSentence } from '../../src/main/engine/gps/gps.js';

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

describe('GPS worth recording', () => {
  const rmc = (time: string, date: string) => withChecksum(`GPRMC,${time},A,4229.123,N,07105.456,W,032.4,084.4,${date},003.1,W`);
  const gga = (time: string) => withChecksum(`GPGGA,${time},4229.123,N,07105.456,W,2,09,0.8,545.4,M,46.9,M,,`);

  it('merges RMC, GGA and VTG of the same second: speed, heading, quality, satellites and the UTC time', () => {
    const systemNow = Date.UTC(2024, 4, 14, 12, 35, 19, 400);
    const tracker = new NmeaFixTracker(5000, () => systemNow);
    tracker.feed(rmc('123519.00', '140524'));
    tracker.feed(gga('123519.00'));
    expect(tracker.current()).toEqual({
      lat: expect.closeTo(42.48538, 4),
      lon: expect.closeTo(-71.0909, 4),
      accuracyM: 4,
      // 32.4 knots
      speedKmh: 60,
      headingDeg: 84.4,
      quality: 'dgps',
      satellites: 9,
      fixTime: Date.UTC(2024, 4, 14, 12, 35, 19),
      clockOffsetMs: -400,
      clockSkewed: false,
    });
    tracker.feed(withChecksum('GPVTG,090.0,T,,M,045.0,N,083.3,K,A'));
    expect(tracker.current()).toMatchObject({ speedKmh: 83.3, headingDeg: 90, quality: 'dgps', satellites: 9 });
    // VTG with mode N says nothing.
    tracker.feed(withChecksum('GPVTG,,T,,M,,N,,K,N'));
    expect(tracker.current()).toMatchObject({ speedKmh: 83.3 });
  });

  it('flags a system clock far from the GPS clock, and dates a lone GGA by the last RMC', () => {
    let systemNow = Date.UTC(2024, 4, 14, 12, 36, 0);
    const tracker = new NmeaFixTracker(5000, () => systemNow);
    tracker.feed(rmc('123559', '140524'));
    expect(tracker.current()).toMatchObject({ clockOffsetMs: -1000, clockSkewed: false });
    // The car's clock runs 47 s fast.
    systemNow = Date.UTC(2024, 4, 14, 12, 36, 47);
    tracker.feed(gga('123600'));
    expect(tracker.current()).toMatchObject({ fixTime: Date.UTC(2024, 4, 14, 12, 36, 0), clockOffsetMs: -47_000, clockSkewed: true });
  });

  it('names what is wrong in a corrupt time, date or speed', () => {
    expect(() => parseNmeaSentence(withChecksum('GPRMC,253519,A,4229.123,N,07105.456,W,032.4,084.4,140524,,'))).toThrow(/bad time "253519"/);
    expect(() => parseNmeaSentence(withChecksum('GPRMC,123519,A,4229.123,N,07105.456,W,032.4,084.4,141324,,'))).toThrow(/bad date "141324"/);
    expect(() => parseNmeaSentence(withChecksum('GPVTG,090.0,T,,M,045.0,N,8x,K,A'))).toThrow(/bad speed "8x"/);
    expect(parseNmeaSentence(withChecksum('GPGGA,123519,,,,,0,00,,,M,,M,,'))).toEqual({ type: 'GGA', timeOfDayMs: 45_319_000 });
  });
});
