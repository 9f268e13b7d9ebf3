// The parts of `run_start.lineage` that say which code ran beyond the commit: the files git lists as untracked or
// modified, and the sources captured by content hash (docs/event-format.md, "Captured sources").
import { fail, isObject, optBool, optInt, optStr, str, type Json } from './eventFields';
import type { CapturedSource, GitLineage, SourceState } from './model';

const SHA256 = /^[0-9a-f]{64}$/;
/** Where a captured copy is; readers also check it is the entry's own hash before reading it (codeAtRun). */
const STORED = /^sources\/[0-9a-f]{64}$/;
const STATES: readonly SourceState[] = ['untracked', 'modified', 'added', 'ignored', 'no-repository'];
const MAX_LISTED = 1000;

function pathList(g: Record<string, Json>, field: string): string[] | undefined {
  const v = g[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(`"lineage.git.${field}" must be an array of strings`);
  if (v.length > MAX_LISTED) fail(`"lineage.git.${field}" lists at most ${MAX_LISTED} files`);
  return v as string[];
}

/** Adds `path`, `untracked`, `modified` and `filesTruncated` from the log's `git` object. */
export function gitFileLists(g: Record<string, Json>, out: GitLineage): void {
  const path = optStr(g, 'path'); if (path !== undefined) out.path = path;
  const untracked = pathList(g, 'untracked'); if (untracked !== undefined) out.untracked = untracked;
  const modified = pathList(g, 'modified'); if (modified !== undefined) out.modified = modified;
  const truncated = optBool(g, 'files_truncated'); if (truncated !== undefined) out.filesTruncated = truncated;
}

export function capturedSources(v: Json): CapturedSource[] {
  if (!Array.isArray(v)) fail('"lineage.sources" must be an array');
  return v.map((s: Json) => {
    if (!isObject(s)) fail('"lineage.sources" must hold objects');
    const state = STATES.find((x) => x === s.state);
    if (state === undefined) fail(`"lineage.sources[].state" must be one of ${STATES.join(', ')}`);
    const sha256 = str(s, 'sha256');
    if (!SHA256.test(sha256)) fail('"lineage.sources[].sha256" must be 64 lowercase hex digits');
    const source: CapturedSource = { path: str(s, 'path', undefined, 1), state, sha256, size: optInt(s, 'size', 0) ?? fail('"lineage.sources[].size" is required') };
    const stored = optStr(s, 'stored');
    if (stored !== undefined) {
      if (!STORED.test(stored)) fail('"lineage.sources[].stored" must be "sources/<sha256>"');
      source.stored = stored;
    }
    return source;
  });
}
