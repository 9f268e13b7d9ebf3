// A small random forest of regression trees (CART), with its importance measured while it grows: each split is
// the one that most decreases the squared error (SSE) of the node, found for every feature in one sorted sweep with
// running sums, and that decrease is credited to the split's feature (mean decrease in impurity, as scikit-learn and
// W&B's importance panel). It replaces ml-random-forest here: ml-cart tries every split value by re-partitioning
// the node, O(rows²) per feature and node, which made importance miss its 300 ms budget on a busy machine.
// Bootstrapped trees see every feature at every split (scikit-learn's default for regression).

export type TreeNode =
  | { kind: 'leaf'; value: number }
  | { kind: 'split'; feature: number; threshold: number; left: TreeNode; right: TreeNode };

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  /** A node with fewer rows is a leaf. */
  minSamples: number;
  seed: number;
  /** Each tree on a bootstrap sample (rows drawn with replacement); false: every tree on all rows. */
  bootstrap: boolean;
}

export interface Forest {
  trees: TreeNode[];
  /** Share of the total decrease in SSE per feature (adds up to 1; all 0 when no tree split). */
  importance: number[];
  predict(x: readonly number[]): number;
}

/** A small seeded generator (mulberry32): the same forest and samples every time for the same input. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function leafOf(rows: readonly number[], y: Float64Array): TreeNode {
  let sum = 0;
  for (const r of rows) sum += y[r] as number;
  return { kind: 'leaf', value: rows.length ? sum / rows.length : 0 };
}

/** Fits the forest on rows `X` (every row the same number of features) and targets `y`. */
export function fitForest(X: readonly (readonly number[])[], targets: readonly number[], options: ForestOptions): Forest {
  const n = X.length;
  const features = X[0]?.length ?? 0;
  const columns = Array.from({ length: features }, (_, f) => Float64Array.from(X, (row) => row[f] ?? 0));
  const y = Float64Array.from(targets);
  const gain = new Float64Array(features);
  const rnd = seeded(options.seed);

  const grow = (rows: number[], depth: number): TreeNode => {
    const count = rows.length;
    if (count < options.minSamples || depth >= options.maxDepth) return leafOf(rows, y);
    let sum = 0;
    for (const r of rows) sum += y[r] as number;
    const mean = sum / count;
    // Centred values keep the running sums of squares exact enough for large offsets.
    let sse = 0;
    for (const r of rows) sse += ((y[r] as number) - mean) ** 2;
    if (sse <= 0) return leafOf(rows, y);
    let best = sse;
    let bestFeature = -1;
    let bestThreshold = 0;
    const order = rows.slice();
    for (let f = 0; f < features; f++) {
      const x = columns[f] as Float64Array;
      order.sort((a, b) => (x[a] as number) - (x[b] as number));
      let leftSum = 0;
      let leftSq = 0;
      let totalSq = 0;
      for (const r of order) totalSq += ((y[r] as number) - mean) ** 2;
      const total = sum - mean * count;
      for (let i = 0; i < count - 1; i++) {
        const r = order[i] as number;
        const v = (y[r] as number) - mean;
        leftSum += v;
        leftSq += v * v;
        const xi = x[r] as number;
        const xNext = x[order[i + 1] as number] as number;
        if (xi === xNext) continue;
        const nl = i + 1;
        const nr = count - nl;
        const rightSum = total - leftSum;
        const split = (leftSq - (leftSum * leftSum) / nl) + (totalSq - leftSq - (rightSum * rightSum) / nr);
        if (split < best - 1e-12 * sse) {
          best = split;
          bestFeature = f;
          bestThreshold = (xi + xNext) / 2;
        }
      }
    }
    if (bestFeature < 0) return leafOf(rows, y);
    gain[bestFeature] = (gain[bestFeature] ?? 0) + Math.max(0, sse - best);
    const x = columns[bestFeature] as Float64Array;
    const left: number[] = [];
    const right: number[] = [];
    for (const r of rows) ((x[r] as number) < bestThreshold ? left : right).push(r);
    return { kind: 'split', feature: bestFeature, threshold: bestThreshold, left: grow(left, depth + 1), right: grow(right, depth + 1) };
  };

  const trees: TreeNode[] = [];
  for (let t = 0; t < options.trees; t++) {
    const rows = options.bootstrap ? Array.from({ length: n }, () => Math.min(n - 1, Math.floor(rnd() * n))) : Array.from({ length: n }, (_, i) => i);
    trees.push(grow(rows, 0));
  }
  const totalGain = gain.reduce((a, b) => a + b, 0);
  const importance = Array.from(gain, (g) => (totalGain > 0 ? g / totalGain : 0));
  const predictTree = (node: TreeNode, x: readonly number[]): number => {
    let at = node;
    while (at.kind === 'split') at = (x[at.feature] ?? 0) < at.threshold ? at.left : at.right;
    return at.value;
  };
  return {
    trees,
    importance,
    predict: (x) => (trees.length ? trees.reduce((s, tree) => s + predictTree(tree, x), 0) / trees.length : 0),
  };
}
