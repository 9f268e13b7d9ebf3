// Listing runs before their logs are read: a run's first line (its `run_start`: name, experiment, config) and its
// last complete line (its end, or when it last logged) are enough for the Runs view while a first ingest reads
// everything else. Two small reads per log instead of the whole log.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseEventLine } from '../eventValidation';
import { applyEvent, newRunState, type RunState } from '../runState';

/** Bytes read at each end of a log: a `run_start` with a large config or lineage may not fit (the run is then listed by its id). */
const EDGE_BYTES = 64 * 1024;
/** The first read at each end; grown fourfold up to EDGE_BYTES while no whole line is in it. */
const FIRST_READ = 4096;

/**
 * A provisional state of one run from the first and last lines of its log: its start (when valid), its end or
 * the time of its last event, no metrics. Undefined when the log cannot be opened (the ingest reports it).
 */
export function readRunStart(id: string, dir: string, file: string, size: number): RunState | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  const run = newRunState(id, dir);
  try {
    // Small reads first (a line is a few hundred bytes), larger only for a line that does not fit: reading 64 KiB at
    // each end of 1,000 logs took half a second.
    let head = Buffer.alloc(0);
    let firstEnd = -1;
    for (let want = FIRST_READ; ; want *= 4) {
      const asked = Math.min(want, EDGE_BYTES, size);
      head = Buffer.alloc(asked);
      head = head.subarray(0, readSync(fd, head, 0, asked, 0));
      firstEnd = head.indexOf(0x0a);
      if (firstEnd >= 0 || head.length < asked || asked >= Math.min(EDGE_BYTES, size)) break;
    }
    if (firstEnd < 0) return run;
    const first = parseEventLine(head.subarray(0, firstEnd).toString('utf8'));
    if ('t' in first && first.t === 'run_start') applyEvent(run, first);
    if (size <= firstEnd + 1) return run;
    // The last complete line: the run's end when it has ended, else when it last logged (for ages and crash detection).
    const rest = size - firstEnd - 1;
    for (let want = FIRST_READ; ; want *= 4) {
      const tail = Buffer.alloc(Math.min(want, EDGE_BYTES, rest));
      const text = tail.subarray(0, readSync(fd, tail, 0, tail.length, size - tail.length));
      const end = text.lastIndexOf(0x0a);
      if (end <= 0) return run;
      const start = text.lastIndexOf(0x0a, end - 1) + 1;
      // A tail that starts mid-line holds no whole line before its first newline: only a line after one counts.
      if (start === 0 && tail.length < rest) {
        if (tail.length >= Math.min(EDGE_BYTES, rest)) return run;
        continue;
      }
      const last = parseEventLine(text.subarray(start, end).toString('utf8'));
      if ('t' in last) {
        if (last.t === 'run_end') applyEvent(run, last);
        else run.lastEventAt = Math.max(run.lastEventAt, last.ts * 1000);
      }
      return run;
    }
  } catch {
    return run;
  } finally {
    // No line gave a time (a start too large for the bytes read, no whole last line): the log's last write stands
    // for when the run last logged, so a run still writing is listed as running, not as crashed for want of a time.
    if (run.lastEventAt === 0) {
      try { run.lastEventAt = fstatSync(fd).mtimeMs; } catch { /* listed without a time */ }
    }
    closeSync(fd);
  }
}
