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
