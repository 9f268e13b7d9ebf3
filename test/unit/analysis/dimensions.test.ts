import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { defaultAxes, extractDimensions, LOG_SCALE_RATIO, type Dimension } from '../../../src/core/analysis/dimensions';
import { metric, row } from './rows';

function dim(dims: readonly Dimension[], key: string): Dimension {
  const d = dims.find((x) => x.key === key);
  assert.ok(d, `dimension ${key}`);
  return d;
}

const nan = (v: number | undefined): boolean => v !== undefined && Number.isNaN(v);

describe('analysis dimensions', () => {
  it('numbers are numeric, log-scaled only when all positive and spanning two decades', () => {
    const { dimensions } = extractDimensions([
      row(0, { lr: 1e-4, depth: 2, shift: -1, narrow: 1 }),
      row(1, { lr: 1e-2, depth: 8, shift: 5, narrow: LOG_SCALE_RATIO - 1 }),
    ]);
    assert.equal(dim(dimensions, 'param.lr').scale, 'log');
    assert.equal(dim(dimensions, 'param.depth').scale, 'linear');
    assert.equal(dim(dimensions, 'param.shift').scale, 'linear', 'a value below zero cannot be log-scaled');
    assert.equal(dim(dimensions, 'param.narrow').scale, 'linear', 'just under the ratio');
    assert.deepEqual([...dim(dimensions, 'param.lr').values], [1e-4, 1e-2]);
  });

  it('missing, null, NaN and infinite values are missing (NaN in the column), and do not make an axis categorical', () => {
    const { dimensions } = extractDimensions([
      row(0, { lr: 0.1 }, { loss: 1 }),
      row(1, { lr: null }, { loss: Number.NaN }),
      row(2, {}, { loss: metric(Number.POSITIVE_INFINITY) }),
      row(3, { lr: Number.NaN }, {}),
      row(4, { lr: 0.3 }, { loss: 2 }),
    ]);
    const lr = dim(dimensions, 'param.lr');
    assert.equal(lr.scale, 'linear');
    assert.equal(lr.present, 2);
    assert.deepEqual([...lr.values].map((v) => (Number.isNaN(v) ? 'NaN' : v)), [0.1, 'NaN', 'NaN', 'NaN', 0.3]);
    const loss = dim(dimensions, 'metric.loss');
    assert.equal(loss.present, 2);
    assert.ok(nan(loss.values[1]) && nan(loss.values[2]) && nan(loss.values[3]));
  });

  it('mixed types across runs make a categorical axis: numbers first (by value, every digit), then text', () => {
    const { dimensions } = extractDimensions([
      row(0, { bs: 'auto' }), row(1, { bs: 64 }), row(2, { bs: 8 }), row(3, { bs: 0.00123456789 }), row(4, { bs: 'auto' }), row(5, { bs: true }),
    ]);
    const bs = dim(dimensions, 'param.bs');
    assert.equal(bs.scale, 'category');
    assert.equal(bs.mixed, true);
    assert.deepEqual(bs.categories, ['0.00123456789', '8', '64', 'auto', 'true']);
    assert.deepEqual([...bs.values], [3, 2, 1, 0, 3, 4]);
    assert.equal(bs.distinct, 5);
  });

  it('booleans, strings, lists and objects are categories; long text is kept whole (the page shortens it)', () => {
    const long = 'x'.repeat(10_000);
    const { dimensions } = extractDimensions([
      row(0, { amp: true, opt: 'sgd', layers: [64, 32], note: long }),
      row(1, { amp: false, opt: 'adam', layers: { a: 1 }, note: 'short' }),
    ]);
    assert.deepEqual(dim(dimensions, 'param.amp').categories, ['false', 'true']);
    assert.deepEqual(dim(dimensions, 'param.opt').categories, ['adam', 'sgd']);
    assert.deepEqual(dim(dimensions, 'param.layers').categories, ['[64,32]', '{"a":1}']);
    assert.deepEqual(dim(dimensions, 'param.note').categories.map((c) => c.length), [5, 10_000]);
  });

  it('metrics read their summary value (declared min/max, else last); summary values are their own dimensions', () => {
    const { dimensions } = extractDimensions([
      row(0, {}, { loss: metric(0.5, { min: 0.1, max: 0.9, summaryMode: 'min' }), acc: metric(0.7, { min: 0.2, max: 0.8 }) }, { best: 3 }),
    ]);
    assert.equal(dim(dimensions, 'metric.loss').values[0], 0.1);
    assert.equal(dim(dimensions, 'metric.acc').values[0], 0.7);
    assert.equal(dim(dimensions, 'summary.best').values[0], 3);
  });

  it('names like __proto__ and constructor are ordinary names; 300 params all become dimensions', () => {
    const params: Record<string, number> = {};
    for (let p = 0; p < 300; p++) params[`p${String(p).padStart(3, '0')}`] = p;
    const rows = [0, 1, 2].map((i) => row(i, { ...params, constructor: i, ['__proto__']: i * 2 }));
    const t0 = performance.now();
    const { dimensions, runs } = extractDimensions(rows);
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(runs.length, 3);
    assert.equal(dimensions.filter((d) => d.source === 'param').length, 302);
    assert.deepEqual([...dim(dimensions, 'param.__proto__').values], [0, 2, 4]);
    assert.deepEqual([...dim(dimensions, 'param.constructor').values], [0, 1, 2]);
    assert.ok(!dimensions.some((d) => d.name === 'toString'));
  });

  it('default axes: params that vary (8 at most), then metrics that vary (4 at most, no system/ ones)', () => {
    const rows = [0, 1].map((i) => row(i, { a: i, b: 1, c: `v${i}`, ...Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`z${k}`, i])) },
      { loss: i, 'system/gpu': i, flat: 1 }));
    const { dimensions } = extractDimensions(rows);
    assert.deepEqual(defaultAxes(dimensions), ['param.a', 'param.c', 'param.z0', 'param.z1', 'param.z2', 'param.z3', 'param.z4', 'param.z5', 'metric.loss']);
  });
});
