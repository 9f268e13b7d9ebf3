// Each run's rich values (keys, types, steps and items) read from its log, without opening the media files. Logs
// are read incrementally: a second look reads only the bytes appended since the first, whole lines only (the
// index does the same for metrics); a log that shrank (rewritten) is read again from the start.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import type { MediaType } from '../../shared/webviews/media/contract';
import { readMediaEvent, type MediaCell, type MediaItemOf } from './mediaEvent';

const CHUNK_BYTES = 4 * 1024 * 1024;
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const MAX_PROBLEMS = 100;

export interface KeyMedia<T extends MediaType = MediaType> {
  key: string;
  type: T;
  /** Items by step; a later event at the same step replaces the earlier one. */
  byStep: Map<number, MediaItemOf[T][]>;
}

export interface RunMedia {
  runId: string;
  dir: string;
  keys: Map<string, KeyMedia>;
  /** Values of types this version does not know, counted by type. */
  skipped: Map<string, number>;
  /** Lines and items that could not be used, in words (at most 100). */
  problems: string[];
  /** The notebook cells that logged media (`notebook` is absent when the event named none: the run's notebook). */
  cells: Map<string, MediaCellLink>;
}

/** A notebook cell that logged media to the run, with the keys it logged. */
export interface MediaCellLink {
  notebook?: string;
  exec: number | null;
  hash: string;
  keys: string[];
}

interface Cursor {
  offset: number;
  media: RunMedia;
}

/** Steps of a key, ascending. */
export function stepsOf(media: KeyMedia): number[] {
  return [...media.byStep.keys()].sort((a, b) => a - b);
}

export class MediaCatalog {
  private readonly cursors = new Map<string, Cursor>();

  /** The run's media as its log holds them now (reading only what was appended since the last call). */
  read(runId: string, dir: string): RunMedia {
    let cursor = this.cursors.get(runId);
    if (!cursor || cursor.media.dir !== dir) {
      cursor = { offset: 0, media: emptyMedia(runId, dir) };
      this.cursors.set(runId, cursor);
    }
    const file = join(dir, 'events.jsonl');
    let fd: number | undefined;
    try {
      fd = openSync(file, 'r');
      const size = fstatSync(fd).size;
      if (size < cursor.offset) {
        cursor.offset = 0;
        cursor.media = emptyMedia(runId, dir);
      }
      cursor.offset = readLines(fd, cursor.offset, size, (line) => addLine(cursor.media, line));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') note(cursor.media, `The log ${file} could not be read: ${errorMessage(err)}`);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return cursor.media;
  }

  /**
   * Several runs' media (runs without a folder are left out), `pause()` between runs: a first read of 100 logs
   * takes longer than a frame, and the caller's thread must stay responsive (see Slicer in src/core/slices.ts).
   */
  async readInSlices(runs: ReadonlyArray<{ id: string; dir: string }>, pause: () => Promise<void>): Promise<RunMedia[]> {
    const media: RunMedia[] = [];
    for (const run of runs) {
      media.push(this.read(run.id, run.dir));
      await pause();
    }
    return media;
  }

  /** Forgets runs no longer asked for. */
  keepOnly(runIds: Iterable<string>): void {
    const keep = new Set(runIds);
    for (const id of [...this.cursors.keys()]) if (!keep.has(id)) this.cursors.delete(id);
  }
}

function emptyMedia(runId: string, dir: string): RunMedia {
  return { runId, dir, keys: new Map(), skipped: new Map(), problems: [], cells: new Map() };
}

function note(media: RunMedia, problem: string): void {
  if (media.problems.length < MAX_PROBLEMS) media.problems.push(problem);
}

/** Calls `onLine` for each whole line from `offset` to `size`; returns the offset after the last whole line. */
function readLines(fd: number, offset: number, size: number, onLine: (line: string) => void): number {
  let carry: Buffer = Buffer.alloc(0);
  let consumed = offset;
  let at = offset;
  const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, Math.max(1, size - offset)));
  while (at < size) {
    const read = readSync(fd, chunk, 0, Math.min(chunk.length, size - at), at);
    if (read <= 0) break;
    at += read;
    let data = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
    let start = 0;
    // Only media lines are parsed: one byte search finds the next "media" of the chunk and every line before it is
    // skipped unread (searching each line to the chunk's end made a long log cost lines × chunk bytes).
    let media = data.indexOf('"media"', 0, 'utf8');
    for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
      if (media >= 0 && media < start) media = data.indexOf('"media"', start, 'utf8');
      if (media >= 0 && media < nl) onLine(data.toString('utf8', start, nl));
      consumed += nl + 1 - start;
      start = nl + 1;
    }
    data = data.subarray(start);
    // A line longer than the format allows is skipped whole (its rest is dropped as it arrives).
    carry = data.length > MAX_LINE_BYTES ? Buffer.alloc(0) : Buffer.from(data);
    if (data.length > MAX_LINE_BYTES) consumed += data.length;
  }
  return consumed;
}

function addLine(media: RunMedia, line: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return; // not JSON: the index reports the line; here it only is no media
  }
  const event = readMediaEvent(parsed);
  if (event === undefined) return;
  if ('invalid' in event) {
    note(media, `A media event was skipped: ${event.invalid}.`);
    return;
  }
  if (event.cell) addCell(media, event.cell, event.key);
  if (!event.known) {
    media.skipped.set(event.type, (media.skipped.get(event.type) ?? 0) + event.count);
    return;
  }
  for (const problem of event.dropped) note(media, `A media value was skipped: ${problem}.`);
  if (event.items.length === 0) return;
  const existing = media.keys.get(event.key);
  if (existing && existing.type !== event.type) {
    note(media, `${event.key} at step ${event.step} is a ${event.type} but the key holds ${existing.type} values; skipped.`);
    return;
  }
  const entry = existing ?? { key: event.key, type: event.type, byStep: new Map() };
  (entry.byStep as Map<number, unknown[]>).set(event.step, event.items);
  if (!existing) media.keys.set(event.key, entry as KeyMedia);
}

function addCell(media: RunMedia, cell: MediaCell, key: string): void {
  const id = `${cell.notebook ?? ''}\u0000${cell.exec ?? ''}\u0000${cell.hash}`;
  const link = media.cells.get(id);
  if (!link) media.cells.set(id, { ...cell, keys: [key] });
  else if (!link.keys.includes(key)) link.keys.push(key);
}
