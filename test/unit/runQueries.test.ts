import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { MetricSummary, ParamValue, RunRow } from '../../src/core/model';
import { compareParamValues, isSortColumn, sortRuns } from '../../src/core/runQueries';

// Every name Object.prototype answers: a plain-object lookup finds these on runs that never logged them.
const INHERITED = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];

function withOwn<T>(entries: Array<[string, T]>): Record<string, T> {
  const o: Record<string, T> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}
const summary = (last: number): MetricSummary => ({ last, min: last, max: last, count: 1, lastStep: 0 });

function row(id: string, startedAt: number, metrics: Array<[string, number]>, params: Array<[string, ParamValue]>): RunRow {
  return { id, experiment: 'e', name: id, status: 'finished', startedAt, lastEventAt: startedAt, notes: '', tags: [],
    params: withOwn(params), metrics: withOwn(metrics.map(([k, v]) => [k, summary(v)])), skippedLines: 0 };
}

describe('sorting runs', () => {
  it('sorts by metric and param names that objects inherit, runs without them last', () => {
    for (const n of INHERITED) {
      const rows = [row('none', 4, [], []), row('m2', 3, [[n, 2]], []), row('m1', 2, [[n, 1]], []), row('p', 1, [], [[n, 'z']])];
      assert.deepEqual(sortRuns(rows, n).map((r) => r.id), ['m1', 'm2', 'p', 'none'], `--sort ${n}`);
      assert.deepEqual(sortRuns(rows, `-${n}`).map((r) => r.id), ['p', 'm2', 'm1', 'none'], `--sort -${n}`);
      assert.deepEqual(sortRuns(rows, `metric.${n}`).map((r) => r.id), ['m1', 'm2', 'none', 'p'], `metric.${n}`);
      assert.deepEqual(sortRuns(rows, `param.${n}`).map((r) => r.id), ['p', 'none', 'm2', 'm1'], `param.${n}`);
      assert.equal(isSortColumn(n), false, `${n} is no column`);
    }
  });

  it('sorts by summary values (summary.NAME) and by a metric\'s summary value (min when declared summary="min")', () => {
    const rows = [row('a', 3, [], []), row('b', 2, [], []), row('c', 1, [], [])];
    const [a, b] = rows as [RunRow, RunRow, RunRow];
    a.summary = withOwn([['best_accuracy', 0.9], ['__proto__', 1]]);
    b.summary = withOwn([['best_accuracy', 0.95]]);
    assert.deepEqual(sortRuns(rows, '-summary.best_accuracy').map((r) => r.id), ['b', 'a', 'c']);
    assert.deepEqual(sortRuns(rows, 'summary.best_accuracy').map((r) => r.id), ['a', 'b', 'c']);
    assert.deepEqual(sortRuns(rows, 'summary.__proto__').map((r) => r.id), ['a', 'b', 'c'], 'only a has it; the others by start');
    assert.deepEqual(sortRuns(rows, 'summary.constructor').map((r) => r.id), ['a', 'b', 'c']);
    a.metrics = withOwn([['val_loss', { ...summary(0.5), min: 0.1, summaryMode: 'min' as const }]]);
    b.metrics = withOwn([['val_loss', { ...summary(0.3), min: 0.3 }]]);
    assert.deepEqual(sortRuns(rows, 'metric.val_loss').map((r) => r.id), ['a', 'b', 'c']);
  });

  it('still sorts by its columns', () => {
    const rows = [row('b', 1, [], []), row('a', 2, [], [])];
    assert.deepEqual(sortRuns(rows, 'name').map((r) => r.id), ['a', 'b']);
    assert.deepEqual(sortRuns(rows, undefined).map((r) => r.id), ['a', 'b'], 'newest first by default');
    assert.deepEqual(sortRuns(rows, '+started').map((r) => r.id), ['b', 'a']);
    assert.equal(isSortColumn('duration'), true);
  });
});

describe('comparing params', () => {
  it('keeps params named like inherited properties, as own properties', () => {
    for (const n of INHERITED) {
      const rows = [row('a', 1, [], [[n, 1], ['lr', 0.1]]), row('b', 2, [], [[n, 2], ['lr', 0.1]])];
      for (const onlyDifferent of [false, true]) {
        const c = compareParamValues(rows, onlyDifferent);
        assert.ok(c.keys.includes(n), `${n} is listed (onlyDifferent ${onlyDifferent})`);
        const a = c.values.a ?? {};
        assert.ok(Object.prototype.hasOwnProperty.call(a, n), `${n} is an own property (onlyDifferent ${onlyDifferent})`);
        assert.equal(Object.getPrototypeOf(a), Object.prototype, 'the values object keeps its prototype');
        assert.equal(Object.getOwnPropertyDescriptor(a, n)?.value, 1);
        assert.equal(JSON.parse(JSON.stringify(c.values)).b[n], 2);
      }
    }
  });
});
