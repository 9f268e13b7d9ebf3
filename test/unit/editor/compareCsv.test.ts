import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareCsv } from '../../../src/vscode/webviews/compare/compareData';
import type { CompareData } from '../../../src/shared/webviews/compare/contract';
import { fromPairs } from '../../fixtures/linePoints';

test('CSV quotes run-supplied names and writes non-finite values as what they were', () => {
  const data: CompareData = {
    runs: [{ id: 'r1', name: 'a,"b"', experiment: 'e', status: 'finished', color: 'red' }],
    metrics: ['loss'], selectedMetrics: ['loss'], xAxis: 'step',
    lines: [{ runId: 'r1', metric: 'loss', ...fromPairs([0, 1.5, 1, Number.NaN, 2, -Infinity]), totalPoints: 3 }],
    params: [], summaries: [],
  };
  assert.equal(compareCsv(data), 'run,run_id,metric,step,value\n"a,""b""",r1,loss,0,1.5\n"a,""b""",r1,loss,1,NaN\n"a,""b""",r1,loss,2,-Infinity\n');
});

test('CSV of an x axis by metric names the metric as the x column', () => {
  const data: CompareData = {
    runs: [{ id: 'r1', name: 'a', experiment: 'e', status: 'finished', color: 'red' }],
    metrics: ['epoch', 'loss'], selectedMetrics: ['loss'], xAxis: 'metric', xMetric: 'ep,och',
    lines: [{ runId: 'r1', metric: 'loss', ...fromPairs([0.5, 1]), totalPoints: 1 }], params: [], summaries: [],
  };
  assert.equal(compareCsv(data), 'run,run_id,metric,"ep,och",value\na,r1,loss,0.5,1\n');
});

test('points per line follow the chart width: two per pixel column, within the setting and a floor', async () => {
  const { pointsForWidth } = await import('../../../src/vscode/webviews/compare/compareData');
  assert.equal(pointsForWidth(419, 1000), 838);
  assert.equal(pointsForWidth(2000, 1000), 1000);
  assert.equal(pointsForWidth(50, 1000), 200);
  assert.equal(pointsForWidth(undefined, 1000), 1000);
});
