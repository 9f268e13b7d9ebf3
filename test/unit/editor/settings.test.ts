import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { changedSettings, parseSettings, type SettingName } from '../../../src/vscode/settings';

const from = (values: Partial<Record<SettingName, unknown>>) => (name: SettingName): unknown => values[name];

test('defaults as package.json declares them', () => {
  assert.deepEqual(parseSettings(from({})), { keyMetric: '', maxPointsPerLine: 1000, crashAfterSeconds: 30, pollIntervalSeconds: 2 });
});

test('values outside the declared bounds are clamped; wrong types fall back to the default', () => {
  assert.deepEqual(parseSettings(from({ keyMetric: '  loss ', maxPointsPerLine: 10, crashAfterSeconds: 1, pollIntervalSeconds: 0.01 })),
    { keyMetric: 'loss', maxPointsPerLine: 100, crashAfterSeconds: 10, pollIntervalSeconds: 0.5 });
  assert.deepEqual(parseSettings(from({ keyMetric: 7, maxPointsPerLine: 1e9, crashAfterSeconds: '60', pollIntervalSeconds: Number.NaN })),
    { keyMetric: '', maxPointsPerLine: 5000, crashAfterSeconds: 30, pollIntervalSeconds: 2 });
  assert.equal(parseSettings(from({ maxPointsPerLine: 250.6 })).maxPointsPerLine, 251, 'an integer setting');
  assert.equal(parseSettings(from({ pollIntervalSeconds: 1.5 })).pollIntervalSeconds, 1.5);
});

test('only the settings whose values differ count as changed', () => {
  const before = parseSettings(from({}));
  assert.deepEqual([...changedSettings(before, parseSettings(from({})))], []);
  assert.deepEqual([...changedSettings(before, parseSettings(from({ keyMetric: 'loss', pollIntervalSeconds: 2 })))], ['keyMetric']);
  assert.deepEqual([...changedSettings(before, parseSettings(from({ crashAfterSeconds: 60, maxPointsPerLine: 200 })))].sort(), ['crashAfterSeconds', 'maxPointsPerLine']);
});
