import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lineChanges } from '../../../src/vscode/webviews/compare/compareUpdate';
import type { CompareLine } from '../../../src/shared/webviews/compare/contract';
import type { WireNumber } from '../../../src/shared/webviews/wireValue';

const line = (runId: string, points: WireNumber[], totalPoints = points.length / 2): CompareLine => ({ runId, metric: 'loss', points, totalPoints });

test('a whole line that grew sends only its new points', () => {
  const changes = lineChanges([line('a', [0, 1, 1, 0.5])], [line('a', [0, 1, 1, 0.5, 2, 0.25])]);
  assert.deepEqual(changes, [{ runId: 'a', metric: 'loss', mode: 'append', points: [2, 0.25], totalPoints: 3 }]);
});

test('unchanged lines send nothing; new lines and downsampled lines are replaced', () => {
  const sent = [line('a', [0, 1]), line('b', [0, 1, 5, 2], 10)];
  const fresh = [line('a', [0, 1]), line('b', [0, 1, 7, 3], 14), line('c', [0, 9])];
  const changes = lineChanges(sent, fresh);
  assert.deepEqual(changes.map((c) => [c.runId, c.mode]), [['b', 'replace'], ['c', 'replace']]);
  assert.deepEqual(changes[0]?.points, [0, 1, 7, 3]);
});

test('a line that crossed the cap (now downsampled) is replaced, not appended', () => {
  const changes = lineChanges([line('a', [0, 1, 1, 2])], [line('a', [0, 1, 3, 4], 5)]);
  assert.equal(changes[0]?.mode, 'replace');
});

test('a line whose sent points hold a NaN still grows by its new points only', () => {
  const nan = { nonFinite: 'NaN' } as const;
  const changes = lineChanges([line('a', [0, nan, 1, 0.5])], [line('a', [0, { nonFinite: 'NaN' }, 1, 0.5, 2, 0.25])]);
  assert.deepEqual(changes, [{ runId: 'a', metric: 'loss', mode: 'append', points: [2, 0.25], totalPoints: 3 }]);
});

test('a line sampled again to another cap (same logged points, other count) is replaced', () => {
  const sent = [line('a', [0, 1, 1, 2, 2, 3, 3, 4], 1000)];
  const changes = lineChanges(sent, [line('a', [0, 1, 3, 4], 1000)]);
  assert.deepEqual(changes.map((c) => [c.runId, c.mode, c.points.length]), [['a', 'replace', 4]]);
});
