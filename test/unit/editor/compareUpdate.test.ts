import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lineChanges } from '../../../src/vscode/webviews/compare/compareUpdate';
import type { CompareLine, WireLineChange } from '../../../src/shared/webviews/compare/contract';
import { widenLines } from '../../../src/shared/webviews/compare/wireLines';

/** A line from flat [x0, y0, x1, y1, …] pairs. */
const line = (runId: string, pairs: number[], totalPoints = pairs.length / 2): CompareLine => ({
  runId, metric: 'loss', xs: Float64Array.from(pairs.filter((_, i) => i % 2 === 0)), ys: Float64Array.from(pairs.filter((_, i) => i % 2 === 1)), totalPoints,
});
/** A change's points as the page reads them (widened: xs may cross as increments). */
const pairsOf = (change: WireLineChange | undefined): number[] => {
  const [held] = change ? widenLines([change]) : [];
  return held ? Array.from(held.xs).flatMap((x, i) => [x, held.ys[i] as number]) : [];
};
const plain = (changes: WireLineChange[]) => changes.map((c) => ({ runId: c.runId, metric: c.metric, mode: c.mode, points: pairsOf(c), totalPoints: c.totalPoints }));

test('a whole line that grew sends only its new points', () => {
  const changes = lineChanges([line('a', [0, 1, 1, 0.5])], [line('a', [0, 1, 1, 0.5, 2, 0.25])], 'step');
  assert.deepEqual(plain(changes), [{ runId: 'a', metric: 'loss', mode: 'append', points: [2, 0.25], totalPoints: 3 }]);
});

test('unchanged lines send nothing; new lines and downsampled lines are replaced', () => {
  const sent = [line('a', [0, 1]), line('b', [0, 1, 5, 2], 10)];
  const fresh = [line('a', [0, 1]), line('b', [0, 1, 7, 3], 14), line('c', [0, 9])];
  const changes = lineChanges(sent, fresh, 'step');
  assert.deepEqual(changes.map((c) => [c.runId, c.mode]), [['b', 'replace'], ['c', 'replace']]);
  assert.deepEqual(pairsOf(changes[0]), [0, 1, 7, 3]);
});

test('a line that crossed the cap (now downsampled) is replaced, not appended', () => {
  const changes = lineChanges([line('a', [0, 1, 1, 2])], [line('a', [0, 1, 3, 4], 5)], 'step');
  assert.equal(changes[0]?.mode, 'replace');
});

test('a line whose sent points hold a NaN still grows by its new points only', () => {
  const changes = lineChanges([line('a', [0, Number.NaN, 1, 0.5])], [line('a', [0, Number.NaN, 1, 0.5, 2, 0.25])], 'step');
  assert.deepEqual(plain(changes), [{ runId: 'a', metric: 'loss', mode: 'append', points: [2, 0.25], totalPoints: 3 }]);
});

test('a line sampled again to another cap (same logged points, other count) is replaced', () => {
  const sent = [line('a', [0, 1, 1, 2, 2, 3, 3, 4], 1000)];
  const changes = lineChanges(sent, [line('a', [0, 1, 3, 4], 1000)], 'step');
  assert.deepEqual(changes.map((c) => [c.runId, c.mode, c.xs.length]), [['a', 'replace', 2]]);
});

test('the changes\' points cross as one buffer holding only their own values (VS Code sends whole buffers)', () => {
  const sent = [line('a', [0, 1, 1, 0.5]), line('b', [0, 2])];
  const fresh = [line('a', [0, 1, 1, 0.5, 2, 0.25, 3, 0.125]), line('b', [0, 2, 1, 3])];
  const changes = lineChanges(sent, fresh, 'step');
  const buffers = new Set(changes.flatMap((c) => [c.xs.buffer, c.ys.buffer]));
  assert.equal(buffers.size, 1, 'one buffer for every change');
  assert.equal([...buffers][0]?.byteLength, 3 * 4 + 3, 'the buffer holds the 3 new points (y in single precision: float32 keeps them; x as one-byte increments), nothing of the fresh lines');
});
