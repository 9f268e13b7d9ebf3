// A control's redraw of a chart off screen waits until the card is on screen (not merely within the first draw's
// 200 px margin): a slider drag must not redraw, in every frame, a chart nobody sees.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompareData } from '../../../src/shared/webviews/compare/contract';
import { fromPairs } from '../../fixtures/linePoints';
import { report, standInLayout, type Observed } from './layoutStandIn';
import { loadWebview } from './webviewHarness';

function fixture(): CompareData {
  const runs = ['#1f77b4', '#ff7f0e'].map((color, k) => ({ id: `r${k + 1}`, name: `run ${k + 1}`, experiment: 'e', status: 'finished', color }));
  const line = (k: number, metric: string): CompareData['lines'][number] => {
    const points: number[] = [];
    for (let i = 0; i < 100; i++) points.push(i, k + Math.sin(i / 3));
    return { runId: `r${k + 1}`, metric, ...fromPairs(points), totalPoints: 100 };
  };
  return { runs, metrics: ['acc', 'loss'], selectedMetrics: ['acc', 'loss'], xAxis: 'step', lines: ['acc', 'loss'].flatMap((m) => [line(0, m), line(1, m)]), params: [], summaries: [] };
}

test('compare redraw: a chart within the margin below the fold is redrawn only once it is on screen', async () => {
  const observers: Observed[] = [];
  const h = loadWebview('compare', undefined, {
    // acc on screen, loss 100 px below the window: within the first draw's margin.
    beforeScript: (window) => standInLayout(window, (e, w) => (e.closest('[data-metric]')?.getAttribute('data-metric') === 'loss' ? w.innerHeight + 100 : 0), observers),
  });
  try {
    h.send({ type: 'data', data: fixture() });
    const loss = h.document.querySelector('.chart-card[data-metric="loss"]');
    assert.ok(loss);
    // Its first draw: the browser reports it within the margin after the first frame.
    report(observers);
    const range = h.document.querySelector<HTMLInputElement>('input[type=range]');
    assert.ok(range);
    range.value = '0.5';
    range.dispatchEvent(new h.window.Event('input', { bubbles: true }));
    // Until the slider's redraw is done (the chart on screen is redrawn in a few tasks, then this one is asked to).
    await h.frame();
    for (let i = 0; i < 50 && h.document.body.dataset.smoothMs === undefined; i++) await new Promise((done) => h.window.setTimeout(done, 0));
    assert.ok(h.document.body.dataset.smoothMs !== undefined, 'the slider\'s redraw is done');
    const watching = observers.filter((o) => o.targets.includes(loss));
    assert.deepEqual(watching.map((o) => o.margin), ['0px'], 'the redraw waits for the card itself to intersect');
    h.canvasCalls.length = 0;
    for (const o of watching) o.callback([{ target: loss, isIntersecting: true }]);
    assert.ok(h.canvasCalls.some((c) => c.method === 'stroke'), 'redrawn once on screen');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});
