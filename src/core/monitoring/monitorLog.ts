// Reading a monitoring run's log and its reference profile into a MonitoringRun. Every field is checked: a line
// or field that is not as the format says is left out and reported, never thrown.
import { errorMessage } from '../../shared/errorMessage';
import type { MonitorBatch, MonitorFeature, MonitorFinding, MonitorLevel, MonitoringRun, ReferenceColumn } from './monitorModel';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function num(o: Obj, key: string): number | null | undefined {
  const v = field(o, key);
  if (v === null) return null;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(o: Obj, key: string): string | undefined {
  const v = field(o, key);
  return typeof v === 'string' ? v : undefined;
}

function counts(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined;
}

function pairs(v: unknown): Array<[string, number]> | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Array<[string, number]> = [];
  for (const item of v) {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || typeof item[1] !== 'number') return undefined;
    out.push([item[0], item[1]]);
  }
  return out;
}

function level(v: unknown): MonitorLevel {
  return v === 'alert' || v === 'warning' ? v : 'ok';
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function finding(v: unknown): MonitorFinding | undefined {
  if (!isObj(v)) return undefined;
  const kind = str(v, 'kind');
  const statistic = str(v, 'statistic');
  const subject = str(v, 'feature') ?? str(v, 'metric');
  const lvl = field(v, 'level');
  if (kind === undefined || statistic === undefined || subject === undefined || (lvl !== 'warning' && lvl !== 'alert')) return undefined;
  const out: MonitorFinding = { level: lvl, kind, subject, statistic, value: num(v, 'value') ?? null, threshold: num(v, 'threshold') ?? null };
  const baseline = num(v, 'baseline'); if (baseline !== undefined) out.baseline = baseline;
  const observed = num(v, 'observed'); if (observed !== undefined) out.observed = observed;
  return out;
}

function feature(v: unknown): MonitorFeature | undefined {
  if (!isObj(v)) return undefined;
  const name = str(v, 'name');
  const type = field(v, 'type');
  const count = num(v, 'count');
  if (name === undefined || (type !== 'numeric' && type !== 'categorical') || typeof count !== 'number') return undefined;
  const out: MonitorFeature = { name, type, count, missingRate: num(v, 'missing_rate') ?? null,
    missingChange: num(v, 'missing_change') ?? null, status: level(field(v, 'status')) };
  for (const [key, prop] of [['psi', 'psi'], ['ks', 'ks'], ['js', 'js'], ['mean', 'mean']] as const) {
    const x = num(v, key); if (x !== undefined) out[prop] = x;
  }
  const hist = counts(field(v, 'hist_counts')); if (hist) out.histCounts = hist;
  const top = counts(field(v, 'top_counts')); if (top) out.topCounts = top;
  const other = num(v, 'other'); if (typeof other === 'number') out.other = other;
  const unseen = pairs(field(v, 'unseen_categories')); if (unseen) out.unseenCategories = unseen;
  return out;
}

/** One `monitor_batch` event, or a sentence saying what is wrong with it. */
export function readBatch(o: Obj, line: number): MonitorBatch | string {
  const index = num(o, 'index');
  const timestamp = num(o, 'timestamp');
  const rows = num(o, 'rows');
  if (typeof index !== 'number' || typeof timestamp !== 'number' || typeof rows !== 'number') {
    return 'a monitor_batch event without index, timestamp or rows';
  }
  const metricsField = field(o, 'metrics');
  const metrics: Array<[string, number | null]> = [];
  if (isObj(metricsField)) {
    for (const [k, v] of Object.entries(metricsField)) metrics.push([k, typeof v === 'number' && Number.isFinite(v) ? v : null]);
  }
  const alerts = Array.isArray(field(o, 'alerts')) ? (field(o, 'alerts') as unknown[]).map(finding).filter((f): f is MonitorFinding => f !== undefined) : [];
  const features = Array.isArray(field(o, 'features')) ? (field(o, 'features') as unknown[]).map(feature).filter((f): f is MonitorFeature => f !== undefined) : [];
  return { index, line, timestamp, rows, reliable: field(o, 'reliable') !== false, status: level(field(o, 'status')),
    outOfOrder: field(o, 'out_of_order') === true, metrics, alerts, features,
    missingColumns: strings(field(o, 'missing_columns')), extraColumns: strings(field(o, 'extra_columns')), notes: strings(field(o, 'notes')) };
}

/** A profile file's columns (docs/event-format.md), or a sentence saying why they cannot be used. */
export function readProfile(text: string): ReferenceColumn[] | string {
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { return 'the reference profile is not JSON'; }
  if (!isObj(parsed) || !Array.isArray(field(parsed, 'columns'))) return 'the reference profile has no columns list';
  const out: ReferenceColumn[] = [];
  for (const c of field(parsed, 'columns') as unknown[]) {
    if (!isObj(c)) continue;
    const name = str(c, 'name');
    const type = field(c, 'type');
    if (name === undefined || (type !== 'numeric' && type !== 'categorical')) continue;
    const column: ReferenceColumn = { name, type, count: num(c, 'count') ?? 0, missingRate: num(c, 'missing_rate') ?? 0 };
    const mean = num(c, 'mean'); if (typeof mean === 'number') column.mean = mean;
    const std = num(c, 'std'); if (typeof std === 'number') column.std = std;
    const edges = counts(field(c, 'hist_edges')); if (edges) column.histEdges = edges;
    const hist = counts(field(c, 'hist_counts')); if (hist) column.histCounts = hist;
    const top = pairs(field(c, 'top')); if (top) column.top = top;
    const other = num(c, 'other'); if (typeof other === 'number') column.other = other;
    out.push(column);
  }
  return out;
}

/** The monitor fields of a run_start, or undefined when the run is not a monitoring run. */
export function monitorStart(event: unknown): { runId: string; startedAt: number; model: string; version: string; trainingRun?: string; hasReference: boolean; baseline: Array<[string, number]>; thresholds: unknown } | undefined {
  if (!isObj(event) || field(event, 't') !== 'run_start' || field(event, 'kind') !== 'monitoring') return undefined;
  const monitor = field(event, 'monitor');
  const runId = str(event, 'run_id');
  const ts = num(event, 'ts');
  if (!isObj(monitor) || runId === undefined || typeof ts !== 'number') return undefined;
  const model = str(monitor, 'model');
  const version = str(monitor, 'version');
  if (model === undefined || version === undefined) return undefined;
  const baselineField = field(monitor, 'baseline');
  const baseline: Array<[string, number]> = [];
  if (isObj(baselineField)) for (const [k, v] of Object.entries(baselineField)) if (typeof v === 'number' && Number.isFinite(v)) baseline.push([k, v]);
  const out = { runId, startedAt: ts, model, version, hasReference: field(monitor, 'reference') !== false, baseline, thresholds: field(monitor, 'thresholds') };
  const trainingRun = str(monitor, 'training_run');
  return trainingRun === undefined ? out : { ...out, trainingRun };
}

/**
 * A monitoring run from its log's text; `readReference(path)` answers the text of the profile file the log
 * names (relative paths are the workspace's), or throws. Undefined when the log is not a monitoring run's.
 */
export function parseMonitoringLog(text: string, readReference: (path: string) => string): MonitoringRun | undefined {
  const lines = text.split('\n');
  lines.pop(); // the part after the last newline is incomplete (docs/event-format.md)
  let run: MonitoringRun | undefined;
  let referencePath: string | undefined;
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let event: unknown;
    try { event = JSON.parse(line); } catch { if (run) run.problems.push(`line ${i + 1} is not JSON`); continue; }
    if (!run) {
      const start = monitorStart(event);
      if (!start) return undefined;
      const { hasReference: _hasReference, ...rest } = start;
      run = { ...rest, ended: false, batches: [], warnings: [], problems: [] };
      if (!start.hasReference) run.referenceProblem = 'no reference profile: performance only';
      continue;
    }
    if (!isObj(event)) continue;
    const t = field(event, 't');
    if (t === 'monitor_batch') {
      const batch = readBatch(event, i + 1);
      if (typeof batch === 'string') run.problems.push(`line ${i + 1}: ${batch}`); else run.batches.push(batch);
    } else if (t === 'profile' && field(event, 'role') === 'reference') {
      referencePath = str(event, 'path');
    } else if (t === 'warning') {
      const message = str(event, 'message'); if (message !== undefined) run.warnings.push(message);
    } else if (t === 'run_end') {
      run.ended = true;
    }
  }
  if (!run) return undefined;
  if (referencePath !== undefined) {
    try {
      const columns = readProfile(readReference(referencePath));
      if (typeof columns === 'string') run.referenceProblem = columns; else run.reference = columns;
    } catch (err) {
      run.referenceProblem = `the reference profile ${referencePath} cannot be read (${errorMessage(err)})`;
    }
  }
  run.batches.sort((a, b) => a.timestamp - b.timestamp || a.index - b.index);
  return run;
}
