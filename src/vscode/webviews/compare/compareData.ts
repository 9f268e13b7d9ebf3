// Builds what a comparison panel shows from the index (no vscode import: unit-tested in plain Node).
import type { ParamValue, RunDetail } from '../../../core/model';
import type { RunIndex } from '../../../core/runIndex';
import type { CellValue, CompareData, CompareLine, MetricStats, XAxisKind } from '../../../shared/protocol';
import { runColor } from '../../runColor';

/**
 * Points per line for a chart `pixelWidth` device pixels wide: min/max buckets need two points per pixel
 * column to keep every peak, and more cannot be seen; never above the user's setting, never below 200.
 */
export function pointsForWidth(pixelWidth: number | undefined, setting: number): number {
  if (!pixelWidth || !Number.isFinite(pixelWidth) || pixelWidth <= 0) return setting;
  return Math.min(setting, Math.max(200, Math.ceil(2 * pixelWidth)));
}

/** Metrics charted when the user has not chosen: the run's own metrics first, system metrics only if nothing else. */
export function defaultMetrics(all: string[], limit = 6): string[] {
  const own = all.filter((m) => !m.startsWith('system/'));
  return (own.length ? own : all).slice(0, limit);
}

function cellValue(value: ParamValue | undefined): CellValue {
  if (value === undefined) return null;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export function buildCompareData(
  index: RunIndex,
  runIds: string[],
  requestedMetrics: string[] | undefined,
  xAxis: XAxisKind,
  maxPoints: number,
): CompareData {
  const runs = runIds.map((id) => index.getRun(id)).filter((r): r is RunDetail => r !== undefined);
  const metricSet = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.metrics)) metricSet.add(key);
  const metrics = [...metricSet].sort();
  const selected = (requestedMetrics?.filter((m) => metricSet.has(m)) ?? []);
  const selectedMetrics = selected.length ? selected : defaultMetrics(metrics);
  const ids = runs.map((r) => r.id);

  const lines: CompareLine[] = index
    .series({ runIds: ids, keys: selectedMetrics, xAxis, maxPoints })
    .map((line) => {
      const points: Array<number | null> = new Array(line.x.length * 2);
      for (let i = 0; i < line.x.length; i++) {
        points[2 * i] = line.x[i];
        points[2 * i + 1] = finiteOrNull(line.y[i]);
      }
      return { runId: line.runId, metric: line.key, points, totalPoints: line.totalPoints };
    });

  const comparison = index.compareParams(ids, false);
  const params: Record<string, Record<string, CellValue>> = {};
  for (const key of comparison.keys) {
    params[key] = {};
    for (const id of ids) params[key][id] = cellValue(comparison.values[id]?.[key]);
  }

  const summaries: Record<string, Record<string, MetricStats>> = {};
  for (const metric of metrics) {
    summaries[metric] = {};
    for (const run of runs) {
      const m = run.metrics[metric];
      if (m) summaries[metric][run.id] = { last: finiteOrNull(m.last), min: finiteOrNull(m.min), max: finiteOrNull(m.max) };
    }
  }

  return {
    runs: runs.map((r) => ({ id: r.id, name: r.name, experiment: r.experiment, status: r.status, color: runColor(r.id) })),
    metrics,
    selectedMetrics,
    xAxis,
    lines,
    params,
    summaries,
  };
}

/** CSV of the compared lines: one row per point, columns run, run id, metric, x, y. */
export function compareCsv(data: CompareData): string {
  const names = new Map(data.runs.map((r) => [r.id, r.name]));
  const esc = (v: string | number | null): string => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = [['run', 'run_id', 'metric', data.xAxis, 'value'].join(',')];
  for (const line of data.lines) {
    for (let i = 0; i < line.points.length; i += 2) {
      rows.push([esc(names.get(line.runId) ?? line.runId), esc(line.runId), esc(line.metric), esc(line.points[i]), esc(line.points[i + 1])].join(','));
    }
  }
  return rows.join('\n') + '\n';
}
