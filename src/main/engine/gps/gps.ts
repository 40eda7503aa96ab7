/**
 * GPS position for Reads: an NMEA 0183 parser (RMC and GGA sentences, checksum
 * verified) and a serial-port receiver. A fix older than `maxAgeMs` is not
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

/**
 * Parses one NMEA sentence. Returns the fix for a valid RMC/GGA with a
 * position, null for other or no-fix sentences; throws NmeaError for a
 * corrupt one.
 */
export function parseNmea(line: string): GpsFix | null {
  const sentence = line.trim();
  if (!sentence.startsWith('$')) throw new NmeaError('sentence does not start with $');
  if (!checksumOk(sentence)) throw new NmeaError('checksum mismatch');
  const fields = sentence.slice(1, sentence.lastIndexOf('*')).split(',');
  const type = fields[0]?.slice(2);
  if (type === 'RMC') {
    if (fields[2] !== 'A' || !fields[3] || !fields[5]) return null;
    return { lat: coordinate(fields[3], fields[4] ?? '', 2), lon: coordinate(fields[5], fields[6] ?? '', 3), accuracyM: null };
  }
  if (type === 'GGA') {
    const quality = Number(fields[6]);
    if (!quality || !fields[2] || !fields[4]) return null;
    const hdop = Number(fields[8]);
    // HDOP times a nominal 5 m receiver error is a usable accuracy estimate.
    return {
      lat: coordinate(fields[2], fields[3] ?? '', 2),
      lon: coordinate(fields[4], fields[5] ?? '', 3),
      accuracyM: Number.isFinite(hdop) && hdop > 0 ? Math.round(hdop * 5 * 10) / 10 : null,
    };
  }
  return null;
}

/** Keeps the latest fix from a stream of NMEA lines. */
export class NmeaFixTracker implements GpsSource {
  private fix: GpsFix | null = null;
  private fixAt = 0;
  errors = 0;
  constructor(
    private readonly maxAgeMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  feed(line: string): void {
    if (line.trim() === '') return;
    try {
      const fix = parseNmea(line);
      if (fix) {
        // GGA carries accuracy, RMC does not: keep the accuracy we had for the same instant.
        this.fix = fix.accuracyM === null && this.fix && this.now() - this.fixAt < 1500 ? { ...fix, accuracyM: this.fix.accuracyM } : fix;
        this.fixAt = this.now();
      }
    } catch (error) {
      this.errors++;
      if (this.errors % 100 === 1) log.warn({ err: (error as Error).message, line: line.slice(0, 82) }, 'bad NMEA sentence');
    }
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
