// TFRecord framing (TensorBoard event files): uint64 LE length, masked CRC-32C of those 8 bytes, the data, masked
// CRC-32C of the data. Read from a byte offset, in bounded chunks. What a damaged file does:
// - a record whose data CRC is wrong is skipped (reported with file and offset); the next record follows it;
// - a length whose CRC is wrong cannot be trusted: the reader searches forward for the next valid header
//   (reported with the offset where the damage starts and where reading resumed);
// - a record cut short at the end of the file is not read yet: its writer may still be writing it (the offset
//   stays before it, so the next read takes it whole).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { maskedCrc32c } from './crc32c';

const HEADER = 12;
const FOOTER = 4;
const CHUNK = 16 * 1024 * 1024;
/** A record longer than this is taken as a damaged length even when its CRC matches (event records are small). */
const MAX_RECORD = 256 * 1024 * 1024;

export interface RecordProblem { offset: number; reason: string }

export interface FramingResult {
  /** Offset just past the last complete record (or skipped damage): where the next read starts. */
  offset: number;
  records: number;
  problems: RecordProblem[];
  /** Bytes after `offset` that form an incomplete record (waiting for its writer). */
  pendingBytes: number;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** A header at `at` whose length CRC matches: its data length, else -1. */
function headerAt(b: Uint8Array, at: number): number {
  const lo = u32(b, at);
  const hi = u32(b, at + 4);
  if (u32(b, at + 8) !== maskedCrc32c(b, at, at + 8)) return -1;
  if (hi !== 0 || lo > MAX_RECORD) return -1;
  return lo;
}

/**
 * Calls `onRecord` with each complete record's data after `fromOffset` (a view into a reused buffer: decode it
 * before returning). `verifyData` false skips the data CRC (only the bare-pass benchmark turns it off).
 */
export function readRecords(file: string, fromOffset: number, onRecord: (data: Uint8Array, offset: number) => void, verifyData = true): FramingResult {
  return readRecordSpans(file, fromOffset, (buf, start, end, offset) => { onRecord(buf.subarray(start, end), offset); }, verifyData);
}

/**
 * readRecords without a view per record: each record's data is buf[start, end) (a reused buffer: read it before
 * returning), for a reader that needs no Uint8Array of its own for most records.
 */
export function readRecordSpans(file: string, fromOffset: number, onRecord: (buf: Buffer, start: number, end: number, offset: number) => void, verifyData = true): FramingResult {
  const fd = openSync(file, 'r');
  const result: FramingResult = { offset: fromOffset, records: 0, problems: [], pendingBytes: 0 };
  try {
    // What was appended since the last read is usually small (a follower reads every half second): a buffer of
    // that size, not a fresh 16 MiB one per file and pass. It grows below when a record needs more.
    let buf = Buffer.allocUnsafe(Math.max(HEADER, Math.min(CHUNK, fstatSync(fd).size - fromOffset + 64 * 1024)));
    let bufStart = fromOffset; // file offset of buf[0]
    let filled = readSync(fd, buf, 0, buf.length, bufStart);
    let pos = 0; // within buf
    let eof = false;
    let damageFrom = -1;
    for (;;) {
      const avail = filled - pos;
      const len = avail >= HEADER ? headerAt(buf, pos) : -2;
      const need = len >= 0 ? HEADER + len + FOOTER : HEADER;
      if (avail < need) {
        if (eof) break;
        // Move what is left to the front and read on (a record larger than the buffer gets a larger one).
        if (need > buf.length) { const bigger = Buffer.allocUnsafe(need * 2); buf.copy(bigger, 0, pos, filled); buf = bigger; } else buf.copy(buf, 0, pos, filled);
        bufStart += pos;
        filled = avail;
        pos = 0;
        const n = readSync(fd, buf, filled, buf.length - filled, bufStart + filled);
        if (n === 0) eof = true;
        filled += n;
        continue;
      }
      if (len < 0) {
        // Damaged length: look for the next offset where a header checks out.
        if (damageFrom < 0) damageFrom = bufStart + pos;
        pos++;
        continue;
      }
      if (damageFrom >= 0) {
        result.problems.push({ offset: damageFrom, reason: `damaged record header (length checksum wrong); ${bufStart + pos - damageFrom} bytes skipped, reading resumed at byte ${bufStart + pos}` });
        damageFrom = -1;
      }
      const dataAt = pos + HEADER;
      if (verifyData && u32(buf, dataAt + len) !== maskedCrc32c(buf, dataAt, dataAt + len)) {
        result.problems.push({ offset: bufStart + pos, reason: `record data checksum wrong (${len} bytes); record skipped` });
      } else {
        onRecord(buf, dataAt, dataAt + len, bufStart + pos);
        result.records++;
      }
      pos = dataAt + len + FOOTER;
      result.offset = bufStart + pos;
    }
    const tail = filled - pos;
    if (damageFrom >= 0) {
      // Damage that runs into the end: skip what can never be a header start (keep the last bytes: a header may be arriving).
      const keep = Math.min(tail, HEADER - 1);
      const skipTo = bufStart + filled - keep;
      if (skipTo > damageFrom) {
        result.problems.push({ offset: damageFrom, reason: `damaged record header (length checksum wrong); ${skipTo - damageFrom} bytes skipped up to the end of the file` });
        result.offset = skipTo;
      }
      result.pendingBytes = keep;
    } else {
      result.pendingBytes = tail;
    }
    return result;
  } finally {
    closeSync(fd);
  }
}

/** One framed record (for writers: tests and the benchmark generator). */
export function frameRecord(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + data.length + FOOTER);
  out.writeUInt32LE(data.length, 0);
  out.writeUInt32LE(0, 4);
  out.writeUInt32LE(maskedCrc32c(out, 0, 8), 8);
  out.set(data, HEADER);
  out.writeUInt32LE(maskedCrc32c(data), HEADER + data.length);
  return out;
}
