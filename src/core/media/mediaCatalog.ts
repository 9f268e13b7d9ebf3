// Each run's rich values (keys, types, steps and items) read from its log, without opening the media files. Logs
// are read incrementally: a second look reads only the bytes appended since the first, whole lines only (the
// index does the same for metrics); a log that shrank (rewritten) is read again from the start.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import type { MediaType } from '../../shared/webviews/media/contract';
import { runSteps, type Steps } from '../steps';
import { readMediaEvent, type MediaCell, type MediaItemOf } from './mediaEvent';

/** Read at a time: a step of a sliced read (a 100,000-step run's log is 11 MB; one read of it took 100 ms or more). */
const CHUNK_BYTES = 1024 * 1024;
const MEDIA = Buffer.from('"media"');
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
  /**
   * The buffer every read step reads its chunk into. A step is done with it before it yields (the lines it keeps are
   * strings), so reads that interleave (two panels) can share it. One per log read (1 MB each, 100 MB for 100 logs even
   * when nothing was appended) made the extension host collect garbage in pauses of 50-150 ms while a Compare opened.
   */
  private chunk: Buffer | undefined;
  /** Chunk buffers allocated so far (for the tests): one per catalog, however many logs it reads. */
  chunkBuffers = 0;

  /** The run's media as its log holds them now (reading only what was appended since the last call). */
  read(runId: string, dir: string): RunMedia {
    return runSteps(this.readSteps(runId, dir));
  }

  /**
   * Several runs' media (runs without a folder are left out), `pause()` between runs and between the chunks of a long
   * log: a first read of 100 logs takes longer than a frame, and so does one 100,000-step log; the caller's thread
   * must stay responsive (see Slicer in src/core/slices.ts). Ends early, with the runs read so far, once `stop()` says so.
   */
  async readInSlices(runs: ReadonlyArray<{ id: string; dir: string }>, pause: () => Promise<void>, stop: () => boolean = () => false): Promise<RunMedia[]> {
    const media: RunMedia[] = [];
    for (const run of runs) {
      const steps = this.readSteps(run.id, run.dir);
      for (let next = steps.next(); ; next = steps.next()) {
        if (next.done) { media.push(next.value); break; }
        await pause();
        // Where the caller moved on (its panel closed, other runs asked for), the reading ends: what was read is kept.
        if (stop()) return media;
      }
      await pause();
      if (stop()) return media;
    }
    return media;
  }

  /**
   * Reads the log from the cursor to its last whole line a chunk at a time, a step per chunk. The file is opened per
   * chunk and the cursor moves with each one: nothing is held between steps, and two reads of a run never read a
   * line twice.
   */
  private *readSteps(runId: string, dir: string): Steps<RunMedia> {
    let cursor = this.cursors.get(runId);
    if (!cursor || cursor.media.dir !== dir) {
      cursor = { offset: 0, media: emptyMedia(runId, dir) };
      this.cursors.set(runId, cursor);
    }
    const file = join(dir, 'events.jsonl');
    /** A buffer of its own for a line longer than a chunk (rare: lines are small). */
    let long: Buffer | undefined;
    /** Inside a line longer than the format allows: it is dropped whole, as it arrives. */
    let skipping = false;
    for (;;) {
      let fd: number | undefined;
      try {
        fd = openSync(file, 'r');
        const size = fstatSync(fd).size;
        if (size < cursor.offset) {
          cursor.offset = 0;
          cursor.media = emptyMedia(runId, dir);
        }
        if (size <= cursor.offset) return cursor.media;
        const buffer = long ?? this.chunkBuffer();
        const want = Math.min(buffer.length, size - cursor.offset);
        const read = readSync(fd, buffer, 0, want, cursor.offset);
        if (read <= 0) return cursor.media;
        const atEnd = cursor.offset + read >= size;
        const data = buffer.subarray(0, read);
        const last = data.lastIndexOf(10);
        if (last < 0) {
          if (skipping || buffer.length >= MAX_LINE_BYTES) {
            skipping = true;
            cursor.offset += read;
          } else if (read < buffer.length) {
            return cursor.media; // a partial line at the end waits for its newline
          } else {
            long = Buffer.allocUnsafe(Math.min(MAX_LINE_BYTES, buffer.length * 4)); // a line longer than a chunk
            continue;
          }
        } else {
          const start = skipping ? data.indexOf(10) + 1 : 0;
          skipping = false;
          const media = cursor.media;
          mediaLines(data, start, last, (line) => addLine(media, line));
          cursor.offset += last + 1;
          if (atEnd) return media; // read to the end: no step more (a short log is one step)
        }
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') note(cursor.media, `The log ${file} could not be read: ${errorMessage(err)}`);
        return cursor.media;
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
      yield;
    }
  }

  private chunkBuffer(): Buffer {
    if (!this.chunk) {
      this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      this.chunkBuffers++;
    }
    return this.chunk;
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

/**
 * Calls `onLine` for each line of `data[start, end)` that holds "media" (`data[end]` ends the last line; `start` begins
 * one): one byte search finds the next "media" and its line is cut around it, every other line is skipped unread
 * (a 100,000-step log is 100,000 metric lines and a few media lines).
 */
function mediaLines(data: Buffer, start: number, end: number, onLine: (line: string) => void): void {
  for (let at = data.indexOf(MEDIA, start); at >= 0 && at < end; at = data.indexOf(MEDIA, at)) {
    const from = at === 0 ? 0 : data.lastIndexOf(10, at - 1) + 1;
    const to = data.indexOf(10, at);
    onLine(data.toString('utf8', Math.max(from, start), to));
    at = to + 1;
  }
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
