// Downsampling for charts: min/max buckets. Splits the points into equal index buckets and keeps, per bucket,
// the lowest and highest value (in x order), so every peak and trough survives; deterministic, O(n).
// A bucket holding NaN also keeps its first NaN so a diverged loss stays visible; ±Infinity are extremes like any other.

export interface Downsampled { x: number[]; y: number[] }

export function downsampleMinMax(xs: ArrayLike<number>, ys: ArrayLike<number>, count: number, maxPoints: number): Downsampled {
  const x: number[] = [];
  const y: number[] = [];
  if (count <= maxPoints || maxPoints < 4) {
    const n = Math.min(count, Math.max(maxPoints, 0));
    // When maxPoints < 4 there is no room for extremes; keep evenly spaced points instead.
    const stride = count <= maxPoints ? 1 : count / Math.max(n, 1);
    for (let k = 0; k < n; k++) {
      const i = Math.floor(k * stride);
      x.push(xs[i] as number);
      y.push(ys[i] as number);
    }
    return { x, y };
  }
  let hasNaN = false;
  for (let i = 0; i < count; i++) if (ys[i] !== ys[i]) { hasNaN = true; break; }
  // First and last points are always kept, the rest of the budget goes to buckets of 2 (or 3 with NaN) points.
  const perBucket = hasNaN ? 3 : 2;
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / perBucket));
  x.push(xs[0] as number);
  y.push(ys[0] as number);
  const inner = count - 2;
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (end <= start) continue;
    // Extremes kept in locals: this loop runs once per stored point, so no array reads beyond ys[i].
    let lo = -1;
    let hi = -1;
    let loV = Infinity;
    let hiV = -Infinity;
    let nan = -1;
    for (let i = start; i < end; i++) {
      const v = ys[i] as number;
      if (v !== v) {
        if (nan < 0) nan = i;
      } else {
        if (lo < 0 || v < loV) { lo = i; loV = v; }
        if (hi < 0 || v > hiV) { hi = i; hiV = v; }
      }
    }
    for (let k = 0, m = keptInOrder(lo, hi, nan); k < m; k++) {
      const p = kept[k] as number;
      x.push(xs[p] as number);
      y.push(ys[p] as number);
    }
  }
  x.push(xs[count - 1] as number);
  y.push(ys[count - 1] as number);
  return { x, y };
}

/** keptInOrder's answer (no closure: one would move the callers' arrays out of registers in their hot loops). */
const kept = new Int32Array(3);

/** A bucket's kept points (lowest, highest, first NaN; -1 where absent) into `kept`, in x order, each once; answers how many. */
function keptInOrder(lo: number, hi: number, nan: number): number {
  let p0 = lo;
  let p1 = hi;
  let p2 = nan;
  let t: number;
  if (p0 > p1) { t = p0; p0 = p1; p1 = t; }
  if (p1 > p2) { t = p1; p1 = p2; p2 = t; }
  if (p0 > p1) { t = p0; p0 = p1; p1 = t; }
  let m = 0;
  if (p0 >= 0) kept[m++] = p0;
  if (p1 >= 0 && p1 !== p0) kept[m++] = p1;
  if (p2 >= 0 && p2 !== p1) kept[m++] = p2;
  return m;
}

/** A line's points as typed arrays (x ascending). */
export interface TypedPoints { x: Float64Array; y: Float64Array }

/** envelope's working arrays, grown to the widest chart asked for (its results are always copies). */
let envelopeScratch: TypedPoints = { x: new Float64Array(0), y: new Float64Array(0) };

/**
 * Per-pixel envelope: the points (x ascending) split by x into `columns` equal columns between the first and last x
 * (a chart's pixel columns), keeping per column the lowest and the highest value and the first NaN, in x order, plus
 * the first and last point. A line drawn through them covers every pixel the whole line covers; lines that fit
 * (at most two points per column) are kept whole. Always new arrays (the inputs may be reused buffers).
 */
export function envelope(xs: Float64Array, ys: Float64Array, count: number, columns: number): TypedPoints {
  const n = Math.max(0, Math.min(count, xs.length, ys.length));
  const cols = Math.max(1, Math.floor(columns));
  if (n <= 2 * cols + 2) return { x: xs.slice(0, n), y: ys.slice(0, n) };
  // Kept points go to scratch arrays first, then are copied out at their count: two allocations per line, not four
  // (a Compare reads thousands of lines; every array buffer counts towards the host's next full garbage collection).
  if (envelopeScratch.x.length < 3 * cols + 2) envelopeScratch = { x: new Float64Array(3 * cols + 2), y: new Float64Array(3 * cols + 2) };
  const { x, y } = envelopeScratch;
  let out = 0;
  const keep = (i: number): void => { x[out] = xs[i] as number; y[out] = ys[i] as number; out++; };
  keep(0);
  const x0 = xs[0] as number;
  const span = (xs[n - 1] as number) - x0;
  // Columns over the inner points: a point's column from its x (all in one column when every x is the same).
  const scale = span > 0 ? cols / span : 0;
  let i = 1;
  const last = n - 1;
  while (i < last) {
    const col = Math.min(cols - 1, Math.floor(((xs[i] as number) - x0) * scale));
    let lo = -1;
    let hi = -1;
    let loV = Infinity;
    let hiV = -Infinity;
    let nan = -1;
    // The column's points: x is ascending, so they follow each other.
    for (; i < last && Math.min(cols - 1, Math.floor(((xs[i] as number) - x0) * scale)) === col; i++) {
      const v = ys[i] as number;
      if (v !== v) {
        if (nan < 0) nan = i;
      } else {
        if (lo < 0 || v < loV) { lo = i; loV = v; }
        if (hi < 0 || v > hiV) { hi = i; hiV = v; }
      }
    }
    for (let k = 0, m = keptInOrder(lo, hi, nan); k < m; k++) keep(kept[k] as number);
  }
  keep(last);
  return { x: x.slice(0, out), y: y.slice(0, out) };
}
