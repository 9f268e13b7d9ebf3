// The compare page places line points by a scale's affine map (webview/compare/pixelMap.ts) instead of calling
// Chart.js' getPixelForValue per point: the map must put every point where Chart.js itself would, on the real
// Chart.js scales (linear, reversed, logarithmic, with padding), and fall back where it cannot be affine.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Chart, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, type ChartConfiguration } from 'chart.js';
import { pixelMapOf, pixelOf } from '../../../webview/compare/pixelMap';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale);

/** A canvas with a 2D context that draws nothing (Chart.js lays out its scales all the same, on its basic platform). */
function canvas(): { width: number; height: number; getContext(): unknown } {
  const c = { width: 600, height: 300, getContext: (): unknown => ctx, style: {} };
  const ctx: unknown = new Proxy({ canvas: c, measureText: (s: string) => ({ width: 6 * String(s).length }) }, {
    get: (target, key) => (key in target ? (target as Record<string | symbol, unknown>)[key] : () => undefined),
    set: () => true,
  });
  return c;
}

function scalesOf(y: Record<string, unknown>, x: Record<string, unknown> = {}): { x: LinearScale; y: LinearScale } {
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: { datasets: [{ data: [{ x: -3, y: 0.002 }, { x: 40, y: 7 }, { x: 1000, y: 120 }] }] },
    options: { animation: false, responsive: false, scales: { x: { type: 'linear', ...x }, y: { type: 'linear', ...y } } },
  };
  const chart = new Chart(canvas() as unknown as HTMLCanvasElement, config);
  return { x: chart.scales.x as LinearScale, y: chart.scales.y as LinearScale };
}

const values = [-5, -3, 0, 0.002, 0.5, 1, 7, 39.9, 40, 120, 999, 1000, 1e6, -1e9];

function assertSamePixels(scale: LinearScale, label: string): void {
  const map = pixelMapOf(scale);
  assert.ok(map, `${label}: an affine map`);
  for (const v of values) {
    if (map.log && v <= 0) continue;
    const expected = scale.getPixelForValue(v);
    assert.ok(Math.abs(pixelOf(map, v) - expected) < 1e-6, `${label}: ${v} at ${pixelOf(map, v)}, Chart.js says ${expected}`);
  }
}

test('compare pixel map: points land where Chart.js places them, on linear, reversed, padded and log scales', () => {
  const plain = scalesOf({});
  assertSamePixels(plain.x, 'x linear');
  assertSamePixels(plain.y, 'y linear');
  assertSamePixels(scalesOf({ reverse: true }).y, 'y reversed');
  assertSamePixels(scalesOf({}, { offset: true }).x, 'x with offset');
  assertSamePixels(scalesOf({ type: 'logarithmic' }).y, 'y log');
  // Far off scale: clamped to ±32,767 px as Chart.js does (a canvas path cannot take more).
  const far = pixelMapOf(plain.x);
  assert.ok(far);
  assert.equal(pixelOf(far, 1e12), plain.x.getPixelForValue(1e12));
});

test('compare pixel map: none where the map would not be affine (pixel alignment, an empty range)', () => {
  assert.equal(pixelMapOf(scalesOf({ alignToPixels: true }).y), undefined);
  assert.equal(pixelMapOf({ type: 'linear', min: 3, max: 3, getPixelForValue: () => 0 }), undefined);
  assert.equal(pixelMapOf({ type: 'category', min: 0, max: 3, getPixelForValue: () => 0 }), undefined);
});
