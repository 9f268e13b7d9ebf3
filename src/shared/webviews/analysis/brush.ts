// Which runs a set of brushes keeps: shared by the page (lines, run list) and the host (Open in Compare, Save as
// filter), so both always agree on the brushed set. A dimension's values are one number per run: the value itself
// for numeric axes, the category's index for categorical ones, NaN where the run has no value.

/** A numeric brush keeps values in [min, max]; a categorical one keeps the listed category indexes. */
export type Brush =
  | { key: string; min: number; max: number }
  | { key: string; categories: number[] };

export function isRangeBrush(brush: Brush): brush is { key: string; min: number; max: number } {
  return 'min' in brush;
}

/** Whether one value passes one brush. A missing value (NaN) never does: brushing an axis drops runs without it. */
export function passes(brush: Brush, value: number | undefined): boolean {
  if (value === undefined || Number.isNaN(value)) return false;
  if (isRangeBrush(brush)) return value >= brush.min && value <= brush.max;
  return brush.categories.includes(value);
}

/**
 * Indexes of the runs every brush keeps (all runs without brushes). `values` gives a dimension's column by key;
 * a brush on a dimension that is not there keeps nothing (it cannot be checked).
 */
export function brushedRuns(runCount: number, brushes: readonly Brush[], values: (key: string) => ArrayLike<number> | undefined): number[] {
  const columns = brushes.map((b) => ({ brush: b, column: values(b.key) }));
  const out: number[] = [];
  outer: for (let i = 0; i < runCount; i++) {
    for (const { brush, column } of columns) {
      if (!column || !passes(brush, column[i])) continue outer;
    }
    out.push(i);
  }
  return out;
}
