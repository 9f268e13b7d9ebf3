// A fitted forest's importance per feature: mean decrease in squared error (MDI). Each tree is walked with the
// training rows; a split is credited with SSE(node) − SSE(left) − SSE(right) for the feature it splits on.
// ml-random-forest has a featureImportance() of its own, but it is untyped, and for regression trees it weighs
// the children's summed error as if it were a gain (and divides by zero for a tree without a split), so the
// decrease is computed here from the trees' split columns and values.
import type { RandomForestRegression } from 'ml-random-forest';

interface SplitNode {
  column: number;
  value: number;
  left: unknown;
  right: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The node's split, when it has two children (a leaf, or anything else, gives undefined). */
function splitOf(node: unknown): SplitNode | undefined {
  if (!isRecord(node)) return undefined;
  const { splitColumn, splitValue, left, right } = node;
  if (typeof splitColumn !== 'number' || typeof splitValue !== 'number' || !isRecord(left) || !isRecord(right)) return undefined;
  return { column: splitColumn, value: splitValue, left, right };
}

function sse(rows: readonly number[], y: readonly number[]): number {
  if (rows.length === 0) return 0;
  let mean = 0;
  for (const r of rows) mean += y[r] ?? 0;
  mean /= rows.length;
  let s = 0;
  for (const r of rows) s += ((y[r] ?? 0) - mean) ** 2;
  return s;
}

/** Shares (summing to 1, or all 0 when no tree split) of the decrease in squared error per column of `X`. */
export function mdiImportance(forest: RandomForestRegression, X: readonly number[][], y: readonly number[]): number[] {
  const features = X[0]?.length ?? 0;
  const total = new Array<number>(features).fill(0);
  const estimators: unknown = forest.estimators;
  const indexes: unknown = forest.indexes;
  if (!Array.isArray(estimators) || !Array.isArray(indexes)) return total;
  const all = X.map((_, i) => i);
  estimators.forEach((tree: unknown, t) => {
    const used: unknown = indexes[t];
    if (!isRecord(tree) || !Array.isArray(used)) return;
    const walk = (node: unknown, rows: number[]): void => {
      const split = splitOf(node);
      if (!split || rows.length < 2) return;
      const feature: unknown = used[split.column];
      if (typeof feature !== 'number') return;
      const lesser: number[] = [];
      const greater: number[] = [];
      for (const r of rows) ((X[r]?.[feature] ?? 0) < split.value ? lesser : greater).push(r);
      total[feature] = (total[feature] ?? 0) + Math.max(0, sse(rows, y) - sse(lesser, y) - sse(greater, y));
      walk(split.left, lesser);
      walk(split.right, greater);
    };
    walk(tree.root, all);
  });
  const sum = total.reduce((a, b) => a + b, 0);
  return sum > 0 ? total.map((v) => v / sum) : total;
}
