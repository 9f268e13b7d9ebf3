import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { smooth } from '../../../webview/compare/smoothing';

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
