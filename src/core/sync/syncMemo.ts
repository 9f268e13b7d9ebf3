// What the last complete sync of each run in this process saw (its log, its sync state file, its edits), so that
// the editor's pass every 2 s skips a run nothing changed for without reading its state file or log: with a live
// run beside hundreds of finished ones, a pass costs a few stats per run. Runs imported from other tools (a
// `source.json` in the folder) are remembered as such and not looked at again. Memory only: a new process (the CLI,
// an editor restart) reads every run's state once.
import { statSync } from 'node:fs';
import type { EditsFile } from '../runEditsReader';

export interface FileMark { size: number; mtimeMs: number; ino: number }

export interface RunMemo {
  log: FileMark;
  /** The sync state file's mark ('' when none): another process syncing the run changes it. */
  state: string;
  edits: EditsFile | undefined;
  /** The artifact limit of that sync: another limit (artifacts turned on) needs the run looked at again. */
  artifactMaxBytes: number;
  /** Epoch ms until which nothing but a file change can change what the run needs (a running run turns crashed). */
  until: number;
}

export class SyncMemo {
  readonly runs = new Map<string, RunMemo>();
  /** Run folders with a `source.json`: imported, never synced out. */
  readonly imported = new Set<string>();
}

const memos = new Map<string, SyncMemo>();

/** The memo of one sync state folder (one target), shared by every sync in this process. */
export function memoFor(stateDir: string): SyncMemo {
  let memo = memos.get(stateDir);
  if (!memo) { memo = new SyncMemo(); memos.set(stateDir, memo); }
  return memo;
}

/** A file's size, time and inode as one string ('' when it does not exist). */
export function fileMark(file: string): string {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `${st.size}:${st.mtimeMs}:${st.ino}` : '';
}

export function sameMark(a: FileMark, b: FileMark): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}
