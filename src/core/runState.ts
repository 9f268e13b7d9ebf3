// A run as the index holds it in memory while ingesting: metadata, summaries, cell links, and points not yet stored.
import { metricValue, setOwn, type RunEvent } from './eventValidation';
import type { Artifact, CellLink, DatasetUse, Lineage, MetricDefinition, MetricSummary, ParamValue, RunDetail, RunRow, RunStatus } from './model';
import type { LogBatch, PointsSegment } from './logBatches';
import { PointBuffer } from './seriesCodec';
import { IMPORTED_SDK_VERSION } from './sources/sourceModel';

/** Where ingest stopped in a run's log, and what identified the file then. */
export interface LogCursor {
  /** Byte offset just past the last complete (newline-terminated) line. */
  offset: number;
  /** Lines read so far (the next line's number is line + 1). */
  line: number;
  size: number;
  mtimeMs: number;
  ino: number;
  /** Hash of the first headLength bytes, to notice a log replaced by another of equal or greater size. */
  headHash: string;
  headLength: number;
}

export interface MetricState {
  summary: MetricSummary;
  seriesId: number;
  /** Number of chunks stored and points in the last one (it is rewritten while it fills). */
  chunks: number;
  tailPoints: number;
  /** Points read but not yet written to the store. */
  pending?: PointBuffer;
}

export interface RunState {
  id: string;
  dir: string;
  hasStart: boolean;
  experiment: string;
  name: string;
  notes: string;
  tags: string[];
  params: Record<string, ParamValue>;
  summary: Record<string, ParamValue>;
  metrics: Map<string, MetricState>;
  /** Definitions from `metric` events (define_metric), by metric name; a later one replaces the earlier. */
  metricDefs: Map<string, MetricDefinition>;
  /** The metric last declared primary. */
  primaryMetric?: string;
  /** Epoch ms; 0 until the first event. */
  startedAt: number;
  endedAt?: number;
  lastEventAt: number;
  endStatus?: 'finished' | 'failed' | 'killed';
  error?: string;
  lineage: Lineage;
  artifacts: Artifact[];
  /** Datasets used (`dataset` events), in first-recorded order; a later event with the same key replaces one. */
  inputs: DatasetUse[];
  sdk?: { name?: string; version?: string };
  group?: string;
  rank?: number;
  skippedLines: number;
  warnings: string[];
  cells: Map<string, CellLink>;
  cursor: LogCursor;
  /** Number of points read but not yet written to the store (held in each MetricState's `pending`). */
  pendingPoints: number;
}

export const DEFAULT_EXPERIMENT = 'default';
const MAX_WARNINGS = 100;

export function emptyCursor(): LogCursor {
  return { offset: 0, line: 0, size: 0, mtimeMs: 0, ino: 0, headHash: '', headLength: 0 };
}

export function newRunState(id: string, dir: string): RunState {
  return {
    id, dir, hasStart: false, experiment: DEFAULT_EXPERIMENT, name: id, notes: '', tags: [], params: {}, summary: {},
    metrics: new Map(), metricDefs: new Map(), startedAt: 0, lastEventAt: 0, lineage: {}, artifacts: [], inputs: [], skippedLines: 0, warnings: [],
    cells: new Map(), cursor: emptyCursor(), pendingPoints: 0,
  };
}

export function cellKey(notebook: string, exec: number | null, hash: string): string {
  return `${notebook}\u0000${exec ?? ''}\u0000${hash}`;
}

function applyMetrics(run: RunState, ev: Extract<RunEvent, { t: 'metrics' }>): void {
  const timeMs = ev.ts * 1000;
  const values = ev.values;
  let cell: CellLink | undefined;
  if (ev.cell) {
    const notebook = ev.cell.notebook ?? run.lineage.notebook?.path ?? '';
    const key = cellKey(notebook, ev.cell.exec, ev.cell.hash);
    cell = run.cells.get(key);
    if (!cell) {
      cell = { runId: run.id, notebook, exec: ev.cell.exec, hash: ev.cell.hash, latest: {}, lastStep: ev.step };
      run.cells.set(key, cell);
    }
    cell.lastStep = ev.step;
  }
  for (const key in values) {
    const v = metricValue(values[key] as number | string);
    const m = metricState(run, key, ev.step);
    const s = m.summary;
    s.last = v;
    s.lastStep = ev.step;
    s.count++;
    // min/max ignore NaN so one diverged step does not hide the range; they stay NaN only if every value was NaN.
    if (v === v) {
      if (!(v >= s.min)) s.min = v;
      if (!(v <= s.max)) s.max = v;
    }
    let buf = m.pending;
    if (!buf) { buf = new PointBuffer(); m.pending = buf; }
    buf.push(ev.step, timeMs, v);
    run.pendingPoints++;
    if (cell) setOwn(cell.latest, key, v);
  }
}

function metricState(run: RunState, key: string, step: number): MetricState {
  let m = run.metrics.get(key);
  if (!m) {
    m = { summary: { last: Number.NaN, min: Number.NaN, max: Number.NaN, count: 0, lastStep: step }, seriesId: 0, chunks: 0, tailPoints: 0 };
    run.metrics.set(key, m);
  }
  return m;
}

/** Applies a stretch of metrics and heartbeat lines: the same state as applying each of its events in turn. */
function applySegment(run: RunState, seg: PointsSegment): void {
  const maxMs = seg.maxTs * 1000;
  if (maxMs > run.lastEventAt) run.lastEventAt = maxMs;
  // applyEvent sets startedAt from each event while it is still 0: the first non-zero time is what sticks.
  if (run.startedAt === 0) run.startedAt = seg.firstTs * 1000;
  for (const c of seg.columns) {
    const n = c.length;
    if (n === 0) continue;
    const m = metricState(run, c.key, c.steps[0] as number);
    const s = m.summary;
    s.last = c.values[n - 1] as number;
    s.lastStep = c.steps[n - 1] as number;
    s.count += n;
    if (c.min === c.min && !(c.min >= s.min)) s.min = c.min;
    if (c.max === c.max && !(c.max <= s.max)) s.max = c.max;
    if (m.pending) m.pending.append(c.steps, c.times, c.values, n);
    else m.pending = PointBuffer.adopt(c.steps, c.times, c.values, n);
    run.pendingPoints += n;
  }
}

/** Applies one batch of a log's lines (see logBatches); problems are the caller's to count and report. */
export function applyBatch(run: RunState, batch: LogBatch): void {
  for (const item of batch.items) {
    if (item.kind === 'points') applySegment(run, item);
    else applyEvent(run, item.event);
  }
}

/** Applies one valid event to the run (events arrive in log order). */
export function applyEvent(run: RunState, ev: RunEvent): void {
  const ms = ev.ts * 1000;
  if (ms > run.lastEventAt) run.lastEventAt = ms;
  if (run.startedAt === 0 || (!run.hasStart && ev.t === 'run_start')) run.startedAt = ms;
  switch (ev.t) {
    case 'metrics': applyMetrics(run, ev); break;
    case 'run_start':
      if (!run.hasStart || !ev.resumed) {
        run.experiment = ev.experiment;
        run.name = ev.name;
      }
      run.hasStart = true;
      if (ev.notes !== undefined) run.notes = ev.notes;
      if (ev.tags) run.tags = [...ev.tags];
      if (ev.config) for (const k of Object.keys(ev.config)) setOwn(run.params, k, ev.config[k] as ParamValue);
      if (ev.lineage) run.lineage = ev.lineage;
      if (ev.sdk) run.sdk = ev.sdk;
      if (ev.group !== undefined) run.group = ev.group;
      if (ev.rank !== undefined) run.rank = ev.rank;
      // A resumed run is running again until its next run_end.
      delete run.endStatus;
      delete run.endedAt;
      delete run.error;
      break;
    case 'params': for (const k of Object.keys(ev.params)) setOwn(run.params, k, ev.params[k] as ParamValue); break;
    case 'summary': for (const k of Object.keys(ev.summary)) setOwn(run.summary, k, ev.summary[k] as ParamValue); break;
    case 'metric': {
      const def: MetricDefinition = {};
      if (ev.goal !== undefined) def.goal = ev.goal;
      if (ev.summary !== undefined) def.summary = ev.summary;
      run.metricDefs.set(ev.name, def);
      if (ev.primary === true) run.primaryMetric = ev.name;
      else if (ev.primary === false && run.primaryMetric === ev.name) delete run.primaryMetric;
      break;
    }
    case 'tags': run.tags = [...ev.tags]; break;
    case 'notes': run.notes = ev.notes; break;
    case 'artifact': run.artifacts.push(ev.artifact); break;
    case 'dataset': {
      const at = run.inputs.findIndex((d) => d.key === ev.dataset.key);
      if (at >= 0) run.inputs[at] = ev.dataset; else run.inputs.push(ev.dataset);
      break;
    }
    case 'run_end':
      run.endStatus = ev.status;
      run.endedAt = ms;
      if (ev.error !== undefined) run.error = ev.error; else delete run.error;
      break;
    case 'warning':
      if (run.warnings.length < MAX_WARNINGS) run.warnings.push(ev.message);
      break;
    case 'other': break;
  }
}

export function deriveStatus(run: RunState, nowMs: number, crashAfterSeconds: number): RunStatus {
  if (run.endStatus) return run.endStatus;
  // An imported run's status is its source's (MLflow keeps a run RUNNING until its tool ends it): that tool writes
  // no heartbeats, so silence proves no crash. It stays running and is marked stale (toRunRow).
  if (isImported(run)) return 'running';
  return nowMs - run.lastEventAt > crashAfterSeconds * 1000 ? 'crashed' : 'running';
}

function isImported(run: RunState): boolean {
  return run.sdk?.version === IMPORTED_SDK_VERSION;
}

export function toRunRow(run: RunState, nowMs: number, crashAfterSeconds: number): RunRow {
  const metrics: Record<string, MetricSummary> = {};
  for (const [k, m] of run.metrics) {
    const summary: MetricSummary = { ...m.summary };
    const def = run.metricDefs.get(k);
    if (def?.goal !== undefined) summary.goal = def.goal;
    if (def?.summary !== undefined) summary.summaryMode = def.summary;
    setOwn(metrics, k, summary);
  }
  const row: RunRow = {
    id: run.id, experiment: run.experiment, name: run.name, status: deriveStatus(run, nowMs, crashAfterSeconds),
    startedAt: run.startedAt, lastEventAt: run.lastEventAt, notes: run.notes, tags: [...run.tags],
    params: { ...run.params }, metrics, skippedLines: run.skippedLines, summary: { ...run.summary },
  };
  if (run.primaryMetric !== undefined) row.primaryMetric = run.primaryMetric;
  if (run.endedAt !== undefined) row.endedAt = run.endedAt;
  if (row.status === 'running' && isImported(run) && nowMs - run.lastEventAt > crashAfterSeconds * 1000) row.stale = true;
  const l = run.lineage;
  if (l.user !== undefined) row.user = l.user;
  if (l.host !== undefined) row.host = l.host;
  if (l.script !== undefined) row.script = l.script;
  if (l.notebook?.path !== undefined) row.notebook = l.notebook.path;
  if (l.git?.commit !== undefined) row.gitCommit = l.git.commit;
  return row;
}

export function toRunDetail(run: RunState, nowMs: number, crashAfterSeconds: number, pushes: RunDetail['pushes']): RunDetail {
  const detail: RunDetail = {
    ...toRunRow(run, nowMs, crashAfterSeconds),
    lineage: run.lineage, summary: { ...run.summary }, artifacts: [...run.artifacts], inputs: [...run.inputs], pushes, dir: run.dir,
    warnings: [...run.warnings],
  };
  if (run.sdk) detail.sdk = run.sdk;
  if (run.group !== undefined) detail.group = run.group;
  if (run.rank !== undefined) detail.rank = run.rank;
  if (run.error !== undefined) detail.error = run.error;
  return detail;
}
