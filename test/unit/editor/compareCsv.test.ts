import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareCsv, defaultMetrics } from '../../../src/vscode/webviews/compare/compareData';
import type { CompareData } from '../../../src/shared/webviews/compare/contract';

test('CSV quotes run-supplied names and writes non-finite values as what they were', () => {
  const data: CompareData = {
    runs: [{ id: 'r1', name: 'a,"b"', experiment: 'e', status: 'finished', color: 'red' }],
    metrics: ['loss'], selectedMetrics: ['loss'], xAxis: 'step',
    lines: [{ runId: 'r1', metric: 'loss', points: [0, 1.5, 1, { nonFinite: 'NaN' }, 2, { nonFinite: '-Infinity' }], totalPoints: 3 }],
    params: [], summaries: [],
  };
  assert.equal(compareCsv(data), 'run,run_id,metric,step,value\n"a,""b""",r1,loss,0,1.5\n"a,""b""",r1,loss,1,NaN\n"a,""b""",r1,loss,2,-Infinity\n');
});

test('default metrics prefer the run\'s own over system metrics', () => {
  assert.deepEqual(defaultMetrics(['acc', 'loss', 'system/cpu']), ['acc', 'loss']);
  assert.deepEqual(defaultMetrics(['system/cpu']), ['system/cpu']);
  assert.equal(defaultMetrics(Array.from({ length: 10 }, (_, i) => `m${i}`)).length, 6);
});

test('points per line follow the chart width: two per pixel column, within the setting and a floor', async () => {
  const { pointsForWidth } = await import('../../../src/vscode/webviews/compare/compareData');
  assert.equal(pointsForWidth(419, 1000), 838);
  assert.equal(pointsForWidth(2000, 1000), 1000);
  assert.equal(pointsForWidth(50, 1000), 200);
  assert.equal(pointsForWidth(undefined, 1000), 1000);
});
