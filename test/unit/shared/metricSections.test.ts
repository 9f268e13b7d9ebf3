import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { defaultMetrics, metricSections } from '../../../src/shared/webviews/compare/metricSections';

// The workspace: ten metrics, of which an alphabetical cut of six showed none of train/ and val/.
const tenMetrics = ['epoch', 'f1', 'gpu_mem', 'grad_norm', 'lr', 'throughput', 'train/acc', 'train/loss', 'val/acc', 'val/loss'];

test('sections group metrics by prefix: unprefixed first, then train and val, others alphabetically, system last', () => {
  const sections = metricSections(['system/gpu', 'zeta/x', 'val/loss', 'loss', 'train/loss', 'alpha/y', 'train/acc', 'system/cpu']);
  assert.deepEqual(sections, [
    { name: '', metrics: ['loss'] },
    { name: 'train', metrics: ['train/acc', 'train/loss'] },
    { name: 'val', metrics: ['val/loss'] },
    { name: 'alpha', metrics: ['alpha/y'] },
    { name: 'zeta', metrics: ['zeta/x'] },
    { name: 'system', metrics: ['system/cpu', 'system/gpu'] },
  ]);
});

test('a name starting with a slash or with none is in the unprefixed section; run-supplied names like __proto__ group safely', () => {
  const sections = metricSections(['/odd', '__proto__/x', 'constructor', 'toString/y']);
  assert.deepEqual(sections.map((s) => s.name), ['', '__proto__', 'toString']);
  assert.deepEqual(sections[0]?.metrics, ['/odd', 'constructor']);
});

test('default charts: every metric but system ones, none cut alphabetically', () => {
  assert.deepEqual(defaultMetrics(tenMetrics), tenMetrics);
  assert.deepEqual(defaultMetrics([...tenMetrics, 'system/cpu', 'system/gpu_util']), tenMetrics);
  assert.deepEqual(defaultMetrics(['acc', 'loss', 'system/cpu']), ['acc', 'loss']);
  assert.deepEqual(defaultMetrics(['system/cpu']), ['system/cpu'], 'system metrics when a run logged nothing else');
});

test('default charts: with many metrics, whole sections in order until the budget (the first section always)', () => {
  const many = [...Array.from({ length: 30 }, (_, i) => `train/m${String(i).padStart(2, '0')}`), 'val/loss', 'val/acc'];
  assert.equal(defaultMetrics(many, 24).length, 30, 'the first section opens whole even above the budget');
  const some = ['train/a', 'train/b', 'val/a', 'val/b', 'zz/a', 'zz/b', 'zz/c'];
  assert.deepEqual(defaultMetrics(some, 5), ['train/a', 'train/b', 'val/a', 'val/b']);
});
