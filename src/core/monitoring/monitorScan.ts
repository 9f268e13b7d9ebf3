// Finding the monitoring runs of a `.trialbook` folder: each run log's first line says whether it is one
// (`run_start` with kind "monitoring"), so other runs cost one small read; monitoring logs are read whole
// (one line per batch) up to a bound.
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import { Slicer } from '../slices';
import { monitorStart, parseMonitoringLog } from './monitorLog';
import type { MonitoringRun } from './monitorModel';

/** A first line is read in chunks of this size (a run_start with its config is a few KB) up to FIRST_LINE_BYTES. */
const FIRST_CHUNK_BYTES = 4096;
const FIRST_LINE_BYTES = 256 * 1024;
/** A monitoring log larger than this is not read (about 100,000 batches of 20 features). */
export const MAX_MONITOR_LOG_BYTES = 256 * 1024 * 1024;

export interface MonitoringScan {
  runs: MonitoringRun[];
  /** Logs that look like monitoring runs but could not be read, in words. */
  problems: string[];
}

/**
 * A log's first line, read a chunk at a time: reading (and zeroing, and decoding) 256 KB of every run's log took the
 * extension host's thread for 0.7 s at 1,000 runs, when a few KB hold the line.
 */
export function firstLine(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    let buffer = Buffer.allocUnsafe(FIRST_CHUNK_BYTES);
    let read = 0;
    for (;;) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      const end = buffer.indexOf(0x0a, read);
      read += n;
      if (end >= 0 && end < read) return buffer.toString('utf8', 0, end);
      if (n === 0 || buffer.length >= FIRST_LINE_BYTES) return undefined;
      if (read === buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(FIRST_LINE_BYTES, buffer.length * 4));
        buffer.copy(grown, 0, 0, read);
        buffer = grown;
      }
    }
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether a log's first line opens a monitoring run (cheap: a substring test before parsing). */
function isMonitoringStart(line: string): boolean {
  if (!line.includes('"monitoring"')) return false;
  try { return monitorStart(JSON.parse(line)) !== undefined; } catch { return false; }
}

export function scanMonitoringRuns(trialbookDir: string): MonitoringScan {
  return new MonitoringScanner(trialbookDir).scan();
}

/**
 * Scans again cheaply: a run found not to be a monitoring run is not opened again (a run's first line never
 * changes), and a monitoring log is parsed again only when its size changed.
 */
export class MonitoringScanner {
  private readonly notMonitoring = new Set<string>();
  private readonly known = new Map<string, { size: number; run: MonitoringRun }>();

  constructor(readonly trialbookDir: string) {}

  scan(): MonitoringScan {
    const scan = this.begin();
    for (const id of scan.ids) this.scanOne(id, scan);
    return { runs: scan.runs, problems: scan.problems };
  }

  /**
   * The same scan, the thread given back between slices (see slices.ts): the extension host scans on activation and
   * whenever runs change, and at 1,000 runs one pass is longer than a frame.
   */
  async scanInSlices(slicer = new Slicer()): Promise<MonitoringScan> {
    const scan = this.begin();
    for (const id of scan.ids) {
      this.scanOne(id, scan);
      await slicer.pause();
    }
    return { runs: scan.runs, problems: scan.problems };
  }

  private begin(): { ids: string[]; runs: MonitoringRun[]; problems: string[] } {
    let ids: string[];
    try { ids = readdirSync(join(this.trialbookDir, 'runs')); } catch { return { ids: [], runs: [], problems: [] }; }
    const present = new Set(ids);
    for (const id of [...this.known.keys()]) if (!present.has(id)) this.known.delete(id);
    return { ids: ids.sort().filter((id) => !this.notMonitoring.has(id)), runs: [], problems: [] };
  }

  private scanOne(id: string, into: { runs: MonitoringRun[]; problems: string[] }): void {
    const log = join(this.trialbookDir, 'runs', id, 'events.jsonl');
    try {
      const size = statSync(log).size;
      const cached = this.known.get(id);
      if (cached && cached.size === size) { into.runs.push(cached.run); return; }
      if (!cached) {
        const line = firstLine(log);
        if (line === undefined) return; // not written yet: looked at again next time
        if (!isMonitoringStart(line)) { this.notMonitoring.add(id); return; }
      }
      if (size > MAX_MONITOR_LOG_BYTES) {
        into.problems.push(`monitoring run ${id}: its log is ${size} bytes, over the ${MAX_MONITOR_LOG_BYTES}-byte limit; start a new monitoring run per period`);
        return;
      }
      const workspace = dirname(this.trialbookDir);
      const run = parseMonitoringLog(readFileSync(log, 'utf8'), (path) => readFileSync(isAbsolute(path) ? path : join(workspace, path), 'utf8'));
      if (run) { into.runs.push(run); this.known.set(id, { size, run }); }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // a folder without a log (yet)
      into.problems.push(`monitoring run ${id}: ${errorMessage(err)}`);
    }
  }
}
