import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompareData, CompareToHostMessage, CompareViewState } from '../../../src/shared/protocol';
import { loadWebview, messagesOfType, type Harness } from './webviewHarness';

const evilName = '<img src=x onerror="window.__pwned = true">';

function line(runId: string, metric: string, n: number, f: (i: number) => number): CompareData['lines'][number] {
  const points: Array<number | null> = [];
  for (let i = 0; i < n; i++) points.push(i, f(i));
  return { runId, metric, points, totalPoints: n };
}

function fixture(): CompareData {
  const runs = [
    { id: 'r1', name: 'brave-otter', experiment: 'demo', status: 'finished', color: '#1f77b4' },
    { id: 'r2', name: evilName, experiment: 'demo', status: 'running', color: '#ff7f0e' },
    { id: 'r3', name: 'calm-heron', experiment: 'demo', status: 'failed', color: '#2ca02c' },
  ];
  // Noisy lines, so smoothing visibly moves the drawn points.
  const noisy = (seed: number) => (i: number) => 1 / (i + 1) + ((i * 7919 + seed * 104729) % 13) / 40;
  return {
    runs,
    metrics: ['acc', 'loss'],
    selectedMetrics: ['loss'],
    xAxis: 'step',
    lines: runs.map((r, k) => line(r.id, 'loss', 200, noisy(k))),
    params: { lr: { r1: 0.01, r2: 0.01, r3: 0.1 }, note: { r1: evilName, r2: 'x', r3: 'x' } },
    summaries: { loss: { r1: { last: 0.1, min: 0.05, max: 1 }, r2: { last: 0.2, min: 0.1, max: 1 }, r3: { last: null, min: null, max: null } } },
  };
}

function withData(): Harness {
  const h = loadWebview('compare');
  h.send({ type: 'data', data: fixture() });
  return h;
}

test('compare: the first message is ready, without state when nothing was saved', () => {
  const h = loadWebview('compare');
  try {
    // The harness lays pages out 800 px wide: one chart per row, 730 px of plot.
    assert.deepEqual(h.posted[0], { type: 'ready', chartPixelWidth: 730 });
  } finally {
    h.close();
  }
});

test('compare: ready carries the saved state after a reload', () => {
  const saved: CompareViewState = { runIds: ['r1', 'r3'], selectedMetrics: ['acc'], xAxis: 'relative', smoothing: 0.6, logScale: true, onlyDifferentParams: true };
  const h = loadWebview('compare', saved);
  try {
    assert.deepEqual(h.posted[0], { type: 'ready', state: saved, chartPixelWidth: 730 });
    assert.equal(h.posted.length, 1);
    const smoothing = h.document.querySelector<HTMLInputElement>('input[type=range]');
    assert.equal(smoothing?.value, '0.6');
  } finally {
    h.close();
  }
});

test('compare: changing the x axis sends setView with the current metrics and the new axis', () => {
  const h = withData();
  try {
    const select = h.document.querySelector<HTMLSelectElement>('select[aria-label="X axis"]');
    assert.ok(select, 'x-axis select exists');
    select.value = 'wall';
    select.dispatchEvent(new h.window.Event('change', { bubbles: true }));
    const views = messagesOfType<Extract<CompareToHostMessage, { type: 'setView' }>>(h, 'setView');
    assert.deepEqual(views, [{ type: 'setView', selectedMetrics: ['loss'], xAxis: 'wall' }]);
  } finally {
    h.close();
  }
});

test('compare: ticking a metric sends setView with both metrics', () => {
  const h = withData();
  try {
    const box = h.document.querySelector<HTMLInputElement>('input[type=checkbox][data-metric="acc"]');
    assert.ok(box, 'a checkbox for metric acc');
    assert.equal(box.checked, false);
    box.checked = true;
    box.dispatchEvent(new h.window.Event('change', { bubbles: true }));
    const views = messagesOfType<Extract<CompareToHostMessage, { type: 'setView' }>>(h, 'setView');
    assert.deepEqual(views, [{ type: 'setView', selectedMetrics: ['acc', 'loss'], xAxis: 'step' }]);
    const state = h.state() as CompareViewState;
    assert.deepEqual(state.selectedMetrics, ['acc', 'loss']);
  } finally {
    h.close();
  }
});

test('compare: Export CSV sends exportCsv', () => {
  const h = withData();
  try {
    const button = [...h.document.querySelectorAll('button')].find((b) => b.textContent === 'Export CSV');
    assert.ok(button, 'an Export CSV button');
    button.click();
    assert.deepEqual(messagesOfType(h, 'exportCsv'), [{ type: 'exportCsv' }]);
  } finally {
    h.close();
  }
});

test('compare: a run named like an HTML tag shows as text and creates no element', () => {
  const h = withData();
  try {
    assert.equal(h.document.querySelectorAll('img').length, 0);
    assert.equal((h.window as unknown as { __pwned?: boolean }).__pwned, undefined);
    const legendNames = [...h.document.querySelectorAll('.legend-item')].map((b) => b.textContent);
    assert.ok(legendNames.includes(evilName), `legend shows the raw name as text: ${JSON.stringify(legendNames)}`);
    const cells = [...h.document.querySelectorAll('td, th')].map((c) => c.textContent);
    assert.ok(cells.includes(evilName), 'the param table shows the raw value as text');
  } finally {
    h.close();
  }
});

test('compare: data draws one line per run, and smoothing redraws with different points', async () => {
  const h = withData();
  try {
    assert.ok(h.document.body.dataset.drawn, 'the webview marks the charts drawn');
    await h.frame();
    const drawnBefore = h.canvasCalls.filter((c) => c.method === 'lineTo').map((c) => c.args.join(','));
    assert.ok(drawnBefore.length >= 3 * 50, `lines were stroked (${drawnBefore.length} lineTo calls)`);
    h.canvasCalls.length = 0;
    const range = h.document.querySelector<HTMLInputElement>('input[type=range]');
    assert.ok(range);
    range.value = '0.9';
    range.dispatchEvent(new h.window.Event('input', { bubbles: true }));
    await h.frame();
    assert.ok(Number(h.document.body.dataset.smoothMs) >= 0, 'the redraw time is recorded');
    const drawnAfter = h.canvasCalls.filter((c) => c.method === 'lineTo').map((c) => c.args.join(','));
    assert.ok(drawnAfter.length > 0, 'smoothing redrew the lines');
    assert.notDeepEqual(drawnAfter, drawnBefore, 'smoothed lines differ from raw ones');
    const state = h.state() as CompareViewState;
    assert.equal(state.smoothing, 0.9);
    assert.deepEqual(h.errors, [], 'no script errors');
  } finally {
    h.close();
  }
});
