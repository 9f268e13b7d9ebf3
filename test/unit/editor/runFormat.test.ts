import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatAge, formatNumber, keyMetricOf, runDescription } from '../../../src/vscode/runFormat';
import type { RunRow } from '../../../src/core/model';

function row(overrides: Partial<RunRow> = {}): RunRow {
  return {
    id: 'r1', experiment: 'demo', name: 'brave-otter', status: 'finished', startedAt: 0, lastEventAt: 0, notes: '', tags: [],
    params: {}, metrics: {}, skippedLines: 0, ...overrides,
  };
}

test('numbers are short and non-finite values stay visible', () => {
  assert.equal(formatNumber(0.123456), '0.1235');
  assert.equal(formatNumber(42), '42');
  assert.equal(formatNumber(1e-7), '1.000e-7');
  assert.equal(formatNumber(Number.NaN), 'NaN');
  assert.equal(formatNumber(-Infinity), '-∞');
});

test('ages read as a person would say them', () => {
  assert.equal(formatAge(0, 30_000), '30s ago');
  assert.equal(formatAge(0, 5 * 60_000), '5m ago');
  assert.equal(formatAge(0, 3 * 3600_000), '3h ago');
  assert.equal(formatAge(0, 72 * 3600_000), '3d ago');
});

test('the key metric is the configured one, else the first non-system metric', () => {
  const summary = { last: 1, min: 0, max: 2, count: 3, lastStep: 2 };
  const run = row({ metrics: { 'system/cpu': summary, val_acc: { ...summary, last: 0.9 }, loss: { ...summary, last: 0.25 } } });
  assert.deepEqual(keyMetricOf(run, '')?.[0], 'loss');
  assert.deepEqual(keyMetricOf(run, 'val_acc')?.[0], 'val_acc');
  assert.deepEqual(keyMetricOf(run, 'missing')?.[0], 'loss');
  assert.equal(keyMetricOf(row({ metrics: {} }), ''), undefined);
  assert.equal(runDescription(run, '', 60_000), 'loss 0.25 · 1m ago');
  assert.match(runDescription({ ...run, status: 'running' }, '', 90_000), /^loss 0\.25 · running 1m 30s$/);
});
