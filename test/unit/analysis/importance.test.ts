import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { extractDimensions } from '../../../src/core/analysis/dimensions';
import { FOREST_SAMPLE, FOREST_TREES, MAX_ONE_HOT, MIN_RUNS, MIN_RUNS_FOREST, paramImportance, type ParamImportance } from '../../../src/core/analysis/importance';
import type { MetricSummary, ParamValue, RunRow } from '../../../src/core/model';
import { analysisContract } from '../../../src/shared/webviews/analysis/contract';
import { prng } from '../../fixtures/prng';
import { REPO_ROOT } from '../workspaceFixture';
import { metric, row } from './rows';

function oracle(cases: Array<{ x: Array<number | null>; y: Array<number | null | 'NaN'> }>): Array<{ pearson: number; spearman: number }> {
  return JSON.parse(execFileSync('/usr/bin/python3', [join(REPO_ROOT, 'test', 'unit', 'analysisOracle.py')], { input: JSON.stringify(cases) }).toString()) as Array<{ pearson: number; spearman: number }>;
}

function param(result: { params: ParamImportance[] }, name: string): ParamImportance {
  const p = result.params.find((x) => x.name === name);
  assert.ok(p, `param ${name}`);
  return p;
}

/** A sweep where `lr` decides the loss, `depth` a little, `seed` nothing, `opt` not at all and `width` is constant. */
function sweep(n: number, seed = 3): RunRow[] {
  const rnd = prng(seed);
  const rows: RunRow[] = [];
  for (let i = 0; i < n; i++) {
    const lr = 10 ** (-4 + rnd() * 3);
    const depth = 1 + Math.floor(rnd() * 8);
    const loss = 2 * Math.log10(lr) + 0.2 * depth + rnd() * 0.5;
    rows.push(row(i, { lr, depth, seed: Math.floor(rnd() * 1000), opt: rnd() < 0.5 ? 'adam' : 'sgd', width: 64 }, { loss, acc: -loss }));
  }
  return rows;
}

describe('parameter importance', () => {
  it('the dominant param comes first with the forest, with the sign of its correlation; a constant param gets 0', () => {
    const result = paramImportance(extractDimensions(sweep(300)), 'metric.loss');
    assert.equal(result.note, undefined);
    // lr, depth, seed, and opt's two one-hot columns (the constant width is left out).
    assert.deepEqual(result.forest, { trees: FOREST_TREES, sampled: FOREST_SAMPLE, features: 5 });
    assert.equal(result.params[0]?.name, 'lr');
    assert.equal(result.params[1]?.name, 'depth');
    const lr = param(result, 'lr');
    assert.equal(lr.encoding, 'log10');
    assert.ok((lr.importance ?? 0) > 0.8, `lr importance ${String(lr.importance)}`);
    assert.ok((lr.spearman ?? 0) > 0.9 && (lr.pearson ?? 0) > 0.9);
    const acc = paramImportance(extractDimensions(sweep(300)), 'metric.acc');
    assert.ok((param(acc, 'lr').spearman ?? 0) < -0.9, 'the sign follows the metric');
    const width = param(result, 'width');
    assert.equal(width.importance, 0);
    assert.equal(width.pearson, undefined);
    assert.match(width.note ?? '', /same value/);
    const total = result.params.reduce((s, p) => s + (p.importance ?? 0), 0);
    assert.ok(Math.abs(total - 1) < 1e-9);
  });

  it('is the same every time for the same runs (seeded forest and sample)', () => {
    const a = paramImportance(extractDimensions(sweep(400)), 'metric.loss');
    const b = paramImportance(extractDimensions(sweep(400)), 'metric.loss');
    assert.deepEqual(a, b);
  });

  it('a categorical param with three values is one-hot encoded and can dominate; it has no correlation', () => {
    const rnd = prng(5);
    const rows = Array.from({ length: 120 }, (_, i) => {
      const model = ['cnn', 'mlp', 'vit'][i % 3] ?? 'cnn';
      const score = model === 'vit' ? 0.9 : model === 'cnn' ? 0.6 : 0.3;
      return row(i, { model, dropout: rnd() * 0.5 }, { score: score + rnd() * 0.05 });
    });
    const result = paramImportance(extractDimensions(rows), 'metric.score');
    assert.equal(result.params[0]?.name, 'model');
    const model = param(result, 'model');
    assert.equal(model.encoding, 'one-hot');
    assert.equal(model.spearman, undefined);
    assert.ok((model.importance ?? 0) > 0.8);
  });

  it('a two-valued categorical is encoded 0/1 in category order, so its correlation has a sign (Python oracle)', () => {
    const speedOf = (i: number): number => (i % 2 === 0 ? 10 : 5) + (i % 5) * 0.1;
    const rows = Array.from({ length: 40 }, (_, i) => row(i, { amp: i % 2 === 0 }, { speed: speedOf(i) }));
    const amp = param(paramImportance(extractDimensions(rows), 'metric.speed'), 'amp');
    assert.equal(amp.encoding, 'binary');
    // Ranks of a two-valued variable tie in two blocks: a perfect split is Spearman ≈ √3/2 here.
    assert.ok((amp.spearman ?? 0) > 0.85, 'true (the second category) goes with higher speed');
    // The same figures from Python's statistics on false = 0, true = 1.
    const [want] = oracle([{ x: rows.map((_, i) => (i % 2 === 0 ? 1 : 0)), y: rows.map((_, i) => speedOf(i)) }]);
    assert.ok(want);
    assert.ok(Math.abs((amp.pearson ?? 0) - want.pearson) < 1e-9, `pearson ${String(amp.pearson)} vs ${want.pearson}`);
    assert.ok(Math.abs((amp.spearman ?? 0) - want.spearman) < 1e-9, `spearman ${String(amp.spearman)} vs ${want.spearman}`);
  });

  it(`a categorical param with more than ${MAX_ONE_HOT} categories: a column for each of the ${MAX_ONE_HOT} most frequent, one for the rest`, () => {
    // 14 categories: c00…c09 in 10 runs each, c10…c13 in 2 runs each. Only the rare ones raise the score, so the
    // forest finds them through the shared "other" column (no single split on the frequent ones' columns can).
    const rnd = prng(8);
    const rows = Array.from({ length: 108 }, (_, i) => {
      const c = i < 100 ? Math.floor(i / 10) : 10 + Math.floor((i - 100) / 2);
      return row(i, { cat: `c${String(c).padStart(2, '0')}`, noise: rnd() }, { score: (c >= 10 ? 1 : 0) + rnd() * 0.01 });
    });
    const result = paramImportance(extractDimensions(rows), 'metric.score');
    const cat = param(result, 'cat');
    assert.equal(cat.encoding, 'one-hot');
    assert.equal(result.forest?.features, MAX_ONE_HOT + 1 + 1, 'ten category columns, the rest in one, and noise');
    assert.ok((cat.importance ?? 0) > 0.9, `cat importance ${String(cat.importance)}`);
  });

  it('runs without the metric, or with NaN, do not count; a param missing in some runs correlates over the rest (Python oracle)', () => {
    const rows = sweep(60, 9);
    const metricMissing = new Set([2, 5, 8, 13]);
    const nanMetric = new Set([21, 34]);
    const paramMissing = new Set([1, 3, 40, 41, 42]);
    const edited = rows.map((r, i) => {
      const params: Record<string, ParamValue> = { ...r.params };
      if (paramMissing.has(i)) delete params.depth;
      const loss = r.metrics.loss?.last ?? 0;
      const metrics: Record<string, number | MetricSummary> = metricMissing.has(i) ? {} : { loss: nanMetric.has(i) ? metric(Number.NaN) : metric(loss) };
      return row(i, params, metrics);
    });
    const result = paramImportance(extractDimensions(edited), 'metric.loss');
    assert.equal(result.runs, 60 - metricMissing.size - nanMetric.size);
    const depth = param(result, 'depth');
    const counted = edited.filter((_, i) => !metricMissing.has(i) && !nanMetric.has(i));
    assert.equal(depth.runs, counted.filter((r) => 'depth' in r.params).length);
    const x = edited.map((r) => (typeof r.params.depth === 'number' ? r.params.depth : null));
    const y = edited.map((r) => { const m = r.metrics.loss; return m === undefined ? null : Number.isNaN(m.last) ? 'NaN' : m.last; });
    const [want] = oracle([{ x, y }]);
    assert.ok(want);
    assert.ok(Math.abs((depth.pearson ?? 0) - want.pearson) < 1e-9, `pearson ${String(depth.pearson)} vs ${want.pearson}`);
    assert.ok(Math.abs((depth.spearman ?? 0) - want.spearman) < 1e-9);
  });

  it('too few runs: nothing below MIN_RUNS, correlations only below MIN_RUNS_FOREST', () => {
    const few = paramImportance(extractDimensions(sweep(MIN_RUNS - 1)), 'metric.loss');
    assert.deepEqual(few.params, []);
    assert.match(few.note ?? '', new RegExp(`Too few runs: ${MIN_RUNS - 1} of ${MIN_RUNS - 1} have a value of loss; importance needs at least ${MIN_RUNS}`));
    const some = paramImportance(extractDimensions(sweep(MIN_RUNS_FOREST - 1)), 'metric.loss');
    assert.equal(some.forest, undefined);
    assert.match(some.note ?? '', /Correlations only/);
    assert.equal(some.params[0]?.name, 'lr', 'sorted by |Spearman|');
    assert.equal(param(some, 'lr').importance, undefined);
  });

  it('a constant metric, a metric nobody has, and a categorical metric each get a clear note', () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(i, { a: i }, { flat: 1, kind: 1 }, i === 3 ? { label: 'x' } : { label: 2 }));
    assert.match(paramImportance(extractDimensions(rows), 'metric.flat').note ?? '', /same value in every run/);
    assert.match(paramImportance(extractDimensions(rows), 'metric.nope').note ?? '', /No runs have metric\.nope/);
    assert.match(paramImportance(extractDimensions(rows), 'summary.label').note ?? '', /not numeric in every run/);
  });

  it('values of any size: params and a metric near 1e300 or 1e-300 get the figures of the plain values, which fit the page\'s contract', () => {
    const plain = sweep(80, 4);
    const scaled = (k: number): RunRow[] => plain.map((r, i) => row(i,
      { ...r.params, lr: (r.params.lr as number) * k, depth: (r.params.depth as number) * k },
      { loss: (r.metrics.loss?.last ?? 0) * k }));
    const want = paramImportance(extractDimensions(plain), 'metric.loss');
    for (const k of [1e300, 1e-300]) {
      const got = paramImportance(extractDimensions(scaled(k)), 'metric.loss');
      assert.equal(analysisContract.toWebview.problem({ type: 'importance', result: { ...got, ms: 1 } }, 'message'), undefined, `×${k}: fits the contract`);
      for (const p of want.params) {
        const q = param(got, p.name);
        for (const figure of ['pearson', 'spearman', 'importance'] as const) {
          const a = p[figure];
          const b = q[figure];
          assert.ok(a === undefined ? b === undefined : b !== undefined && Math.abs(a - b) < 1e-9, `×${k} ${p.name} ${figure}: ${String(b)} vs ${String(a)}`);
        }
      }
    }
  });

  it('300 params and 2,000 runs: every param listed, the forest sees the 24 most associated', () => {
    const rnd = prng(11);
    const rows = Array.from({ length: 2000 }, (_, i) => {
      const params: Record<string, ParamValue> = {};
      for (let p = 0; p < 300; p++) params[`p${p}`] = rnd();
      params.p7 = (i % 10) / 10;
      return row(i, params, { loss: ((i % 10) / 10) * 3 + rnd() * 0.1 });
    });
    const result = paramImportance(extractDimensions(rows), 'metric.loss');
    assert.equal(result.params.length, 300);
    assert.equal(result.params[0]?.name, 'p7');
    assert.equal(result.params.filter((p) => p.importance !== undefined).length, 24);
    assert.ok(result.params.some((p) => /not in the forest/.test(p.note ?? '')));
  });
});
