// Which params matter for a metric: Pearson and Spearman correlation per param, and a random forest's importance
// (regressionForest.ts, mean decrease in squared error per param, as W&B's importance panel). The rules
// (docs/analysis.md):
// - only runs with a finite value of the metric count; below MIN_RUNS nothing is said ("too few runs");
// - correlations use the runs that have both values; a log-scaled param correlates by log10 of its values
//   (Spearman is the same either way); a categorical param with two categories is encoded 0/1 in category order
//   (the sign then says whether the second goes with higher values); one with more categories has no correlation;
// - the forest needs MIN_RUNS_FOREST runs; it sees at most MAX_FOREST_PARAMS params (those associated most strongly
//   by |Spearman| or, for categoricals, the correlation ratio), categoricals one-hot encoded (their MAX_ONE_HOT most
//   frequent categories; the rest share one column), numbers as their ranks with a missing number below them all so
//   a tree can split it off; it is fitted on at most FOREST_SAMPLE runs drawn with a fixed seed, so the answer is stable.
import type { AnalysisTable, Dimension } from './dimensions';
import { averageRanks, finitePairs, pearson, powerOfTwoScale, spearman } from './correlation';
import { fitForest, seeded } from './regressionForest';

export const MIN_RUNS = 10;
export const MIN_RUNS_FOREST = 20;
export const MAX_FOREST_PARAMS = 24;
export const MAX_ONE_HOT = 10;
export const FOREST_SAMPLE = 150;
export const FOREST_TREES = 16;
export const FOREST_DEPTH = 5;
const FOREST_SEED = 42;

export type ParamEncoding = 'number' | 'log10' | 'binary' | 'one-hot';

export interface ParamImportance {
  key: string;
  name: string;
  encoding: ParamEncoding;
  /** Runs with both this param and the metric. */
  runs: number;
  pearson?: number;
  spearman?: number;
  /** Share of the forest's decrease in squared error (the params' shares add up to 1). */
  importance?: number;
  /** Why a value is absent (constant param, too few runs with it, left out of the forest). */
  note?: string;
}

export interface ImportanceResult {
  metric: string;
  /** Runs with a finite value of the metric. */
  runs: number;
  /** Sorted: by forest importance when there is one, else by |Spearman|; params without a value last. */
  params: ParamImportance[];
  /** Why nothing (or only correlations) could be said, in words for the page. */
  note?: string;
  forest?: { trees: number; sampled: number; features: number };
}

/** The number a param's run has for correlation, by its encoding (NaN when missing or not encodable). */
function numericValue(d: Dimension, v: number): number {
  if (Number.isNaN(v)) return Number.NaN;
  if (d.scale === 'log') return Math.log10(v);
  if (d.scale === 'category') return d.categories.length === 2 ? v : Number.NaN;
  return v;
}

function encodingOf(d: Dimension): ParamEncoding {
  return d.scale === 'log' ? 'log10' : d.scale === 'linear' ? 'number' : d.categories.length === 2 ? 'binary' : 'one-hot';
}

/** sqrt(between-group / total sum of squares) of y grouped by category: 0 (no association) … 1. */
function correlationRatio(groups: Float64Array, y: readonly number[], rows: readonly number[]): number {
  const sums = new Map<number, { n: number; s: number }>();
  let total = 0;
  let count = 0;
  for (const r of rows) {
    const g = groups[r];
    const v = y[r];
    if (g === undefined || Number.isNaN(g) || v === undefined) continue;
    const e = sums.get(g) ?? { n: 0, s: 0 };
    e.n++; e.s += v; sums.set(g, e);
    total += v; count++;
  }
  if (count < 2) return 0;
  const mean = total / count;
  let ssTotal = 0;
  for (const r of rows) {
    const g = groups[r];
    const v = y[r];
    if (g !== undefined && !Number.isNaN(g) && v !== undefined) ssTotal += (v - mean) ** 2;
  }
  let ssBetween = 0;
  for (const { n, s } of sums.values()) ssBetween += n * (s / n - mean) ** 2;
  return ssTotal > 0 ? Math.sqrt(ssBetween / ssTotal) : 0;
}

function sampleRows(rows: readonly number[], max: number): number[] {
  if (rows.length <= max) return [...rows];
  const copy = [...rows];
  const rnd = seeded(FOREST_SEED);
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rnd() * (copy.length - i));
    const a = copy[i] ?? 0;
    copy[i] = copy[j] ?? 0;
    copy[j] = a;
  }
  return copy.slice(0, max).sort((a, b) => a - b);
}

/** Columns of the forest's matrix for one param, and which param each belongs to. */
function encodeColumns(d: Dimension, rows: readonly number[]): number[][] {
  const v = (r: number): number => d.values[r] ?? Number.NaN;
  if (d.scale !== 'category') {
    // A tree sees only the order of a column's values, so the column is their ranks (1…): the same splits and
    // importance as the values themselves, and a missing value is 0, below every rank, whatever the values' size
    // (a value below the range worked out from 1e308s overflowed to -Infinity and broke the splits).
    const present = rows.flatMap((r) => { const x = numericValue(d, v(r)); return Number.isNaN(x) ? [] : [x]; });
    const ranks = averageRanks(present);
    let k = 0;
    return [rows.map((r) => (Number.isNaN(numericValue(d, v(r))) ? 0 : ranks[k++] ?? 0))];
  }
  const counts = new Map<number, number>();
  for (const r of rows) { const c = v(r); if (!Number.isNaN(c)) counts.set(c, (counts.get(c) ?? 0) + 1); }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, MAX_ONE_HOT).map(([c]) => c);
  const columns = top.map((c) => rows.map((r) => (v(r) === c ? 1 : 0)));
  if (counts.size > top.length) columns.push(rows.map((r) => { const c = v(r); return !Number.isNaN(c) && !top.includes(c) ? 1 : 0; }));
  return columns;
}

/** Importance of every param of `table` for the metric dimension `metricKey`. */
export function paramImportance(table: AnalysisTable, metricKey: string): ImportanceResult {
  const target = table.dimensions.find((d) => d.key === metricKey);
  if (!target) return { metric: metricKey, runs: 0, params: [], note: `No runs have ${metricKey}.` };
  if (target.scale === 'category') return { metric: metricKey, runs: 0, params: [], note: `${target.name} is not numeric in every run, so importance cannot be computed for it.` };
  const y = Array.from(target.values);
  const rows = y.flatMap((v, i) => (Number.isFinite(v) ? [i] : []));
  const params = table.dimensions.filter((d) => d.source === 'param');
  if (rows.length < MIN_RUNS) {
    return {
      metric: metricKey, runs: rows.length, params: [],
      note: `Too few runs: ${rows.length} of ${table.runs.length} have a value of ${target.name}; importance needs at least ${MIN_RUNS}.`,
    };
  }
  if (rows.every((r) => y[r] === y[rows[0] ?? 0])) {
    return { metric: metricKey, runs: rows.length, params: [], note: `${target.name} has the same value in every run: nothing explains it.` };
  }
  const scored = params.map((d) => {
    const x = rows.map((r) => numericValue(d, d.values[r] ?? Number.NaN));
    const { xs, ys } = finitePairs(x, rows.map((r) => y[r] ?? Number.NaN));
    const present = rows.filter((r) => !Number.isNaN(d.values[r] ?? Number.NaN));
    const distinct = new Set(present.map((r) => d.values[r])).size;
    const entry: ParamImportance = { key: d.key, name: d.name, encoding: encodingOf(d), runs: present.length };
    if (distinct <= 1) entry.note = 'the same value in every run with the metric';
    else if (d.scale === 'category' && d.categories.length > 2) entry.note = 'categorical: no correlation, forest importance only';
    else if (xs.length < MIN_RUNS) entry.note = `only ${xs.length} runs have it`;
    else {
      const p = pearson(xs, ys);
      const s = spearman(xs, ys);
      if (p !== undefined) entry.pearson = p;
      if (s !== undefined) entry.spearman = s;
    }
    const score = distinct <= 1 ? -1 : d.scale === 'category' && d.categories.length > 2 ? correlationRatio(d.values, y, rows) : Math.abs(entry.spearman ?? 0);
    return { d, entry, score, distinct };
  });
  const result: ImportanceResult = { metric: metricKey, runs: rows.length, params: scored.map((s) => s.entry) };
  if (rows.length < MIN_RUNS_FOREST) {
    result.note = `Correlations only: the forest needs at least ${MIN_RUNS_FOREST} runs with ${target.name} (${rows.length} have it).`;
  } else {
    const chosen = scored.filter((s) => s.distinct > 1).sort((a, b) => b.score - a.score).slice(0, MAX_FOREST_PARAMS);
    for (const s of scored) if (s.distinct > 1 && !chosen.includes(s)) s.entry.note = `not in the forest (it sees the ${MAX_FOREST_PARAMS} params most associated with the metric)`;
    if (chosen.length > 0) {
      const sample = sampleRows(rows, FOREST_SAMPLE);
      const owner: number[] = [];
      const columns: number[][] = [];
      chosen.forEach((s, p) => { for (const c of encodeColumns(s.d, sample)) { columns.push(c); owner.push(p); } });
      const X = sample.map((_, i) => columns.map((c) => c[i] ?? 0));
      // Shares of the decrease in squared error do not change with the metric's scale: divided by a power of two
      // (exact), the squares of a metric of 1e200 stay finite.
      const ky = powerOfTwoScale(sample.map((r) => y[r] ?? 0));
      const Y = sample.map((r) => (y[r] ?? 0) / ky);
      const perColumn = fitForest(X, Y, { trees: FOREST_TREES, maxDepth: FOREST_DEPTH, minSamples: 3, seed: FOREST_SEED, bootstrap: true }).importance;
      const perParam = new Array<number>(chosen.length).fill(0);
      perColumn.forEach((v, c) => { const p = owner[c]; if (p !== undefined) perParam[p] = (perParam[p] ?? 0) + v; });
      chosen.forEach((s, p) => { s.entry.importance = perParam[p] ?? 0; });
      for (const s of scored) if (s.distinct <= 1) s.entry.importance = 0;
      result.forest = { trees: FOREST_TREES, sampled: sample.length, features: columns.length };
    }
  }
  const key = result.forest
    ? (p: ParamImportance): number => p.importance ?? -1
    : (p: ParamImportance): number => (p.spearman === undefined ? -1 : Math.abs(p.spearman));
  result.params.sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name));
  return result;
}

