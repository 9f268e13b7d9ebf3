// The table an analysis works on: one column ("dimension") per param, metric and summary value the runs have, one
// number per run. The rules (docs/analysis.md):
// - a metric's value is its summary value (the last logged, or min/max where the run declared it);
// - null, a missing name, NaN and ±Infinity are missing values (NaN in the column);
// - a dimension whose values are all numbers is numeric, log-scaled when all are positive and the largest is at
//   least 100 times the smallest (two decades); any text, boolean, list or object value makes it categorical, and
//   then its numbers count as categories too (shown as their text): a number in one run and a string in another
//   is a categorical axis, not a numeric one with holes;
// - categories are ordered numbers first (ascending), then text in code-point order (`false` before `true`).
import { summaryValue } from '../../shared/metricDirection';
import type { ParamValue, RunRow } from '../model';

export type DimensionSource = 'param' | 'metric' | 'summary';
export type DimensionScale = 'linear' | 'log' | 'category';

export interface Dimension {
  /** `param.NAME`, `metric.NAME` or `summary.NAME`: unique, and the name the filter language reads it by. */
  key: string;
  source: DimensionSource;
  name: string;
  scale: DimensionScale;
  /** One value per run (the table's run order): the number, or the category's index; NaN where missing. */
  values: Float64Array;
  /** Full texts of the categories (category scale only; empty otherwise). */
  categories: string[];
  /** Runs with a value. */
  present: number;
  /** Distinct values among them. */
  distinct: number;
  /** Numbers and text were both seen (so the dimension is categorical by the mixed-types rule). */
  mixed: boolean;
}

export interface AnalysisRun {
  id: string;
  name: string;
  experiment: string;
}

export interface AnalysisTable {
  runs: AnalysisRun[];
  dimensions: Dimension[];
}

/** Ratio of largest to smallest positive value from which a numeric axis is log-scaled. */
export const LOG_SCALE_RATIO = 100;

type Cell = { num: number } | { text: string } | undefined;

function cellOf(value: ParamValue | undefined): Cell {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? { num: value } : undefined;
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'boolean') return { text: String(value) };
  return { text: JSON.stringify(value) };
}

function categoryOrder(a: Cell & object, b: Cell & object): number {
  if ('num' in a) return 'num' in b ? a.num - b.num : -1;
  if ('num' in b) return 1;
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
}

function buildDimension(source: DimensionSource, name: string, cells: Cell[]): Dimension {
  const values = new Float64Array(cells.length).fill(Number.NaN);
  let hasText = false;
  let hasNum = false;
  let present = 0;
  for (const c of cells) {
    if (!c) continue;
    present++;
    if ('num' in c) hasNum = true; else hasText = true;
  }
  const key = `${source}.${name}`;
  if (!hasText) {
    let min = Infinity;
    let max = -Infinity;
    const seen = new Set<number>();
    cells.forEach((c, i) => {
      if (!c || !('num' in c)) return;
      values[i] = c.num;
      seen.add(c.num);
      if (c.num < min) min = c.num;
      if (c.num > max) max = c.num;
    });
    const scale: DimensionScale = present > 0 && min > 0 && max / min >= LOG_SCALE_RATIO ? 'log' : 'linear';
    return { key, source, name, scale, values, categories: [], present, distinct: seen.size, mixed: false };
  }
  // Categorical: one index per distinct value, numbers by their value (1 and 1.0 are one category).
  const distinct = new Map<string, Cell & object>();
  const keyOf = (c: Cell & object): string => ('num' in c ? `n${c.num}` : `t${c.text}`);
  for (const c of cells) if (c && !distinct.has(keyOf(c))) distinct.set(keyOf(c), c);
  const ordered = [...distinct.entries()].sort((a, b) => categoryOrder(a[1], b[1]));
  const index = new Map(ordered.map(([k], i) => [k, i]));
  cells.forEach((c, i) => { if (c) values[i] = index.get(keyOf(c)) ?? Number.NaN; });
  // Numbers keep every digit (String): the text is also what a saved filter compares with.
  const categories = ordered.map(([, c]) => ('num' in c ? String(c.num) : c.text));
  return { key, source, name, scale: 'category', values, categories, present, distinct: ordered.length, mixed: hasNum };
}

/** Every dimension of these runs, params first, then metrics, then summary values, each by name. */
export function extractDimensions(rows: readonly RunRow[]): AnalysisTable {
  const names: Record<DimensionSource, Set<string>> = { param: new Set(), metric: new Set(), summary: new Set() };
  for (const r of rows) {
    for (const k of Object.keys(r.params)) names.param.add(k);
    for (const k of Object.keys(r.metrics)) names.metric.add(k);
    if (r.summary) for (const k of Object.keys(r.summary)) names.summary.add(k);
  }
  const read: Record<DimensionSource, (r: RunRow, name: string) => ParamValue | undefined> = {
    param: (r, n) => (Object.prototype.hasOwnProperty.call(r.params, n) ? r.params[n] : undefined),
    metric: (r, n) => {
      const m = Object.prototype.hasOwnProperty.call(r.metrics, n) ? r.metrics[n] : undefined;
      return m ? summaryValue(m, m.summaryMode) : undefined;
    },
    summary: (r, n) => (r.summary && Object.prototype.hasOwnProperty.call(r.summary, n) ? r.summary[n] : undefined),
  };
  const dimensions: Dimension[] = [];
  for (const source of ['param', 'metric', 'summary'] as const) {
    for (const name of [...names[source]].sort()) {
      dimensions.push(buildDimension(source, name, rows.map((r) => cellOf(read[source](r, name)))));
    }
  }
  return { runs: rows.map((r) => ({ id: r.id, name: r.name, experiment: r.experiment })), dimensions };
}

/** Axes shown before the user chooses: params that vary (at most 8), then metrics that vary (at most 4). */
export function defaultAxes(dimensions: readonly Dimension[], maxParams = 8, maxMetrics = 4): string[] {
  const varying = (d: Dimension): boolean => d.distinct > 1;
  const params = dimensions.filter((d) => d.source === 'param' && varying(d)).slice(0, maxParams);
  const metrics = dimensions.filter((d) => d.source !== 'param' && varying(d) && !d.name.startsWith('system/')).slice(0, maxMetrics);
  return [...params, ...metrics].map((d) => d.key);
}
