// Where a value sits on an axis (0 = bottom/left, 1 = top/right) for numeric, log and categorical dimensions, and
// the ticks each shows. Missing values (NaN) have no position.
import { formatNumber } from '../../src/shared/format';
import type { AnalysisDimension } from '../../src/shared/webviews/analysis/contract';

export interface AxisScale {
  /** 0…1, or NaN for a missing value. */
  toUnit(value: number): number;
  /** The value at a position (numeric axes; for categorical ones the nearest category's index). */
  fromUnit(unit: number): number;
  ticks(): Array<{ unit: number; label: string }>;
}

function extent(values: Float64Array, transform: (v: number) => number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    const t = transform(v);
    if (t < min) min = t;
    if (t > max) max = t;
  }
  if (min === Infinity) return [0, 1];
  if (min === max) return [min - 0.5, max + 0.5];
  return [min, max];
}

export function axisScale(d: AnalysisDimension): AxisScale {
  if (d.scale === 'category') {
    const n = d.categories.length;
    const at = (i: number): number => (n <= 1 ? 0.5 : i / (n - 1));
    const every = Math.max(1, Math.ceil(n / 16));
    return {
      toUnit: (v) => (Number.isNaN(v) ? Number.NaN : at(v)),
      fromUnit: (u) => Math.round(u * Math.max(0, n - 1)),
      ticks: () => d.categories.flatMap((label, i) => (i % every === 0 ? [{ unit: at(i), label }] : [])),
    };
  }
  const log = d.scale === 'log';
  const f = log ? Math.log10 : (v: number): number => v;
  const [lo, hi] = extent(d.values, f);
  const span = hi - lo;
  return {
    toUnit: (v) => (Number.isNaN(v) ? Number.NaN : (f(v) - lo) / span),
    fromUnit: (u) => (log ? 10 ** (lo + u * span) : lo + u * span),
    ticks: () => {
      if (log) {
        const out: Array<{ unit: number; label: string }> = [];
        for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) out.push({ unit: (e - lo) / span, label: formatNumber(10 ** e) });
        if (out.length >= 2) return out;
      }
      return [0, 0.25, 0.5, 0.75, 1].map((u) => ({ unit: u, label: formatNumber(log ? 10 ** (lo + u * span) : lo + u * span) }));
    },
  };
}
