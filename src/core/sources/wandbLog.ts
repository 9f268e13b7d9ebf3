// W&B's run log framing (run-<id>.wandb): a 7-byte file header (":W&B", uint16 LE 0xBEE1, uint8 version 0), then a
// LevelDB-log-style stream of 32 KiB blocks. Each chunk: uint32 LE checksum, uint16 LE length, uint8 type (1 FULL,
// 2 FIRST, 3 MIDDLE, 4 LAST), the data; fewer than 7 bytes left in a block are zero padding. wandb 0.16 writes the
// zlib CRC-32 of the type byte and the data; LevelDB's own masked CRC-32C of the same bytes is accepted too.
// What a damaged file does:
// - a chunk whose checksum is wrong, or whose length runs past its block, is skipped with the record it belongs to
//   (reported with file and offset); reading resumes after it when its length leads to a valid chunk, else at the
//   next block (LevelDB's rule), so valid records around the damage survive;
// - a record cut short at the end of the file is not read yet (its writer may still be writing it): the offset
//   stays before it, so the next read takes it whole.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { maskedCrc32c } from './crc32c';

export const BLOCK = 32 * 1024;
const CHUNK_HEADER = 7;
export const FILE_HEADER = 7;
const MAGIC = [0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe]; // ":W&B" + 0xBEE1 little-endian
/** Blocks read per system call. */
const WINDOW_BLOCKS = 64;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;

export interface LogProblem { offset: number; reason: string }

export interface LogResult {
  /** Offset just past the last complete record (or skipped damage): where the next read starts. */
  offset: number;
  records: number;
  problems: LogProblem[];
  /** Bytes after `offset` not read yet (an incomplete record, or the file header still arriving). */
  pendingBytes: number;
  /** The file does not start with W&B's header (nothing was read). */
  notWandb?: boolean;
}

function chunkValid(b: Uint8Array, at: number, len: number): boolean {
  const stored = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  const body = b.subarray(at + 6, at + CHUNK_HEADER + len);
  return crc32(body) === stored || maskedCrc32c(body) === stored;
}

/**
 * Calls `onRecord` with each complete record after `fromOffset` (a view into a reused buffer: decode it before
 * returning). `fromOffset` is 0 or an offset a previous call returned.
 */
export function readWandbLog(file: string, fromOffset: number, onRecord: (data: Uint8Array, offset: number) => void): LogResult {
  const fd = openSync(file, 'r');
  const result: LogResult = { offset: fromOffset, records: 0, problems: [], pendingBytes: 0 };
  try {
    const size = fstatSync(fd).size;
    let pos = fromOffset;
    if (pos < FILE_HEADER) {
      const head = Buffer.alloc(FILE_HEADER);
      const n = readSync(fd, head, 0, FILE_HEADER, 0);
      if (n < FILE_HEADER) { result.offset = 0; result.pendingBytes = n; return result; }
      if (!MAGIC.every((byte, i) => head[i] === byte)) {
        result.notWandb = true;
        result.problems.push({ offset: 0, reason: 'not a W&B run log (it does not start with the ":W&B" header); file skipped' });
        return result;
      }
      if (head[6] !== 0) result.problems.push({ offset: 6, reason: `W&B run log format version ${head[6] ?? '?'} (version 0 is the one known); read as version 0` });
      pos = FILE_HEADER;
      result.offset = pos;
    }
    const win = Buffer.allocUnsafe(BLOCK * WINDOW_BLOCKS);
    let winStart = -1;
    let winLen = 0;
    let parts: Uint8Array[] | undefined; // the FIRST/MIDDLE chunks of the record being assembled
    let recordStart = -1;
    const drop = (at: number, why: string): void => {
      if (parts) result.problems.push({ offset: recordStart, reason: `record split over several chunks is incomplete (${why} at byte ${at}); record skipped` });
      parts = undefined;
    };
    while (pos < size) {
      const blockStart = pos - (pos % BLOCK);
      if (blockStart < winStart || blockStart >= winStart + winLen) {
        winStart = blockStart;
        winLen = readSync(fd, win, 0, Math.min(win.length, size - blockStart), blockStart);
        if (winLen === 0) break;
      }
      const blockOff = blockStart - winStart;
      const blockLen = Math.min(BLOCK, winLen - blockOff);
      const block = win.subarray(blockOff, blockOff + blockLen);
      let p = pos - blockStart;
      let stop = false;
      while (p < BLOCK) {
        if (BLOCK - p < CHUNK_HEADER) { p = BLOCK; break; } // trailer padding
        if (blockLen - p < CHUNK_HEADER) { stop = true; break; } // header still arriving
        const len = block[p + 4]! | (block[p + 5]! << 8);
        const type = block[p + 6]!;
        const at = blockStart + p;
        if (p + CHUNK_HEADER + len > BLOCK || (type === 0 && len === 0)) {
          drop(at, 'damaged chunk');
          result.problems.push({ offset: at, reason: `damaged chunk header (length ${len} runs past its 32 KiB block); ${BLOCK - p} bytes skipped to the next block` });
          p = BLOCK;
          if (!parts) result.offset = blockStart + p;
          continue;
        }
        if (p + CHUNK_HEADER + len > blockLen) { stop = true; break; } // data still arriving
        if (!chunkValid(block, p, len)) {
          drop(at, 'damaged chunk');
          // Trust the length only when it leads to a valid chunk (or the block's end): else skip to the next block.
          const next = p + CHUNK_HEADER + len;
          const resync = next >= BLOCK - CHUNK_HEADER || next === blockLen
            || (next + CHUNK_HEADER <= blockLen && chunkValid(block, next, block[next + 4]! | (block[next + 5]! << 8)) && next + CHUNK_HEADER + (block[next + 4]! | (block[next + 5]! << 8)) <= BLOCK);
          const to = resync ? next : BLOCK;
          result.problems.push({ offset: at, reason: `chunk checksum wrong (type ${type}, ${len} bytes); ${to - p} bytes skipped, reading resumed at byte ${blockStart + to}` });
          p = to;
          result.offset = blockStart + p;
          continue;
        }
        const data = block.subarray(p + CHUNK_HEADER, p + CHUNK_HEADER + len);
        p += CHUNK_HEADER + len;
        if (type === FULL) {
          drop(at, 'a new record began');
          onRecord(data, at);
          result.records++;
          result.offset = blockStart + p;
        } else if (type === FIRST) {
          drop(at, 'a new record began');
          parts = [Buffer.from(data)];
          recordStart = at;
        } else if (type === MIDDLE || type === LAST) {
          if (!parts) {
            result.problems.push({ offset: at, reason: `${type === LAST ? 'last' : 'middle'} part of a record whose first part is missing; skipped` });
            result.offset = blockStart + p;
            continue;
          }
          parts.push(Buffer.from(data));
          if (type === LAST) {
            onRecord(Buffer.concat(parts), recordStart);
            result.records++;
            parts = undefined;
            result.offset = blockStart + p;
          }
        } else {
          drop(at, 'unknown chunk');
          result.problems.push({ offset: at, reason: `unknown chunk type ${type}; skipped` });
          result.offset = blockStart + p;
        }
      }
      if (stop) break;
      pos = blockStart + p;
      // Padding at the end of a block with no record in progress: the next read starts at the next block.
      if (!parts && result.offset < pos && pos - result.offset < CHUNK_HEADER) result.offset = pos;
    }
    result.pendingBytes = Math.max(0, size - result.offset);
    return result;
  } finally {
    closeSync(fd);
  }
}

/** The W&B file header (for writers: tests and the benchmark generator). */
export function wandbFileHeader(): Buffer {
  return Buffer.from([...MAGIC, 0]);
}

/**
 * Records framed as wandb 0.16 frames them, the first starting at `offset` (7 for a new file): FULL when the record
 * fits in the rest of its block, else FIRST/MIDDLE/LAST chunks; a block's last 1-6 bytes are zero padding.
 */
export function frameWandbRecords(records: readonly Uint8Array[], offset = FILE_HEADER): Buffer {
  const out: Buffer[] = [];
  let pos = offset;
  const chunk = (type: number, data: Uint8Array): void => {
    const head = Buffer.alloc(CHUNK_HEADER);
    head.writeUInt16LE(data.length, 4);
    head[6] = type;
    head.writeUInt32LE(crc32(data, crc32(Buffer.from([type]))), 0);
    out.push(head, Buffer.from(data));
    pos += CHUNK_HEADER + data.length;
  };
  for (const rec of records) {
    let at = 0;
    let first = true;
    for (;;) {
      const left = BLOCK - (pos % BLOCK);
      if (left < CHUNK_HEADER) { out.push(Buffer.alloc(left)); pos += left; continue; }
      const n = Math.min(rec.length - at, left - CHUNK_HEADER);
      const last = at + n === rec.length;
      chunk(first && last ? FULL : first ? FIRST : last ? LAST : MIDDLE, rec.subarray(at, at + n));
      at += n;
      first = false;
      if (last) break;
    }
  }
  return Buffer.concat(out);
}
