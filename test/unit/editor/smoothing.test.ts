import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { smooth, smoothInto } from '../../../webview/compare/smoothing';

test('weight 0 returns the values unchanged', () => {
  assert.deepEqual(smooth([1, 2, 3], 0), [1, 2, 3]);
});

test('debiased EMA: the first point is the value itself, later points are pulled towards history', () => {
  const out = smooth([10, 0, 0], 0.5);
  assert.equal(out[0], 10);
  // After two points: last = 10·0.5·0.5 = 2.5 and debias = 0.5 + 0.25 = 0.75.
  assert.ok(Math.abs((out[1] as number) - (0.5 * 0.5 * 10) / 0.75) < 1e-12);
  assert.ok((out[2] as number) < (out[1] as number));
});

test('non-finite points pass through and do not poison the average', () => {
  const out = smooth([1, Number.NaN, null, 1], 0.9);
  assert.ok(Number.isNaN(out[1] as number));
  assert.equal(out[2], null);
  assert.ok(Math.abs((out[3] as number) - 1) < 1e-12);
});

test('smoothInto: the same values as smooth, written into the given buffer (nothing allocated per redraw)', () => {
  const values = Float64Array.from([1, 4, Number.NaN, 2, 8, Number.POSITIVE_INFINITY, 3, 0.5]);
  const out = new Float64Array(values.length);
  for (const weight of [0, 0.3, 0.9, 0.999, 1.5]) {
    out.fill(-7);
    const written = smoothInto(values, weight, out);
    assert.equal(written, out, 'the buffer given is the buffer returned');
    const expected = weight <= 0 ? values : smooth(values, weight);
    assert.deepEqual([...written], [...expected], `weight ${weight}`);
  }
  assert.throws(() => smoothInto(values, 0.5, new Float64Array(3)), /8 values into 3 slots/);
});
