// The run list: a small file beside the database (`trialbook.runs`) with what the Runs view needs of every run the
// database holds (names, params, metric summaries, status inputs, the user's edits), written by the writer right
// after each save of the database and tied to that file's identity. Opening a large workspace lists its runs from
// it in milliseconds, while the database (tens of MiB into sql.js) loads. It is only a cache of the database: a
// list whose database has been replaced since (another save, a rebuild, a copy, a deletion), or whose bytes do not
// match their checksum or shape, is refused, and the index answers instead.
// One entry per line after the header: the list is read in slices (a line, then the host's thread back when a slice
// is used up), never in one long task on the extension host's thread.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lineage, MetricDefinition, ParamValue, RunQuery, RunRow } from '../model';
import type { EditsFile, RunOverrides } from '../runEditsReader';
import { newRunState, type RunState } from '../runState';
import { decodeJson, encodeJson } from '../store';
import { writeFileAtomic } from '../dbFile';
import { Slicer } from '../slices';
import type { FileIdentity } from './databaseFile';
import { RunCatalog } from './runCatalog';

export const RUN_LIST_FILE = 'trialbook.runs';
const FORMAT = 'trialbook-run-list';
/** 1: the body was one JSON list (parsed in one task); 2: one entry per line. */
const VERSION = 2;

/** What can list runs: the index, or a run list read before the index has loaded. */
export interface RunLister {
  listRuns(query?: RunQuery): RunRow[];
}

/** One run as the list stores it: a run's row ingredients (the status is derived when read, from the times). */
interface Entry {
  id: string;
  experiment: string;
  name: string;
  hasStart: boolean;
  notes: string;
  tags: string[];
  params: Record<string, ParamValue>;
  summary: Record<string, ParamValue>;
  /** [key, last, min, max, count, lastStep] (a list: keys are run-supplied). */
  metrics: Array<[string, number, number, number, number, number]>;
  /** [name, goal, summary mode]. */
  defs: Array<[string, string | null, string | null]>;
  primaryMetric?: string;
  startedAt: number;
  endedAt?: number;
  lastEventAt: number;
  endStatus?: string;
  lineage: { user?: string; host?: string; script?: string; notebook?: string; commit?: string };
  sdk?: { name?: string; version?: string };
  skippedLines: number;
  edits?: RunOverrides;
}

function entryOf(run: RunState, overrides: RunOverrides | undefined): Entry {
  const l = run.lineage;
  const lineage: Entry['lineage'] = {};
  if (l.user !== undefined) lineage.user = l.user;
  if (l.host !== undefined) lineage.host = l.host;
  if (l.script !== undefined) lineage.script = l.script;
  if (l.notebook?.path !== undefined) lineage.notebook = l.notebook.path;
  if (l.git?.commit !== undefined) lineage.commit = l.git.commit;
  const e: Entry = {
    id: run.id, experiment: run.experiment, name: run.name, hasStart: run.hasStart, notes: run.notes, tags: run.tags,
    params: run.params, summary: run.summary,
    metrics: [...run.metrics].map(([k, m]) => [k, m.summary.last, m.summary.min, m.summary.max, m.summary.count, m.summary.lastStep]),
    defs: [...run.metricDefs].map(([k, d]) => [k, d.goal ?? null, d.summary ?? null]),
    startedAt: run.startedAt, lastEventAt: run.lastEventAt, lineage, skippedLines: run.skippedLines,
  };
  if (run.primaryMetric !== undefined) e.primaryMetric = run.primaryMetric;
  if (run.endedAt !== undefined) e.endedAt = run.endedAt;
  if (run.endStatus !== undefined) e.endStatus = run.endStatus;
  if (run.sdk) e.sdk = run.sdk;
  if (overrides && Object.keys(overrides).length > 0) e.edits = overrides;
  return e;
}

/**
 * The list's body for these runs (those the database holds, with their edits), built when the database is exported
 * so that both describe the same moment. Non-finite numbers are kept (as the database's JSON columns keep them).
 */
export function encodeRunList(runs: Iterable<RunState>, edits: ReadonlyMap<string, EditsFile>): string {
  const lines: string[] = [];
  for (const run of runs) lines.push(encodeJson(entryOf(run, edits.get(run.id)?.overrides)));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

interface Header { format: string; v: number; db: FileIdentity; sha256: string }

/** Writes the list for the database file whose identity (after its save) is `db`; atomic, like the database. */
export async function writeRunList(trialbookDir: string, db: FileIdentity, body: string): Promise<void> {
  const sha256 = createHash('sha256').update(body).digest('hex');
  const header: Header = { format: FORMAT, v: VERSION, db: { size: db.size, mtimeMs: db.mtimeMs, ino: db.ino }, sha256 };
  await writeFileAtomic(join(trialbookDir, RUN_LIST_FILE), Buffer.from(`${JSON.stringify(header)}\n${body}`, 'utf8'));
}

/** Whether the list on disk says it belongs to the database file `db` (its header only; the body is checked when read). */
export function runListMatches(trialbookDir: string, db: FileIdentity): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(join(trialbookDir, RUN_LIST_FILE), 'r');
    const head = Buffer.alloc(1024);
    const n = readSync(fd, head, 0, head.length, 0);
    const newline = head.subarray(0, n).indexOf(0x0a);
    if (newline < 0) return false;
    const header: unknown = JSON.parse(head.subarray(0, newline).toString('utf8'));
    return isObj(header) && header.format === FORMAT && header.v === VERSION && isObj(header.db)
      && header.db.size === db.size && header.db.mtimeMs === db.mtimeMs && header.db.ino === db.ino;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export type RunListRead = { runs: Map<string, RunState>; overrides: Map<string, RunOverrides> } | { problem: string };

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optStr = (v: unknown): boolean => v === undefined || isStr(v);

/** The run an entry describes, or why the entry is not one this version wrote. */
function runOf(raw: unknown, runsDir: string): { run: RunState; edits?: RunOverrides } | string {
  if (!isObj(raw)) return 'an entry is not an object';
  const e = raw;
  if (!isStr(e.id) || e.id === '' || !isStr(e.experiment) || !isStr(e.name) || typeof e.hasStart !== 'boolean' || !isStr(e.notes)
    || !Array.isArray(e.tags) || !e.tags.every(isStr) || !isObj(e.params) || !isObj(e.summary) || !Array.isArray(e.metrics) || !Array.isArray(e.defs)
    || !isNum(e.startedAt) || !isNum(e.lastEventAt) || !isNum(e.skippedLines) || !optStr(e.primaryMetric) || !(e.endedAt === undefined || isNum(e.endedAt))
    || !isObj(e.lineage)) {
    return `the entry of ${isStr(e.id) ? e.id : 'a run'} lacks a field or has one of the wrong type`;
  }
  const run = newRunState(e.id, join(runsDir, e.id));
  run.experiment = e.experiment;
  run.name = e.name;
  run.hasStart = e.hasStart;
  run.notes = e.notes;
  run.tags = e.tags;
  run.params = e.params as Record<string, ParamValue>;
  run.summary = e.summary as Record<string, ParamValue>;
  run.startedAt = e.startedAt;
  run.lastEventAt = e.lastEventAt;
  run.skippedLines = e.skippedLines;
  if (isStr(e.primaryMetric)) run.primaryMetric = e.primaryMetric;
  if (isNum(e.endedAt)) run.endedAt = e.endedAt;
  if (e.endStatus === 'finished' || e.endStatus === 'failed' || e.endStatus === 'killed') run.endStatus = e.endStatus;
  else if (e.endStatus !== undefined) return `the entry of ${e.id} has an unknown end status`;
  for (const m of e.metrics) {
    if (!Array.isArray(m) || m.length !== 6 || !isStr(m[0]) || !m.slice(1).every(isNum)) return `the entry of ${e.id} has a malformed metric`;
    const [key, last, min, max, count, lastStep] = m as [string, number, number, number, number, number];
    run.metrics.set(key, { summary: { last, min, max, count, lastStep }, seriesId: 0, chunks: 0, tailPoints: 0 });
  }
  for (const d of e.defs) {
    if (!Array.isArray(d) || d.length !== 3 || !isStr(d[0])) return `the entry of ${e.id} has a malformed metric definition`;
    const def: MetricDefinition = {};
    if (d[1] === 'minimize' || d[1] === 'maximize') def.goal = d[1];
    if (d[2] === 'min' || d[2] === 'max' || d[2] === 'last') def.summary = d[2];
    run.metricDefs.set(d[0], def);
  }
  const l = e.lineage;
  if (![l.user, l.host, l.script, l.notebook, l.commit].every(optStr)) return `the entry of ${e.id} has a malformed lineage`;
  const lineage: Lineage = {};
  if (isStr(l.user)) lineage.user = l.user;
  if (isStr(l.host)) lineage.host = l.host;
  if (isStr(l.script)) lineage.script = l.script;
  if (isStr(l.notebook)) lineage.notebook = { path: l.notebook };
  if (isStr(l.commit)) lineage.git = { commit: l.commit };
  run.lineage = lineage;
  if (e.sdk !== undefined) {
    if (!isObj(e.sdk) || !optStr(e.sdk.name) || !optStr(e.sdk.version)) return `the entry of ${e.id} has a malformed sdk`;
    run.sdk = {};
    if (isStr(e.sdk.name)) run.sdk.name = e.sdk.name;
    if (isStr(e.sdk.version)) run.sdk.version = e.sdk.version;
  }
  if (e.edits === undefined) return { run };
  if (!isObj(e.edits)) return `the entry of ${e.id} has malformed edits`;
  const x = e.edits;
  if (!optStr(x.name) || !optStr(x.notes) || !(x.starred === undefined || typeof x.starred === 'boolean')
    || !(x.tags === undefined || (Array.isArray(x.tags) && x.tags.every(isStr)))) return `the entry of ${e.id} has malformed edits`;
  const edits: RunOverrides = {};
  if (isStr(x.name)) edits.name = x.name;
  if (isStr(x.notes)) edits.notes = x.notes;
  if (Array.isArray(x.tags)) edits.tags = x.tags as string[];
  if (typeof x.starred === 'boolean') edits.starred = x.starred;
  return { run, edits };
}

/**
 * Reads the run list when it belongs to the database file as it is now; otherwise says why not (no list, another
 * database, damaged bytes, another format, a malformed entry). Never throws. The file is read off the thread, and
 * its entries are parsed one line at a time with `slicer` giving the thread back between slices.
 */
export async function readRunList(trialbookDir: string, slicer: Slicer = new Slicer()): Promise<RunListRead> {
  const file = join(trialbookDir, RUN_LIST_FILE);
  let bytes: Buffer;
  let db;
  try {
    bytes = await readFile(file);
    db = await stat(join(trialbookDir, 'trialbook.db'));
  } catch (err) {
    return { problem: `no run list or no database (${err instanceof Error ? err.message : String(err)})` };
  }
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return { problem: 'the run list has no header' };
  let header: unknown;
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8'));
  } catch {
    return { problem: 'the run list header is not JSON' };
  }
  if (!isObj(header) || header.format !== FORMAT || header.v !== VERSION || !isObj(header.db) || !isStr(header.sha256)) {
    return { problem: 'the run list is of another format or version' };
  }
  const id = header.db;
  if (id.size !== db.size || id.mtimeMs !== db.mtimeMs || id.ino !== db.ino) return { problem: 'the run list belongs to another database file' };
  const body = bytes.subarray(newline + 1);
  if (createHash('sha256').update(body).digest('hex') !== header.sha256) return { problem: 'the run list is damaged (checksum)' };
  const text = body.toString('utf8');
  if (text !== '' && !text.endsWith('\n')) return { problem: 'the run list body does not end with a whole line' };
  const runsDir = join(trialbookDir, 'runs');
  const runs = new Map<string, RunState>();
  const overrides = new Map<string, RunOverrides>();
  let line = 0;
  for (let at = 0; at < text.length; line++) {
    await slicer.pause();
    const end = text.indexOf('\n', at);
    const json = text.slice(at, end);
    at = end + 1;
    let raw: unknown;
    try {
      // The reviver that restores non-finite numbers costs twice the parse: only for an entry that holds one.
      raw = json.includes('"$float"') ? decodeJson<unknown>(json) : JSON.parse(json) as unknown;
    } catch {
      return { problem: `line ${line + 2} of the run list is not JSON` };
    }
    const r = runOf(raw, runsDir);
    if (typeof r === 'string') return { problem: r };
    if (runs.has(r.run.id)) return { problem: `the run list holds ${r.run.id} twice` };
    runs.set(r.run.id, r.run);
    if (r.edits) overrides.set(r.run.id, r.edits);
  }
  return { runs, overrides };
}

/** A lister over a run list that was read: the same filters, sorting and edits as the index's own list. */
export function runListLister(read: Exclude<RunListRead, { problem: string }>, crashAfterSeconds: number, now: () => number = Date.now): RunLister {
  const catalog = new RunCatalog({ crashAfterSeconds, now, pushesOf: () => [] });
  catalog.runs = read.runs;
  for (const [id, o] of read.overrides) catalog.edits.set(id, { size: 0, mtimeMs: 0, overrides: o, problems: [], skippedLines: 0 });
  return { listRuns: (query) => catalog.listRuns(query) };
}
