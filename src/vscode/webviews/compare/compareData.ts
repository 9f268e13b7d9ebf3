// Builds what a comparison panel shows from the index (no vscode import: unit-tested in plain Node).
import type { RunDetail, TypedSeriesLine } from '../../../core/model';
import type { RunIndex } from '../../../core/runIndex';
import { own } from '../../../shared/own';
import type { CompareData, CompareLine, SummaryRow, XAxisKind } from '../../../shared/webviews/compare/contract';
import { toWireNumber, toWireValue } from '../../../shared/webviews/wireValue';
import { goalAcross } from '../../runFormat';
import { defaultMetrics, metricSections } from '../../../shared/webviews/compare/metricSections';
import { runColor } from '../../runColor';
import { seriesByMetric } from './xByMetric';
import { Slicer, yieldToHost } from '../../../core/slices';
import { otherAxis, type LineAxis } from '../../../shared/webviews/compare/lineAxes';

/**
 * Points per line for a chart `pixelWidth` device pixels wide: min/max buckets need two points per pixel
 * column to keep every peak, and more cannot be seen; never above the user's setting, never below 200.
 */
export function pointsForWidth(pixelWidth: number | undefined, setting: number): number {
  if (!pixelWidth || !Number.isFinite(pixelWidth) || pixelWidth <= 0) return setting;
  return Math.min(setting, Math.max(200, Math.ceil(2 * pixelWidth)));
}

/**
 * Pixel columns of a chart that shows at most `maxPoints` points per line: two points per column (its lowest and its
 * highest) and the line's two ends, see `envelope` in src/core/downsample.ts.
 */
export function columnsFor(maxPoints: number): number {
  return Math.max(1, Math.floor((maxPoints - 2) / 2));
}

/** A line as read, typed (the reader's envelopes) or not (x by a metric). */
interface ReadLine { runId: string; key: string; x: ArrayLike<number>; y: ArrayLike<number>; totalPoints: number }

/**
 * Lines as the host holds them of what it sent (live updates compare with it, the CSV export writes it): the reader's
 * arrays as they are, which are the index's own and never changed once made (seriesReader.ts: a new version is a new
 * envelope), or typed once (x by a metric). Not copied: a copy of 1,000 lines (13 MB) into new memory took 45 ms in
 * one task of the extension host on these machines, most of it the new pages faulted in. What crosses is
 * narrowLines' copy (wireLines.ts).
 */
export function heldLines(lines: readonly ReadLine[]): CompareLine[] {
  const typed = (values: ArrayLike<number>): Float64Array => (values instanceof Float64Array ? values : Float64Array.from(values));
  return lines.map((line) => ({ runId: line.runId, metric: line.key, xs: typed(line.x), ys: typed(line.y), totalPoints: line.totalPoints }));
}

/**
 * Lines with their points copied into one Float64Array: how the points crossed before narrowLines (wireLines.ts), kept
 * as the wire benchmark's and its test's reference.
 */
export function packLines<L extends { xs: ArrayLike<number>; ys: ArrayLike<number> }>(lines: readonly L[]): Array<Omit<L, 'xs' | 'ys'> & { xs: Float64Array; ys: Float64Array }> {
  let total = 0;
  for (const line of lines) total += line.xs.length + line.ys.length;
  const buffer = new Float64Array(total);
  let at = 0;
  return lines.map((line) => {
    const xs = buffer.subarray(at, at + line.xs.length);
    xs.set(line.xs);
    at += line.xs.length;
    const ys = buffer.subarray(at, at + line.ys.length);
    ys.set(line.ys);
    at += line.ys.length;
    return { ...line, xs, ys };
  });
}

/** The runs that still exist, every metric they logged (sorted), and the metrics to chart. */
function compareSelection(index: RunIndex, runIds: readonly string[], requestedMetrics: readonly string[] | undefined): { runs: RunDetail[]; metricSet: Set<string>; metrics: string[]; selectedMetrics: string[] } {
  const runs = runIds.map((id) => index.getRun(id)).filter((r): r is RunDetail => r !== undefined);
  const metricSet = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.metrics)) metricSet.add(key);
  const metrics = [...metricSet].sort();
  const selected = requestedMetrics?.filter((m) => metricSet.has(m)) ?? [];
  return { runs, metricSet, metrics, selectedMetrics: selected.length ? selected : defaultMetrics(metrics) };
}

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
  xMetric?: string,
  /**
   * Charts whose lines are read now, in the page's order; the rest are `pendingMetrics` (0: none, the message carries
   * the runs, params and summaries only). Undefined: every line.
   */
  chartsInView?: number,
): Promise<CompareData> {
  // X by a metric pairs whole series in one pass (xByMetric.ts): not sliced.
  if (xAxis === 'metric') return buildCompareData(index, runIds, requestedMetrics, xAxis, maxPoints, xMetric);
  const { runs, metrics, selectedMetrics } = compareSelection(index, runIds, requestedMetrics);
  const order = chartOrder(metrics, selectedMetrics);
  const first = chartsInView === undefined ? order : order.slice(0, Math.max(0, chartsInView));
  const series = await readSeriesInSlices(index, runs.map((r) => r.id), first, xAxis, maxPoints);
  // Building the message (100 runs' details and summaries) and posting it (VS Code copies
  // and serializes megabytes) each take a task of their own: run back to back with the last read they made one long
  // stall of the extension host (60-100 ms on a loaded machine).
  await yieldToHost();
  // The runs may have changed while this yielded: build from the same index, keeping only lines of runs still there.
  const data = buildCompareData(index, runIds, requestedMetrics, xAxis, maxPoints, undefined, series);
  await yieldToHost();
  const pending = order.slice(first.length);
  return pending.length ? { ...data, pendingMetrics: pending } : data;
}

/**
 * `data` with the lines of `metrics` (posted in a `lines` message of its axis) added, and those metrics no longer
 * pending: what the page holds once that message came.
 */
export function withLines(data: CompareData, metrics: readonly string[], lines: readonly CompareLine[]): CompareData {
  const arrived = new Set(metrics);
  const next: CompareData = { ...data, lines: [...data.lines.filter((l) => !arrived.has(l.metric)), ...lines] };
  const pending = (data.pendingMetrics ?? []).filter((m) => !arrived.has(m));
  if (pending.length) next.pendingMetrics = pending;
  else delete next.pendingMetrics;
  return next;
}

/** The charted metrics in the order the page lays them out (by section, as metricSections groups them). */
export function chartOrder(metrics: readonly string[], charted: readonly string[]): string[] {
  const selected = new Set(charted);
  return metricSections(metrics).flatMap((section) => section.metrics.filter((m) => selected.has(m)));
}

/** Every run's line of each of `metrics` (runs that no longer exist are skipped), read in slices. */
export async function compareLinesInSlices(index: RunIndex, runIds: readonly string[], metrics: readonly string[],
  xAxis: Exclude<XAxisKind, 'metric'>, maxPoints: number): Promise<CompareLine[]> {
  const series = await readSeriesInSlices(index, runIds, metrics, xAxis, maxPoints);
  // Held and posted in tasks of their own (see buildCompareDataInSlices).
  await yieldToHost();
  // Runs deleted while this yielded are left out.
  const still = new Set(runIds.filter((id) => index.getRun(id) !== undefined));
  const lines = heldLines(series.filter((line) => still.has(line.runId)));
  await yieldToHost();
  return lines;
}

/** Every run's envelope of each of `metrics`, a run at a time, the thread given back between slices. */
async function readSeriesInSlices(index: RunIndex, runIds: readonly string[], metrics: readonly string[],
  xAxis: Exclude<XAxisKind, 'metric'>, maxPoints: number, slicer = new Slicer()): Promise<TypedSeriesLine[]> {
  const series: TypedSeriesLine[] = [];
  if (metrics.length === 0) return series;
  const columns = columnsFor(maxPoints);
  for (const runId of runIds) {
    for (const line of index.seriesEnvelopes({ runIds: [runId], keys: [...metrics], xAxis, columns, ...alsoOther(xAxis) })) series.push(line);
    await slicer.pause();
  }
  return series;
}

/**
 * Reads lines ahead of time so that the request that follows finds them in the index's cache of envelopes (a cold read
 * of 1,000 lines takes over a second): chart by chart in `metrics`' order (the charts in view first), a run per call,
 * the thread given back between slices. Stops when `stale()` says the panel moved on.
 */
export async function warmSeries(index: RunIndex, runIds: readonly string[], metrics: readonly string[], xAxis: Exclude<XAxisKind, 'metric'>,
  maxPoints: number, stale: () => boolean): Promise<void> {
  const slicer = new Slicer();
  const columns = columnsFor(maxPoints);
  for (const metric of metrics) {
    for (const runId of runIds) {
      if (stale()) return;
      index.seriesEnvelopes({ runIds: [runId], keys: [metric], xAxis, columns, ...alsoOther(xAxis) });
      await slicer.pause();
    }
  }
}

/**
 * What a new panel reads while VS Code starts its page: every charted line, in the order the page lays the charts out,
 * so that the page's first request (whatever count of charts it has in view) is answered from the cache.
 */
export async function prefetchSeries(index: RunIndex, runIds: readonly string[], requestedMetrics: readonly string[] | undefined,
  xAxis: Exclude<XAxisKind, 'metric'>, maxPoints: number, stale: () => boolean): Promise<void> {
  const { runs, metrics, selectedMetrics } = compareSelection(index, runIds, requestedMetrics);
  await warmSeries(index, runs.map((r) => r.id), chartOrder(metrics, selectedMetrics), xAxis, maxPoints, stale);
}

/** Every chart's lines on the other axis follow those shown (compareFollow.ts): both come from one read of a line. */
const alsoOther = (xAxis: LineAxis): { alsoXAxis: LineAxis } => ({ alsoXAxis: otherAxis(xAxis) });

/**
 * The lines of pending charts, one chart per message, each read once `post` resolved for the previous one (below the
 * fold, once it was delivered): a message holding every pending chart (10 MB at 100 runs) takes the host's thread for
 * one long task to serialize, and sits in front of whatever the page asks next (another x axis waited behind it). A
 * `post` that returns nothing lets the next chart be read at once (a new panel's charts in view). Stops when `stale()`
 * says the panel moved on; returns the lines posted.
 */
export async function postPendingLines(index: RunIndex, runIds: readonly string[], pending: readonly string[],
  xAxis: Exclude<XAxisKind, 'metric'>, maxPoints: number, post: (metric: string, lines: CompareLine[]) => Promise<void> | void,
  stale: () => boolean): Promise<CompareLine[]> {
  const sent: CompareLine[] = [];
  for (const metric of pending) {
    if (stale()) break;
    const lines = await compareLinesInSlices(index, runIds, [metric], xAxis, maxPoints);
    if (stale()) break;
    await post(metric, lines);
    sent.push(...lines);
  }
  return sent;
}

export function buildCompareData(
  index: RunIndex,
  runIds: readonly string[],
  requestedMetrics: readonly string[] | undefined,
  xAxis: XAxisKind,
  maxPoints: number,
  xMetric?: string,
  /** The lines, when already read (see buildCompareDataInSlices); else read here. */
  series?: readonly TypedSeriesLine[],
): CompareData {
  const { runs, metricSet, metrics, selectedMetrics } = compareSelection(index, runIds, requestedMetrics);
  const ids = runs.map((r) => r.id);
  const idSet = new Set(ids);

  // An x metric no compared run logged (or none chosen) falls back to steps.
  const byMetric = xAxis === 'metric' && xMetric !== undefined && metricSet.has(xMetric)
    ? seriesByMetric(index, ids, selectedMetrics, xMetric, maxPoints) : undefined;
  // Lines read in slices may include runs deleted meanwhile: only the runs still there are sent.
  const read: readonly ReadLine[] = byMetric?.lines ?? series?.filter((line) => idSet.has(line.runId))
    ?? index.seriesEnvelopes({ runIds: ids, keys: selectedMetrics, xAxis: xAxis === 'metric' ? 'step' : xAxis, columns: columnsFor(maxPoints) });
  const lines = heldLines(read);

  const paramNames = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.params)) paramNames.add(key);
  const params = [...paramNames].sort().map((name) => ({ name, values: runs.map((r) => toWireValue(own(r.params, name))) }));

  return {
    runs: runs.map((r) => ({ id: r.id, name: r.name, experiment: r.experiment, status: r.status, color: runColor(r.id), startedAt: r.startedAt, ...(r.tags.length ? { tags: [...r.tags] } : {}) })),
    metrics,
    selectedMetrics,
    ...(byMetric ? { xAxis, xMetric, xMissing: byMetric.missing } : { xAxis: xAxis === 'metric' ? 'step' : xAxis }),
    lines,
    params,
    summaries: metricSummaries(runs, metrics),
    summaryValues: summaryValues(runs),
  };
}

/** Each `run.summary` name any run has, with every run's value (null where it has none), sorted by name. */
function summaryValues(runs: readonly RunDetail[]): CompareData['params'] {
  const names = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.summary)) names.add(key);
  return [...names].sort().map((name) => ({ name, values: runs.map((r) => toWireValue(own(r.summary, name))) }));
}

/** Last, min and max of each metric per run (null where a run did not log it), aligned with `runs`. */
function metricSummaries(runs: readonly RunDetail[], metrics: readonly string[]): SummaryRow[] {
  return metrics.map((metric) => {
    const goal = goalAcross(runs, metric);
    const row: SummaryRow = {
      metric,
      stats: runs.map((run) => {
        const m = own(run.metrics, metric);
        return m ? { last: toWireNumber(m.last), min: toWireNumber(m.min), max: toWireNumber(m.max) } : null;
      }),
    };
    if (goal !== undefined) row.goal = goal;
    return row;
  });
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV of the compared lines: one row per point, columns run, run id, metric, x, y; NaN and ±Infinity as such. */
export function compareCsv(data: CompareData): string {
  const names = new Map(data.runs.map((r) => [r.id, r.name]));
  const rows = [['run', 'run_id', 'metric', csvField(data.xAxis === 'metric' ? data.xMetric ?? 'x' : data.xAxis), 'value'].join(',')];
  for (const line of data.lines) {
    const prefix = [csvField(names.get(line.runId) ?? line.runId), csvField(line.runId), csvField(line.metric)].join(',');
    for (let i = 0; i < line.xs.length; i++) rows.push(`${prefix},${String(line.xs[i])},${String(line.ys[i])}`);
  }
  return rows.join('\n') + '\n';
}
