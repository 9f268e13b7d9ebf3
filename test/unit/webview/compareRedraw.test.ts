// What a control costs the comparison page (jsdom, the real bundle): lines stroked on the rasteriser's cheap path,
// a hide that only re-strokes the paths it had, the tables rebuilt after the charts' frame, and the charts of a
// change that touches one chart alone left as they were.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompareData } from '../../../src/shared/webviews/compare/contract';
import { fromPairs } from '../../fixtures/linePoints';
import { standInLayout, report, type Observed } from './layoutStandIn';
import { loadWebview, type Harness } from './webviewHarness';

const colors = ['#1f77b4', '#ff7f0e', '#2ca02c'];

/** Three runs on two charts; r2 lies between r1 and r3 everywhere, so hiding it leaves both axes as they were. */
function fixture(extra = 0): CompareData {
  const all = [...colors, ...Array.from({ length: extra }, (_, k) => `#0000${String(k).padStart(2, '0')}`)];
  const runs = all.map((color, k) => ({ id: `r${k + 1}`, name: `run ${k + 1}`, experiment: 'demo', status: 'finished', color }));
  const line = (k: number, metric: string): CompareData['lines'][number] => {
    const points: number[] = [];
    for (let i = 0; i < 120; i++) points.push(i, 1 + k + Math.sin(i / 5) * 0.3);
    return { runId: `r${k + 1}`, metric, ...fromPairs(points), totalPoints: 120 };
  };
  return {
    runs,
    metrics: ['acc', 'loss'],
    selectedMetrics: ['acc', 'loss'],
    xAxis: 'step',
    lines: ['acc', 'loss'].flatMap((m) => all.map((_, k) => line(k, m))),
    params: [{ name: 'lr', values: all.map((_, k) => 0.1 / (k + 1)) }],
    summaries: [{ metric: 'loss', goal: 'minimize', stats: all.map((_, k) => ({ last: k + 1, min: k + 1, max: k + 2 })) }],
  };
}

async function opened(extra = 0): Promise<Harness> {
  const h = loadWebview('compare');
  h.send({ type: 'data', data: fixture(extra) });
  await h.frame();
  return h;
}

const runStrokes = (h: Harness) => h.canvasCalls.filter((c) => c.method === 'stroke' && colors.includes(String(c.state?.strokeStyle)));
const tableRuns = (h: Harness, kind: string) => [...h.document.querySelectorAll<HTMLElement>(`table[data-table=${kind}] tbody tr`)].map((r) => r.dataset.run);

test('compare lines: many runs are stroked one pixel wide (the rasteriser\'s hairline path), a hovered run boldly', async () => {
  const few = await opened();
  try {
    assert.deepEqual([...new Set(runStrokes(few).map((s) => s.state?.lineWidth))], [1.5], 'three runs keep the bolder line');
  } finally {
    few.close();
  }
  const h = await opened(20);
  try {
    const strokes = runStrokes(h);
    assert.equal(strokes.length, 6, 'the first three of 23 runs on two charts');
    // 1.5 px with round joins made Chromium's software rasteriser take ~10× longer for 100 noisy lines.
    assert.deepEqual([...new Set(strokes.map((s) => s.state?.lineWidth))], [1]);
    h.canvasCalls.length = 0;
    h.document.querySelector('.legend-entry[data-run="r2"]')?.dispatchEvent(new h.window.Event('mouseenter'));
    const widths = h.canvasCalls.filter((c) => c.method === 'stroke' && c.state?.strokeStyle === colors[1]).map((c) => c.state?.lineWidth);
    assert.deepEqual(widths, [2.5, 2.5], 'the hovered run stands out in both charts');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare hide: a run hidden where the axes stay re-strokes the paths already placed (no point placed again)', async () => {
  const h = await opened();
  try {
    h.canvasCalls.length = 0;
    h.document.querySelector<HTMLElement>('.legend-entry[data-run="r2"] .legend-item')?.click();
    const strokes = runStrokes(h);
    assert.deepEqual(strokes.map((s) => String(s.state?.strokeStyle)).sort(), [colors[0], colors[0], colors[2], colors[2]], 'the shown runs redrawn in both charts');
    // A run's points: on a Path2D, or on the context while its colour is set (the axes' grid lines are not counted).
    const placed = h.canvasCalls.filter((c) => (c.method === 'lineTo' || c.method === 'moveTo') && (c.path || colors.includes(String(c.state?.strokeStyle)))).length;
    assert.equal(placed, 0, `the lines' paths were reused (${placed} points placed again)`);
    h.canvasCalls.length = 0;
    h.document.querySelector<HTMLElement>('.legend-entry[data-run="r2"] .legend-item')?.click();
    assert.equal(runStrokes(h).length, 6, 'shown again: all three in both charts');
    assert.equal(h.canvasCalls.filter((c) => c.method === 'lineTo' && c.path).length, 0, 'still the same paths');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare hide: the charts are drawn first; the tables follow once that frame is painted', async () => {
  const h = await opened();
  try {
    assert.deepEqual(tableRuns(h, 'params'), ['r1', 'r2', 'r3']);
    h.canvasCalls.length = 0;
    h.document.querySelector<HTMLElement>('.legend-entry[data-run="r2"] .legend-item')?.click();
    assert.ok(runStrokes(h).length > 0, 'the charts redrew at once');
    assert.deepEqual(tableRuns(h, 'params'), ['r1', 'r2', 'r3'], 'the 100-row tables are not rebuilt before the charts show');
    await h.frame();
    assert.deepEqual(tableRuns(h, 'params'), ['r1', 'r3'], 'then they leave the hidden run out');
    assert.deepEqual(tableRuns(h, 'summary'), ['r1', 'r3']);
  } finally {
    h.close();
  }
});

test('compare open: the tables are built after the charts\' first frame, not before it', async () => {
  const h = loadWebview('compare');
  try {
    h.send({ type: 'data', data: fixture() });
    assert.ok(h.document.querySelectorAll('.chart-card canvas').length === 2, 'the charts are built at once');
    assert.equal(h.document.querySelectorAll('table[data-table=params]').length, 0, 'no table before the charts paint');
    await h.frame();
    assert.deepEqual(tableRuns(h, 'params'), ['r1', 'r2', 'r3']);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare open: a chart just below the fold is drawn after the charts in view have been painted, not before', async () => {
  const observed: Observed[] = [];
  const h = loadWebview('compare', undefined, {
    // The first chart (acc) on screen, the second (loss) 100 px below the window: within the observer's margin.
    beforeScript: (window) => standInLayout(window, (e, w) => (e.closest('[data-metric]')?.getAttribute('data-metric') === 'loss' ? w.innerHeight + 100 : 0), observed),
  });
  try {
    h.send({ type: 'data', data: fixture() });
    assert.equal(runStrokes(h).length, 3, 'only the chart in view (three runs) is drawn before the first frame');
    // The browser reports what is within the margin after that frame: the chart below the fold draws then.
    report(observed);
    assert.equal(runStrokes(h).length, 6, 'then the chart below the fold');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare slider: the first chart is redrawn in the task after the input (no frame waited for), the next in a task of its own', async () => {
  const h = await opened();
  try {
    h.canvasCalls.length = 0;
    const range = h.document.querySelector<HTMLInputElement>('input[type=range]');
    assert.ok(range);
    range.value = '0.5';
    range.dispatchEvent(new h.window.Event('input', { bubbles: true }));
    assert.equal(runStrokes(h).length, 0, 'nothing within the input event (more inputs may follow it)');
    // One task later (jsdom's animation frames come every 16 ms: none has come yet).
    await new Promise((done) => h.window.setTimeout(done, 0));
    assert.equal(runStrokes(h).length, 3, 'one chart (three runs) in the first task');
    assert.equal(h.document.body.dataset.smoothMs, undefined, 'not done yet');
    await new Promise((done) => h.window.setTimeout(done, 0));
    assert.equal(runStrokes(h).length, 6, 'the other chart in the next task');
    await new Promise((done) => h.window.setTimeout(done, 0));
    assert.ok(h.document.body.dataset.smoothMs !== undefined, 'the redraw\'s time is recorded once both are drawn');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare open: tables far below the charts are built only as they come near the screen', async () => {
  const observed: Observed[] = [];
  let tablesTop = 5000;
  const h = loadWebview('compare', undefined, {
    // The charts on screen; the params and summary sections far below the window until the test scrolls.
    beforeScript: (window) => standInLayout(window, (e) => (e.closest('.tables-section') ? tablesTop : 0), observed),
  });
  try {
    h.send({ type: 'data', data: fixture() });
    await h.frame();
    await h.frame();
    assert.equal(h.document.querySelectorAll('table[data-table=params], table[data-table=summary]').length, 0, 'no table cells built off screen');
    // Scrolled: the browser reports the sections within its margin.
    tablesTop = 0;
    const sections = [...h.document.querySelectorAll('.tables-section')];
    report(observed, (e) => sections.includes(e));
    assert.deepEqual(tableRuns(h, 'params'), ['r1', 'r2', 'r3']);
    assert.deepEqual(tableRuns(h, 'summary'), ['r1', 'r2', 'r3']);
    // On screen now: a hidden run leaves them after the next frame, as before.
    h.document.querySelector<HTMLElement>('.legend-entry[data-run="r2"] .legend-item')?.click();
    await h.frame();
    assert.deepEqual(tableRuns(h, 'params'), ['r1', 'r3']);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});
