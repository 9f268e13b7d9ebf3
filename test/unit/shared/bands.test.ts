import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { aggregateSeries, type Series } from '../../../src/shared/webviews/compare/bands';

const s = (xs: number[], ys: number[]): Series => ({ xs: Float64Array.from(xs), ys: Float64Array.from(ys) });
const arr = (a: ArrayLike<number>): number[] => Array.from(a);
const close = (actual: ArrayLike<number>, expected: number[], what: string): void => {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `${what}[${i}] is NaN (got ${a})`);
    else assert.ok(Math.abs(a - e) < 1e-9, `${what}[${i}]: ${a} ≈ ${e}`);
  }
};

test('aligned series: mean with min–max band, and median with ± std band (population std, checked by hand)', () => {
  const runs = [s([0, 1, 2], [1, 2, 3]), s([0, 1, 2], [3, 4, 5]), s([0, 1, 2], [2, 9, 4])];
  const mm = aggregateSeries(runs, { center: 'mean', band: 'minmax' });
  assert.deepEqual(arr(mm.xs), [0, 1, 2]);
  close(mm.center, [2, 5, 4], 'mean');
  close(mm.lower, [1, 2, 3], 'min');
  close(mm.upper, [3, 9, 5], 'max');
  assert.deepEqual(arr(mm.counts), [3, 3, 3]);
  const md = aggregateSeries(runs, { center: 'median', band: 'std' });
  close(md.center, [2, 4, 4], 'median');
  // step 1: values 2, 4, 9 → mean 5, population variance (9 + 1 + 16) / 3.
  const sd1 = Math.sqrt(26 / 3);
  const sd0 = Math.sqrt(2 / 3);
  close(md.lower, [2 - sd0, 4 - sd1, 4 - sd0], 'median − std');
  close(md.upper, [2 + sd0, 4 + sd1, 4 + sd0], 'median + std');
});

test('median of an even count is the middle two values\' mean', () => {
  const band = aggregateSeries([s([0], [1]), s([0], [10]), s([0], [3]), s([0], [4])], { center: 'median', band: 'minmax' });
  close(band.center, [3.5], 'median');
});

test('uneven step grids: each run is interpolated linearly at the other runs\' steps, within its own first and last step', () => {
  // Run A logs every 2 steps, B every 3 steps: the grid is the union of their steps.
  const a = s([0, 2, 4, 6], [0, 2, 4, 6]);
  const b = s([0, 3, 6], [10, 13, 16]);
  const band = aggregateSeries([a, b], { center: 'mean', band: 'minmax' });
  assert.deepEqual(arr(band.xs), [0, 2, 3, 4, 6]);
  // A at 3 is 3 (between 2 and 4); B at 2 is 12, at 4 is 14.
  close(band.center, [5, 7, 8, 9, 11], 'mean');
  close(band.lower, [0, 2, 3, 4, 6], 'min');
  close(band.upper, [10, 12, 13, 14, 16], 'max');
  assert.deepEqual(arr(band.counts), [2, 2, 2, 2, 2]);
});

test('different lengths: past a run\'s last step (or before its first) only the runs still going count', () => {
  const long = s([0, 1, 2, 3], [1, 1, 1, 1]);
  const short = s([0, 1], [3, 3]);
  const late = s([2, 3], [5, 5]);
  const band = aggregateSeries([long, short, late], { center: 'mean', band: 'minmax' });
  assert.deepEqual(arr(band.xs), [0, 1, 2, 3]);
  assert.deepEqual(arr(band.counts), [2, 2, 2, 2]);
  close(band.center, [2, 2, 3, 3], 'mean');
  close(band.upper, [3, 3, 5, 5], 'max');
});

test('missing steps inside a run are bridged by interpolation; NaN and ±Infinity values are left out, not averaged', () => {
  const gap = s([0, 10], [0, 10]); // logged at 0 and 10 only
  const diverged = s([0, 5, 10], [2, Number.NaN, Number.POSITIVE_INFINITY]);
  const steady = s([0, 5, 10], [4, 4, 4]);
  const band = aggregateSeries([gap, diverged, steady], { center: 'mean', band: 'minmax' });
  assert.deepEqual(arr(band.xs), [0, 5, 10]);
  // At 5: gap interpolates 5, diverged logged NaN (left out), steady 4. At 10: +Infinity left out.
  assert.deepEqual(arr(band.counts), [3, 2, 2]);
  close(band.center, [2, 4.5, 7], 'mean');
  close(band.lower, [0, 4, 4], 'min');
  close(band.upper, [4, 5, 10], 'max');
});

test('a run is not interpolated across its own non-finite points (a NaN neighbour leaves that x out for it)', () => {
  const a = s([0, 2], [Number.NaN, 2]);
  const b = s([0, 1, 2], [0, 1, 2]);
  const band = aggregateSeries([a, b], { center: 'mean', band: 'minmax' });
  assert.deepEqual(arr(band.counts), [1, 1, 2]);
  close(band.center, [0, 1, 2], 'mean');
});

test('an x where no run has a finite value is a gap (NaN), so the group line breaks there', () => {
  const band = aggregateSeries([s([0, 1, 2], [1, Number.NaN, 3]), s([0, 1, 2], [3, Number.NEGATIVE_INFINITY, 5])], { center: 'mean', band: 'std' });
  close(band.center, [2, Number.NaN, 4], 'mean');
  close(band.lower, [1, Number.NaN, 3], 'mean − std');
  assert.deepEqual(arr(band.counts), [2, 0, 2]);
});

test('a one-run group is that run: its line, a band of zero width', () => {
  const band = aggregateSeries([s([0, 3, 7], [5, 1, 2])], { center: 'mean', band: 'std' });
  assert.deepEqual(arr(band.xs), [0, 3, 7]);
  close(band.center, [5, 1, 2], 'center');
  close(band.lower, [5, 1, 2], 'lower');
  close(band.upper, [5, 1, 2], 'upper');
});

test('no runs, or runs without points, give an empty band', () => {
  assert.equal(aggregateSeries([], { center: 'mean', band: 'minmax' }).xs.length, 0);
  assert.equal(aggregateSeries([s([], [])], { center: 'mean', band: 'minmax' }).xs.length, 0);
});

test('a duplicated x within a run counts once (its last value at that x)', () => {
  const band = aggregateSeries([s([0, 1, 1, 2], [0, 5, 7, 2]), s([0, 1, 2], [0, 1, 2])], { center: 'mean', band: 'minmax' });
  assert.deepEqual(arr(band.xs), [0, 1, 2]);
  close(band.center, [0, 4, 2], 'mean');
});

test('more distinct x than maxPoints (e.g. wall time): an even grid of maxPoints over the runs\' span', () => {
  const a = s([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const b = s([0.5, 10.5], [0.5, 10.5]);
  const band = aggregateSeries([a, b], { center: 'mean', band: 'minmax', maxPoints: 5 });
  assert.deepEqual(arr(band.xs), [0, 2.625, 5.25, 7.875, 10.5]);
  // At 0 only a (b starts at 0.5); at 10.5 only b (a ends at 10).
  assert.deepEqual(arr(band.counts), [1, 2, 2, 2, 1]);
  close(band.center, [0, 2.625, 5.25, 7.875, 10.5], 'mean');
});

test('at scale: 10 runs of 1,000 steps with shifted grids keep the points in x order and finite where a run reaches', () => {
  const runs = Array.from({ length: 10 }, (_, r) => {
    const xs = Float64Array.from({ length: 1000 }, (_, i) => i * (1 + r / 10) + r);
    return { xs, ys: xs.map((x) => Math.sin(x / 50) + r) };
  });
  const band = aggregateSeries(runs, { center: 'mean', band: 'minmax', maxPoints: 2000 });
  assert.equal(band.xs.length, 2000);
  for (let i = 1; i < band.xs.length; i++) assert.ok((band.xs[i] as number) > (band.xs[i - 1] as number));
  for (let i = 0; i < band.xs.length; i++) {
    assert.ok((band.counts[i] as number) >= 1, `some run reaches x=${band.xs[i]}`);
    assert.ok((band.lower[i] as number) <= (band.center[i] as number) && (band.center[i] as number) <= (band.upper[i] as number));
  }
});
