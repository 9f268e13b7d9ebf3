// Reads the complete lines appended to a log since a byte offset, in bounded chunks (a 1 GB log never becomes one
// string). A trailing line without its newline is left for the next read: its writer may still be writing it.
// Reads are synchronous: most logs are read in one or two calls, and a thread-pool round trip per call costs more
// than the read; callers yield to the event loop between files.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { MAX_LINE_BYTES } from './eventValidation';

const CHUNK_BYTES = 4 * 1024 * 1024;
export const HEAD_BYTES = 4096;

/** One complete line: its text, or why its bytes cannot be a line of the format. */
export type TailLine = { text: string } | { invalid: string };

export interface TailResult {
  /** Offset just past the last complete line read. */
  offset: number;
  /** Number of the last complete line read (1-based; equals `fromLine` when nothing was read). */
  line: number;
  /** The hash of the file's first `length` bytes, when the read took the known head past `TailOptions.headLength`. */
  head?: { length: number; hash: string };
}

export interface TailOptions {
  /** Runs after each chunk so callers can flush buffers and keep memory bounded. */
  onBatch?: () => void;
  /**
   * How much of the file's head the caller has hashed: when the lines read reach past it (up to HEAD_BYTES), the
   * result carries the hash of the longer head, read through the same open file (the file may be deleted as soon
   * as the read ends: opening it again could fail).
   */
  headLength?: number;
  /** Read no further than this offset (a line that crosses it is left unread, as a partial last line is). */
  endOffset?: number;
  /**
   * Takes a chunk's complete, valid UTF-8 lines as one text (joined by '\n', no newline after the last) and answers
   * how many lines it held; the lines are then not passed to `onLine` one by one (no string and object per line).
   * `firstLine` is the number the text's first line gets.
   */
  onText?: (text: string, firstLine: number) => number;
}

/** Calls `onLine` for every complete line after `fromOffset` (`fromLine` lines were read before it). */
export function readAppendedLines(
  file: string, fromOffset: number, fromLine: number,
  onLine: (line: TailLine, lineNo: number) => void,
  options: TailOptions = {},
): TailResult {
  const { onBatch, headLength = HEAD_BYTES, endOffset = Number.POSITIVE_INFINITY, onText } = options;
  const fd = openSync(file, 'r');
  try {
    // A read bounded to a small file needs no 4 MiB buffer.
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK_BYTES, endOffset - fromOffset)));
    let pos = fromOffset;
    let committed = fromOffset;
    let lineNo = fromLine;
    let carry: Buffer[] = [];
    let carryBytes = 0;
    let oversized = false;
    const emit = (bytes: Buffer): void => {
      lineNo++;
      if (!isUtf8(bytes)) onLine({ invalid: 'not valid UTF-8' }, lineNo);
      else onLine({ text: bytes.toString('utf8') }, lineNo);
    };
    for (;;) {
      const bytesRead = readSync(fd, buf, 0, Math.min(buf.length, Math.max(0, endOffset - pos)), pos);
      if (bytesRead === 0) break;
      const data = buf.subarray(0, bytesRead);
      const chunkStart = pos;
      pos += bytesRead;
      const last = data.lastIndexOf(10);
      if (last < 0) {
        // No line ends in this chunk: it all belongs to one (long) line.
        if (!oversized) {
          carry.push(Buffer.from(data));
          carryBytes += data.length;
          if (carryBytes > MAX_LINE_BYTES) { oversized = true; carry = []; carryBytes = 0; }
        }
        continue;
      }
      const first = data.indexOf(10);
      if (oversized) {
        lineNo++;
        onLine({ invalid: `line longer than ${MAX_LINE_BYTES} bytes` }, lineNo);
      } else {
        const head = data.subarray(0, first);
        if (carryBytes + head.length > MAX_LINE_BYTES) {
          lineNo++;
          onLine({ invalid: `line longer than ${MAX_LINE_BYTES} bytes` }, lineNo);
        } else {
          emit(carry.length > 0 ? Buffer.concat([...carry, head]) : head);
        }
      }
      oversized = false;
      carry = [];
      carryBytes = 0;
      if (last > first) {
        const body = data.subarray(first + 1, last);
        if (isUtf8(body)) {
          // Fast path: one decode for the whole chunk (0x0A never occurs inside a multi-byte UTF-8 sequence).
          if (onText) {
            lineNo += onText(body.toString('utf8'), lineNo + 1);
          } else {
            const lines = body.toString('utf8').split('\n');
            for (const text of lines) { lineNo++; onLine({ text }, lineNo); }
          }
        } else {
          let start = 0;
          while (start <= body.length) {
            let end = body.indexOf(10, start);
            if (end < 0) end = body.length;
            emit(body.subarray(start, end));
            start = end + 1;
          }
        }
      }
      committed = chunkStart + last + 1;
      const rest = data.subarray(last + 1);
      if (rest.length > 0) { carry.push(Buffer.from(rest)); carryBytes = rest.length; }
      onBatch?.();
    }
    const result: TailResult = { offset: committed, line: lineNo };
    if (headLength < HEAD_BYTES && committed > headLength) {
      const length = Math.min(HEAD_BYTES, committed);
      result.head = { length, hash: hashHead(fd, length) };
    }
    return result;
  } finally {
    closeSync(fd);
  }
}

function hashHead(fd: number, length: number): string {
  if (length <= 0) return '';
  const buf = Buffer.alloc(length);
  const bytesRead = readSync(fd, buf, 0, length, 0);
  if (bytesRead < length) return '';
  return hashOf(buf);
}

/** The hash a log's head is known by (the bytes already read). */
export function hashOf(head: Uint8Array): string {
  return createHash('sha1').update(head).digest('hex');
}

/** Hash of the first `length` bytes of a file ('' when it is shorter). */
export function headHash(file: string, length: number): string {
  if (length <= 0) return '';
  const fd = openSync(file, 'r');
  try {
    return hashHead(fd, length);
  } finally {
    closeSync(fd);
  }
}
