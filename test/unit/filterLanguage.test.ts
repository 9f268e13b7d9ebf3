import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { compileFilter, FilterError, MAX_FILTER_DEPTH } from '../../src/core/filterLanguage';
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
  const shown = expr.length > 80 ? `${expr.slice(0, 80)}… (${expr.length} characters)` : expr;
  try {
    compileFilter(expr);
  } catch (err) {
    assert.ok(err instanceof FilterError, `expected a FilterError for ${shown}, got ${String(err)}`);
    return err;
  }
  throw new assert.AssertionError({ message: `no error for ${shown}` });
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

describe('filter language: names that objects inherit', () => {
  // Every name Object.prototype answers: a plain-object lookup finds these on runs that never logged them.
  const names = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
  const withOwn = (n: string): RunRow => {
    const metrics: RunRow['metrics'] = {};
    const params: RunRow['params'] = {};
    Object.defineProperty(metrics, n, { value: m(2), enumerable: true, writable: true, configurable: true });
    Object.defineProperty(params, n, { value: 'x', enumerable: true, writable: true, configurable: true });
    return row('has', { metrics, params });
  };

  it('finds a metric or param with such a name only on the runs that have it', () => {
    for (const n of names) {
      const runs = [withOwn(n), row('none', {})];
      const hit = (expr: string): string[] => runs.filter(compileFilter(expr)).map((r) => r.id);
      const q = JSON.stringify(n);
      assert.deepEqual(hit(`${q} = 2`), ['has'], `${n} = 2`);
      assert.deepEqual(hit(`metric.${n} > 1`), ['has'], `metric.${n}`);
      assert.deepEqual(hit(`param.${n} = x`), ['has'], `param.${n}`);
      assert.deepEqual(hit(`max(${q}) = 2`), ['has'], `max(${n})`);
      assert.deepEqual(hit(`${q} != 3`), ['has'], `${n} != 3: a run without it never matches`);
      assert.deepEqual(hit(`not ${q} = 2`), ['none'], `not ${n} = 2`);
      assert.deepEqual(hit(`${q} ~ object`), [], `${n} ~ object: nothing inherited is text`);
      assert.deepEqual(hit(`param.${n} in (x, y)`), ['has'], `param.${n} in (…)`);
    }
  });

  it('refuses such names as functions and fields with a clear error, not a crash', () => {
    for (const n of names) {
      const e = errorOf(`${n}(loss) > 1`);
      assert.equal(e.column, 1);
      assert.match(e.message, /is not a function; use last, min, max or count/, `${n}(…)`);
    }
  });
});

describe('filter language: nesting depth', () => {
  it('refuses more than the documented depth at the column where it is exceeded, without overflowing the stack', () => {
    const deepParens = `${'('.repeat(2500)}lr < 1${')'.repeat(2500)}`;
    let e = errorOf(deepParens);
    assert.equal(e.column, MAX_FILTER_DEPTH + 1);
    assert.match(e.message, new RegExp(`nests deeper than ${MAX_FILTER_DEPTH} levels`));
    e = errorOf(`${'not '.repeat(30000)}lr < 1`);
    assert.equal(e.column, MAX_FILTER_DEPTH * 4 + 1);
    assert.match(e.message, /nests deeper/);
    e = errorOf(`${'not ('.repeat(60)}lr < 1${')'.repeat(60)}`);
    assert.equal(e.column, (MAX_FILTER_DEPTH / 2) * 5 + 1, 'parentheses and "not" count together');
  });

  it('compiles and evaluates the deepest allowed filter, even with little stack left', () => {
    const half = MAX_FILTER_DEPTH / 2;
    const expr = `${'not ('.repeat(half)}lr < 1e-3${')'.repeat(half)}`;
    const predicate = compileFilter(expr);
    assert.deepEqual(rows.filter(predicate).map((r) => r.id), half % 2 === 0 ? ['a'] : ['b', 'c']);
    // Evaluate near the end of the stack: the predicate's own depth must stay small.
    let depthLeft = 0;
    const probe = (n: number): number => { try { return probe(n + 1); } catch { return n; } };
    depthLeft = probe(0);
    const atDepth = (n: number): boolean => (n <= 0 ? predicate(rows[0]!) : atDepth(n - 1));
    assert.equal(atDepth(Math.floor(depthLeft * 0.8)), half % 2 === 0);
  });

  it('keeps long flat conditions (and/or chains, "in" lists) free of any limit', () => {
    const chain = Array.from({ length: 20000 }, (_, i) => `lr = ${i}`).join(' or ');
    assert.deepEqual(rows.filter(compileFilter(`${chain} or optimizer = sgd`)).map((r) => r.id), ['b']);
    const list = `optimizer in (${Array.from({ length: 20000 }, (_, i) => `o${i}`).join(', ')}, adam)`;
    assert.deepEqual(rows.filter(compileFilter(list)).map((r) => r.id), ['a', 'c']);
  });

  it('shows a long expression around the column in the pointer, caret under the right character', () => {
    const expr = `${'('.repeat(2500)}lr < 1${')'.repeat(2500)}`;
    const e = errorOf(expr);
    const [text = '', caret = ''] = e.pointer().split('\n');
    assert.ok(text.length < 200, `the pointer line stays short (${text.length})`);
    const at = caret.indexOf('^');
    assert.equal(text.slice(at - 3, at + 4), expr.slice(e.column - 4, e.column + 3));
    assert.match(text, /^ {2}…/, 'an ellipsis says the expression was cut');
  });

  it('shows control characters in the pointer escaped, caret still under the offending character', () => {
    const e = errorOf('name = "a\x1b[2J\u202eb" ; x');
    assert.equal(e.column, 18);
    const [text = '', caret = ''] = e.pointer().split('\n');
    assert.equal(text, '  name = "a\\x1b[2J\\u202eb" ; x');
    assert.equal(text[caret.indexOf('^')], ';');
  });
});

describe('filter language: a value means what it is compared with', () => {
  const runs: RunRow[] = [
    row('t', { experiment: 'null', name: 'true', notes: 'agent 007 -3', tags: ['007', '1e3', 'true', 'null', '-3', 'nan', '-inf'],
      user: '007', host: '-3', script: '1e3', notebook: 'false', gitCommit: '0123', status: 'finished' }),
    row('n', { experiment: '7', name: '1000', tags: ['7', '1000'], user: '7', host: '3', gitCommit: '123',
      params: { seed: 7, lr: 0.001, amp: true, opt: null, version: '007', big: '1e3', neg: -3, flag: 'true', none: 'null' } }),
    row('s', { params: { seed: '007', lr: '0.001', amp: 'yes', opt: 'adam', version: 7, big: 1000, neg: '-3', flag: true, none: null } }),
  ];
  const hit = (expr: string): string[] => runs.filter(compileFilter(expr)).map((r) => r.id);

  it('compares a bare literal with a text field as the text typed', () => {
    assert.deepEqual(hit('tag = 007'), ['t']);
    assert.deepEqual(hit('tag = 7'), ['n']);
    assert.deepEqual(hit('tag = 1e3'), ['t']);
    assert.deepEqual(hit('tag = 1000'), ['n']);
    assert.deepEqual(hit('tag in (true, -3)'), ['t']);
    assert.deepEqual(hit('tag = null'), ['t']);
    assert.deepEqual(hit('tag = nan'), ['t']);
    assert.deepEqual(hit('tag = -inf'), ['t']);
    assert.deepEqual(hit('tag != 007'), ['n', 's']);
    assert.deepEqual(hit('tag ~ 00'), ['t', 'n']);
    assert.deepEqual(hit('name = true'), ['t']);
    assert.deepEqual(hit('name = 1000'), ['n']);
    assert.deepEqual(hit('name = 1e3'), []);
    assert.deepEqual(hit('experiment = null'), ['t']);
    assert.deepEqual(hit('experiment = 7'), ['n']);
    assert.deepEqual(hit('experiment = 007'), []);
    assert.deepEqual(hit('experiment in (null, 7)'), ['t', 'n']);
    assert.deepEqual(hit('user = 007'), ['t']);
    assert.deepEqual(hit('host = -3'), ['t']);
    assert.deepEqual(hit('script = 1e3'), ['t']);
    assert.deepEqual(hit('notebook = false'), ['t']);
    assert.deepEqual(hit('commit = 0123'), ['t']);
    assert.deepEqual(hit('commit = 123'), ['n']);
    assert.deepEqual(hit('id = t'), ['t']);
    assert.deepEqual(hit('notes ~ 007'), ['t']);
    assert.deepEqual(hit('text ~ -3'), ['t']);
    assert.deepEqual(hit('007'), ['t'], 'a lone number searches names and notes for the text typed');
    assert.deepEqual(hit('1e3'), [], 'not for the number it reads as (1000)');
    assert.deepEqual(hit('experiment > 6 and experiment < 8'), ['n'], 'text fields order alphabetically, also against numbers');
  });

  it('compares a value with a param as the param\'s own type: text as typed, numbers as numbers', () => {
    assert.deepEqual(hit('seed = 7'), ['n']);
    assert.deepEqual(hit('seed = 007'), ['n', 's'], 'a number param reads 7, a text param reads "007"');
    assert.deepEqual(hit('seed = "007"'), ['n', 's'], 'the reverse: quoted text that reads as a number compares with a number param');
    assert.deepEqual(hit('seed = "7"'), ['n']);
    assert.deepEqual(hit('lr = 1e-3'), ['n']);
    assert.deepEqual(hit('lr = 0.001'), ['n', 's']);
    assert.deepEqual(hit('lr = "0.001"'), ['n', 's']);
    assert.deepEqual(hit('lr = "1e-3"'), ['n']);
    assert.deepEqual(hit('lr < "0.01"'), ['n'], 'quoted numbers order numerically with number params');
    assert.deepEqual(hit('lr < 0.01'), ['n'], 'but a number never orders against text');
    assert.deepEqual(hit('version = 007'), ['n', 's']);
    assert.deepEqual(hit('version = 7'), ['s']);
    assert.deepEqual(hit('big = 1e3'), ['n', 's']);
    assert.deepEqual(hit('big = 1000'), ['s']);
    assert.deepEqual(hit('neg = -3'), ['n', 's']);
    assert.deepEqual(hit('neg > -4'), ['n']);
    assert.deepEqual(hit('seed = "seven"'), [], 'text that is no number never equals a number');
    assert.deepEqual(hit('seed != "seven"'), ['n', 's']);
  });

  it('compares true, false and null with booleans and nulls, and as text with text', () => {
    assert.deepEqual(hit('amp = true'), ['n']);
    assert.deepEqual(hit('amp = "true"'), ['n']);
    assert.deepEqual(hit('amp = 1'), ['n'], 'a boolean param compares as 1/0 against a number');
    assert.deepEqual(hit('amp != true'), ['s']);
    assert.deepEqual(hit('amp = yes'), ['s']);
    assert.deepEqual(hit('flag = true'), ['n', 's']);
    assert.deepEqual(hit('flag = TRUE'), ['s'], 'text compares exactly; true/false/null keywords in any case');
    assert.deepEqual(hit('opt = null'), ['n']);
    assert.deepEqual(hit('opt != null'), ['s']);
    assert.deepEqual(hit('none = null'), ['n', 's']);
    assert.deepEqual(hit('none = "null"'), ['n', 's']);
    assert.deepEqual(hit('opt in (null, adam)'), ['n', 's']);
  });

  it('keeps quoted names and values exactly as typed, in the lone-word search too', () => {
    assert.deepEqual(hit('"agent 007"'), ['t']);
    assert.deepEqual(hit('tag = "007"'), ['t']);
    assert.deepEqual(hit('name = "true"'), ['t']);
  });
});

describe('filter language: summary values', () => {
  const withOwn = (json: string) => JSON.parse(json) as NonNullable<RunRow['summary']>;
  const runs: RunRow[] = [
    row('s1', { summary: withOwn('{"best_accuracy": 0.95, "checkpoint": "epoch-9", "__proto__": 3, "ok": true}'), params: { best_accuracy: 0.1 } }),
    row('s2', { summary: withOwn('{"best_accuracy": 0.85, "checkpoint": "epoch-3", "nested": {"a": 1}}'), metrics: { val_loss: { ...m(0.5, 0.2, 0.9), summaryMode: 'min' as const } } }),
    row('s3', { metrics: { best_accuracy: m(0.99) } }),
    row('s4', {}),
  ];
  const match = (expr: string): string[] => runs.filter(compileFilter(expr)).map((r) => r.id);
  // One table: expression → runs it matches.
  const cases: Array<[string, string[]]> = [
    ['summary.best_accuracy > 0.9', ['s1']],
    ['summary.best_accuracy >= 0.85', ['s1', 's2']],
    ['summary.best_accuracy != 0.85', ['s1'], ],
    ['summary.checkpoint = epoch-3', ['s2']],
    ['summary.checkpoint ~ EPOCH', ['s1', 's2']],
    ['summary.ok = true', ['s1']],
    ['summary.nested = 1', []],
    ['summary.__proto__ = 3', ['s1']],
    ['summary.constructor = 3', []],
    ['summary.toString != 1', []],
    ['"summary.best_accuracy" > 0', []],
    ['summary.missing > 0', []],
    ['not summary.best_accuracy > 0', ['s3', 's4']],
    ['best_accuracy > 0.9', ['s3']],
    ['best_accuracy < 0.5', ['s1']],
    ['checkpoint = epoch-9', ['s1']],
    ['summary.best_accuracy in (0.85, 0.95)', ['s1', 's2']],
    ['Summary.best_accuracy > 0.9', ['s1']],
    // A metric's bare name means its summary value: the min for val_loss, declared summary="min".
    ['val_loss < 0.3', ['s2']],
    ['last(val_loss) < 0.3', []],
  ];
  for (const [expr, expected] of cases) {
    it(`${expr} → ${expected.join(', ') || 'nothing'}`, () => assert.deepEqual(match(expr), expected));
  }
});
