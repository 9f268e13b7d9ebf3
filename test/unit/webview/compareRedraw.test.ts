// What a control costs the comparison page (jsdom, the real bundle): lines stroked on the rasteriser's cheap path,
// a hide that only re-strokes the paths it had, the tables rebuilt after the charts' frame, and the charts of a
// change that touches one chart alone left as they were.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompareData } from '../../../src/shared/webviews/compare/contract';
import { fromPairs } from '../../fixtures/linePoints';
import { standInLayout, report, type Observed } from './layoutStandIn';
import { loadWebview, PageClock, type Harness } from './webviewHarness';

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

/**
 * The page's tasks after a slider move, run one at a time on the page's clock (the open's own timers first): the
 * runs' lines each stroked (a run's colour is #rrggbb; the axes' are not), the path vertices placed, the page time.
 */
function sliderTasks(h: Harness, clock: PageClock, value: string): Array<{ strokes: number; placed: number; ms: number; done: boolean }> {
  for (let i = 0; i < 100 && clock.runNext(); i++);
  const range = h.document.querySelector<HTMLInputElement>('input[type=range]');
  assert.ok(range);
  h.canvasCalls.length = 0;
  range.value = value;
  range.dispatchEvent(new h.window.Event('input', { bubbles: true }));
  assert.equal(h.canvasCalls.length, 0, 'nothing drawn within the input event (more inputs may follow it)');
  const tasks = [];
  for (let i = 0; i < 500 && h.document.body.dataset.smoothMs === undefined; i++) {
    const calls = h.canvasCalls.length;
    const at = clock.now;
    if (!clock.runNext()) break;
    const drawn = h.canvasCalls.slice(calls);
    const strokes = drawn.filter((c) => c.method === 'stroke' && /^#[0-9a-f]{6}$/i.test(String(c.state?.strokeStyle))).length;
    tasks.push({ strokes, placed: drawn.filter((c) => c.path && c.method === 'lineTo').length, ms: clock.now - at, done: h.document.body.dataset.smoothMs !== undefined });
  }
  return tasks;
}

test('compare slider: each chart is redrawn in tasks of its own, right after the input (no frame waited for): update, lines placed, stroked', async () => {
  const clock = new PageClock();
  const h = loadWebview('compare', undefined, { clock });
  try {
    h.send({ type: 'data', data: fixture() });
    await h.frame();
    // Run synchronously, task by task: no animation frame can come between them.
    const tasks = sliderTasks(h, clock, '0.5');
    // Per chart: the update (its render held: nothing drawn), its three lines placed, then stroked from those paths;
    // then the task that finds every chart drawn and records the time.
    assert.deepEqual(tasks.map((t) => [t.strokes > 0 ? 'stroked' : t.placed > 0 ? 'placed' : 'nothing drawn', t.strokes, t.done]), [
      ['nothing drawn', 0, false], ['placed', 0, false], ['stroked', 3, false],
      ['nothing drawn', 0, false], ['placed', 0, false], ['stroked', 3, false],
      ['nothing drawn', 0, true],
    ]);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare slider: at many runs a chart\'s lines are placed a few per task, each task within its budget, and stroked without placing again', async () => {
  // Each canvas or path call costs the page 0.02 ms: placing a chart's 43 lines (~700 vertices) costs ~15 ms.
  const clock = new PageClock(0.02);
  const h = loadWebview('compare', undefined, { clock });
  try {
    h.send({ type: 'data', data: fixture(40) });
    await h.frame();
    const tasks = sliderTasks(h, clock, '0.3');
    const placing = tasks.filter((t) => t.placed > 0);
    const stroking = tasks.filter((t) => t.strokes > 0);
    assert.equal(stroking.length, 2, 'one task strokes each chart');
    assert.ok(stroking.every((t) => t.strokes === 43 && t.placed === 0), 'all 43 lines stroked from paths placed before');
    assert.ok(placing.length >= 4, `placed over several tasks per chart (${placing.length} in all)`);
    const longest = Math.max(...placing.map((t) => t.ms));
    assert.ok(longest <= 7, `no placing task over the 6 ms budget and one line (longest ${longest.toFixed(2)} ms)`);
    const whole = tasks.reduce((sum, t) => sum + t.ms, 0) / 2;
    assert.ok(Math.max(...tasks.map((t) => t.ms)) < whole / 2, `a chart's redraw (${whole.toFixed(1)} ms) is cut into tasks of under half of it`);
    // What the benchmark reads: the redraw's longest task, as the page timed it.
    assert.ok(Math.abs(Number(h.document.body.dataset.smoothLongestTask) - Math.max(...tasks.map((t) => t.ms))) < 1e-6);
    assert.equal(tasks.at(-1)?.done, true);
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
