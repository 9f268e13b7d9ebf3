// A group of runs drawn as one line with a band (issue 16): the runs' series are aligned on a common x grid, then
// reduced per x to a centre (mean or median) and a band (min–max, or centre ± population std). Pure and DOM-free:
// the compare page runs it, the unit tests run it in plain Node. How gaps and lengths are handled (docs/analysis.md):
// - the grid is every x any run of the group logged (union of steps/times/metric values), or, past `maxPoints`
//   distinct x (wall time, say), `maxPoints` evenly spaced x over the group's span;
// - a run counts at an x from its first to its last point only: a shorter run stops counting where it ended, so
//   the line is the aggregate of the runs still going there (`counts` says how many);
// - between two of its points a run is interpolated linearly (missing steps are bridged), never across a NaN or
//   ±Infinity of its own; a non-finite value (a diverged loss) is left out of the aggregate, not averaged in;
// - an x where no run has a finite value is NaN in every output: the group line and band break there.

export type CenterStat = 'mean' | 'median';
export type BandKind = 'minmax' | 'std';

/** One run's points, x ascending (x finite), y possibly non-finite. */
export interface Series {
  xs: Float64Array;
  ys: Float64Array;
}

export interface AggregateOptions {
  center: CenterStat;
  band: BandKind;
  /** Most grid points (default 2,000: more than a chart is wide in pixels). */
  maxPoints?: number;
}

export interface Band {
  xs: Float64Array;
  center: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** Runs with a finite value at each x. */
  counts: Uint32Array;
}

const DEFAULT_MAX_POINTS = 2000;

/** Every distinct x of the series, ascending; or an even grid over their span when there are more than `max`. */
function gridOf(series: readonly Series[], max: number): Float64Array {
  let total = 0;
  for (const s of series) total += s.xs.length;
  const all = new Float64Array(total);
  let at = 0;
  for (const s of series) {
    all.set(s.xs, at);
    at += s.xs.length;
  }
  all.sort();
  let distinct = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[distinct++] = all[i] as number;
  if (distinct <= max) return all.slice(0, distinct);
  const min = all[0] as number;
  const span = (all[distinct - 1] as number) - min;
  const grid = new Float64Array(max);
  for (let i = 0; i < max; i++) grid[i] = min + (span * i) / (max - 1);
  grid[max - 1] = all[distinct - 1] as number;
  return grid;
}

/** Each run's value at each grid x (NaN where it does not count), row by run. */
function alignedValues(s: Series, grid: Float64Array, out: Float64Array): void {
  const { xs, ys } = s;
  const n = xs.length;
  let j = 0;
  for (let g = 0; g < grid.length; g++) {
    const x = grid[g] as number;
    while (j < n && (xs[j] as number) < x) j++;
    if (j < n && xs[j] === x) {
      // The last value logged at this x.
      let k = j;
      while (k + 1 < n && xs[k + 1] === x) k++;
      out[g] = ys[k] as number;
      continue;
    }
    if (j === 0 || j === n) {
      out[g] = Number.NaN;
      continue;
    }
    const x0 = xs[j - 1] as number;
    const x1 = xs[j] as number;
    const y0 = ys[j - 1] as number;
    const y1 = ys[j] as number;
    out[g] = Number.isFinite(y0) && Number.isFinite(y1) ? y0 + ((y1 - y0) * (x - x0)) / (x1 - x0) : Number.NaN;
  }
}

/** The group's centre line and band on a common x grid (see the rules above). */
export function aggregateSeries(series: readonly Series[], options: AggregateOptions): Band {
  const withPoints = series.filter((s) => s.xs.length > 0);
  const grid = gridOf(withPoints, Math.max(2, options.maxPoints ?? DEFAULT_MAX_POINTS));
  const points = grid.length;
  const center = new Float64Array(points).fill(Number.NaN);
  const lower = new Float64Array(points).fill(Number.NaN);
  const upper = new Float64Array(points).fill(Number.NaN);
  const counts = new Uint32Array(points);
  const runs = withPoints.length;
  // Run-major values: one pass per run keeps the interpolation a single forward walk.
  const values = new Float64Array(runs * points);
  withPoints.forEach((s, r) => alignedValues(s, grid, values.subarray(r * points, (r + 1) * points)));
  const column = new Float64Array(runs);
  for (let g = 0; g < points; g++) {
    let n = 0;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < runs; r++) {
      const v = values[r * points + g] as number;
      if (!Number.isFinite(v)) continue;
      column[n++] = v;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    counts[g] = n;
    if (n === 0) continue;
    const mean = sum / n;
    let mid = mean;
    if (options.center === 'median') {
      const sorted = column.subarray(0, n).sort();
      const h = n >> 1;
      mid = n % 2 ? (sorted[h] as number) : ((sorted[h - 1] as number) + (sorted[h] as number)) / 2;
    }
    center[g] = mid;
    if (options.band === 'minmax') {
      lower[g] = min;
      upper[g] = max;
    } else {
      let ss = 0;
      for (let k = 0; k < n; k++) ss += ((column[k] as number) - mean) ** 2;
      const sd = Math.sqrt(ss / n);
      lower[g] = mid - sd;
      upper[g] = mid + sd;
    }
  }
  return { xs: grid, center, lower, upper, counts };
}
