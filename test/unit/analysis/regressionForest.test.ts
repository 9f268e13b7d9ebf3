import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fitForest } from '../../../src/core/analysis/regressionForest';
import { prng } from '../../fixtures/prng';

const options = { trees: 1, maxDepth: 5, minSamples: 3, seed: 1, bootstrap: false };

describe('regression forest (own CART: best split by the decrease in squared error)', () => {
  it('a step in one feature: one split at the midpoint between the two sides, all the importance there', () => {
    const X = [[1, 7], [2, 7], [3, 7], [4, 7], [5, 7], [6, 7], [7, 7], [8, 7]];
    const y = [0, 0, 0, 0, 10, 10, 10, 10];
    const forest = fitForest(X, y, options);
    assert.deepEqual(forest.importance, [1, 0]);
    const tree = forest.trees[0];
    assert.ok(tree && tree.kind === 'split');
    assert.equal(tree.feature, 0);
    assert.equal(tree.threshold, 4.5);
    assert.equal(forest.predict([2, 7]), 0);
    assert.equal(forest.predict([6, 0]), 10);
  });

  it('the decrease in squared error per feature, checked by hand', () => {
    // Root SSE of y = [0, 2, 10, 12] is 100 (mean 6). Feature 1 splits {0,2} | {10,12}: SSE 2 + 2, decrease 96.
    // Each side (2 rows) is below minSamples 3, so no further split: importance [0, 1].
    const forest = fitForest([[5, 1], [5, 2], [5, 3], [5, 4]], [0, 2, 10, 12], options);
    assert.deepEqual(forest.importance, [0, 1]);
    assert.equal(forest.trees[0]?.kind, 'split');
  });

  it('never splits between tied values: the best split that keeps ties together, checked by hand', () => {
    // y = [0, 0, 10, 10, 10, 10] (SSE 133.33) on x = [1, 1, 1, 2, 2, 3]. Cutting inside the ties of x = 1 (after the
    // two 0s) would leave no error at all, but a threshold cannot tell equal values apart. Of the real splits, x < 1.5
    // leaves [0, 0, 10] | [10, 10, 10] (SSE 66.67) and x < 2.5 leaves [0, 0, 10, 10, 10] | [10] (SSE 120).
    const forest = fitForest([[1], [1], [1], [2], [2], [3]], [0, 0, 10, 10, 10, 10], options);
    const tree = forest.trees[0];
    assert.ok(tree && tree.kind === 'split');
    assert.equal(tree.threshold, 1.5);
    // The left side's three rows all have x = 1: no split is possible there, so it is a leaf of their mean.
    assert.deepEqual(tree.left, { kind: 'leaf', value: 10 / 3 });
    assert.deepEqual(tree.right, { kind: 'leaf', value: 10 });
    assert.deepEqual(forest.importance, [1]);
  });

  it('no split when every value is the same or every feature is constant: importance all 0, the mean as prediction', () => {
    const constant = fitForest([[1], [1], [1], [1]], [3, 5, 7, 9], options);
    assert.deepEqual(constant.importance, [0]);
    assert.equal(constant.predict([1]), 6);
    assert.deepEqual(fitForest([[1], [2], [3]], [4, 4, 4], options).importance, [0]);
  });

  it('a dominant feature gets most of a bootstrapped forest\'s importance; the same seed gives the same forest', () => {
    const rnd = prng(7);
    const X = Array.from({ length: 200 }, () => [rnd(), rnd(), rnd()]);
    const y = X.map(([a = 0, b = 0]) => 5 * a + 0.5 * b + 0.05 * rnd());
    const settings = { trees: 16, maxDepth: 5, minSamples: 3, seed: 42, bootstrap: true };
    const forest = fitForest(X, y, settings);
    const [a = 0, b = 0, c = 0] = forest.importance;
    assert.ok(Math.abs(a + b + c - 1) < 1e-9, 'shares add up to 1');
    assert.ok(a > 0.8 && a > b && b > c, `importance ${forest.importance.join(', ')}`);
    assert.deepEqual(fitForest(X, y, settings).importance, forest.importance);
    assert.notDeepEqual(fitForest(X, y, { ...settings, seed: 43 }).importance, forest.importance);
  });

  it('maxDepth bounds the tree', () => {
    const X = Array.from({ length: 64 }, (_, i) => [i]);
    const y = X.map(([x = 0]) => x * x);
    const depth = (node: unknown): number => {
      const n = node as { kind: string; left?: unknown; right?: unknown };
      return n.kind === 'split' ? 1 + Math.max(depth(n.left), depth(n.right)) : 0;
    };
    assert.equal(depth(fitForest(X, y, { ...options, maxDepth: 2 }).trees[0]), 2);
  });
});
