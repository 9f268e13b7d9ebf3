// W&B runs (`wandb/offline-run-<date>_<time>-<id>/run-<id>.wandb`, online `run-…` folders too): each run's log is
// read from its byte offset (wandbLog.ts checks the framing), each record decoded as a wandb_internal.Record with
// protobufjs (wandbProto.ts). The run record gives name, project (→ experiment), notes, tags, host, start time and
// config (→ params); history rows give metric points at their `_step` with their `_timestamp`; stats records give
// system metrics (`system/<W&B key>`, stepped by whole seconds since the start, as Trialbook's own sampler does);
// the summary record the summary; files records the files; the exit record the status. A run with no exit record
// that has not been written for a minute has crashed (shown as failed). Media and other non-numeric values are
// listed as rich values. Tested against wandb 0.16.6's own files.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ParamValue } from '../model';
import { cursorNumber, isRecord, listDir } from './sourceFiles';
import type { RunDelta, SourceProblem, SourceRunMeta } from './sourceModel';
import { LockstepPoints } from './lockstepPoints';
import type { RunListing, SourceReader, SourceRunRef } from './sourceReader';
import { readWandbLog } from './wandbLog';
import { wandbRecordType } from './wandbProto';
import { HistoryRows } from './wandbHistory';
import { historyValue, itemKey, mediaType, paramValue, parsePythonJson, richOf, spreadValue } from './wandbValues';

/** A W&B run folder: `offline-run-` or `run-`, the start time, the run id. */
export const WANDB_RUN_DIR = /^(?:offline-)?run-(\d{8}_\d{6})-([A-Za-z0-9_-]+)$/;
const RUN_LOG = /^run-.+\.wandb$/;
/** A run with no exit record whose log has not changed for this long has crashed. */
const ACTIVE_MS = 60_000;

type Msg = Record<string, unknown>;

function msg(v: unknown): Msg | undefined {
  return isRecord(v) ? v : undefined;
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (isRecord(v) && typeof v.toNumber === 'function') return (v.toNumber as () => number)();
  return 0;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function items(v: unknown): Msg[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

function timestampMs(v: unknown): number {
  const t = msg(v);
  return t ? num(t.seconds) * 1000 + num(t.nanos) / 1e6 : 0;
}

/** What the reader keeps between reads (plain JSON, in source.json). */
interface WbCursor {
  file: string;
  offset: number;
  ino: number;
  run?: { id: string; project: string; name: string; notes: string; tags: string[]; host: string; group: string; jobType: string; startMs: number };
  config: [string, ParamValue][];
  summary: [string, ParamValue][];
  files: string[];
  exit?: { code: number; runtime: number };
  /** Latest point time (ms) and step seen. */
  lastMs: number;
  lastStep: number;
  metaSig: string;
}

function asCursor(v: unknown): WbCursor | undefined {
  if (!isRecord(v) || typeof v.file !== 'string' || typeof v.metaSig !== 'string' || !Array.isArray(v.config) || !Array.isArray(v.summary) || !Array.isArray(v.files)) return undefined;
  const c: WbCursor = {
    file: v.file, offset: cursorNumber(v.offset), ino: cursorNumber(v.ino), config: v.config as [string, ParamValue][], summary: v.summary as [string, ParamValue][],
    files: v.files.filter((f): f is string => typeof f === 'string'), lastMs: cursorNumber(v.lastMs), lastStep: cursorNumber(v.lastStep, -1), metaSig: v.metaSig,
  };
  if (isRecord(v.run)) c.run = v.run as unknown as NonNullable<WbCursor['run']>;
  if (isRecord(v.exit)) c.exit = { code: cursorNumber(v.exit.code), runtime: cursorNumber(v.exit.runtime) };
  return c;
}

/** Values of `update` items into `map`, `remove` items out of it. */
function applyItems(map: Map<string, ParamValue>, rec: Msg): void {
  for (const it of items(rec.update)) {
    const key = itemKey(it);
    if (key === '' || key === '_wandb') continue; // _wandb: W&B's own bookkeeping
    const v = parsePythonJson(str(it.value_json));
    if (v !== undefined) map.set(key, paramValue(v));
  }
  for (const it of items(rec.remove)) map.delete(itemKey(it));
}

export class WandbReader implements SourceReader {
  readonly kind = 'wandb' as const;
  private readonly record = wandbRecordType();
  /** History rows read without building objects (unless `fullDecode`); every other record is decoded in full. */
  private readonly rows: HistoryRows | undefined;
  /** A row's values other than _step, _timestamp and _runtime (reused from row to row). */
  private readonly rowKeys: string[] = [];
  private readonly rowValues: unknown[] = [];
  /** The row's values while they are all numbers (an array of doubles: no number boxed). */
  private readonly rowNumbers: number[] = [];

  constructor(readonly root: string, private readonly now: () => number = Date.now, options: { fullDecode?: boolean } = {}) {
    this.rows = options.fullDecode ? undefined : HistoryRows.forRecord(this.record);
  }

  async listRuns(): Promise<RunListing> {
    const problems: SourceProblem[] = [];
    const runs: SourceRunRef[] = [];
    // The source may be one run folder itself.
    if (listDir(this.root).some((d) => d.isFile() && RUN_LOG.test(d.name))) {
      const m = WANDB_RUN_DIR.exec(basename(this.root));
      return { runs: [{ sourceId: m?.[2] ?? basename(this.root), location: this.root }], problems };
    }
    const seen = new Map<string, number>();
    // Real folders only: wandb's latest-run is a symlink to one of them (a Dirent of a symlink is not a directory).
    const dirs = listDir(this.root).filter((d) => d.isDirectory() && WANDB_RUN_DIR.test(d.name)).map((d) => d.name).sort();
    for (const name of dirs) {
      const location = join(this.root, name);
      if (!listDir(location).some((d) => d.isFile() && RUN_LOG.test(d.name))) {
        problems.push({ file: location, reason: 'W&B run folder without a run-<id>.wandb log; skipped until one appears' });
        continue;
      }
      const id = WANDB_RUN_DIR.exec(name)?.[2] ?? name;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      runs.push({ sourceId: id, location });
    }
    // The same run id in two folders (a resumed run): each folder is a run of its own, named by its folder.
    for (const r of runs) if ((seen.get(r.sourceId) ?? 0) > 1) r.sourceId = basename(r.location);
    return { runs, problems };
  }

  async readRun(ref: SourceRunRef, cursorValue: unknown): Promise<RunDelta> {
    const logName = listDir(ref.location).filter((d) => d.isFile() && RUN_LOG.test(d.name)).map((d) => d.name).sort()[0] ?? '';
    const file = join(ref.location, logName);
    const prev = asCursor(cursorValue);
    let st;
    try { st = statSync(file); } catch { st = undefined; }
    // Another file in its place (or shrunk): read from the start.
    const fresh: WbCursor = { file: logName, offset: 0, ino: st?.ino ?? 0, config: [], summary: [], files: [], lastMs: 0, lastStep: -1, metaSig: '' };
    const cursor: WbCursor = prev && st && prev.file === logName && prev.ino === st.ino && prev.offset <= st.size ? prev : fresh;
    const delta: RunDelta = { sourceId: ref.sourceId, series: new Map(), rich: [], problems: [], cursor };
    if (!st) { delta.problems.push({ file, reason: 'the run log cannot be read' }); return delta; }
    const config = new Map(cursor.config);
    const summary = new Map(cursor.summary);
    const files = new Set(cursor.files);
    const fast = this.rows;
    const points = new LockstepPoints(delta);
    const result = readWandbLog(file, cursor.offset, (data, offset) => {
      if (fast?.read(data)) { this.takeHistory(fast.keys, fast.texts, fast.numbers, fast.count, fast.step, cursor, delta, points, file, offset); return; }
      let rec: Msg;
      try {
        rec = this.record.decode(data) as unknown as Msg;
      } catch (err) {
        delta.problems.push({ file, offset, reason: `record is not a W&B Record protobuf (${String(err)}); record skipped` });
        return;
      }
      this.take(rec, cursor, delta, points, config, summary, files, file, offset);
    });
    for (const p of result.problems) delta.problems.push({ file, offset: p.offset, reason: p.reason });
    cursor.offset = result.offset;
    cursor.ino = st.ino;
    cursor.config = [...config];
    cursor.summary = [...summary];
    cursor.files = [...files];
    const active = this.now() - st.mtimeMs < ACTIVE_MS;
    if (!active && !cursor.exit && result.pendingBytes > 0 && cursor.run) {
      delta.problems.push({ file, offset: result.offset, reason: `the last ${result.pendingBytes} bytes are an incomplete record and the file has not grown for a minute (cut short?); left out` });
    }
    const status: SourceRunMeta['status'] = cursor.exit ? (cursor.exit.code === 0 ? 'finished' : 'failed') : active ? 'running' : 'failed';
    const sig = JSON.stringify([status, cursor.run, cursor.config, cursor.summary, cursor.files]);
    if (cursor.run && sig !== cursor.metaSig) {
      cursor.metaSig = sig;
      delta.meta = this.meta(ref, cursor, status, config, summary);
    }
    return delta;
  }

  close(): void { /* nothing held open */ }

  private meta(ref: SourceRunRef, cursor: WbCursor, status: SourceRunMeta['status'], params: Map<string, ParamValue>, summaryAll: Map<string, ParamValue>): SourceRunMeta {
    const run = cursor.run ?? { id: ref.sourceId, project: '', name: '', notes: '', tags: [], host: '', group: '', jobType: '', startMs: 0 };
    const tags = new Map<string, string>(run.tags.map((t) => [t, '']));
    if (run.group) tags.set('group', run.group);
    if (run.jobType) tags.set('job_type', run.jobType);
    // The summary without W&B's bookkeeping (_step, _runtime, _timestamp, _wandb) and without media (rich values).
    const summary = new Map([...summaryAll].filter(([k, v]) => !k.startsWith('_') && mediaType(v) === undefined));
    const meta: SourceRunMeta = {
      experiment: run.project || 'wandb', name: run.name || run.id, status, startedAt: run.startMs, notes: run.notes, tags, params,
      summary, artifacts: this.artifacts(ref.location, cursor.files),
    };
    if (run.host) meta.host = run.host;
    const info = this.metadata(ref.location);
    if (info.user) meta.user = info.user;
    if (info.script) meta.script = info.script;
    if (status !== 'running') meta.endedAt = Math.max(cursor.lastMs, run.startMs + (cursor.exit?.runtime ?? 0) * 1000);
    return meta;
  }

  /** One record into the delta and the cursor. */
  private take(rec: Msg, cursor: WbCursor, delta: RunDelta, points: LockstepPoints, config: Map<string, ParamValue>, summary: Map<string, ParamValue>, files: Set<string>, file: string, offset: number): void {
    const run = msg(rec.run);
    if (run) {
      cursor.run = {
        id: str(run.run_id), project: str(run.project), name: str(run.display_name), notes: str(run.notes),
        tags: Array.isArray(run.tags) ? run.tags.map(String) : [], host: str(run.host), group: str(run.run_group), jobType: str(run.job_type),
        startMs: timestampMs(run.start_time) || cursor.run?.startMs || 0,
      };
      const c = msg(run.config);
      if (c) applyItems(config, c);
      const s = msg(run.summary);
      if (s) applyItems(summary, s);
      return;
    }
    const history = msg(rec.history);
    if (history) { this.takeHistoryRecord(history, cursor, delta, points, file, offset); return; }
    const stats = msg(rec.stats);
    if (stats) {
      const timeMs = timestampMs(stats.timestamp);
      const step = Math.max(0, Math.floor((timeMs - (cursor.run?.startMs ?? timeMs)) / 1000));
      for (const it of items(stats.item)) {
        const v = parsePythonJson(str(it.value_json));
        if (typeof v !== 'number') continue;
        const s = points.of(`system/${str(it.key)}`);
        s.steps.push(step); s.times.push(timeMs); s.values.push(v);
      }
      return;
    }
    const c = msg(rec.config);
    if (c) { applyItems(config, c); return; }
    const s = msg(rec.summary);
    if (s) { applyItems(summary, s); return; }
    const f = msg(rec.files);
    if (f) { for (const it of items(f.files)) if (str(it.path)) files.add(str(it.path)); return; }
    const art = msg(rec.artifact);
    if (art) {
      const entries = items(msg(art.manifest)?.contents).map((e) => ({ path: str(e.path), digest: str(e.digest), size: num(e.size) }));
      delta.rich.push({ kind: 'other', tag: `artifact ${str(art.name)}`, step: Math.max(0, cursor.lastStep), timeMs: cursor.lastMs, detail: `${str(art.type)} artifact, ${entries.length} file${entries.length === 1 ? '' : 's'}`, data: { kind: 'json', json: { type: str(art.type), name: str(art.name), digest: str(art.digest), entries } } });
      return;
    }
    const exit = msg(rec.exit);
    if (exit) cursor.exit = { code: num(exit.exit_code), runtime: num(exit.runtime) };
  }

  /** A decoded history record: its items' keys and value texts, and its HistoryStep's number, to takeHistory. */
  private takeHistoryRecord(h: Msg, cursor: WbCursor, delta: RunDelta, points: LockstepPoints, file: string, offset: number): void {
    const all = items(h.item);
    const stepMsg = msg(h.step);
    this.takeHistory(all.map(itemKey), all.map((it) => str(it.value_json)), [], all.length, stepMsg ? num(stepMsg.num) : undefined, cursor, delta, points, file, offset);
  }

  /**
   * A history row (`keys[i]`, and `texts[i]`, or `numbers[i]` where texts[i] is undefined, for i < count; `stepNum`
   * its HistoryStep's number when it has one): `_step` is its step (else stepNum, else the next one), `_timestamp`
   * its time; numeric values are points.
   */
  private takeHistory(keys: readonly string[], texts: readonly (string | undefined)[], numbers: readonly number[], count: number, stepNum: number | undefined,
    cursor: WbCursor, delta: RunDelta, points: LockstepPoints, file: string, offset: number): void {
    const rowKeys = this.rowKeys;
    const rowValues = this.rowValues;
    const rowNumbers = this.rowNumbers;
    let numeric = true; // every value a number: rowNumbers holds them (unboxed), rowValues is not filled
    let n = 0;
    let step: number | undefined;
    let timeMs: number | undefined;
    let runtime: number | undefined;
    for (let i = 0; i < count; i++) {
      const key = keys[i] ?? '';
      const text = texts[i];
      const v = text === undefined ? numbers[i] : historyValue(text);
      if (v === undefined) { delta.problems.push({ file, offset, reason: `history value of "${key}" is not JSON; left out` }); continue; }
      if (key === '_step') step = typeof v === 'number' ? v : undefined;
      else if (key === '_timestamp') timeMs = typeof v === 'number' ? v * 1000 : undefined;
      else if (key === '_runtime') runtime = typeof v === 'number' ? v : undefined;
      else {
        rowKeys[n] = key;
        if (numeric && typeof v === 'number') rowNumbers[n] = v;
        else {
          if (numeric) { numeric = false; for (let j = 0; j < n; j++) rowValues[j] = rowNumbers[j]; }
          rowValues[n] = v;
        }
        n++;
      }
    }
    step ??= stepNum ?? cursor.lastStep + 1;
    if (!Number.isSafeInteger(step) || step < 0) step = cursor.lastStep + 1;
    timeMs ??= runtime !== undefined && cursor.run ? cursor.run.startMs + runtime * 1000 : cursor.lastMs;
    cursor.lastStep = Math.max(cursor.lastStep, step);
    if (timeMs > cursor.lastMs) cursor.lastMs = timeMs;
    const at = step;
    const t = timeMs;
    if (numeric) {
      if (points.row(rowKeys, rowNumbers, n, at, t)) return;
      for (let i = 0; i < n; i++) { const s = points.of(rowKeys[i] ?? ''); s.steps.push(at); s.times.push(t); s.values.push(rowNumbers[i] ?? Number.NaN); }
      return;
    }
    for (let i = 0; i < n; i++) {
      const key = rowKeys[i] ?? '';
      const v = rowValues[i];
      rowValues[i] = undefined; // not kept alive by the reused array
      if (typeof v === 'number') { const s = points.of(key); s.steps.push(at); s.times.push(t); s.values.push(v); continue; } // what spreadValue does with a number
      spreadValue(key, v, (k, x) => {
        const s = points.of(k);
        s.steps.push(at); s.times.push(t); s.values.push(x);
      }, (k, x) => { delta.rich.push(richOf(k, at, t, x, join(dirname(file), 'files'))); });
    }
  }

  /** The run's files (from its files records) with their sizes in files/ (0 when not there). */
  private artifacts(location: string, paths: readonly string[]): { path: string; size: number }[] {
    return paths.map((path) => {
      let size = 0;
      try { size = statSync(join(location, 'files', path)).size; } catch { /* listed but not written (yet) */ }
      return { path, size };
    }).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** User and program from files/wandb-metadata.json, when it is there and parses. */
  private metadata(location: string): { user?: string; script?: string } {
    try {
      const v: unknown = JSON.parse(readFileSync(join(location, 'files', 'wandb-metadata.json'), 'utf8'));
      if (!isRecord(v)) return {};
      const out: { user?: string; script?: string } = {};
      if (typeof v.username === 'string') out.user = v.username;
      const script = typeof v.codePathLocal === 'string' ? v.codePathLocal : typeof v.program === 'string' ? v.program : undefined;
      if (script) out.script = script;
      return out;
    } catch {
      return {};
    }
  }
}
