// Exponential moving average as TensorBoard draws it: debiased so early points are not pulled towards zero,
// and non-finite points passed through untouched (a NaN loss must stay visible, not poison the average).

/**
 * `smooth` into `out` (as long as `values`), allocating nothing: a slider drag re-smooths every line of every chart
 * in view per frame, and fresh arrays for each were garbage for the collector to sweep in the next frame.
 */
export function smoothInto(values: Float64Array, weight: number, out: Float64Array): Float64Array {
  if (out.length !== values.length) throw new RangeError(`smoothInto: ${values.length} values into ${out.length} slots`);
  const w = Math.min(Math.max(weight, 0), 0.999);
  let last = 0;
  let debias = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i] as number;
    if (!Number.isFinite(y) || w === 0) {
      out[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    debias = debias * w + (1 - w);
    out[i] = last / debias;
  }
  return out;
}

export function smooth(values: Float64Array, weight: number): Float64Array;
export function smooth(values: ReadonlyArray<number | null>, weight: number): Array<number | null>;
export function smooth(values: Float64Array | ReadonlyArray<number | null>, weight: number): Float64Array | Array<number | null> {
  if (values instanceof Float64Array) {
    if (weight <= 0) return values;
    return smoothInto(values, weight, new Float64Array(values.length));
  }
  if (weight <= 0) return values.slice();
  const w = Math.min(weight, 0.999);
  const out: Array<number | null> = new Array(values.length);
  let last = 0;
  let debias = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i] ?? null;
    if (y === null || !Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    debias = debias * w + (1 - w);
    out[i] = last / debias;
  }
  return out;
}
