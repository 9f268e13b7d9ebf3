import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { bestOf, cellValuesText, keyMetricOf, paramsLine, runDescription } from '../../../src/vscode/runFormat';
import type { RunRow } from '../../../src/core/model';

function row(overrides: Partial<RunRow> = {}): RunRow {
  return {
    id: 'r1', experiment: 'demo', name: 'brave-otter', status: 'finished', startedAt: 0, lastEventAt: 0, notes: '', tags: [],
    params: {}, metrics: {}, skippedLines: 0, ...overrides,
  };
}

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

test('only metrics the run logged count: __proto__, constructor and toString as names and as the setting', () => {
  const summary = { last: 7, min: 7, max: 7, count: 1, lastStep: 0 };
  // As the index builds rows: own properties, `__proto__` included (JSON.parse makes it an own property too).
  const metrics = JSON.parse('{"__proto__": {"last": 7, "min": 7, "max": 7, "count": 1, "lastStep": 0}}') as RunRow['metrics'];
  metrics.loss = { ...summary, last: 0.5 };
  const run = row({ metrics });
  assert.deepEqual(keyMetricOf(run, '__proto__'), ['__proto__', summary]);
  const plain = row({ metrics: { loss: { ...summary, last: 0.5 } } });
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    assert.deepEqual(keyMetricOf(plain, name)?.[0], 'loss', `keyMetric ${name}`);
    assert.equal(runDescription(plain, name, 60_000), 'loss 0.5 · 1m ago', `keyMetric ${name}`);
  }
  const named = row({ metrics: JSON.parse('{"constructor": {"last": 2, "min": 1, "max": 3, "count": 2, "lastStep": 1}, "toString": {"last": 4, "min": 4, "max": 4, "count": 1, "lastStep": 0}}') as RunRow['metrics'] });
  assert.deepEqual(keyMetricOf(named, 'toString')?.[1].last, 4);
  assert.deepEqual(keyMetricOf(named, '')?.[0], 'constructor');
});

test('params line: the first params with the shared number format', () => {
  assert.equal(paramsLine(row({ params: { lr: 0.000123456, optimizer: 'adam', layers: [64, 32], dropout: null } })), 'lr=1.235e-4  optimizer=adam  layers=[64,32]  dropout=null');
  assert.equal(paramsLine(row({ params: { a: 1, b: 2, c: 3 } }), 2), 'a=1  b=2');
});

test('a cell item shows the run\'s key metric first when the cell logged it, then the others by name', () => {
  const summary = { last: 1, min: 1, max: 1, count: 1, lastStep: 0 };
  const run = row({ metrics: { Alpha: summary, beta: summary, delta: summary } });
  const latest = JSON.parse('{"delta": 3, "beta": 0.25, "__proto__": 7, "Alpha": 0.5, "system/gpu": 1}') as Record<string, number>;
  assert.equal(cellValuesText(run, latest, ''), 'Alpha 0.5 · __proto__ 7 · beta 0.25');
  assert.equal(cellValuesText(run, latest, 'delta'), 'delta 3 · Alpha 0.5 · __proto__ 7');
  assert.equal(cellValuesText(run, latest, 'toString'), 'Alpha 0.5 · __proto__ 7 · beta 0.25');
  assert.equal(cellValuesText(row(), { loss: 0.123456 }, 'loss', 1), 'loss 0.1235');
});

test('best of the runs: the configured metric when any run logged it, in the direction it improves', () => {
  const m = (last: number, min = last, max = last) => ({ last, min, max, count: 1, lastStep: 0 });
  const newest = row({ metrics: { loss: m(0.5, 0.2, 0.9) } });
  const older = row({ metrics: { loss: m(0.3, 0.1, 0.4), acc: m(0.8, 0.5, 0.95) } });
  assert.deepEqual(bestOf([newest, older], ''), { metric: 'loss', value: 0.1 });
  assert.deepEqual(bestOf([newest, older], 'acc'), { metric: 'acc', value: 0.95 }, 'the newest run lacks it, an older one has it');
  assert.deepEqual(bestOf([newest, older], 'constructor'), { metric: 'loss', value: 0.1 });
  assert.equal(bestOf([row()], ''), undefined);
});

test('the key metric follows the sort, then the run\'s or its experiment\'s primary metric, then the setting, then a metric with a direction', () => {
  const m = (last: number, extra: Partial<RunRow['metrics'][string]> = {}) => ({ last, min: last / 2, max: last * 2, count: 3, lastStep: 2, ...extra });
  const metrics = { epoch: m(9.99), gpu_mem: m(3), lr: m(0.1), 'train/loss': m(0.3), 'val/acc': m(0.9), 'val/loss': m(0.4, { summaryMode: 'min' as const }) };
  const run = row({ metrics });
  const key = (choice: Parameters<typeof keyMetricOf>[1], r = run) => keyMetricOf(r, choice)?.[0];
  assert.equal(key({ configured: '', sort: '-metric.val/acc' }), 'val/acc');
  assert.equal(key({ configured: '', sort: '-val/acc' }), 'val/acc', 'a bare sort key names a metric too');
  assert.equal(key({ configured: 'val/loss', sort: 'metric.val/acc' }), 'val/acc', 'the sort wins over the setting');
  assert.equal(key({ configured: '', sort: '-started' }), 'train/loss', 'no metric sort, nothing declared: the first metric with a direction, not epoch');
  assert.equal(key({ configured: '', sort: 'param.lr' }), 'train/loss', 'a param sort is no metric');
  assert.equal(key({ configured: '', sort: '-metric.missing' }), 'train/loss');
  assert.equal(key({ configured: 'val/acc', sort: '-started' }), 'val/acc');
  assert.equal(key({ configured: 'val/acc', sort: '-started', experimentPrimary: 'val/loss' }), 'val/loss', 'the experiment\'s primary wins over the setting');
  assert.equal(key({ configured: 'val/acc', experimentPrimary: 'val/loss' }, { ...run, primaryMetric: 'epoch' }), 'epoch', 'the run\'s own primary first');
  assert.equal(key({ configured: '', sort: '-metric.val/acc', experimentPrimary: 'val/loss' }), 'val/acc');
  assert.equal(key({ configured: '' }, row({ metrics: { epoch: m(1), lr: m(2) } })), 'epoch', 'no metric with a direction: the first by name');
  for (const name of ['__proto__', 'constructor', 'toString']) {
    assert.equal(key({ configured: name, sort: `-metric.${name}`, experimentPrimary: name }), 'train/loss', name);
  }
  // The value shown is the metric's summary value: the min for val/loss, declared summary="min".
  assert.equal(runDescription(run, { configured: '', sort: 'metric.val/loss' }, 60_000), 'val/loss 0.2 · 1m ago');
  assert.equal(runDescription(run, { configured: '', sort: 'metric.val/acc' }, 60_000), 'val/acc 0.9 · 1m ago');
});

test('best of the runs follows the declared goal, and a metric without a direction has no best', () => {
  const m = (last: number, min = last, max = last, goal?: 'minimize' | 'maximize') => ({ last, min, max, count: 1, lastStep: 0, ...(goal ? { goal } : {}) });
  const runs = [row({ metrics: { grad_norm: m(1, 0.5, 4), score: m(2, 1, 3, 'minimize') } }), row({ metrics: { grad_norm: m(2, 0.1, 9), score: m(5, 0.5, 8) } })];
  assert.equal(bestOf(runs, 'grad_norm'), undefined, 'grad_norm has no direction');
  assert.deepEqual(bestOf(runs, 'score'), { metric: 'score', value: 0.5 }, 'declared minimize, against the name\'s guess');
});

test('an imported run its source still calls running but that went silent says how long it has been silent', () => {
  const summary = { last: 0.25, min: 0.25, max: 1, count: 2, lastStep: 1 };
  const silent = row({ status: 'running', stale: true, startedAt: 0, lastEventAt: 60_000, metrics: { loss: summary } });
  assert.equal(runDescription(silent, '', 60_000 + 2 * 3600_000), 'loss 0.25 · running · no update for 2h 00m');
  assert.equal(runDescription({ ...silent, stale: undefined }, '', 90_000), 'loss 0.25 · running 1m 30s');
});
