// The comparison as the page keeps it: the message's lines decoded once into typed arrays (x, y), which the charts
// draw from, smoothing reads, and live updates extend.
import type { CompareData, LineChange } from '../../src/shared/webviews/compare/contract';
import { decodeFloat64, deinterleave, type Float64Base64 } from '../../src/shared/webviews/float64Base64';

export interface PageLine {
  runId: string;
  metric: string;
  xs: Float64Array;
  ys: Float64Array;
  totalPoints: number;
}

export type PageData = Omit<CompareData, 'lines'> & { lines: PageLine[] };

/** A line's x and y values from the wire text (non-finite y stay NaN/±Infinity: drawn as gaps). */
export function decodeLine(points: Float64Base64): { xs: Float64Array; ys: Float64Array } {
  return deinterleave(decodeFloat64(points));
}

export function toPageData(data: CompareData): PageData {
  return { ...data, lines: data.lines.map((line) => ({ runId: line.runId, metric: line.metric, totalPoints: line.totalPoints, ...decodeLine(line.points) })) };
}

/** `a` then `b`, in one new array (live runs append points). */
export function concatPoints(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A live update's line changes, decoded. */
export type PageLineChange = Omit<LineChange, 'points'> & { xs: Float64Array; ys: Float64Array };

export function decodeChanges(changes: readonly LineChange[]): PageLineChange[] {
  return changes.map((change) => ({ runId: change.runId, metric: change.metric, mode: change.mode, totalPoints: change.totalPoints, ...decodeLine(change.points) }));
}

/** Applies decoded changes to the page's lines (the charts not built yet read them when they scroll into view). */
export function applyLineChanges(lines: PageLine[], changes: readonly PageLineChange[]): void {
  const byKey = new Map(lines.map((l) => [`${l.runId}\u0000${l.metric}`, l]));
  for (const change of changes) {
    const existing = byKey.get(`${change.runId}\u0000${change.metric}`);
    if (!existing) {
      const line = { runId: change.runId, metric: change.metric, xs: change.xs, ys: change.ys, totalPoints: change.totalPoints };
      lines.push(line);
      byKey.set(`${change.runId}\u0000${change.metric}`, line);
    } else {
      existing.xs = change.mode === 'append' ? concatPoints(existing.xs, change.xs) : change.xs;
      existing.ys = change.mode === 'append' ? concatPoints(existing.ys, change.ys) : change.ys;
      existing.totalPoints = change.totalPoints;
    }
  }
}
