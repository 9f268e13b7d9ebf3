// Validation of one parsed event line against docs/event-format.md (version 1) and the reader's limits.
// Hand-written rather than a generic JSON Schema validator: it runs once per log line on the ingest hot path.
import { errorMessage } from '../shared/errorMessage';
import type { MetricGoal, SummaryMode } from '../shared/metricDirection';
import type { Artifact, DatasetUse, Lineage, ParamValue } from './model';
import { exceeds, fail, Invalid, isObject, optBool, optInt, optStr, str, type Json } from './eventFields';
import { datasetUse } from './datasetEvent';
import { capturedSources, gitFileLists } from './lineageFields';

export const MAX_LINE_BYTES = 16 * 1024 * 1024;
export const MAX_KEY_CHARS = 250;
export const MAX_PARAM_STRING_CHARS = 64 * 1024;
export const MAX_NOTES_CHARS = 1024 * 1024;
/** Nesting depth of a param, summary or metadata value; deeper values are refused so later recursion stays bounded. */
export const MAX_VALUE_DEPTH = 64;
/** Latest accepted event time (seconds; year 5138): keeps times exact in milliseconds. */
export const MAX_TS = 1e11;

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SHA256 = /^[0-9a-f]{64}$/;

export interface CellRef { exec: number | null; hash: string; notebook?: string }

export type RunEvent =
  | { t: 'run_start'; ts: number; runId: string; experiment: string; name: string; notes?: string; tags?: string[];
    config?: Record<string, ParamValue>; resumed: boolean; lineage?: Lineage; group?: string; rank?: number;
    sdk?: { name?: string; version?: string } }
  | { t: 'params'; ts: number; params: Record<string, ParamValue> }
  /** `values` is the raw, already validated object: number or non-finite string per key. */
  | { t: 'metrics'; ts: number; step: number; values: Record<string, number | string>; cell?: CellRef }
  | { t: 'summary'; ts: number; summary: Record<string, ParamValue> }
  /** A metric's whole definition from now on (`define_metric`). */
  | { t: 'metric'; ts: number; name: string; goal?: MetricGoal; summary?: SummaryMode; primary?: boolean }
  | { t: 'tags'; ts: number; tags: string[] }
  | { t: 'notes'; ts: number; notes: string }
  | { t: 'artifact'; ts: number; artifact: Artifact }
  | { t: 'run_end'; ts: number; status: 'finished' | 'failed' | 'killed'; error?: string }
  | { t: 'warning'; ts: number; message: string }
  | { t: 'dataset'; ts: number; dataset: DatasetUse }
  /** heartbeat, or a kind this reader does not know: only its time matters. */
  | { t: 'other'; ts: number };

function checkKey(k: string, what: string): void {
  if (k.length === 0) fail(`empty ${what} name`);
  if (exceeds(k, MAX_KEY_CHARS)) fail(`${what} name longer than ${MAX_KEY_CHARS} characters`);
}

function isNonFinite(x: string): x is 'NaN' | 'Infinity' | '-Infinity' {
  return x === 'NaN' || x === 'Infinity' || x === '-Infinity';
}

function nonFiniteNumber(x: 'NaN' | 'Infinity' | '-Infinity'): number {
  return x === 'NaN' ? Number.NaN : x === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

/** Sets a property even when its name is `__proto__` (a legal param name in a log). */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Decodes a param/summary value: `{"$float": "NaN"}` becomes NaN; checks depth and (for params) string sizes. */
function decodeValue(v: Json, depth: number, maxString: number | undefined): ParamValue {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (maxString !== undefined && exceeds(v, maxString)) fail(`a string value is longer than ${maxString} characters`);
    return v;
  }
  if (depth >= MAX_VALUE_DEPTH) fail(`a value is nested deeper than ${MAX_VALUE_DEPTH} levels`);
  if (Array.isArray(v)) return v.map((x) => decodeValue(x, depth + 1, maxString));
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$float' && typeof v.$float === 'string' && isNonFinite(v.$float)) {
      return nonFiniteNumber(v.$float);
    }
    const out: Record<string, ParamValue> = {};
    for (const k of keys) setOwn(out, k, decodeValue(v[k], depth + 1, maxString));
    return out;
  }
  return fail('unsupported value');
}

function valueMap(o: Record<string, Json>, field: string, what: string, maxString: number | undefined): Record<string, ParamValue> {
  const m = o[field];
  if (!isObject(m)) fail(`"${field}" must be an object`);
  const out: Record<string, ParamValue> = {};
  for (const k of Object.keys(m)) {
    checkKey(k, what);
    setOwn(out, k, decodeValue(m[k], 0, maxString));
  }
  return out;
}

function tagList(o: Record<string, Json>, field: string): string[] {
  const v = o[field];
  if (!Array.isArray(v)) fail(`"${field}" must be an array of strings`);
  for (const tag of v) {
    if (typeof tag !== 'string') fail(`"${field}" must be an array of strings`);
    checkKey(tag, 'tag');
  }
  return v as string[];
}

function lineage(v: Json): Lineage {
  if (!isObject(v)) fail('"lineage" must be an object');
  const out: Lineage = {};
  const user = optStr(v, 'user'); if (user !== undefined) out.user = user;
  const host = optStr(v, 'host'); if (host !== undefined) out.host = host;
  const pid = optInt(v, 'pid'); if (pid !== undefined) out.pid = pid;
  if (v.argv !== undefined) {
    if (!Array.isArray(v.argv) || v.argv.some((a) => typeof a !== 'string')) fail('"lineage.argv" must be an array of strings');
    out.argv = v.argv as string[];
  }
  for (const f of ['script', 'cwd', 'python', 'platform'] as const) {
    const s = optStr(v, f); if (s !== undefined) out[f] = s;
  }
  if (v.git !== undefined) {
    const g = v.git;
    if (!isObject(g)) fail('"lineage.git" must be an object');
    out.git = {};
    for (const f of ['commit', 'branch', 'remote', 'diff', 'root'] as const) {
      const s = optStr(g, f); if (s !== undefined) out.git[f] = s;
    }
    const dirty = optBool(g, 'dirty'); if (dirty !== undefined) out.git.dirty = dirty;
    const truncated = optBool(g, 'diff_truncated'); if (truncated !== undefined) out.git.diffTruncated = truncated;
    gitFileLists(g, out.git);
  }
  if (v.notebook !== undefined) {
    const nb = v.notebook;
    if (!isObject(nb)) fail('"lineage.notebook" must be an object');
    out.notebook = {};
    const p = optStr(nb, 'path'); if (p !== undefined) out.notebook.path = p;
    const s = optStr(nb, 'session'); if (s !== undefined) out.notebook.session = s;
  }
  if (v.packages !== undefined) {
    const pk = v.packages;
    if (!isObject(pk)) fail('"lineage.packages" must be an object');
    const packages: Record<string, string> = {};
    for (const k of Object.keys(pk)) {
      const ver = pk[k];
      if (typeof ver !== 'string') fail('"lineage.packages" values must be strings');
      setOwn(packages, k, ver);
    }
    out.packages = packages;
  }
  if (v.sources !== undefined) out.sources = capturedSources(v.sources);
  return out;
}

function runStart(o: Record<string, Json>, ts: number): RunEvent {
  const runId = str(o, 'run_id');
  if (!RUN_ID.test(runId)) fail('"run_id" is not a valid run id');
  const ev: Extract<RunEvent, { t: 'run_start' }> = {
    t: 'run_start', ts, runId,
    experiment: str(o, 'experiment', MAX_KEY_CHARS, 1),
    name: str(o, 'name', MAX_KEY_CHARS, 1),
    resumed: optBool(o, 'resumed') ?? false,
  };
  const notes = optStr(o, 'notes', MAX_NOTES_CHARS); if (notes !== undefined) ev.notes = notes;
  if (o.tags !== undefined) ev.tags = tagList(o, 'tags');
  if (o.config !== undefined) ev.config = valueMap(o, 'config', 'param', MAX_PARAM_STRING_CHARS);
  const group = optStr(o, 'group', MAX_KEY_CHARS); if (group !== undefined) ev.group = group;
  const rank = optInt(o, 'rank', 0); if (rank !== undefined) ev.rank = rank;
  if (o.sdk !== undefined) {
    if (!isObject(o.sdk)) fail('"sdk" must be an object');
    const sdk: { name?: string; version?: string } = {};
    const name = optStr(o.sdk, 'name'); if (name !== undefined) sdk.name = name;
    const version = optStr(o.sdk, 'version'); if (version !== undefined) sdk.version = version;
    ev.sdk = sdk;
  }
  if (o.lineage !== undefined) ev.lineage = lineage(o.lineage);
  return ev;
}

function metrics(o: Record<string, Json>, ts: number): RunEvent {
  const step = o.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) fail('"step" must be an integer ≥ 0');
  if (step > Number.MAX_SAFE_INTEGER) fail(`"step" must be at most ${Number.MAX_SAFE_INTEGER}`);
  const values = o.values;
  if (!isObject(values)) fail('"values" must be an object');
  for (const k in values) {
    const x = values[k];
    if (typeof x !== 'number' && !(typeof x === 'string' && isNonFinite(x))) {
      fail(`metric "${k.slice(0, 60)}" must be a number or "NaN"/"Infinity"/"-Infinity"`);
    }
    if (k.length === 0 || k.length > MAX_KEY_CHARS) checkKey(k, 'metric');
  }
  const ev: Extract<RunEvent, { t: 'metrics' }> = { t: 'metrics', ts, step, values: values as Record<string, number | string> };
  if (o.cell !== undefined) {
    const c = o.cell;
    if (!isObject(c)) fail('"cell" must be an object');
    const exec = c.exec;
    if (exec === undefined || (exec !== null && (typeof exec !== 'number' || !Number.isInteger(exec)))) fail('"cell.exec" must be an integer or null');
    const hash = str(c, 'hash', 64);
    const cell: CellRef = { exec: exec as number | null, hash };
    const nb = optStr(c, 'notebook'); if (nb !== undefined) cell.notebook = nb;
    ev.cell = cell;
  }
  return ev;
}

function artifact(o: Record<string, Json>, ts: number): RunEvent {
  const a: Artifact = {
    name: str(o, 'name', MAX_KEY_CHARS, 1),
    path: str(o, 'path', undefined, 1),
    type: str(o, 'type', 64, 1),
    size: optInt(o, 'size', 0) ?? fail('"size" is required'),
    sha256: str(o, 'sha256'),
  };
  if (!SHA256.test(a.sha256)) fail('"sha256" must be 64 lowercase hex digits');
  const files = optInt(o, 'files', 0); if (files !== undefined) a.files = files;
  const copied = optBool(o, 'copied'); if (copied !== undefined) a.copied = copied;
  if (o.metadata !== undefined) {
    if (!isObject(o.metadata)) fail('"metadata" must be an object');
    const md: Record<string, ParamValue> = {};
    for (const k of Object.keys(o.metadata)) setOwn(md, k, decodeValue(o.metadata[k], 0, undefined));
    a.metadata = md;
  }
  return { t: 'artifact', ts, artifact: a };
}

function metricDefinition(o: Record<string, Json>, ts: number): RunEvent {
  const ev: Extract<RunEvent, { t: 'metric' }> = { t: 'metric', ts, name: str(o, 'name', MAX_KEY_CHARS, 1) };
  const goal = o.goal;
  if (goal !== undefined) {
    if (goal !== 'minimize' && goal !== 'maximize') fail('"goal" must be "minimize" or "maximize"');
    ev.goal = goal;
  }
  const summary = o.summary;
  if (summary !== undefined) {
    if (summary !== 'min' && summary !== 'max' && summary !== 'last') fail('"summary" must be "min", "max" or "last"');
    ev.summary = summary;
  }
  const primary = optBool(o, 'primary'); if (primary !== undefined) ev.primary = primary;
  return ev;
}

function validateKnown(o: Record<string, Json>): RunEvent {
  const v = o.v;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail('"v" must be an integer ≥ 1');
  const t = o.t;
  if (typeof t !== 'string' || t.length === 0 || exceeds(t, 64)) fail('"t" must be a string of 1 to 64 characters');
  const ts = o.ts;
  if (typeof ts !== 'number' || !(ts >= 0 && ts <= MAX_TS)) fail(`"ts" must be seconds since 1970 (0 to ${MAX_TS})`);
  switch (t) {
    case 'metrics': return metrics(o, ts);
    case 'run_start': return runStart(o, ts);
    case 'params': return { t, ts, params: valueMap(o, 'params', 'param', MAX_PARAM_STRING_CHARS) };
    case 'summary': return { t, ts, summary: valueMap(o, 'summary', 'summary', undefined) };
    case 'metric': return metricDefinition(o, ts);
    case 'tags': return { t, ts, tags: tagList(o, 'tags') };
    case 'notes': return { t, ts, notes: str(o, 'notes', MAX_NOTES_CHARS) };
    case 'artifact': return artifact(o, ts);
    case 'run_end': {
      const status = o.status;
      if (status !== 'finished' && status !== 'failed' && status !== 'killed') fail('"status" must be finished, failed or killed');
      const error = optStr(o, 'error');
      return error === undefined ? { t, ts, status } : { t, ts, status, error };
    }
    case 'warning': return { t, ts, message: str(o, 'message') };
    case 'dataset': return { t, ts, dataset: datasetUse(o, ts) };
    default: return { t: 'other', ts };
  }
}

/** A line that parsed as JSON: the event, or why it cannot be used. */
export function validateEvent(parsed: unknown): RunEvent | { invalid: string } {
  if (!isObject(parsed)) return { invalid: 'not a JSON object' };
  try {
    return validateKnown(parsed);
  } catch (err) {
    if (err instanceof Invalid) return { invalid: err.message };
    // RangeError from pathological input (e.g. recursion): still just a bad line.
    return { invalid: `unusable event (${errorMessage(err)})` };
  }
}

/** Parses and validates one line (without its newline). */
export function parseEventLine(line: string): RunEvent | { invalid: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return { invalid: `invalid JSON (${errorMessage(err).slice(0, 120)})` };
  }
  return validateEvent(parsed);
}

export function metricValue(x: number | string): number {
  return typeof x === 'number' ? x : isNonFinite(x) ? nonFiniteNumber(x) : Number.NaN;
}
