// "Save as filter" selects the brushed runs: the expression is compiled by the real filter language and run over
// the same rows, and must keep exactly the runs the page's brushes keep.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { brushesToFilter, filterName } from '../../../src/core/analysis/brushFilter';
import { extractDimensions } from '../../../src/core/analysis/dimensions';
import { compileFilter } from '../../../src/core/filterLanguage';
import { brushedRuns, type Brush } from '../../../src/shared/webviews/analysis/brush';
import { prng } from '../../fixtures/prng';
import { row } from './rows';

describe('brushes as a filter', () => {
  const rnd = prng(21);
  const rows = Array.from({ length: 200 }, (_, i) => row(i, {
    lr: 10 ** (-5 + rnd() * 4),
    opt: ['adam', 'sgd', 'ad"am\\w'][i % 3] ?? 'adam',
    bs: i % 4 === 0 ? 'auto' : [16, 32, 64][i % 3] ?? 16,
    'val acc': rnd(),
    ['__proto__']: i % 5,
    ...(i % 7 === 0 ? {} : { depth: i % 9 }),
    amp: i % 2 === 0,
  }, i % 11 === 0 ? {} : { loss: rnd() * 3 }));
  const table = extractDimensions(rows);
  const column = (key: string): Float64Array | undefined => table.dimensions.find((d) => d.key === key)?.values;
  const cat = (key: string, ...texts: string[]): Brush => {
    const d = table.dimensions.find((x) => x.key === key);
    assert.ok(d);
    return { key, categories: texts.map((t) => d.categories.indexOf(t)) };
  };

  const cases: Array<[string, Brush[]]> = [
    ['a log-scaled range', [{ key: 'param.lr', min: 1.234e-4, max: 0.00876 }]],
    ['a range on a metric some runs lack', [{ key: 'metric.loss', min: 0.5, max: 2.25 }]],
    ['categories with quotes and backslashes', [cat('param.opt', 'ad"am\\w', 'sgd')]],
    ['a mixed number/text axis', [cat('param.bs', '32', 'auto')]],
    ['booleans', [cat('param.amp', 'true')]],
    ['a name with a space and one named __proto__', [{ key: 'param.val acc', min: 0.2, max: 0.7 }, { key: 'param.__proto__', min: 1, max: 3 }]],
    ['a param missing in some runs, with others', [{ key: 'param.depth', min: 2, max: 6 }, cat('param.opt', 'adam'), { key: 'metric.loss', min: 0, max: 2 }]],
    ['no category kept', [cat('param.opt')]],
  ];
  for (const [what, brushes] of cases) {
    it(`keeps the brushed runs: ${what}`, () => {
      const expected = brushedRuns(rows.length, brushes, column).map((i) => rows[i]?.id);
      const filter = brushesToFilter(table.dimensions, brushes);
      const predicate = compileFilter(filter);
      const actual = rows.filter((r) => predicate(r)).map((r) => r.id);
      assert.deepEqual(actual, expected, filter);
      if (what !== 'no category kept') assert.ok(expected.length > 0 && expected.length < rows.length, `${what}: the brush keeps some runs (${expected.length})`);
    });
  }

  it('names the filter language cannot read after a prefix are quoted', () => {
    assert.equal(filterName({ source: 'param', name: 'lr' }), 'param.lr');
    assert.equal(filterName({ source: 'metric', name: 'train/loss' }), 'metric.train/loss');
    assert.equal(filterName({ source: 'param', name: 'val acc' }), '"val acc"');
  });

  it('a brush on an axis the runs no longer have is an error that says to brush again', () => {
    assert.throws(() => brushesToFilter(table.dimensions, [{ key: 'param.gone', min: 0, max: 1 }]), /param\.gone is no longer among the runs' params and metrics; brush again/);
  });
});
