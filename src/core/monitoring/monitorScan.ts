// Finding the monitoring runs of a `.trialbook` folder: each run log's first line says whether it is one
// (`run_start` with kind "monitoring"), so other runs cost one small read; monitoring logs are read whole
// (one line per batch) up to a bound.
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import { monitorStart, parseMonitoringLog } from './monitorLog';
import type { MonitoringRun } from './monitorModel';

const FIRST_LINE_BYTES = 256 * 1024;
/** A monitoring log larger than this is not read (about 100,000 batches of 20 features). */
export const MAX_MONITOR_LOG_BYTES = 256 * 1024 * 1024;

export interface MonitoringScan {
  runs: MonitoringRun[];
  /** Logs that look like monitoring runs but could not be read, in words. */
  problems: string[];
}

function firstLine(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(FIRST_LINE_BYTES);
    const read = readSync(fd, buffer, 0, FIRST_LINE_BYTES, 0);
    const text = buffer.subarray(0, read).toString('utf8');
    const end = text.indexOf('\n');
    return end < 0 ? undefined : text.slice(0, end);
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
    const runsDir = join(this.trialbookDir, 'runs');
    const workspace = dirname(this.trialbookDir);
    let ids: string[];
    try { ids = readdirSync(runsDir); } catch { return { runs: [], problems: [] }; }
    const runs: MonitoringRun[] = [];
    const problems: string[] = [];
    const present = new Set(ids);
    for (const id of [...this.known.keys()]) if (!present.has(id)) this.known.delete(id);
    for (const id of ids.sort()) {
      if (this.notMonitoring.has(id)) continue;
      const log = join(runsDir, id, 'events.jsonl');
      try {
        const size = statSync(log).size;
        const cached = this.known.get(id);
        if (cached && cached.size === size) { runs.push(cached.run); continue; }
        if (!cached) {
          const line = firstLine(log);
          if (line === undefined) continue; // not written yet: looked at again next time
          if (!isMonitoringStart(line)) { this.notMonitoring.add(id); continue; }
        }
        if (size > MAX_MONITOR_LOG_BYTES) {
          problems.push(`monitoring run ${id}: its log is ${size} bytes, over the ${MAX_MONITOR_LOG_BYTES}-byte limit; start a new monitoring run per period`);
          continue;
        }
        const run = parseMonitoringLog(readFileSync(log, 'utf8'), (path) => readFileSync(isAbsolute(path) ? path : join(workspace, path), 'utf8'));
        if (run) { runs.push(run); this.known.set(id, { size, run }); }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // a folder without a log (yet)
        problems.push(`monitoring run ${id}: ${errorMessage(err)}`);
      }
    }
    return { runs, problems };
  }
}
