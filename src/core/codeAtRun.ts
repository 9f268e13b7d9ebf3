// Which code a run ran, for "Open at Commit" and "Show Code Diff": the entry file at the run's commit, or the source
// the SDK captured when git did not hold it (untracked, modified, no repository), and what to tell the user.
// Plain Node (no editor): the editor adapter (src/vscode/gitDocuments.ts) opens what this decides.
import { dirname, join, relative, sep } from 'node:path';
import type { CapturedSource, RunDetail } from './model';

/** A commit id as git prints it; anything else never reaches git (a run log is untrusted). */
export const COMMIT_ID = /^[0-9a-f]{4,64}$/i;
const SHA256 = /^[0-9a-f]{64}$/;

export interface EntryFile {
  /** Absolute path the run recorded (script, or notebook). */
  path: string;
  /** Repository and commit, when the run recorded both. */
  git?: { root: string; commit: string };
  /** Path inside the repository (forward slashes), when in one. */
  rel?: string;
  /** The captured copy (`.trialbook/sources/<sha256>`), when one was stored. */
  captured?: { file: string; source: CapturedSource };
  /** How git held the file: from the captured source, or the run's untracked/modified lists. */
  state?: string;
}

export function checkedCommit(detail: RunDetail): { root: string; commit: string } | undefined {
  const git = detail.lineage.git;
  if (!git?.commit || !git.root) return undefined;
  if (!COMMIT_ID.test(git.commit)) {
    throw new Error(`run "${detail.name}" records ${JSON.stringify(git.commit.slice(0, 80))} as its git commit, which is not a commit id; its log may be damaged or forged.`);
  }
  return { root: git.root, commit: git.commit };
}

export function repoRelative(root: string, file: string): string | undefined {
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return undefined;
  return rel.split(sep).join('/');
}

/** The `.trialbook` folder of a run (…/.trialbook/runs/<id>). */
export function trialbookDirOf(detail: RunDetail): string {
  return dirname(dirname(detail.dir));
}

/** The captured copy's path, checked: only `sources/<64 hex>` under the run's `.trialbook`. */
export function capturedFile(detail: RunDetail, source: CapturedSource): string | undefined {
  if (!source.stored || !SHA256.test(source.sha256) || source.stored !== `sources/${source.sha256}`) return undefined;
  return join(trialbookDirOf(detail), 'sources', source.sha256);
}

/** The run's entry file and what is known of it; undefined when the run recorded no script or notebook. */
export function entryFile(detail: RunDetail): EntryFile | undefined {
  const path = detail.lineage.script ?? detail.lineage.notebook?.path;
  if (!path) return undefined;
  const entry: EntryFile = { path };
  const git = checkedCommit(detail);
  if (git) {
    entry.git = git;
    const rel = detail.lineage.git?.path ?? repoRelative(git.root, path);
    if (rel !== undefined) entry.rel = rel;
  }
  const sources = detail.lineage.sources ?? [];
  const source = sources.find((s) => s.path === path) ?? sources[0];
  if (source) {
    const file = capturedFile(detail, source);
    if (file) entry.captured = { file, source };
    entry.state = source.state;
  } else if (entry.rel !== undefined) {
    if (detail.lineage.git?.untracked?.includes(entry.rel)) entry.state = 'untracked';
    else if (detail.lineage.git?.modified?.includes(entry.rel)) entry.state = 'modified';
  }
  return entry;
}

/** The file's name as messages show it. */
export function shownName(entry: EntryFile): string {
  return entry.rel ?? entry.path.split(/[\\/]/).pop() ?? entry.path;
}

/** "(it was untracked when run "x" started)" and the like: why git does not hold the file. */
export function stateWords(entry: EntryFile, runName: string): string {
  switch (entry.state) {
    case 'untracked': return `it was untracked when run "${runName}" started`;
    case 'ignored': return `it was ignored by .gitignore when run "${runName}" started`;
    case 'added': return `it was staged but not committed when run "${runName}" started`;
    case 'modified': return `it was modified when run "${runName}" started`;
    default: return `it was not committed when run "${runName}" started`;
  }
}

export type OpenPlan =
  | { kind: 'commit'; root: string; commit: string; rel: string }
  | { kind: 'captured'; file: string; name: string; message: string }
  | { kind: 'error'; message: string };

/** What "Open at Commit" shows: `existsAtCommit` asks git whether the file is in the commit. */
export async function planOpenAtCommit(detail: RunDetail, existsAtCommit: (root: string, commit: string, rel: string) => Promise<boolean>): Promise<OpenPlan> {
  const entry = entryFile(detail);
  if (!entry) return { kind: 'error', message: `run "${detail.name}" has no script or notebook recorded.` };
  const name = shownName(entry);
  if (!entry.git || entry.rel === undefined) {
    if (entry.captured) {
      return { kind: 'captured', file: entry.captured.file, name, message: `run "${detail.name}" ran outside a git repository (or without git capture): showing ${name} as captured when the run started.` };
    }
    return { kind: 'error', message: `run "${detail.name}" has no git commit recorded (it ran outside a git repository, or git capture was off) and no captured source.` };
  }
  const short = entry.git.commit.slice(0, 8);
  if (await existsAtCommit(entry.git.root, entry.git.commit, entry.rel)) {
    return { kind: 'commit', root: entry.git.root, commit: entry.git.commit, rel: entry.rel };
  }
  if (entry.captured) {
    return { kind: 'captured', file: entry.captured.file, name, message: `${name} did not exist at commit ${short} (${stateWords(entry, detail.name)}): showing the source captured when the run started.` };
  }
  return { kind: 'error', message: `${name} did not exist at commit ${short} in ${entry.git.root}, and run "${detail.name}" has no captured source (it ran with an older SDK, with source capture off, or the file was over the 2 MiB cap).` };
}
