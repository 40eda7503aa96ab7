/**
 * GPS position for Reads: an NMEA 0183 parser (RMC, GGA and VTG sentences,
 * checksum verified) and a serial-port receiver. A fix older than `maxAgeMs` is not
 * used: a Read without a position is better than one with a wrong position.
 */
import type { GpsFix } from '../../../shared/contract.js';
import { logger } from '../log.js';

const log = logger('gps');

export interface GpsSource {
  /** The latest valid fix, or null when there is none recent enough. */
  current(): GpsFix | null;
  close(): Promise<void>;
}

export class NmeaError extends Error {}

function checksumOk(sentence: string): boolean {
  const star = sentence.lastIndexOf('*');
  if (star < 0) return false;
  let sum = 0;
  for (let i = 1; i < star; i++) sum ^= sentence.charCodeAt(i);
  return sentence.slice(star + 1, star + 3).toUpperCase() === sum.toString(16).toUpperCase().padStart(2, '0');
}

function coordinate(value: string, hemisphere: string, degreeDigits: number): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new NmeaError(`bad coordinate "${value}"`);
  const degrees = Number(value.slice(0, degreeDigits));
  const minutes = Number(value.slice(degreeDigits));
  if (minutes >= 60) throw new NmeaError(`bad minutes in "${value}"`);
  const result = degrees + minutes / 60;
  if (hemisphere === 'S' || hemisphere === 'W') return -result;
  if (hemisphere === 'N' || hemisphere === 'E') return result;
  throw new NmeaError(`bad hemisphere "${hemisphere}"`);
}

/** What one sentence says; fields it does not carry are absent. */
export interface NmeaUpdate {
  readonly type: 'RMC' | 'GGA' | 'VTG';
  /** Position, when the sentence has a valid one. */
  readonly position?: { lat: number; lon: number };
  readonly accuracyM?: number | null;
  readonly speedKmh?: number | null;
  readonly headingDeg?: number | null;
  readonly quality?: GpsQuality | null;
  readonly satellites?: number | null;
  /** UTC time of day (ms since midnight) and, from RMC, the date (ms since the epoch at midnight UTC). */
  readonly timeOfDayMs?: number;
  readonly dateMs?: number;
}

type GpsQuality = NonNullable<GpsFix['quality']>;

const GGA_QUALITY: Record<number, GpsQuality> = { 1: 'gps', 2: 'dgps', 3: 'pps', 4: 'rtk', 5: 'float-rtk', 6: 'estimated', 7: 'manual', 8: 'simulated' };
const KNOTS_TO_KMH = 1.852;

function optionalNumber(value: string | undefined, what: string): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new NmeaError(`bad ${what} "${value}"`);
  return n;
}

function timeOfDay(value: string | undefined): number | undefined {
  const m = /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/.exec(value ?? '');
  if (!m) return undefined;
  const [h, mi, sec] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || mi > 59 || sec >= 61) throw new NmeaError(`bad time "${value}"`);
  return Math.round(((h * 60 + mi) * 60 + sec) * 1000);
}

function date(value: string | undefined): number | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(value ?? '');
  if (!m) return undefined;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (d < 1 || d > 31 || mo < 1 || mo > 12) throw new NmeaError(`bad date "${value}"`);
  return Date.UTC(2000 + y, mo - 1, d);
}

/**
 * Parses one NMEA sentence: RMC (position, speed, course, date and time), GGA
 * (position, quality, satellites, HDOP, time) and VTG (course, speed). Null
 * for other sentences; throws NmeaError for a corrupt one.
 */
export function parseNmeaSentence(line: string): NmeaUpdate | null {
  const sentence = line.trim();
  if (!sentence.startsWith('$')) throw new NmeaError('sentence does not start with $');
  if (!checksumOk(sentence)) throw new NmeaError('checksum mismatch');
  const fields = sentence.slice(1, sentence.lastIndexOf('*')).split(',');
  const type = fields[0]?.slice(2);
  if (type === 'RMC') {
    const valid = fields[2] === 'A' && !!fields[3] && !!fields[5];
    const knots = optionalNumber(fields[7], 'speed');
    const t = timeOfDay(fields[1]);
    const d = date(fields[9]);
    return {
      type,
      ...(valid ? { position: { lat: coordinate(fields[3]!, fields[4] ?? '', 2), lon: coordinate(fields[5]!, fields[6] ?? '', 3) } } : {}),
      ...(valid ? { speedKmh: knots === null ? null : Math.round(knots * KNOTS_TO_KMH * 10) / 10, headingDeg: optionalNumber(fields[8], 'course') } : {}),
      ...(t !== undefined ? { timeOfDayMs: t } : {}),
      ...(d !== undefined ? { dateMs: d } : {}),
    };
  }
  if (type === 'GGA') {
    const quality = Number(fields[6]);
    const t = timeOfDay(fields[1]);
    const base = { type, ...(t !== undefined ? { timeOfDayMs: t } : {}) } as const;
    if (!quality || !fields[2] || !fields[4]) return base;
    const hdop = Number(fields[8]);
    return {
      ...base,
      position: { lat: coordinate(fields[2], fields[3] ?? '', 2), lon: coordinate(fields[4], fields[5] ?? '', 3) },
      // HDOP times a nominal 5 m receiver error is a usable accuracy estimate.
      accuracyM: Number.isFinite(hdop) && hdop > 0 ? Math.round(hdop * 5 * 10) / 10 : null,
      quality: GGA_QUALITY[quality] ?? null,
      satellites: optionalNumber(fields[7], 'satellite count'),
    };
  }
  if (type === 'VTG') {
    // Mode N (not valid) in NMEA 2.3+: no movement data.
    if (fields[9] === 'N') return null;
    const kmh = optionalNumber(fields[7], 'speed');
    return { type, headingDeg: optionalNumber(fields[1], 'course'), speedKmh: kmh };
  }
  return null;
}

/** The position of one RMC or GGA sentence (null without one); see parseNmeaSentence. */
export function parseNmea(line: string): GpsFix | null {
  const update = parseNmeaSentence(line);
  if (!update?.position) return null;
  return { ...update.position, accuracyM: update.accuracyM ?? null };
}

/** A GPS clock this far from the system clock is flagged. */
export const CLOCK_SKEW_LIMIT_MS = 5000;

/**
 * Keeps the latest fix from a stream of NMEA lines, merging what each
 * sentence of the same second says (position and time from RMC, quality and
 * satellites from GGA, speed and heading from RMC or VTG).
 */
export class NmeaFixTracker implements GpsSource {
  private fix: GpsFix | null = null;
  private fixAt = 0;
  private lastDateMs: number | null = null;
  errors = 0;
  constructor(
    private readonly maxAgeMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  feed(line: string): void {
    if (line.trim() === '') return;
    let update: NmeaUpdate | null;
    try {
      update = parseNmeaSentence(line);
    } catch (error) {
      this.errors++;
      if (this.errors % 100 === 1) log.warn({ err: (error as Error).message, line: line.slice(0, 82) }, 'bad NMEA sentence');
      return;
    }
    if (!update) return;
    const now = this.now();
    if (update.dateMs !== undefined) this.lastDateMs = update.dateMs;
    // Parts of the same instant (sentences a second apart at most) are merged; older parts are dropped.
    const recent = this.fix !== null && now - this.fixAt < 1500 ? this.fix : null;
    if (!update.position) {
      if (recent && update.type === 'VTG') this.fix = { ...recent, speedKmh: update.speedKmh ?? recent.speedKmh ?? null, headingDeg: update.headingDeg ?? recent.headingDeg ?? null };
      return;
    }
    const fixTime = this.utc(update, now);
    const clockOffsetMs = fixTime === null ? null : fixTime - now;
    this.fix = {
      ...update.position,
      accuracyM: update.accuracyM !== undefined ? update.accuracyM : (recent?.accuracyM ?? null),
      speedKmh: update.speedKmh !== undefined ? update.speedKmh : (recent?.speedKmh ?? null),
      headingDeg: update.headingDeg !== undefined ? update.headingDeg : (recent?.headingDeg ?? null),
      quality: update.quality !== undefined ? update.quality : (recent?.quality ?? null),
      satellites: update.satellites !== undefined ? update.satellites : (recent?.satellites ?? null),
      fixTime,
      clockOffsetMs,
      clockSkewed: clockOffsetMs !== null && Math.abs(clockOffsetMs) > CLOCK_SKEW_LIMIT_MS,
    };
    this.fixAt = now;
  }

  /** The fix's UTC time: RMC's date, or for GGA the last date seen (else the system's), with its time of day. */
  private utc(update: NmeaUpdate, now: number): number | null {
    if (update.timeOfDayMs === undefined) return null;
    const day = update.dateMs ?? this.lastDateMs ?? Math.floor(now / 86_400_000) * 86_400_000;
    let t = day + update.timeOfDayMs;
    // A GGA just after midnight dated by the day before, or the other way round.
    if (update.dateMs === undefined && this.lastDateMs === null) {
      if (t - now > 43_200_000) t -= 86_400_000;
      else if (now - t > 43_200_000) t += 86_400_000;
    }
    return t;
  }

  current(): GpsFix | null {
    return this.fix && this.now() - this.fixAt <= this.maxAgeMs ? this.fix : null;
  }

  async close(): Promise<void> {}
}

/** Reads NMEA from a serial GPS receiver, reopening the port if it goes away. */
export async function openSerialGps(path: string, baudRate = 4800, maxAgeMs = 5000): Promise<GpsSource> {
  const { SerialPort, ReadlineParser } = await import('serialport');
  const tracker = new NmeaFixTracker(maxAgeMs);
  let closed = false;
  let port: InstanceType<typeof SerialPort> | null = null;
  const open = (): void => {
    if (closed) return;
    port = new SerialPort({ path, baudRate, autoOpen: false });
    const parser = port.pipe(new ReadlineParser({ delimiter: '\n' }));
    parser.on('data', (line: string) => tracker.feed(line));
    port.on('close', () => {
      if (!closed) setTimeout(open, 2000);
    });
    port.open((error) => {
      if (error) {
        log.warn({ path, err: error.message }, 'GPS port not available, retrying');
        setTimeout(open, 2000);
      }
    });
  };
  open();
  return {
    current: () => tracker.current(),
    close: async () => {
      closed = true;
      if (port?.isOpen) await new Promise<void>((resolve) => port!.close(() => resolve()));
    },
  };
}
