// Live updates to the comparison the page holds: new points appended to (or replacing) its lines, which the charts
// not built yet read when they scroll into view; and one metric's lines with their runs, as a chart holds them.
import type { CompareData, CompareLine, LineChange } from '../../src/shared/webviews/compare/contract';
import type { ChartLine } from './charts';

/** `a` then `b`, in one new array (live runs append points). */
export function concatPoints(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function applyLineChanges(lines: CompareLine[], changes: readonly LineChange[]): void {
  const key = (l: { runId: string; metric: string }): string => `${l.runId}\u0000${l.metric}`;
  const byKey = new Map(lines.map((l) => [key(l), l]));
  for (const change of changes) {
    const existing = byKey.get(key(change));
    if (!existing) {
      const line = { runId: change.runId, metric: change.metric, xs: change.xs, ys: change.ys, totalPoints: change.totalPoints };
      lines.push(line);
      byKey.set(key(line), line);
    } else {
      existing.xs = change.mode === 'append' ? concatPoints(existing.xs, change.xs) : change.xs;
      existing.ys = change.mode === 'append' ? concatPoints(existing.ys, change.ys) : change.ys;
      existing.totalPoints = change.totalPoints;
    }
  }
}

/** The lines of `metric` in `data`, each with its run. */
export function linesOf(data: CompareData, metric: string): ChartLine[] {
  const runs = new Map(data.runs.map((r) => [r.id, r]));
  const lines: ChartLine[] = [];
  for (const line of data.lines) {
    const run = runs.get(line.runId);
    if (line.metric === metric && run) lines.push({ run, xs: line.xs, ys: line.ys });
  }
  return lines;
}
