import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { compileFilter, FilterError } from '../../src/core/filterLanguage';
import type { RunRow } from '../../src/core/model';

function row(id: string, over: Partial<RunRow>): RunRow {
  return { id, experiment: 'mnist', name: id, status: 'finished', startedAt: 0, lastEventAt: 0, notes: '', tags: [],
    params: {}, metrics: {}, skippedLines: 0, ...over };
}
const m = (last: number, min = last, max = last) => ({ last, min, max, count: 3, lastStep: 2 });

const rows: RunRow[] = [
  row('a', { params: { lr: 0.0005, optimizer: 'adam', 'model/depth': 12, amp: true }, metrics: { val_acc: m(0.95, 0.5, 0.96) }, tags: ['baseline'], notes: 'Warmup sweep' }),
  row('b', { params: { lr: 0.01, optimizer: 'sgd' }, metrics: { val_acc: m(0.85), loss: m(Number.NaN) }, status: 'crashed', experiment: 'cifar 10' }),
  row('c', { params: { lr: '1e-4', optimizer: 'adam' }, metrics: {}, status: 'running', tags: ['gpu', 'baseline'], name: 'brave-otter' }),
];

function ids(expr: string): string[] {
  return rows.filter(compileFilter(expr)).map((r) => r.id);
}

function errorOf(expr: string): FilterError {
  try {
    compileFilter(expr);
  } catch (err) {
    assert.ok(err instanceof FilterError, `expected a FilterError for ${expr}`);
    return err;
  }
  throw new assert.AssertionError({ message: `no error for ${expr}` });
}

describe('filter language', () => {
  it('compares params numerically and as text, with missing or mistyped values never matching', () => {
    assert.deepEqual(ids('lr < 1e-3'), ['a']);
    assert.deepEqual(ids('optimizer = adam'), ['a', 'c']);
    assert.deepEqual(ids('optimizer != adam'), ['b']);
    assert.deepEqual(ids('param.lr >= 0.01'), ['b']);
    assert.deepEqual(ids('"model/depth" = 12'), ['a']);
    assert.deepEqual(ids('amp = true'), ['a']);
    assert.deepEqual(ids('lr = "1e-4"'), ['c'], 'a quoted value is text');
  });

  it('compares metric summaries (last by default, or min/max/count)', () => {
    assert.deepEqual(ids('val_acc > 0.9'), ['a']);
    assert.deepEqual(ids('max(val_acc) >= 0.96'), ['a']);
    assert.deepEqual(ids('min(val_acc) < 0.6'), ['a']);
    assert.deepEqual(ids('count(val_acc) = 3'), ['a', 'b']);
    assert.deepEqual(ids('loss < 1 or loss >= 1'), [], 'NaN matches no comparison');
    assert.deepEqual(ids('metric.val_acc > 0.8 and not val_acc > 0.9'), ['b']);
  });

  it('filters on experiment, status, tags and text, with and/or/not and parentheses', () => {
    assert.deepEqual(ids('status = crashed'), ['b']);
    assert.deepEqual(ids('status in (running, crashed)'), ['b', 'c']);
    assert.deepEqual(ids('experiment = "cifar 10"'), ['b']);
    assert.deepEqual(ids('tag = baseline'), ['a', 'c']);
    assert.deepEqual(ids('tag != baseline'), ['b']);
    assert.deepEqual(ids('warmup'), ['a'], 'a bare word searches name and notes, case-insensitively');
    assert.deepEqual(ids('text ~ OTTER'), ['c']);
    assert.deepEqual(ids('name ~ brave and (tag = gpu or lr < 0.001)'), ['c']);
    assert.deepEqual(ids('not (optimizer = adam) or status = running'), ['b', 'c']);
    assert.deepEqual(ids('optimizer = adam and tag = baseline or status = crashed'), ['a', 'b', 'c'], 'and binds tighter than or');
  });

  it('explains bad expressions with the column where they go wrong', () => {
    let e = errorOf('lr <');
    assert.equal(e.column, 5);
    assert.match(e.message, /column 5: expected a value after "<"/);
    e = errorOf('lr < 1e-3 and');
    assert.equal(e.column, 14);
    e = errorOf('(lr < 1');
    assert.match(e.message, /column 8: expected "\)" to close the "\(" at column 1/);
    e = errorOf('status = sleeping');
    assert.equal(e.column, 10);
    assert.match(e.message, /unknown status "sleeping"; use one of running, finished, failed, killed, crashed/);
    e = errorOf('name = "open');
    assert.equal(e.column, 8);
    assert.match(e.message, /unterminated/);
    e = errorOf('lr < 1 lr > 0');
    assert.equal(e.column, 8);
    assert.match(e.message, /expected "and", "or" or the end/);
    e = errorOf('lr ; 3');
    assert.equal(e.column, 4);
    assert.equal(e.pointer(), '  lr ; 3\n     ^');
  });
});
