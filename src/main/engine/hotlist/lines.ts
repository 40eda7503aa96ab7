/**
 * Streams a list file as batches of lines without ever holding the whole file:
 * fixed-size chunks, lines split on \n (a trailing \r is dropped), decoded as
 * UTF-8 or Latin-1. Encoding problems are reported with their line number, and
 * the caller learns whether the last line was cut off (no final newline).
 */
import fs from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';
import { HotListImportError, isStorageError } from './errors.js';

export type TextEncoding = 'utf-8' | 'latin1';

export interface LineBatch {
  /** Line number (1-based) of lines[0]. */
  readonly firstLine: number;
  readonly lines: string[];
  /** Bytes of the file consumed so far. */
  readonly bytesRead: number;
  /** Set on the last batch when the file did not end with a newline. */
  readonly lastLineUnterminated: boolean;
}

const CHUNK_BYTES = 1 << 20;

export async function* readLineBatches(
  file: string,
  options: { encoding?: TextEncoding; label?: string } = {},
): AsyncGenerator<LineBatch> {
  const label = options.label ?? file;
  const encoding = options.encoding ?? 'utf-8';
  const stream = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let carry: Buffer = Buffer.alloc(0);
  let lineNo = 1;
  let bytesRead = 0;
  let first = true;
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      bytesRead += raw.length;
      let chunk = carry.length > 0 ? Buffer.concat([carry, raw]) : raw;
      if (first) {
        chunk = checkStart(chunk, label);
        first = false;
      }
      const lastNewline = chunk.lastIndexOf(10);
      if (lastNewline < 0) {
        carry = chunk;
        continue;
      }
      const body = chunk.subarray(0, lastNewline);
      carry = Buffer.from(chunk.subarray(lastNewline + 1));
      const lines = decodeLines(body, lineNo, encoding, label);
      yield { firstLine: lineNo, lines, bytesRead, lastLineUnterminated: false };
      lineNo += lines.length;
    }
  } catch (error) {
    if (error instanceof HotListImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const kind = code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : isStorageError(error) ? 'storage' : 'unexpected';
    throw new HotListImportError(label, null, `cannot read: ${(error as Error).message}`, kind);
  } finally {
    stream.destroy();
  }
  if (first) return; // empty file
  if (carry.length > 0) {
    const lines = decodeLines(carry, lineNo, encoding, label);
    yield { firstLine: lineNo, lines, bytesRead, lastLineUnterminated: true };
  }
}

/** Strips a UTF-8 byte-order mark and refuses UTF-16/32 files outright. */
function checkStart(chunk: Buffer, label: string): Buffer {
  if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) return chunk.subarray(3);
  if (chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
    throw new HotListImportError(label, null, 'the file is UTF-16 encoded; export the list as UTF-8 or ASCII text');
  }
  return chunk;
}

function decodeLines(body: Buffer, firstLine: number, encoding: TextEncoding, label: string): string[] {
  if (body.includes(0)) {
    throw new HotListImportError(label, lineOf(body, body.indexOf(0), firstLine), 'contains NUL bytes: this is binary data, not a text list (wrong file or wrong encoding)');
  }
  let text: string;
  if (isAscii(body)) text = body.toString('latin1');
  else if (encoding === 'latin1') text = body.toString('latin1');
  else if (isUtf8(body)) text = body.toString('utf8');
  else {
    throw new HotListImportError(label, firstInvalidUtf8Line(body, firstLine), 'not valid UTF-8 text (wrong encoding? export the list as UTF-8, or set "encoding": "latin1" for this list)');
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
}

function lineOf(body: Buffer, offset: number, firstLine: number): number {
  let line = firstLine;
  for (let i = body.indexOf(10); i >= 0 && i < offset; i = body.indexOf(10, i + 1)) line++;
  return line;
}

function firstInvalidUtf8Line(body: Buffer, firstLine: number): number {
  let start = 0;
  let line = firstLine;
  while (start <= body.length) {
    let end = body.indexOf(10, start);
    if (end < 0) end = body.length;
    if (!isUtf8(body.subarray(start, end))) return line;
    start = end + 1;
    line++;
  }
  return firstLine;
}
