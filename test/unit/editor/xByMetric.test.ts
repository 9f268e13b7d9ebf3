import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { pairByStep } from '../../../src/vscode/webviews/compare/xByMetric';

test('x by metric: each step takes the x metric logged at that step', () => {
  const paired = pairByStep([0, 1, 2], [100, 200, 300], [0, 1, 2], [0.9, 0.5, 0.1]);
  assert.deepEqual(paired, { x: [100, 200, 300], y: [0.9, 0.5, 0.1] });
});

test('x by metric: an x metric logged less often holds its value for the steps after it', () => {
  // epoch logged at steps 0 and 10; loss every 5 steps.
  const paired = pairByStep([0, 10], [0, 1], [0, 5, 10, 15], [4, 3, 2, 1]);
  assert.deepEqual(paired, { x: [0, 0, 1, 1], y: [4, 3, 2, 1] });
});

test('x by metric: points before the first x value, or at a non-finite x, are left out', () => {
  const paired = pairByStep([3, 4], [Number.NaN, 7], [0, 1, 3, 4, 5], [1, 2, 3, 4, 5]);
  assert.deepEqual(paired, { x: [7, 7], y: [4, 5] });
});

test('x by metric: a decreasing x metric is put in x order, ties in step order; non-finite y kept', () => {
  const paired = pairByStep([0, 1, 2, 3], [5, 3, 3, 1], [0, 1, 2, 3], [10, 11, Number.NaN, 13]);
  assert.deepEqual(paired.x, [1, 3, 3, 5]);
  assert.deepEqual(paired.y, [13, 11, Number.NaN, 10]);
});

test('x by metric: the same step logged twice uses its last x value', () => {
  assert.deepEqual(pairByStep([0, 0, 1], [1, 2, 3], [0, 1], [9, 8]), { x: [2, 3], y: [9, 8] });
});
