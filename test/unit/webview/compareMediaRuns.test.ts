// The compare page's media name their runs by the comparison's current runs, whatever order the messages come in
// (built page, jsdom): media before the comparison, a run joining an image key, a rename by a live update.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompareData } from '../../../src/shared/webviews/compare/contract';
import type { CompareMedia } from '../../../src/shared/webviews/media/contract';
import { fromPairs } from '../../fixtures/linePoints';
import { loadWebview, type Harness } from './webviewHarness';

const FILE = `${'a'.repeat(64)}.png`;

function comparison(names: readonly string[]): CompareData {
  const runs = names.map((name, i) => ({ id: `r${i}`, name, experiment: 'demo', status: 'finished', color: ['#1f77b4', '#ff7f0e', '#2ca02c'][i] ?? 'gray' }));
  return {
    runs,
    metrics: ['loss'],
    selectedMetrics: ['loss'],
    xAxis: 'step',
    lines: runs.map((r) => ({ runId: r.id, metric: 'loss', ...fromPairs([0, 1, 1, 0.5]), totalPoints: 2 })),
    params: [],
    summaries: [],
  };
}

/** Image key `samples` logged at steps 0 and 10 by each of `runIds`. */
function media(runIds: readonly string[]): CompareMedia {
  const item = { file: FILE, width: 4, height: 4 };
  return {
    bases: runIds.map((runId) => ({ runId, base: `https://file+.vscode-resource.test/${runId}/media` })),
    images: [{ key: 'samples', runs: runIds.map((runId) => ({ runId, steps: [0, 10], items: [[item], [item]] })) }],
    histograms: [], tables: [], matrices: [], curves: [], texts: [], skipped: [],
  };
}

function columnHeads(h: Harness): string[] {
  return [...h.document.querySelectorAll('.media-card[data-kind=image] .media-column .media-run')].map((head) => head.childNodes[1]?.textContent ?? '');
}

test('compare media that arrive before the comparison show run ids, then the runs\' names once it comes', () => {
  const h = loadWebview('compare');
  try {
    h.send({ type: 'media', media: media(['r0', 'r1']) });
    assert.deepEqual(columnHeads(h), ['r0', 'r1']);
    h.send({ type: 'data', data: comparison(['brave-otter', 'calm-heron']) });
    assert.deepEqual(columnHeads(h), ['brave-otter', 'calm-heron']);
  } finally {
    h.close();
  }
});

test('compare media: a run joining an image key gets its column, named, and the slider keeps its step', () => {
  const h = loadWebview('compare');
  try {
    h.send({ type: 'data', data: comparison(['brave-otter', 'calm-heron']) });
    h.send({ type: 'media', media: media(['r0']) });
    const slider = h.document.querySelector<HTMLInputElement>('.media-card[data-kind=image] input[type=range]');
    assert.ok(slider);
    slider.value = '0';
    slider.dispatchEvent(new h.window.Event('input'));
    h.send({ type: 'media', media: media(['r0', 'r1']) });
    assert.deepEqual(columnHeads(h), ['brave-otter', 'calm-heron']);
    assert.equal(h.document.querySelector('.media-card[data-kind=image] .media-step')?.textContent, '0');
  } finally {
    h.close();
  }
});

test('compare media: a run renamed by a live update is renamed in its media columns', () => {
  const h = loadWebview('compare');
  try {
    const data = comparison(['brave-otter', 'calm-heron']);
    h.send({ type: 'data', data });
    h.send({ type: 'media', media: media(['r0', 'r1']) });
    const renamed = data.runs.map((r) => (r.id === 'r1' ? { ...r, name: 'calm-heron (retrained)' } : r));
    h.send({ type: 'update', runs: renamed, metrics: data.metrics, summaries: [], changes: [] });
    assert.deepEqual(columnHeads(h), ['brave-otter', 'calm-heron (retrained)']);
  } finally {
    h.close();
  }
});

test('a comparison that reaches the page before its script ran (VS Code hands over held messages once the HTML is written) is drawn, not lost', async () => {
  // Dispatched while only the page shell's loader has run, as VS Code's frame does with a message posted ahead.
  const h = loadWebview('compare', undefined, {
    beforeScript: (window) => { window.dispatchEvent(new window.MessageEvent('message', { data: { type: 'data', data: comparison(['brave-otter', 'calm-heron']) } })); },
  });
  try {
    await Promise.resolve();
    assert.deepEqual([...h.document.querySelectorAll('.legend-item')].map((item) => item.textContent?.trim()), ['brave-otter', 'calm-heron']);
    assert.equal(h.document.querySelectorAll('.chart-card').length, 1);
    // Handled once: a later message is handled after it, and the early one is not replayed again.
    h.send({ type: 'media', media: media(['r0', 'r1']) });
    await Promise.resolve();
    assert.deepEqual(columnHeads(h), ['brave-otter', 'calm-heron']);
  } finally {
    h.close();
  }
});
