import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { groupOptions, groupRuns, tagOptions, tagsDiffer } from '../../../src/shared/webviews/compare/runGroups';
import type { ParamRow } from '../../../src/shared/webviews/compare/contract';

const runs = ['a', 'b', 'c', 'd', 'e', 'f'];
// Two configs (lr) × three seeds; `batch` the same everywhere.
const params: ParamRow[] = [
  { name: 'batch', values: [32, 32, 32, 32, 32, 32] },
  { name: 'lr', values: [0.1, 0.1, 0.1, 0.01, 0.01, 0.01] },
  { name: 'seed', values: [0, 1, 2, 0, 1, 2] },
];

test('same params except seed: one group per config, labelled by what differs between the groups', () => {
  const groups = groupRuns(runs, params, { kind: 'except', param: 'seed' });
  assert.deepEqual(groups.map((g) => ({ label: g.label, runIds: g.runIds })), [
    { label: 'lr=0.01', runIds: ['d', 'e', 'f'] },
    { label: 'lr=0.1', runIds: ['a', 'b', 'c'] },
  ]);
  assert.notEqual(groups[0]?.key, groups[1]?.key);
});

test('by a param\'s value: one group per value, numbers ordered as numbers, runs without it in their own group', () => {
  const p: ParamRow[] = [{ name: 'depth', values: [10, 2, null, 2, 10, 'ten'] }];
  const groups = groupRuns(runs, p, { kind: 'param', param: 'depth' });
  assert.deepEqual(groups.map((g) => [g.label, g.runIds]), [
    ['depth=2', ['b', 'd']],
    ['depth=10', ['a', 'e']],
    ['depth=ten', ['f']],
    ['no depth', ['c']],
  ]);
});

test('a number and the same digits as text are different values (mixed types across runs stay apart)', () => {
  const p: ParamRow[] = [{ name: 'k', values: [1, '1', 1, '1', true, 'true'] }];
  const groups = groupRuns(runs, p, { kind: 'param', param: 'k' });
  assert.equal(groups.length, 4);
  assert.deepEqual(groups.map((g) => g.runIds.length).sort(), [1, 1, 2, 2]);
});

test('non-finite params group by what they were; long values are cut in the label, not in the key', () => {
  const long = 'x'.repeat(10_000);
  const p: ParamRow[] = [{ name: 'v', values: [{ nonFinite: 'NaN' }, { nonFinite: 'NaN' }, long, `${long}y`, { nonFinite: 'Infinity' }, 3] }];
  const groups = groupRuns(runs, p, { kind: 'param', param: 'v' });
  assert.equal(groups.length, 5, 'the two long values differ only at the end and stay apart');
  for (const g of groups) assert.ok(g.label.length <= 120, `label cut: ${g.label.length}`);
  assert.deepEqual(groups.find((g) => g.label === 'v=NaN')?.runIds, ['a', 'b']);
});

test('run-supplied param names like __proto__ or constructor group like any other name', () => {
  const p: ParamRow[] = [{ name: '__proto__', values: [1, 1, 2, 2, 3, 3] }, { name: 'constructor', values: [0, 1, 0, 1, 0, 1] }];
  assert.deepEqual(groupRuns(runs, p, { kind: 'except', param: 'constructor' }).map((g) => g.label), ['__proto__=1', '__proto__=2', '__proto__=3']);
  assert.deepEqual(groupRuns(runs, p, { kind: 'param', param: 'constructor' }).map((g) => g.runIds), [['a', 'c', 'e'], ['b', 'd', 'f']]);
});

test('except a param when nothing else differs: one group of every run; an unknown param: every run in one group', () => {
  assert.deepEqual(groupRuns(runs, params.filter((p) => p.name !== 'lr'), { kind: 'except', param: 'seed' }).map((g) => [g.label, g.runIds.length]), [['all runs', 6]]);
  assert.deepEqual(groupRuns(runs, params, { kind: 'param', param: 'nope' }).map((g) => [g.label, g.runIds.length]), [['no nope', 6]]);
});

test('the choices offered: params whose values differ between the runs (a constant one groups nothing)', () => {
  assert.deepEqual(groupOptions(params), ['lr', 'seed']);
});

test('by a tag: runs with it, then runs without it; by their set of tags: one group per set, untagged last', () => {
  const tags = [['baseline'], ['baseline', 'gpu'], undefined, ['gpu', 'baseline'], [], ['new-arch']];
  assert.deepEqual(groupRuns(runs, params, { kind: 'tag', tag: 'baseline' }, tags).map((g) => [g.label, g.runIds]), [
    ['tagged baseline', ['a', 'b', 'd']],
    ['not tagged baseline', ['c', 'e', 'f']],
  ]);
  // The same set in another order (or a tag twice) is the same group.
  assert.deepEqual(groupRuns(runs, params, { kind: 'tags' }, [...tags.slice(0, 5), ['new-arch', 'new-arch']]).map((g) => [g.label, g.runIds]), [
    ['tags: baseline', ['a']],
    ['tags: baseline, gpu', ['b', 'd']],
    ['tags: new-arch', ['f']],
    ['no tags', ['c', 'e']],
  ]);
});

test('tag options: tags some runs have and others not, sorted; a tag named like an Object property is a tag', () => {
  const tags = [['b', 'shared', '__proto__'], ['shared', 'a'], ['shared', 'b']];
  assert.deepEqual(tagOptions(tags, 3), ['__proto__', 'a', 'b']);
  assert.equal(tagsDiffer(tags, 3), true);
  assert.equal(tagsDiffer([['x', 'y'], ['y', 'x']], 2), false);
  assert.deepEqual(groupRuns(['a', 'b', 'c'], [], { kind: 'tag', tag: 'constructor' }, tags).map((g) => g.label), ['not tagged constructor']);
  const long = 't'.repeat(10_000);
  const [group] = groupRuns(['a'], [], { kind: 'tags' }, [[long]]);
  assert.ok(group && group.label.length <= 120, 'a long tag is cut in the label');
});
