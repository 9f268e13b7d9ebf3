import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatElapsed, formatTimeTicks, formatWallTick, timeTickStep, timeTicks } from '../../../webview/compare/timeAxis';

const utc = (): number => 0;
const plus2h = (): number => 120;

test('relative time: a run of a few seconds gets distinct sub-second labels, not 0s 0s 0s', () => {
  const ticks = timeTicks(0, 2.4, 8, 'relative');
  const labels = formatTimeTicks(ticks, 'relative');
  assert.deepEqual(labels, ['0.0s', '0.5s', '1.0s', '1.5s', '2.0s']);
  assert.equal(new Set(labels).size, labels.length);
});

test('relative time: a run of 0.05 s still gets distinct labels', () => {
  const labels = formatTimeTicks(timeTicks(0, 0.05, 6, 'relative'), 'relative');
  assert.deepEqual(labels, ['0.00s', '0.01s', '0.02s', '0.03s', '0.04s', '0.05s']);
});

test('relative time: minutes, hours and weeks read in their own units', () => {
  assert.deepEqual(formatTimeTicks(timeTicks(0, 100, 8, 'relative'), 'relative'), ['0s', '15s', '30s', '45s', '1m', '1m 15s', '1m 30s']);
  assert.deepEqual(formatTimeTicks(timeTicks(0, 4 * 3600, 6, 'relative'), 'relative'), ['0h', '1h', '2h', '3h', '4h']);
  assert.deepEqual(formatTimeTicks(timeTicks(0, 3 * 86400, 8, 'relative'), 'relative'), ['0h', '12h', '1d', '1d 12h', '2d', '2d 12h', '3d']);
  const weeks = formatTimeTicks(timeTicks(0, 21 * 86400, 6, 'relative'), 'relative');
  assert.deepEqual(weeks, ['0d', '7d', '14d', '21d']);
});

test('relative time: every tick label on an axis differs, whatever the span', () => {
  for (const span of [0.003, 0.7, 5, 59, 61, 599, 3601, 86_399, 86_401, 1e6, 3e7, 1e9]) {
    for (const maxTicks of [4, 6, 8, 10]) {
      const ticks = timeTicks(0, span, maxTicks, 'relative');
      const labels = formatTimeTicks(ticks, 'relative');
      assert.ok(ticks.length >= 1 && ticks.length <= maxTicks, `span ${span}: ${ticks.length} ticks for at most ${maxTicks}`);
      assert.equal(new Set(labels).size, labels.length, `span ${span}, ${maxTicks} ticks: ${labels.join(' | ')}`);
    }
  }
});

test('the step grows with the span and never exceeds the tick budget', () => {
  assert.equal(timeTickStep(10, 11), 1);
  assert.equal(timeTickStep(100, 8), 15);
  assert.equal(timeTickStep(7200, 5), 30 * 60);
  assert.equal(timeTickStep(14 * 86400, 3), 7 * 86400);
  assert.equal(timeTickStep(0, 8), 1, 'a zero span still has a step');
});

test('wall time: a short run repeats no label and shows the date once', () => {
  const start = Date.UTC(2026, 10, 30, 14, 5, 3);
  const ticks = timeTicks(start, start + 20_000, 6, 'wall', utc);
  const labels = formatTimeTicks(ticks, 'wall', utc);
  assert.deepEqual(labels, ['Nov 30 14:05:05', '14:05:10', '14:05:15', '14:05:20']);
});

test('wall time: hours across midnight show the new date where the day changes', () => {
  const start = Date.UTC(2026, 10, 30, 20, 0, 0);
  const labels = formatTimeTicks(timeTicks(start, start + 8 * 3600_000, 5, 'wall', utc), 'wall', utc);
  assert.deepEqual(labels, ['Nov 30 20:00', '22:00', 'Dec 1 00:00', '02:00', '04:00']);
});

test('wall time: ticks fall on the local clock, not on UTC', () => {
  const start = Date.UTC(2026, 10, 30, 9, 50, 0);
  const labels = formatTimeTicks(timeTicks(start, start + 3600_000, 5, 'wall', plus2h), 'wall', plus2h);
  assert.deepEqual(labels, ['Nov 30 12:00', '12:15', '12:30', '12:45']);
});

test('wall time: weeks of a run show dates, and the year where it changes', () => {
  const start = Date.UTC(2026, 11, 20);
  const labels = formatTimeTicks(timeTicks(start, start + 20 * 86400_000, 8, 'wall', utc), 'wall', utc);
  assert.deepEqual(labels, ['Dec 24', 'Dec 31', 'Jan 7 2027']);
  const days = formatTimeTicks(timeTicks(start, start + 4 * 86400_000, 8, 'wall', utc), 'wall', utc);
  assert.deepEqual(days, ['Dec 20', 'Dec 21', 'Dec 22', 'Dec 23', 'Dec 24']);
});

test('elapsed labels: units down to the step, zero parts left out', () => {
  assert.equal(formatElapsed(0, 1), '0s');
  assert.equal(formatElapsed(3725, 5), '1h 2m 5s');
  assert.equal(formatElapsed(3720, 60), '1h 2m');
  assert.equal(formatElapsed(90000, 3600), '1d 1h');
  assert.equal(formatElapsed(-30, 15), '-30s');
  assert.equal(formatWallTick(Number.NaN, 1, undefined, utc), 'NaN');
});
