import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompareData, CompareToHostMessage, CompareViewState } from '../../../src/shared/webviews/compare/contract';
import { fromPairs } from '../../fixtures/linePoints';
import { loadWebview, messagesOfType, PageClock, structure, type Harness } from './webviewHarness';

/** Run-supplied text that a page parsing HTML would turn into elements, attributes or script. */
const evilName = '<img src=x onerror="window.__pwned = true">';
const evilNote = '"><svg onload=alert(1)><script>alert(2)</script>';

function line(runId: string, metric: string, n: number, f: (i: number) => number): CompareData['lines'][number] {
  const points: number[] = [];
  for (let i = 0; i < n; i++) points.push(i, f(i));
  return { runId, metric, ...fromPairs(points), totalPoints: n };
}

function fixture(names: { run: string; note: string } = { run: evilName, note: evilNote }): CompareData {
  const runs = [
    { id: 'r1', name: 'brave-otter', experiment: 'demo', status: 'finished', color: '#1f77b4' },
    { id: 'r2', name: names.run, experiment: 'demo', status: 'running', color: '#ff7f0e' },
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
    params: [{ name: 'lr', values: [0.01, 0.01, 0.1] }, { name: 'note', values: [names.note, 'x', 'x'] }],
    summaries: [{ metric: 'loss', stats: [{ last: 0.1, min: 0.05, max: 1 }, { last: 0.2, min: 0.1, max: 1 }, null] }],
  };
}

function withData(data = fixture(), clock?: PageClock): Harness {
  const h = loadWebview('compare', undefined, clock ? { clock } : {});
  h.send({ type: 'data', data });
  return h;
}

test('compare: the first message is ready, without state when nothing was saved', () => {
  const h = loadWebview('compare');
  try {
    // The harness lays pages out 800 px wide and 768 px tall: one chart per row, 730 px of plot, three charts in view.
    assert.deepEqual(h.posted[0], { type: 'ready', chartPixelWidth: 730, chartsInView: 3 });
  } finally {
    h.close();
  }
});

test('compare: ready carries the saved state after a reload', () => {
  const saved: CompareViewState = { runIds: ['r1', 'r3'], selectedMetrics: ['acc'], xAxis: 'relative', smoothing: 0.6, logScale: true, onlyDifferentParams: true };
  const h = loadWebview('compare', saved);
  try {
    assert.deepEqual(h.posted[0], { type: 'ready', state: saved, chartPixelWidth: 730, chartsInView: 3 });
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
    // No lines of time held yet: the page asks for its chart's (compareAxisSwitch.test.ts).
    assert.deepEqual(views, [{ type: 'setView', selectedMetrics: ['loss'], xAxis: 'wall', held: true, pending: ['loss'] }]);
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

test('compare: run-supplied markup shows as text and creates no element or attribute', async () => {
  // The same page with plain names is the reference: markup in names and params must change no element or attribute.
  const plain = withData(fixture({ run: 'x'.repeat(evilName.length), note: 'x'.repeat(evilNote.length) }));
  const h = withData();
  try {
    // The tables come after the charts' first frame.
    await plain.frame();
    await h.frame();
    assert.deepEqual(structure(h.document), structure(plain.document), 'the page built the same elements and attributes');
    assert.equal(h.document.querySelectorAll('img, svg, script, [onerror], [onload]').length, 0);
    const legendNames = [...h.document.querySelectorAll('.legend-item')].map((b) => b.textContent);
    assert.ok(legendNames.includes(evilName), `legend shows the raw name as text: ${JSON.stringify(legendNames)}`);
    const cells = [...h.document.querySelectorAll('td, th')].map((c) => c.textContent);
    assert.ok(cells.includes(evilName), 'the table headers show the raw name as text');
    assert.ok(cells.includes(evilNote), 'the param table shows the raw value as text');
  } finally {
    h.close();
    plain.close();
  }
});

test('compare: data draws one line per run, and smoothing redraws with different points', async () => {
  const h = withData(fixture(), new PageClock(1));
  try {
    assert.ok(h.document.body.dataset.drawn, 'the webview marks the charts drawn');
    await h.frame();
    const drawnBefore = h.canvasCalls.filter((c) => c.method === 'lineTo').map((c) => c.args.join(','));
    assert.ok(drawnBefore.length >= 3 * 50, `lines were stroked (${drawnBefore.length} lineTo calls)`);
    h.canvasCalls.length = 0;
    const range = h.document.querySelector<HTMLInputElement>('input[type=range]');
    assert.ok(range);
    const posted = h.posted.length;
    // A drag delivers several inputs before the page's next task: it redraws once, with the latest value.
    for (const value of ['0.3', '0.6', '0.9']) {
      range.value = value;
      range.dispatchEvent(new h.window.Event('input', { bubbles: true }));
    }
    assert.equal(h.canvasCalls.length, 0, 'no redraw within the input events');
    assert.equal(h.document.querySelector('output')?.textContent, '0.90', 'the value shown follows at once');
    // The page's tasks (its timers, on this clock): one chart per task, each queued when the one before ends.
    const clock = h.clock as PageClock;
    clock.tick(60_000);
    // Its time is every canvas call the one redraw made (1 ms each on this clock).
    const redrawCalls = h.canvasCalls.length;
    assert.ok(redrawCalls > 0, 'smoothing redrew in the tasks after the inputs');
    assert.equal(Number(h.document.body.dataset.smoothMs), redrawCalls, 'the recorded redraw time covers the whole redraw');
    // One redraw, not one per input: as many strokes as a single input's redraw makes.
    const strokes = h.canvasCalls.filter((c) => c.method === 'stroke').length;
    const drawnAfter = h.canvasCalls.filter((c) => c.method === 'lineTo').map((c) => c.args.join(','));
    h.canvasCalls.length = 0;
    range.value = '0.8';
    range.dispatchEvent(new h.window.Event('input', { bubbles: true }));
    clock.tick(60_000);
    assert.equal(strokes, h.canvasCalls.filter((c) => c.method === 'stroke').length, 'three inputs in a frame cost one redraw');
    assert.ok(drawnAfter.length > 0, 'smoothing redrew the lines');
    assert.notDeepEqual(drawnAfter, drawnBefore, 'smoothed lines differ from raw ones');
    range.dispatchEvent(new h.window.Event('change', { bubbles: true }));
    const state = h.state() as CompareViewState;
    assert.equal(state.smoothing, 0.8);
    assert.deepEqual(h.posted.slice(posted), [], 'moving the slider tells the host nothing (it needs none of it)');
    assert.deepEqual(h.errors, [], 'no script errors');
  } finally {
    h.close();
  }
});

test('compare: state saved by an older version is dropped: the page starts from defaults and says ready without it', () => {
  for (const stale of [{ smoothing: 'high' }, { runIds: 'r1', xAxis: 'epoch' }, 'state']) {
    const h = loadWebview('compare', stale);
    try {
      assert.deepEqual(h.posted, [{ type: 'ready', chartPixelWidth: 730, chartsInView: 3 }], JSON.stringify(stale));
      assert.equal(h.document.querySelector<HTMLInputElement>('input[type=range]')?.value, '0');
      assert.equal(h.document.querySelector('output')?.textContent, '0.00');
      h.send({ type: 'data', data: fixture() });
      assert.equal(h.document.querySelectorAll('.legend-item').length, 3, 'the page works');
      assert.deepEqual(h.errors, [], JSON.stringify(stale));
    } finally {
      h.close();
    }
  }
});

test('compare: the summary table highlights one best cell per row by the metric\'s goal, none without one; summary values show per run', async () => {
  const data = fixture();
  data.summaries = [
    // Declared maximize although the name says loss; r2 and r3 tie at the best last value: only r2 (first) is marked.
    { metric: 'loss', goal: 'maximize', stats: [{ last: 0.1, min: 0.05, max: 1 }, { last: 0.3, min: 0.1, max: 1 }, { last: 0.3, min: 0.2, max: 2 }] },
    // No direction (grad_norm): nothing is best.
    { metric: 'grad_norm', stats: [{ last: 1, min: 0.5, max: 4 }, { last: 2, min: 0.1, max: 9 }, null] },
  ];
  data.summaryValues = [{ name: 'best_accuracy', values: [0.93, null, 0.91] }, { name: evilNote, values: ['a', evilName, 'c'] }];
  const h = withData(data);
  try {
    await h.frame();
    const table = h.document.querySelector('table[data-table="summary"]');
    assert.ok(table);
    // Runs are rows, in the runs' order; each metric · field is a column. The runs whose cell is marked best:
    const bestOf = (label: string): number[] => {
      const column = [...table.querySelectorAll('thead th')].findIndex((th) => th.textContent?.replace(/ [▲▼]$/, '') === label);
      assert.ok(column > 0, label);
      return [...table.querySelectorAll('tbody tr')].map((tr, i) => (tr.children[column]?.classList.contains('best') ? i : -1)).filter((i) => i >= 0);
    };
    assert.deepEqual(bestOf('loss · last'), [1], 'the first run to reach the best, not every tied cell');
    assert.deepEqual(bestOf('loss · min'), [2], 'maximize, as declared');
    assert.deepEqual(bestOf('grad_norm · min'), []);
    assert.deepEqual(bestOf('grad_norm · max'), []);
    const values = h.document.querySelector('table[data-table="summary-values"]');
    assert.ok(values);
    const rows = [...values.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    assert.deepEqual(rows, [['Summary', 'best_accuracy', evilNote], ['brave-otter', '0.93', 'a'], [evilName, '—', evilName], ['calm-heron', '0.91', 'c']]);
    assert.equal(h.document.querySelectorAll('img, svg, script').length, 0);
  } finally {
    h.close();
  }
});

test('compare: a malformed binary data message is refused with a clear error, and the page keeps what it showed', () => {
  const h = withData();
  try {
    const drawn = h.document.body.dataset.drawn;
    const bad = fixture();
    const first = bad.lines[0];
    assert.ok(first);
    // Deliberately malformed: two xs for one y.
    bad.lines[0] = { ...first, xs: Float64Array.of(0, 1), ys: Float64Array.of(1) };
    h.send({ type: 'data', data: bad });
    const status = h.document.querySelector('.status');
    assert.equal(status?.hasAttribute('hidden'), false);
    assert.match(status?.textContent ?? '', /malformed "data" message \(data\.lines\[0\]: xs has 2 values but ys has 1; each point needs both\)\. Close and reopen the panel/);
    assert.equal(h.document.body.dataset.drawn, drawn, 'nothing was redrawn from the bad message');
    assert.equal(h.document.querySelectorAll('.legend-item').length, 3, 'the comparison shown before stays');
  } finally {
    h.close();
  }
});

test('compare: a line denser than the chart is drawn as its per-pixel envelope: bounded work, every peak kept', async () => {
  const n = 20_000;
  const data = fixture();
  const points: number[] = [];
  for (let i = 0; i < n; i++) points.push(i, 1 + Math.sin(i / 50) * 0.1);
  // One spike of one point, and one dip: narrower than a pixel column, yet they must show.
  points[2 * 12_345 + 1] = 5;
  points[2 * 4_321 + 1] = -3;
  data.lines = [{ runId: 'r1', metric: 'loss', ...fromPairs(points), totalPoints: n }];
  const h = withData(data, new PageClock(1));
  try {
    await h.frame();
    const lineTos = h.canvasCalls.filter((c) => c.method === 'lineTo').map((c) => c.args as number[]);
    // The harness's chart is 730 px wide: at most 4 vertices per pixel column (its extremes, its last value, the
    // next column's first), plus the axes' grid lines.
    assert.ok(lineTos.length > 100 && lineTos.length <= 4 * 730 + 100, `${lineTos.length} lineTo calls for ${n} points`);
    const ysDrawn = lineTos.map((a) => a[1] as number);
    const top = Math.min(...ysDrawn);
    const bottom = Math.max(...ysDrawn);
    // The spike is the highest vertex and the dip the lowest, far beyond the sine's band.
    assert.ok(bottom - top > 100, `the spike and dip span the plot: ${top}..${bottom}`);
    const spikeX = lineTos.find((a) => a[1] === top)?.[0] ?? Number.NaN;
    const dipX = lineTos.find((a) => a[1] === bottom)?.[0] ?? Number.NaN;
    assert.ok(spikeX > dipX, `the spike (x ${spikeX}) is right of the dip (x ${dipX}), as logged`);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare: the same runs on another x axis redraw in the same canvases, titled and drawn by the new axis', async () => {
  const h = withData(fixture(), new PageClock(1));
  try {
    await h.frame();
    const canvases = [...h.document.querySelectorAll('canvas')];
    assert.ok(canvases.length > 0);
    const stepText = h.canvasCalls.filter((c) => c.method === 'fillText').map((c) => String(c.args[0]));
    assert.ok(stepText.includes('Step'), `the x axis is titled Step: ${stepText.join('|')}`);
    h.canvasCalls.length = 0;
    const relative = fixture();
    relative.xAxis = 'relative';
    // Another axis: the same points an hour apart (3,600 s per step; 200 steps span 8 days), so labels and placement change.
    relative.lines = relative.lines.map((l) => ({ ...l, xs: l.xs.map((x) => x * 3600) }));
    h.send({ type: 'data', data: relative });
    await h.frame();
    assert.deepEqual([...h.document.querySelectorAll('canvas')], canvases, 'the same canvas elements');
    const relativeText = h.canvasCalls.filter((c) => c.method === 'fillText').map((c) => String(c.args[0]));
    assert.ok(relativeText.some((t) => /relative/i.test(t)), `the x axis is titled by relative time: ${relativeText.join('|')}`);
    assert.ok(relativeText.some((t) => /^\dd$/.test(t)), `ticks read as days: ${relativeText.join('|')}`);
    assert.ok(!relativeText.includes('Step'), `nothing drawn with the old axis: ${relativeText.join('|')}`);
    assert.ok(h.canvasCalls.some((c) => c.method === 'lineTo'), 'the lines were drawn again');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});
