// Pearson and Spearman correlation over the runs that have both values. Spearman is Pearson on ranks, ties taking
// the average of the ranks they span (as statistics.correlation(method='ranked') and scipy do).

/** The pairs where both values are finite. */
export function finitePairs(x: ArrayLike<number>, y: ArrayLike<number>): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x[i];
    const b = y[i];
    if (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b)) {
      xs.push(a);
      ys.push(b);
    }
  }
  return { xs, ys };
}

/**
 * The power of two nearest below the largest |value| (1 for none or all 0). Dividing by it is exact, so figures
 * computed on the divided values are those of the values themselves, without squares of very large values (a
 * diverged loss of 1e200) overflowing to Infinity or of very small ones underflowing to 0.
 */
export function powerOfTwoScale(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i] ?? 0);
    if (v > max && Number.isFinite(v)) max = v;
  }
  return max > 0 ? 2 ** Math.floor(Math.log2(max)) : 1;
}

/** Pearson's r of two equally long arrays of finite numbers; undefined with fewer than 2 values or when either is constant. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | undefined {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return undefined;
  // r does not change with scale: each side divided by a power of two (exact) keeps sums and squares finite.
  const kx = powerOfTwoScale(xs);
  const ky = powerOfTwoScale(ys);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) { mx += (xs[i] ?? 0) / kx; my += (ys[i] ?? 0) / ky; }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) / kx - mx;
    const dy = (ys[i] ?? 0) / ky - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return undefined;
  // Rounding can push |r| a hair past 1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** 1-based ranks; tied values share the average of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length).fill(0);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      const at = order[k];
      if (at) ranks[at[1]] = rank;
    }
    i = j + 1;
  }
  return ranks;
}

export function spearman(xs: readonly number[], ys: readonly number[]): number | undefined {
  if (xs.length !== ys.length) return undefined;
  return pearson(averageRanks(xs), averageRanks(ys));
}
