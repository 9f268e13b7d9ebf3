// The `dataset` event (run.use_dataset / log_input): a dataset's fingerprint, as docs/event-format.md ("Datasets")
// specifies it.
import { fail, isObject, optBool, optInt, optStr, str, type Json } from './eventFields';
import type { DatasetKind, DatasetStatus, DatasetUse } from './model';

const SHA256 = /^[0-9a-f]{64}$/;
const KINDS: readonly DatasetKind[] = ['file', 'folder', 'remote', 'missing'];
const STATUSES: readonly DatasetStatus[] = ['complete', 'partial', 'unreadable', 'missing', 'remote'];
const MAX_UNREADABLE = 20;

function oneOf<T extends string>(o: Record<string, Json>, field: string, values: readonly T[]): T {
  const v = o[field];
  const found = values.find((x) => x === v);
  if (found === undefined) fail(`"${field}" must be ${values.slice(0, -1).join(', ')} or ${values[values.length - 1] ?? ''}`);
  return found;
}

function stringList(o: Record<string, Json>, field: string): string[] | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(`"${field}" must be an array of strings`);
  return v as string[];
}

/** The dataset use of one `dataset` event (its time as `at`, epoch ms). */
export function datasetUse(o: Record<string, Json>, ts: number): DatasetUse {
  const use: DatasetUse = {
    key: str(o, 'key', 64, 1), name: str(o, 'name', 250, 1), source: str(o, 'source', undefined, 1),
    kind: oneOf(o, 'kind', KINDS), status: oneOf(o, 'status', STATUSES), at: ts * 1000,
  };
  const context = optStr(o, 'context', 250); if (context !== undefined) use.context = context;
  const sha256 = optStr(o, 'sha256');
  if (sha256 !== undefined) {
    if (!SHA256.test(sha256)) fail('"sha256" must be 64 lowercase hex digits');
    use.sha256 = sha256;
  }
  const ints = [['size', 'size'], ['files', 'files'], ['files_hashed', 'filesHashed'], ['files_cached', 'filesCached'],
    ['bytes_hashed', 'bytesHashed'], ['rows', 'rows'], ['unreadable_count', 'unreadableCount']] as const;
  for (const [field, prop] of ints) {
    const n = optInt(o, field, 0); if (n !== undefined) use[prop] = n;
  }
  const format = optStr(o, 'format', 64); if (format !== undefined) use.format = format;
  const columns = stringList(o, 'columns'); if (columns !== undefined) use.columns = columns;
  const cancelled = optBool(o, 'cancelled'); if (cancelled !== undefined) use.cancelled = cancelled;
  const seconds = o.seconds;
  if (seconds !== undefined) {
    if (typeof seconds !== 'number' || !(seconds >= 0)) fail('"seconds" must be a number ≥ 0');
    use.seconds = seconds;
  }
  if (o.unreadable !== undefined) {
    const list = o.unreadable;
    if (!Array.isArray(list)) fail('"unreadable" must be an array of {path, error}');
    if (list.length > MAX_UNREADABLE) fail(`"unreadable" lists at most ${MAX_UNREADABLE} files (the count goes in "unreadable_count")`);
    use.unreadable = list.map((u: Json) => {
      if (!isObject(u)) fail('"unreadable" must be an array of {path, error}');
      return { path: str(u, 'path'), error: str(u, 'error') };
    });
  }
  return use;
}
