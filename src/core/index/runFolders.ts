// The run folders under `.trialbook/runs` and their logs, as one sync sees them. A run whose folder or log cannot
// be read is listed with its problem (its path and the cause), never silently left out: the index keeps what it
// had for it, and reports it, while the other runs go on.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FileIdentity } from './databaseFile';
import { describeFileError, entryKind, errorCode } from './fileProblems';

/** Run ids are folder names: one letter or digit, then letters, digits, `.`, `_` or `-` (at most 128). */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export type RunLog =
  | { id: string; file: string; identity: FileIdentity }
  | { id: string; file: string; problem: string };

/**
 * Every run folder with a log, in listing order. A folder without `events.jsonl` (not written yet, or deleted
 * since the listing) is left out. Throws, with the cause in words, only when the runs folder itself cannot be read.
 */
export function listRunLogs(runsDir: string): RunLog[] {
  let names: string[];
  try {
    names = readdirSync(runsDir, { withFileTypes: true }).filter((d) => d.isDirectory() && RUN_ID.test(d.name)).map((d) => d.name);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return [];
    const p = describeFileError(err, runsDir, 'read');
    throw new Error(`cannot list the runs: ${p.cause}. ${p.remedy}`);
  }
  const logs: RunLog[] = [];
  for (const id of names) {
    const file = join(runsDir, id, 'events.jsonl');
    let st;
    try {
      st = statSync(file);
    } catch (err) {
      const code = errorCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      logs.push({ id, file, problem: describeFileError(err, file, 'read').cause });
      continue;
    }
    // A FIFO would block the read until something writes to it; a directory cannot be read as lines.
    if (!st.isFile()) logs.push({ id, file, problem: `${file} is ${entryKind(st)}, not a log file` });
    else logs.push({ id, file, identity: { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino } });
  }
  return logs;
}
