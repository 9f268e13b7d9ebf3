// Switching the x axis between steps and time on the page: the host sends the other kind's lines once the charts are
// painted (a `lines` message with its axis), the page keeps them and redraws from them, telling the host only the
// choice (`setView` with `held`). Relative and wall-clock time are one kind, converted with each run's start.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompareData, CompareLine, CompareToHostMessage } from '../../../src/shared/webviews/compare/contract';
import { otherAxis } from '../../../src/shared/webviews/compare/lineAxes';
import { AxisLines, timeXs } from '../../../webview/compare/axisLines';
import { report, standInLayout, type Observed } from './layoutStandIn';
import { loadWebview, messagesOfType, type Harness } from './webviewHarness';

const starts = [1_795_000_000_000, 1_795_007_200_000];

/** Two runs, one metric: 50 steps, one every 2.5 s (relative time), so the axes differ in their numbers. */
function lineOn(axis: 'step' | 'relative' | 'wall', k: number): CompareLine {
  const xs = new Float64Array(50);
  const ys = new Float64Array(50);
  for (let i = 0; i < 50; i++) {
    const rel = 1 + i * 2.5;
    xs[i] = axis === 'step' ? i : axis === 'relative' ? rel : (starts[k] as number) + rel * 1000;
    ys[i] = 1 / (i + 1) + k;
  }
  return { runId: `r${k + 1}`, metric: 'loss', xs, ys, totalPoints: 50 };
}

function fixture(): CompareData {
  return {
    runs: starts.map((startedAt, k) => ({ id: `r${k + 1}`, name: `run ${k + 1}`, experiment: 'e', status: 'finished', color: ['#1f77b4', '#ff7f0e'][k] as string, startedAt })),
    metrics: ['loss'],
    selectedMetrics: ['loss'],
    xAxis: 'step',
    lines: [lineOn('step', 0), lineOn('step', 1)],
    params: [],
    summaries: [{ metric: 'loss', stats: [null, null] }],
  };
}

const views = (h: Harness) => messagesOfType<Extract<CompareToHostMessage, { type: 'setView' }>>(h, 'setView');
const texts = (h: Harness) => h.canvasCalls.filter((c) => c.method === 'fillText').map((c) => String(c.args[0]));

function choose(h: Harness, value: string): void {
  const select = h.document.querySelector<HTMLSelectElement>('select[aria-label="X axis"]');
  assert.ok(select);
  select.value = value;
  select.dispatchEvent(new h.window.Event('change', { bubbles: true }));
}

async function withOtherAxis(): Promise<Harness> {
  const h = loadWebview('compare');
  h.send({ type: 'data', data: fixture() });
  h.send({ type: 'lines', metrics: ['loss'], lines: [lineOn('relative', 0), lineOn('relative', 1)], xAxis: 'relative' });
  await h.frame();
  return h;
}

test('compare x axis: with the other axis\' lines held, step → relative → wall → step redraw on the page, the host only told', async () => {
  const h = await withOtherAxis();
  try {
    assert.ok(texts(h).includes('Step'));
    for (const [axis, title, tick] of [['relative', 'Relative time', '2m'], ['wall', 'Wall time', undefined], ['step', 'Step', '40']] as const) {
      h.canvasCalls.length = 0;
      const drawn = h.document.body.dataset.drawn;
      choose(h, axis);
      const last = views(h).at(-1);
      assert.deepEqual(last, { type: 'setView', selectedMetrics: ['loss'], xAxis: axis, held: true }, `${axis}: drawn here, no lines asked for`);
      assert.equal(h.document.body.dataset.drawn !== drawn || h.canvasCalls.length > 0, true, `${axis}: redrawn`);
      assert.ok(texts(h).includes(title), `${axis}: the axis is titled ${title}: ${JSON.stringify(texts(h))}`);
      if (tick) assert.ok(texts(h).includes(tick), `${axis}: the ticks are in its units (${tick}): ${JSON.stringify(texts(h))}`);
      assert.ok(h.canvasCalls.some((c) => c.method === 'lineTo' && c.path), `${axis}: the lines placed on the new axis`);
    }
    assert.equal(views(h).filter((v) => !v.held).length, 0, 'never a request for lines');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare x axis: switched before the other axis\' lines came, the old axis stays drawn marked loading until the host sends the chart', async () => {
  const h = loadWebview('compare');
  try {
    h.send({ type: 'data', data: fixture() });
    await h.frame();
    const card = h.document.querySelector('.chart-card[data-metric="loss"]');
    const status = h.document.querySelector<HTMLElement>('.status');
    assert.ok(card && status);
    const drawn = h.document.body.dataset.drawn;
    h.canvasCalls.length = 0;
    choose(h, 'wall');
    assert.deepEqual(views(h), [{ type: 'setView', selectedMetrics: ['loss'], xAxis: 'wall', held: true, pending: ['loss'] }], 'the host is asked for the chart, not the whole comparison');
    assert.ok(card.classList.contains('loading'), 'the chart says it is loading');
    assert.equal(status.hidden, false);
    assert.match(status.textContent ?? '', /wall time/);
    assert.equal(h.document.body.dataset.drawn, drawn, 'not drawn on the new axis yet');
    assert.ok(!texts(h).includes('Wall time'), 'the old axis stays drawn');
    // The lines the host was sending ahead (relative time) arrive: converted to wall-clock time, drawn.
    h.send({ type: 'lines', metrics: ['loss'], lines: [lineOn('relative', 0), lineOn('relative', 1)], xAxis: 'relative' });
    await h.frame();
    assert.notEqual(h.document.body.dataset.drawn, drawn, 'drawn on the new axis');
    assert.ok(texts(h).includes('Wall time'), `titled Wall time: ${JSON.stringify(texts(h))}`);
    assert.ok(!card.classList.contains('loading'), 'no longer loading');
    assert.equal(status.hidden, true);
    // Back to steps: held, nothing asked.
    choose(h, 'step');
    assert.deepEqual(views(h).at(-1), { type: 'setView', selectedMetrics: ['loss'], xAxis: 'step', held: true });
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare x axis: after live points changed the lines held, the switch asks the host for them again', async () => {
  const h = await withOtherAxis();
  try {
    const data = fixture();
    h.send({ type: 'update', runs: data.runs, metrics: data.metrics, summaries: data.summaries, changes: [{ ...lineOn('step', 0), mode: 'replace' }] });
    choose(h, 'relative');
    assert.deepEqual(views(h), [{ type: 'setView', selectedMetrics: ['loss'], xAxis: 'relative', held: true, pending: ['loss'] }]);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

/**
 * The compare page with acc on screen and loss far below the window: an IntersectionObserver that never reports keeps
 * it off screen (a page without one takes every chart as on screen).
 */
function pageWithLossBelowTheFold(observed: Observed[] = []): ReturnType<typeof loadWebview> {
  return loadWebview('compare', undefined, {
    beforeScript: (window) => standInLayout(window, (e, w) => (e.closest('[data-metric]')?.getAttribute('data-metric') === 'loss' ? w.innerHeight + 2000 : 0), observed),
  });
}

/**
 * The browser's report that the loss chart came within the margin of the observer that asks for lines; off screen,
 * it is asked for once the page is idle (jsdom has no requestIdleCallback: 200 ms).
 */
async function lossNears(observed: readonly Observed[]): Promise<void> {
  report(observed.filter((o) => o.margin === '100% 0px'), (e) => e.getAttribute('data-metric') === 'loss');
  await new Promise((resolve) => setTimeout(resolve, 250));
}

test('compare x axis: the charts on screen held, the switch is drawn at once and a chart below the fold is asked for as it nears', async () => {
  const observed: Observed[] = [];
  const h = pageWithLossBelowTheFold(observed);
  try {
    const data = fixture();
    const acc = (line: CompareLine): CompareLine => ({ ...line, metric: 'acc' });
    h.send({ type: 'data', data: { ...data, metrics: ['acc', 'loss'], selectedMetrics: ['acc', 'loss'], lines: [...data.lines, ...data.lines.map(acc)] } });
    h.send({ type: 'lines', metrics: ['acc'], lines: [acc(lineOn('relative', 0)), acc(lineOn('relative', 1))], xAxis: 'relative' });
    await h.frame();
    const drawn = h.document.body.dataset.drawn;
    h.canvasCalls.length = 0;
    choose(h, 'relative');
    // Nothing on screen lacks its lines: the host is asked for none.
    assert.deepEqual(views(h), [{ type: 'setView', selectedMetrics: ['acc', 'loss'], xAxis: 'relative', held: true }]);
    assert.notEqual(h.document.body.dataset.drawn, drawn, 'drawn at once');
    assert.ok(texts(h).includes('Relative time'), `the chart on screen on the new axis: ${JSON.stringify(texts(h))}`);
    const loss = h.document.querySelector('.chart-card[data-metric="loss"]');
    assert.ok(loss?.classList.contains('loading'), 'the chart below waits, marked');
    assert.ok(!h.document.querySelector('.chart-card[data-metric="acc"]')?.classList.contains('loading'));
    assert.deepEqual(messagesOfType(h, 'wantLines'), [], 'not asked for while far below');
    // Scrolled near: its relative time lines asked for (its steps are held), once.
    await lossNears(observed);
    await lossNears(observed);
    assert.deepEqual(messagesOfType(h, 'wantLines'), [{ type: 'wantLines', metrics: ['loss'], xAxis: 'relative' }]);
    h.send({ type: 'lines', metrics: ['loss'], lines: [lineOn('relative', 0), lineOn('relative', 1)], xAxis: 'relative' });
    assert.ok(!loss?.classList.contains('loading'), 'its lines came');
    // Steps again: every chart's lines held (the first data), nothing asked.
    choose(h, 'step');
    assert.deepEqual(views(h).at(-1), { type: 'setView', selectedMetrics: ['acc', 'loss'], xAxis: 'step', held: true });
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare page: a chart below the fold asks for its lines on both axes as it nears the screen, once, and only after the charts in view are drawn', async () => {
  const observed: Observed[] = [];
  const h = pageWithLossBelowTheFold(observed);
  try {
    const data = fixture();
    const acc = (line: CompareLine): CompareLine => ({ ...line, metric: 'acc' });
    h.send({ type: 'data', data: { ...data, metrics: ['acc', 'loss'], selectedMetrics: ['acc', 'loss'], lines: [], pendingMetrics: ['acc', 'loss'] } });
    await h.frame();
    await lossNears(observed);
    assert.deepEqual(messagesOfType(h, 'wantLines'), [], 'nothing asked before the charts in view are drawn');
    h.send({ type: 'lines', metrics: ['acc'], lines: data.lines.map(acc), xAxis: 'step' });
    await h.frame();
    // Near but off screen: not asked for at once (a control used right after the Compare goes first), but soon.
    report(observed.filter((o) => o.margin === '100% 0px'), (e) => e.getAttribute('data-metric') === 'loss');
    assert.deepEqual(messagesOfType(h, 'wantLines'), []);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.deepEqual(messagesOfType(h, 'wantLines'), [
      { type: 'wantLines', metrics: ['loss'], xAxis: 'step' },
      { type: 'wantLines', metrics: ['loss'], xAxis: 'relative' },
    ]);
    const loss = h.document.querySelector('.chart-card[data-metric="loss"]');
    assert.ok(loss?.classList.contains('loading'));
    h.send({ type: 'lines', metrics: ['loss'], lines: data.lines, xAxis: 'step' });
    assert.ok(!loss?.classList.contains('loading'), 'drawn as its lines came');
    await lossNears(observed);
    assert.equal(messagesOfType(h, 'wantLines').length, 2, 'asked once');
    // A new comparison: asked again once it is drawn.
    h.send({ type: 'data', data: { ...data, metrics: ['acc', 'loss'], selectedMetrics: ['acc', 'loss'], lines: data.lines.map(acc), pendingMetrics: ['loss'] } });
    await h.frame();
    await lossNears(observed);
    assert.deepEqual(messagesOfType(h, 'wantLines').slice(2), [
      { type: 'wantLines', metrics: ['loss'], xAxis: 'step' },
      { type: 'wantLines', metrics: ['loss'], xAxis: 'relative' },
    ]);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare page: a comparison whose lines follow tells the host which charts are on screen (their lines come first)', async () => {
  const h = pageWithLossBelowTheFold();
  try {
    const data = fixture();
    const full = { ...data, metrics: ['acc', 'loss'], selectedMetrics: ['acc', 'loss'] };
    h.send({ type: 'data', data: { ...full, lines: [], pendingMetrics: ['acc', 'loss'] } });
    await h.frame();
    assert.deepEqual(messagesOfType(h, 'onScreen'), [{ type: 'onScreen', metrics: ['acc'] }]);
    // A comparison with every line already there: nothing follows, nothing to say.
    h.send({ type: 'data', data: { ...full, lines: [...data.lines, ...data.lines.map((l) => ({ ...l, metric: 'acc' }))] } });
    await h.frame();
    assert.equal(messagesOfType(h, 'onScreen').length, 1);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('axis lines: wall-clock x from relative time and back with the run\'s start, as the index reader computes relative', () => {
  const rel = lineOn('relative', 1).xs;
  const wall = lineOn('wall', 1).xs;
  assert.deepEqual([...timeXs(wall, 'wall', 'relative', starts[1] as number)], [...rel]);
  const back = timeXs(rel, 'relative', 'wall', starts[1] as number);
  assert.ok(back.every((x, i) => Math.abs(x - (wall[i] as number)) < 1e-3), 'within a microsecond');
  const held = new AxisLines();
  const data = fixture();
  held.keep('relative', ['loss'], [lineOn('relative', 0), lineOn('relative', 1)], new Map(data.runs.map((r) => [r.id, r.startedAt])));
  assert.equal(held.linesFor('step', data), undefined, 'no step lines held');
  assert.deepEqual(held.linesFor('wall', data)?.map((l) => l.xs[0]), starts.map((s) => s + 1000));
  assert.equal(held.linesFor('relative', { ...data, selectedMetrics: ['loss', 'acc'] }), undefined, 'a chart without held lines');
  const unknownStart = { ...data, runs: data.runs.map(({ startedAt: _, ...r }) => r) };
  assert.equal(held.linesFor('wall', unknownStart), undefined, 'no start: cannot convert');
  assert.equal(otherAxis('step'), 'relative');
  assert.equal(otherAxis('wall'), 'step');
  assert.equal(otherAxis('relative'), 'step');
});
