// A control's redraw of a chart off screen waits until the card is on screen (not merely within the first draw's
// 200 px margin): a slider drag must not redraw, in every frame, a chart nobody sees.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompareData } from '../../../src/shared/webviews/compare/contract';
import { fromPairs } from '../../fixtures/linePoints';
import { loadWebview } from './webviewHarness';

type Entries = Array<{ target: Element; isIntersecting: boolean }>;

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
  const observers: Array<{ margin: string; callback: (entries: Entries) => void; targets: Element[] }> = [];
  const h = loadWebview('compare', undefined, {
    beforeScript: (window) => {
      // acc on screen, loss 100 px below the window: within the first draw's margin.
      window.Element.prototype.getBoundingClientRect = function rect(this: Element): DOMRect {
        const below = this.closest('[data-metric]')?.getAttribute('data-metric') === 'loss';
        const top = below ? window.innerHeight + 100 : 0;
        return { x: 0, y: top, top, left: 0, right: 800, bottom: top + 300, width: 800, height: 300, toJSON: () => ({}) } as DOMRect;
      };
      class Observer {
        private readonly entry: { margin: string; callback: (entries: Entries) => void; targets: Element[] };
        constructor(callback: (entries: Entries) => void, options?: { rootMargin?: string }) {
          this.entry = { margin: options?.rootMargin ?? '0px', callback, targets: [] };
          observers.push(this.entry);
        }
        observe(target: Element): void { this.entry.targets.push(target); }
        unobserve(target: Element): void { this.entry.targets = this.entry.targets.filter((t) => t !== target); }
        disconnect(): void { this.entry.targets = []; }
      }
      Object.defineProperty(window, 'IntersectionObserver', { configurable: true, value: Observer });
    },
  });
  try {
    h.send({ type: 'data', data: fixture() });
    const loss = h.document.querySelector('.chart-card[data-metric="loss"]');
    assert.ok(loss);
    // Its first draw: the browser reports it within the margin after the first frame.
    for (const o of observers) o.callback(o.targets.map((target) => ({ target, isIntersecting: true })));
    const range = h.document.querySelector<HTMLInputElement>('input[type=range]');
    assert.ok(range);
    range.value = '0.5';
    range.dispatchEvent(new h.window.Event('input', { bubbles: true }));
    await h.frame();
    await new Promise((done) => h.window.setTimeout(done, 0));
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
