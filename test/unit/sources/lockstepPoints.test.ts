// Rows of several metrics into a delta's series (src/core/sources/lockstepPoints.ts): rows with the same keys share
// one steps and one times array; anything else gives the series arrays of their own, with the same points either way.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { LockstepPoints } from '../../../src/core/sources/lockstepPoints';
import type { SourceSeries } from '../../../src/core/sources/sourceModel';

const plain = (s: SourceSeries | undefined): { steps: number[]; times: number[]; values: number[] } => ({ steps: [...(s?.steps ?? [])], times: [...(s?.times ?? [])], values: [...(s?.values ?? [])] });

describe('sources: lockstep points', () => {
  it('rows with the same keys share their steps and times; a row with other keys splits them, points kept', () => {
    const delta = { series: new Map<string, SourceSeries>() };
    const points = new LockstepPoints(delta);
    assert.equal(points.row(['a', 'b'], [1, 2], 2, 0, 1000), true);
    assert.equal(points.row(['a', 'b'], [3, 4], 2, 1, 2000), true);
    const a = delta.series.get('a');
    const b = delta.series.get('b');
    assert.ok(a && b && a.steps === b.steps && a.times === b.times, 'shared while in lockstep');
    // Another key set: not taken; the caller pushes its points one by one, into arrays of their own.
    assert.equal(points.row(['a'], [5], 1, 2, 3000), false);
    const s = points.of('a');
    s.steps.push(2); s.times.push(3000); s.values.push(5);
    assert.notEqual(a.steps, b.steps);
    assert.deepEqual(plain(delta.series.get('a')), { steps: [0, 1, 2], times: [1000, 2000, 3000], values: [1, 3, 5] });
    assert.deepEqual(plain(delta.series.get('b')), { steps: [0, 1], times: [1000, 2000], values: [2, 4] });
    assert.deepEqual([...delta.series.keys()], ['a', 'b']);
  });

  it('a point pushed on its own to a key of the group does not show in the other keys', () => {
    const delta = { series: new Map<string, SourceSeries>() };
    const points = new LockstepPoints(delta);
    points.row(['x', 'y'], [1, 2], 2, 0, 10);
    const s = points.of('y'); // as a stats record or a nested value would
    s.steps.push(7); s.times.push(70); s.values.push(9);
    assert.deepEqual(plain(delta.series.get('x')), { steps: [0], times: [10], values: [1] });
    assert.deepEqual(plain(delta.series.get('y')), { steps: [0, 7], times: [10, 70], values: [2, 9] });
  });

  it('no group for rows with repeated keys or keys already in the delta', () => {
    const delta = { series: new Map<string, SourceSeries>() };
    const points = new LockstepPoints(delta);
    assert.equal(points.row(['a', 'a'], [1, 2], 2, 0, 0), false);
    points.of('c').values.push(1);
    assert.equal(points.row(['c', 'd'], [1, 2], 2, 0, 0), false);
    assert.equal(points.row([], [], 0, 0, 0), false);
    assert.equal(delta.series.size, 1);
  });
});
