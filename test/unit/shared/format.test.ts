import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatAge, formatBytes, formatCount, formatDate, formatDuration, formatNumber, formatValue } from '../../../src/shared/format';

// One table drives the formatter: every surface (trees, tooltips, CLI, webviews) shows exactly these texts.
const numbers: Array<[number, string]> = [
  [0, '0'], [-0, '0'], [42, '42'], [-7, '-7'], [123456789, '123456789'], [1e9, '1e+9'],
  [0.123456, '0.1235'], [0.12346, '0.1235'], [0.5, '0.5'], [1.23456, '1.235'], [-1.23456, '-1.235'],
  [12.3456, '12.35'], [123.456, '123.5'], [12345.6, '12346'], [999999.5, '1000000'], [1234567.8, '1.235e+6'],
  [0.001, '0.001'], [0.00099999, '1e-3'], [1e-7, '1e-7'], [1.5e-5, '1.5e-5'], [2.5, '2.5'],
  [Number.NaN, 'NaN'], [Infinity, '∞'], [-Infinity, '-∞'],
];

test('numbers: one table of cases', () => {
  for (const [value, text] of numbers) assert.equal(formatNumber(value), text, `formatNumber(${value})`);
});

test('values: numbers formatted, strings kept, the rest as JSON', () => {
  assert.equal(formatValue(0.123456), '0.1235');
  assert.equal(formatValue('adam'), 'adam');
  assert.equal(formatValue(true), 'true');
  assert.equal(formatValue(null), 'null');
  assert.equal(formatValue([1, 'a']), '[1,"a"]');
  assert.equal(formatValue({ a: 1 }), '{"a":1}');
  assert.equal(formatValue(undefined), '');
});

test('durations: one table of cases', () => {
  const cases: Array<[number, string]> = [
    [0, '0 ms'], [850, '850 ms'], [1000, '1s'], [42_400, '42s'], [59_600, '1m 00s'], [65_000, '1m 05s'],
    [3_599_000, '59m 59s'], [3_780_000, '1h 03m'], [86_400_000, '1d 00h'], [4 * 86_400_000 + 4 * 3_600_000, '4d 04h'],
    [-1, '—'], [Number.NaN, '—'],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `formatDuration(${ms})`);
});

test('bytes: binary units, named as such', () => {
  const cases: Array<[number, string]> = [
    [0, '0 B'], [512, '512 B'], [1023, '1023 B'], [1024, '1.0 KiB'], [1536, '1.5 KiB'], [95_734_784, '91.3 MiB'],
    [1.5 * 1024 ** 3, '1.5 GiB'], [2 * 1024 ** 4, '2.0 TiB'], [-1, '—'],
  ];
  for (const [n, text] of cases) assert.equal(formatBytes(n), text, `formatBytes(${n})`);
});

test('ages and counts', () => {
  assert.equal(formatAge(0, 30_000), '30s ago');
  assert.equal(formatAge(0, 5 * 60_000), '5m ago');
  assert.equal(formatAge(0, 3 * 3600_000), '3h ago');
  assert.equal(formatAge(0, 72 * 3600_000), '3d ago');
  assert.equal(formatAge(10_000, 0), '0s ago');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(Number.NaN), 'NaN');
});

test('dates: local time, fixed width', () => {
  const d = new Date(2026, 10, 3, 4, 5, 6).getTime();
  assert.equal(formatDate(d), '2026-11-03 04:05:06');
  assert.equal(formatDate(0), '—');
  assert.equal(formatDate(Number.NaN), '—');
});
