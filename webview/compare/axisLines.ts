// The lines the page holds for each kind of x axis: steps, and time (relative and wall-clock time are one kind:
// relative = (wall − the run's start) / 1000 s, the index reader's own formula). The host sends the other kind's
// lines once the page has painted, so switching between steps and time redraws from them with no round trip.
import type { CompareData, CompareLine, XAxisKind } from '../../src/shared/webviews/compare/contract';
import type { LineAxis } from '../../src/shared/webviews/compare/lineAxes';

type TimeAxis = Exclude<LineAxis, 'step'>;
type Kind = 'step' | 'time';

function kindOf(axis: XAxisKind): Kind | undefined {
  return axis === 'metric' ? undefined : axis === 'step' ? 'step' : 'time';
}

/** A time line's x values on the other time axis (seconds since the run's start ↔ epoch ms). */
export function timeXs(xs: Float64Array, from: TimeAxis, to: TimeAxis, startedAt: number): Float64Array {
  if (from === to) return xs;
  const out = new Float64Array(xs.length);
  if (to === 'relative') for (let i = 0; i < xs.length; i++) out[i] = ((xs[i] as number) - startedAt) / 1000;
  else for (let i = 0; i < xs.length; i++) out[i] = (xs[i] as number) * 1000 + startedAt;
  return out;
}

export class AxisLines {
  private readonly held = new Map<Kind, { axis: LineAxis; byMetric: Map<string, CompareLine[]> }>();

  /** New runs, metrics or points: what was held no longer matches. */
  clear(): void {
    this.held.clear();
  }

  /** Every compared run's line of each of `metrics` on `axis` (a metric without lines is held as none). */
  keep(axis: XAxisKind, metrics: readonly string[], lines: readonly CompareLine[], starts: ReadonlyMap<string, number | undefined>): void {
    const kind = kindOf(axis);
    if (kind === undefined || axis === 'metric') return;
    let entry = this.held.get(kind);
    if (!entry) {
      entry = { axis, byMetric: new Map() };
      this.held.set(kind, entry);
    }
    const into = entry.axis;
    const wanted = new Set(metrics);
    const byMetric = new Map<string, CompareLine[]>(metrics.map((m) => [m, []]));
    for (const line of lines) {
      if (!wanted.has(line.metric)) continue;
      if (into === axis) {
        byMetric.get(line.metric)?.push(line);
        continue;
      }
      // Held on the entry's own time axis (one kind: both are time here); without the run's start the metric is not held.
      const start = starts.get(line.runId);
      if (start === undefined) {
        byMetric.delete(line.metric);
        wanted.delete(line.metric);
        continue;
      }
      byMetric.get(line.metric)?.push({ ...line, xs: timeXs(line.xs, axis as TimeAxis, into as TimeAxis, start) });
    }
    for (const [metric, held] of byMetric) entry.byMetric.set(metric, held);
  }

  /**
   * Every run's line of `metric` on `axis`, from what is held; undefined when it is not held (or a run's start is
   * unknown where time must be converted).
   */
  metricLines(axis: XAxisKind, metric: string, data: CompareData): CompareLine[] | undefined {
    const kind = kindOf(axis);
    const entry = kind === undefined ? undefined : this.held.get(kind);
    const lines = entry?.byMetric.get(metric);
    if (!entry || !lines || axis === 'metric') return undefined;
    const starts = new Map(data.runs.map((r) => [r.id, r.startedAt]));
    const out: CompareLine[] = [];
    for (const line of lines) {
      if (!starts.has(line.runId)) continue;
      if (entry.axis === axis) {
        out.push(line);
        continue;
      }
      const start = starts.get(line.runId);
      if (start === undefined) return undefined;
      out.push({ ...line, xs: timeXs(line.xs, entry.axis as TimeAxis, axis as TimeAxis, start) });
    }
    return out;
  }

  /** Every line `data` charts, on `axis`, from what is held; undefined when some chart's lines are not held. */
  linesFor(axis: XAxisKind, data: CompareData): CompareLine[] | undefined {
    const out: CompareLine[] = [];
    for (const metric of data.selectedMetrics) {
      const lines = this.metricLines(axis, metric, data);
      if (!lines) return undefined;
      out.push(...lines);
    }
    return out;
  }
}
