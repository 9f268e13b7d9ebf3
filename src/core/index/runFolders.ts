// The run folders under `.trialbook/runs` and their logs, as one sync sees them. A run whose folder or log cannot
// be read is listed with its problem (its path and the cause), never silently left out: the index keeps what it
// had for it, and reports it, while the other runs go on.
import { readdirSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileIdentity } from './databaseFile';
import { describeFileError, entryKind, errorCode } from './fileProblems';

/** Run ids are folder names: one letter or digit, then letters, digits, `.`, `_` or `-` (at most 128). */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export type RunLog =
  | { id: string; file: string; identity: FileIdentity }
  | { id: string; file: string; problem: string };

/** Stats in flight at once: enough to keep the thread pool busy, few enough not to flood it. */
const STAT_CONCURRENCY = 32;

/**
 * Every run folder with a log, in listing order. A folder without `events.jsonl` (not written yet, or deleted
 * since the listing) is left out. Throws, with the cause in words, only when the runs folder itself cannot be read.
 * The logs are stat'ed off the extension host's thread (a poll of 1,000 runs would otherwise block it for tens of ms).
 */
export async function listRunLogs(runsDir: string): Promise<RunLog[]> {
  let names: string[];
  try {
    names = readdirSync(runsDir, { withFileTypes: true }).filter((d) => d.isDirectory() && RUN_ID.test(d.name)).map((d) => d.name);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return [];
    const p = describeFileError(err, runsDir, 'read');
    throw new Error(`cannot list the runs: ${p.cause}. ${p.remedy}`);
  }
  const found: Array<RunLog | undefined> = new Array(names.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const at = next++;
      const id = names[at] as string;
      found[at] = await runLog(id, join(runsDir, id, 'events.jsonl'));
    }
  };
  await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, names.length) }, worker));
  return found.filter((log): log is RunLog => log !== undefined);
}

/**
 * The logs of these runs only, without listing the runs folder: what a sync that already knows which runs changed
 * (from the index's change report) looks at. Ids that are not run folder names, and folders without a log, are left out.
 */
export async function runLogsOf(runsDir: string, ids: Iterable<string>): Promise<RunLog[]> {
  const found: RunLog[] = [];
  for (const id of new Set(ids)) {
    if (!RUN_ID.test(id)) continue;
    const log = await runLog(id, join(runsDir, id, 'events.jsonl'));
    if (log) found.push(log);
  }
  return found;
}

/** One run's log, or its problem; undefined when the folder has no log. */
async function runLog(id: string, file: string): Promise<RunLog | undefined> {
  let st: Stats;
  try {
    st = await stat(file);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { id, file, problem: describeFileError(err, file, 'read').cause };
  }
  // A FIFO would block the read until something writes to it; a directory cannot be read as lines.
  if (!st.isFile()) return { id, file, problem: `${file} is ${entryKind(st)}, not a log file` };
  return { id, file, identity: { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino } };
}
