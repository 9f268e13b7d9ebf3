// Builds what a comparison panel shows from the index (no vscode import: unit-tested in plain Node).
import type { RunDetail, SeriesLine } from '../../../core/model';
import type { RunIndex } from '../../../core/runIndex';
import { own } from '../../../shared/own';
import type { CompareData, CompareLine, SummaryRow, XAxisKind } from '../../../shared/webviews/compare/contract';
import { fromWireNumber, toWireNumber, toWireValue, type WireNumber } from '../../../shared/webviews/wireValue';
import { runColor } from '../../runColor';

/**
 * Points per line for a chart `pixelWidth` device pixels wide: min/max buckets need two points per pixel
 * column to keep every peak, and more cannot be seen; never above the user's setting, never below 200.
 */
export function pointsForWidth(pixelWidth: number | undefined, setting: number): number {
  if (!pixelWidth || !Number.isFinite(pixelWidth) || pixelWidth <= 0) return setting;
  return Math.min(setting, Math.max(200, Math.ceil(2 * pixelWidth)));
}

/** The runs that still exist, every metric they logged (sorted), and the metrics to chart. */
function compareSelection(index: RunIndex, runIds: readonly string[], requestedMetrics: readonly string[] | undefined): { runs: RunDetail[]; metrics: string[]; selectedMetrics: string[] } {
  const runs = runIds.map((id) => index.getRun(id)).filter((r): r is RunDetail => r !== undefined);
  const metricSet = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.metrics)) metricSet.add(key);
  const metrics = [...metricSet].sort();
  const selected = requestedMetrics?.filter((m) => metricSet.has(m)) ?? [];
  return { runs, metrics, selectedMetrics: selected.length ? selected : defaultMetrics(metrics) };
}

/** Time the extension host may spend reading series before it lets other work run (its thread serves the editor). */
const SLICE_MS = 15;
const yieldToHost = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * buildCompareData, with the series read a few runs at a time and the host's thread given back between slices:
 * a cold read of 600 lines takes longer than a frame, and the extension host must stay responsive meanwhile.
 */
export async function buildCompareDataInSlices(
  index: RunIndex,
  runIds: readonly string[],
  requestedMetrics: readonly string[] | undefined,
  xAxis: XAxisKind,
  maxPoints: number,
): Promise<CompareData> {
  const { runs, selectedMetrics } = compareSelection(index, runIds, requestedMetrics);
  const series: SeriesLine[] = [];
  let sliceStarted = performance.now();
  for (const run of runs) {
    for (const line of index.series({ runIds: [run.id], keys: selectedMetrics, xAxis, maxPoints })) series.push(line);
    if (performance.now() - sliceStarted > SLICE_MS) {
      await yieldToHost();
      sliceStarted = performance.now();
    }
  }
  // The runs may have changed while this yielded: build from the same index, keeping only lines of runs still there.
  return buildCompareData(index, runIds, requestedMetrics, xAxis, maxPoints, series);
}

/** Metrics charted when the user has not chosen: the run's own metrics first, system metrics only if nothing else. */
export function defaultMetrics(all: readonly string[], limit = 6): string[] {
  const own = all.filter((m) => !m.startsWith('system/'));
  return (own.length ? own : [...all]).slice(0, limit);
}

export function buildCompareData(
  index: RunIndex,
  runIds: readonly string[],
  requestedMetrics: readonly string[] | undefined,
  xAxis: XAxisKind,
  maxPoints: number,
  /** The lines, when already read (see buildCompareDataInSlices); else read here. */
  series?: readonly SeriesLine[],
): CompareData {
  const { runs, metrics, selectedMetrics } = compareSelection(index, runIds, requestedMetrics);
  const ids = runs.map((r) => r.id);

  const lines: CompareLine[] = (series ?? index.series({ runIds: ids, keys: selectedMetrics, xAxis, maxPoints }))
    .map((line) => {
      const points: WireNumber[] = new Array(line.x.length * 2);
      for (let i = 0; i < line.x.length; i++) {
        points[2 * i] = line.x[i] ?? 0;
        points[2 * i + 1] = toWireNumber(line.y[i] ?? Number.NaN);
      }
      return { runId: line.runId, metric: line.key, points, totalPoints: line.totalPoints };
    });

  const paramNames = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.params)) paramNames.add(key);
  const params = [...paramNames].sort().map((name) => ({ name, values: runs.map((r) => toWireValue(own(r.params, name))) }));

  return {
    runs: runs.map((r) => ({ id: r.id, name: r.name, experiment: r.experiment, status: r.status, color: runColor(r.id) })),
    metrics,
    selectedMetrics,
    xAxis,
    lines,
    params,
    summaries: metricSummaries(runs, metrics),
  };
}

/** Last, min and max of each metric per run (null where a run did not log it), aligned with `runs`. */
function metricSummaries(runs: readonly RunDetail[], metrics: readonly string[]): SummaryRow[] {
  return metrics.map((metric) => ({
    metric,
    stats: runs.map((run) => {
      const m = own(run.metrics, metric);
      return m ? { last: toWireNumber(m.last), min: toWireNumber(m.min), max: toWireNumber(m.max) } : null;
    }),
  }));
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV of the compared lines: one row per point, columns run, run id, metric, x, y; NaN and ±Infinity as such. */
export function compareCsv(data: CompareData): string {
  const names = new Map(data.runs.map((r) => [r.id, r.name]));
  const num = (v: WireNumber | undefined): string => (v === undefined ? '' : String(fromWireNumber(v)));
  const rows = [['run', 'run_id', 'metric', data.xAxis, 'value'].join(',')];
  for (const line of data.lines) {
    const prefix = [csvField(names.get(line.runId) ?? line.runId), csvField(line.runId), csvField(line.metric)].join(',');
    for (let i = 0; i < line.points.length; i += 2) rows.push(`${prefix},${num(line.points[i])},${num(line.points[i + 1])}`);
  }
  return rows.join('\n') + '\n';
}
