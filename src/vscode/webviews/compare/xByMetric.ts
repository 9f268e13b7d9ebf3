// The x axis by another metric (`epoch`, `tokens_seen`…): each charted point's x is the x metric's value at the same
// step. No vscode import: unit-tested in plain Node.
import { downsampleMinMax } from '../../../core/downsample';
import type { SeriesLine } from '../../../core/model';
import type { RunIndex } from '../../../core/runIndex';

/** Reads whole series (the pairing needs every step before downsampling). */
const ALL_POINTS = Number.MAX_SAFE_INTEGER;

/**
 * Pairs a metric's points (by step) with the x metric's values (by step). A step where the x metric was logged takes
 * that value (the last one, if logged twice); a step where it was not takes the value last logged before it, as
 * `epoch` logged once per epoch holds for the epoch's steps; points before the x metric's first value, or where it
 * is not finite, have no x and are left out. The result is ordered by x (ties keep step order).
 */
export function pairByStep(
  xSteps: ArrayLike<number>, xValues: ArrayLike<number>, steps: ArrayLike<number>, values: ArrayLike<number>,
): { x: number[]; y: number[] } {
  const pairs: Array<{ x: number; y: number }> = [];
  let j = -1;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as number;
    // Both series are in step order: advance to the last x value logged at or before this step.
    while (j + 1 < xSteps.length && (xSteps[j + 1] as number) <= step) j++;
    if (j < 0) continue;
    const x = xValues[j] as number;
    if (!Number.isFinite(x)) continue;
    pairs.push({ x, y: values[i] as number });
  }
  // Array.prototype.sort is stable: equal x keep step order.
  pairs.sort((a, b) => a.x - b.x);
  return { x: pairs.map((p) => p.x), y: pairs.map((p) => p.y) };
}

/**
 * The charted lines with x from `xMetric`, downsampled to `maxPoints`; `missing` lists the runs that never logged
 * `xMetric` (they get no line: there is no x to put their points at, and guessing one would mislead).
 */
export function seriesByMetric(index: RunIndex, runIds: string[], keys: string[], xMetric: string, maxPoints: number): { lines: SeriesLine[]; missing: string[] } {
  const xLines = new Map(index.series({ runIds, keys: [xMetric], xAxis: 'step', maxPoints: ALL_POINTS }).map((l) => [l.runId, l]));
  const missing = runIds.filter((id) => !xLines.has(id));
  const present = runIds.filter((id) => xLines.has(id));
  const lines: SeriesLine[] = [];
  for (const line of index.series({ runIds: present, keys, xAxis: 'step', maxPoints: ALL_POINTS })) {
    const xLine = xLines.get(line.runId);
    if (!xLine) continue;
    const paired = pairByStep(xLine.x, xLine.y, line.x, line.y);
    const d = downsampleMinMax(paired.x, paired.y, paired.x.length, maxPoints);
    lines.push({ runId: line.runId, key: line.key, x: d.x, y: d.y, totalPoints: paired.x.length });
  }
  return { lines, missing };
}
