// What a line costs to draw: its vertices (a Path2D call each, then rasterised). Points within one pixel column
// collapse to the column's extremes, and to its first point where they all lie within a device pixel (a smoothed
// line, mostly), and a nearly straight run of columns to its ends; a line that moves more than that within a
// column keeps its extremes.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompareData } from '../../../src/shared/webviews/compare/contract';
import { loadWebview, type Harness } from './webviewHarness';

const colors = ['#1f77b4', '#ff7f0e'];
const POINTS = 3000;

/** Two runs on one chart: `wave(i)` is run 1's value at step i; run 2 spans the axis (0 to 10) so both share it. */
function fixture(wave: (i: number) => number): CompareData {
  const runs = colors.map((color, k) => ({ id: `r${k + 1}`, name: `run ${k + 1}`, experiment: 'e', status: 'finished', color }));
  const line = (k: number): CompareData['lines'][number] => {
    const xs = new Float64Array(POINTS);
    const ys = new Float64Array(POINTS);
    for (let i = 0; i < POINTS; i++) {
      xs[i] = i;
      ys[i] = k === 0 ? wave(i) : (10 * i) / (POINTS - 1);
    }
    return { runId: `r${k + 1}`, metric: 'loss', xs, ys, totalPoints: POINTS };
  };
  return { runs, metrics: ['loss'], selectedMetrics: ['loss'], xAxis: 'step', lines: [line(0), line(1)], params: [], summaries: [] };
}

/** The vertices of run 1's stroked path, the pixel columns they fall in, and how far across the plot they reach. */
async function vertices(wave: (i: number) => number): Promise<{ count: number; columns: number; span: number; h: Harness }> {
  const h = loadWebview('compare');
  h.send({ type: 'data', data: fixture(wave) });
  await h.frame();
  const stroke = h.canvasCalls.find((c) => c.method === 'stroke' && c.state?.strokeStyle === colors[0]);
  const path = stroke?.args[0] as { segments?: unknown[] } | undefined;
  assert.ok(path?.segments, 'run 1 stroked as one path');
  const xs = path.segments.map((s) => Math.round(Number((s as { args: unknown[] }).args[0])));
  return { count: path.segments.length, columns: new Set(xs).size, span: Math.max(...xs) - Math.min(...xs), h };
}

test('compare lines: a line that moves less than a pixel within each column and bends slowly gets a vertex where it bends, not one per column', async () => {
  // A slow drift: about 4 points per column, each column's spread far below a pixel, nearly straight over many columns.
  const { count, span, h } = await vertices((i) => 5 + Math.sin(i / 400));
  try {
    assert.ok(span > 300, `the line crosses the plot (${span} px)`);
    assert.ok(count < span / 10, `${count} vertices across ${span} px`);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare lines: a line that moves more than a pixel within a column keeps each column\'s extremes', async () => {
  // Alternating by 4 units (about 80 pixels): every column holds both extremes.
  const { count, columns, h } = await vertices((i) => 3 + (i % 2) * 4);
  try {
    assert.ok(count >= 2 * columns, `${count} vertices for ${columns} pixel columns`);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});
