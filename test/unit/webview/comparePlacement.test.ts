// Where a line's points land (webview/compare/placement.ts), vertex by vertex: the points of one pixel column
// collapse to its extremes in x order and where the column ended, a column within one device pixel to its first
// point, a gap (NaN, or a non-positive value on a log scale) lifts the pen, and a point alone between gaps is a dot.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { placeLine } from '../../../webview/compare/placement';
import type { MappedScale } from '../../../webview/compare/pixelMap';

/** A linear scale placing value v at offset + slope × v (a log scale: of log10 v), as Chart.js would. */
function scale(type: 'linear' | 'logarithmic', min: number, max: number, offset: number, slope: number): MappedScale {
  const at = (v: number): number => offset + slope * (type === 'logarithmic' ? Math.log10(v) : v);
  return { type, min, max, getPixelForValue: at };
}

const x = scale('linear', 0, 100, 0, 1);
const y = scale('linear', 0, 100, 100, -1);

function placed(xs: number[], ys: number[], yScale: MappedScale = y, pixel = 1): { path: string[]; dots: number[] } {
  const path: string[] = [];
  const sink = { moveTo: (px: number, py: number) => { path.push(`M${px},${py}`); }, lineTo: (px: number, py: number) => { path.push(`L${px},${py}`); } };
  const dots = placeLine(sink, Float64Array.from(xs), Float64Array.from(ys), x, yScale, pixel);
  return { path, dots };
}

test('placement: the points of one pixel column become its two extremes in x order, then where it ended', () => {
  // Column 10 holds 50 → 80 → 20 → 40 (pixels 50, 20, 80, 60): its highest value came first, its lowest after.
  const { path, dots } = placed([0, 10, 10.1, 10.2, 10.3, 20], [0, 50, 80, 20, 40, 0]);
  assert.deepEqual(path, ['M0,100', 'L10,50', 'L10,20', 'L10,80', 'L10,60', 'L20,100']);
  assert.deepEqual(dots, []);
});

test('placement: the lowest value first, then the highest (the other order)', () => {
  const { path } = placed([0, 10, 10.1, 10.2, 20], [0, 50, 20, 80, 0]);
  assert.deepEqual(path, ['M0,100', 'L10,50', 'L10,80', 'L10,20', 'L20,100']);
});

test('placement: a column that ends on an extreme draws it once', () => {
  const { path } = placed([0, 10, 10.1, 10.2, 20], [0, 50, 80, 20, 0]);
  assert.deepEqual(path, ['M0,100', 'L10,50', 'L10,20', 'L10,80', 'L20,100']);
});

test('placement: a column whose points lie within one device pixel keeps only its first point', () => {
  const { path } = placed([0, 10, 10.1, 10.2, 20], [0, 50, 50.3, 50.6, 0]);
  assert.deepEqual(path, ['M0,100', 'L10,50', 'L20,100']);
  // At a quarter CSS pixel per device pixel the same column spreads over more than a pixel: its top (49.4) stays,
  // its first point (10, 50) lies within the straightening tolerance of the segment there and is dropped.
  assert.deepEqual(placed([0, 10, 10.1, 10.2, 20], [0, 50, 50.3, 50.6, 0], y, 0.25).path, ['M0,100', 'L10,49.4', 'L20,100']);
});

test('placement: a gap lifts the pen, a point alone between gaps is a dot, and a line ending in a column closes it', () => {
  const { path, dots } = placed([0, 10, 20, 30, 40, 50, 50.2], [0, 50, Number.NaN, 30, Number.NaN, 10, 90]);
  assert.deepEqual(path, ['M0,100', 'L10,50', 'M30,70', 'M50,90', 'L50,10']);
  assert.deepEqual(dots, [30, 70]);
});

test('placement: on a log scale a value at or below zero is a gap', () => {
  const log = scale('logarithmic', 1, 1000, 100, -25);
  const { path, dots } = placed([0, 10, 20, 30, 40], [10, 100, 0, 1000, -1], log);
  assert.deepEqual(path, ['M0,75', 'L10,50', 'M30,25']);
  assert.deepEqual(dots, [30, 25]);
});

test('placement: a line drawn twice places the same vertices (no state kept between lines)', () => {
  const xs = Array.from({ length: 500 }, (_, i) => i / 5);
  const ys = xs.map((v) => 50 + 40 * Math.sin(v * 3));
  assert.deepEqual(placed(xs, ys), placed(xs, ys));
});

test('placement: a scale without an affine map (pixel alignment) places each point by its own lookup', () => {
  const aligned: MappedScale = { type: 'linear', min: 0, max: 100, options: { alignToPixels: true }, getPixelForValue: (v: number) => 100 - Math.round(v) };
  const { path } = placed([0, 10, 20], [0, 50.4, 0], aligned);
  assert.deepEqual(path, ['M0,100', 'L10,50', 'L20,100']);
  // A log axis without a map still leaves out values at or below zero.
  const logAligned: MappedScale = { type: 'logarithmic', min: 1, max: 1000, options: { alignToPixels: true }, getPixelForValue: (v: number) => 100 - 25 * Math.log10(v) };
  assert.deepEqual(placed([0, 10, 20], [10, 0, 100], logAligned), { path: ['M0,75', 'M20,50'], dots: [0, 75, 20, 50] });
});
