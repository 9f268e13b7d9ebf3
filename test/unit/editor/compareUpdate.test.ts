import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lineChanges } from '../../../src/vscode/webviews/compare/compareUpdate';
import type { CompareLine } from '../../../src/shared/webviews/compare/contract';
import { decodeFloat64, encodeFloat64 } from '../../../src/shared/webviews/float64Base64';

const line = (runId: string, points: number[], totalPoints = points.length / 2): CompareLine => ({ runId, metric: 'loss', points: encodeFloat64(Float64Array.from(points)), totalPoints });
/** A change's points as numbers (the wire carries them as base64 of float64 pairs). */
const values = (change: { points: string } | undefined): number[] => (change ? [...decodeFloat64(change.points)] : []);

test('a whole line that grew sends only its new points', () => {
  const changes = lineChanges([line('a', [0, 1, 1, 0.5])], [line('a', [0, 1, 1, 0.5, 2, 0.25])]);
  assert.deepEqual(changes.map((c) => [c.runId, c.metric, c.mode, c.totalPoints]), [['a', 'loss', 'append', 3]]);
  assert.deepEqual(values(changes[0]), [2, 0.25]);
});

test('unchanged lines send nothing; new lines and downsampled lines are replaced', () => {
  const sent = [line('a', [0, 1]), line('b', [0, 1, 5, 2], 10)];
  const fresh = [line('a', [0, 1]), line('b', [0, 1, 7, 3], 14), line('c', [0, 9])];
  const changes = lineChanges(sent, fresh);
  assert.deepEqual(changes.map((c) => [c.runId, c.mode]), [['b', 'replace'], ['c', 'replace']]);
  assert.deepEqual(values(changes[0]), [0, 1, 7, 3]);
});

test('a line that crossed the cap (now downsampled) is replaced, not appended', () => {
  const changes = lineChanges([line('a', [0, 1, 1, 2])], [line('a', [0, 1, 3, 4], 5)]);
  assert.equal(changes[0]?.mode, 'replace');
});

test('a line whose sent points hold a NaN still grows by its new points only', () => {
  const changes = lineChanges([line('a', [0, Number.NaN, 1, 0.5])], [line('a', [0, Number.NaN, 1, 0.5, 2, 0.25])]);
  assert.deepEqual(changes.map((c) => [c.runId, c.mode, c.totalPoints]), [['a', 'append', 3]]);
  assert.deepEqual(values(changes[0]), [2, 0.25]);
});

test('a line sampled again to another cap (same logged points, other count) is replaced', () => {
  const sent = [line('a', [0, 1, 1, 2, 2, 3, 3, 4], 1000)];
  const changes = lineChanges(sent, [line('a', [0, 1, 3, 4], 1000)]);
  assert.deepEqual(changes.map((c) => [c.runId, c.mode, values(c).length]), [['a', 'replace', 4]]);
});
