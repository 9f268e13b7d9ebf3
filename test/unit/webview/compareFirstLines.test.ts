// The charts in view get their lines first: the host reads and sends only those metrics' lines in the first
// message (the rest named as pending), then the rest in a `lines` message; the page marks waiting charts and
// fills them in when their lines come.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunIndex } from '../../../src/core/openRunIndex';
import { compareContract, type CompareData } from '../../../src/shared/webviews/compare/contract';
import { buildCompareDataInSlices, chartOrder, compareLinesInSlices, withLines } from '../../../src/vscode/webviews/compare/compareData';
import { lineChanges } from '../../../src/vscode/webviews/compare/compareUpdate';
import { RunLog } from '../../fixtures/runLog';
import { loadWebview, PageClock, messagesOfType, repoRoot, type Harness } from './webviewHarness';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const runIds = ['20261127T000000000-aaaaaaaaaa', '20261127T000001000-bbbbbbbbbb'];
// Sections lay these out as train/ (acc, loss), then val/ (loss); system/ is collapsed, so not charted by default.
const metrics = ['val/loss', 'train/loss', 'train/acc', 'system/cpu'];

async function comparison(chartsInView: number | undefined): Promise<{ data: CompareData; rest: CompareData['lines']; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-first-lines-'));
  const trialbookDir = join(dir, '.trialbook');
  const t0 = Math.floor(Date.now() / 1000) - 100;
  runIds.forEach((id, r) => {
    const log = new RunLog(id).start({ experiment: 'e', name: `run ${r}` }, t0 + r);
    for (let step = 0; step < 20; step++) log.metrics(step, Object.fromEntries(metrics.map((m, k) => [m, (k + 1) / (step + 1) + r])), { ts: t0 + r + step });
    log.end('finished', undefined, t0 + 30).writeTo(trialbookDir);
  });
  const index = await openRunIndex({ trialbookDir, wasmPath: join(repoRoot, 'node_modules/sql.js/dist/sql-wasm.wasm'), log: quiet, crashAfterSeconds: 3600, saveDelayMs: 60_000 });
  await index.sync();
  const data = await buildCompareDataInSlices(index, runIds, undefined, 'step', 1000, undefined, chartsInView);
  const rest = await compareLinesInSlices(index, runIds, data.pendingMetrics ?? [], 'step', 1000);
  return { data, rest, close: async () => { await index.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** A page sent the comparison (asked with `chartsInView`), on a clock of its own; `body` runs on it, then all is closed. */
async function onPage(chartsInView: number, body: (h: Harness, data: CompareData, rest: CompareData['lines']) => Promise<void>): Promise<void> {
  const { data, rest, close } = await comparison(chartsInView);
  const h = loadWebview('compare', undefined, { clock: new PageClock(1) });
  try {
    h.send({ type: 'data', data });
    await h.frame();
    await body(h, data, rest);
  } finally {
    h.close();
    await close();
  }
}

test('compare data: the charts in view (in the page\'s section order) get lines first, the rest are pending', async () => {
  const { data, rest, close } = await comparison(2);
  try {
    assert.deepEqual(chartOrder(data.metrics, data.selectedMetrics), ['train/acc', 'train/loss', 'val/loss']);
    assert.deepEqual([...new Set(data.lines.map((l) => l.metric))], ['train/acc', 'train/loss']);
    assert.deepEqual(data.pendingMetrics, ['val/loss']);
    assert.equal(data.lines.length, 4, 'every run\'s line of each first metric');
    assert.deepEqual(rest.map((l) => [l.metric, l.runId]), runIds.map((id) => ['val/loss', id]));
    assert.ok(rest.every((l) => l.xs.length === 20 && l.ys.length === 20));
    assert.equal(compareContract.toWebview.problem({ type: 'data', data }, ''), undefined);
    assert.equal(compareContract.toWebview.problem({ type: 'lines', metrics: ['val/loss'], lines: rest }, ''), undefined);
  } finally {
    await close();
  }
});

test('compare data: without a count of charts in view (a live update), every line comes at once', async () => {
  const { data, close } = await comparison(undefined);
  try {
    assert.equal(data.pendingMetrics, undefined);
    assert.deepEqual([...new Set(data.lines.map((l) => l.metric))].sort(), ['train/acc', 'train/loss', 'val/loss']);
  } finally {
    await close();
  }
});

test('compare page: a chart whose lines are pending says Loading…, and draws them when they come', () => onPage(1, async (h, data, rest) => {
  const card = (metric: string): Element | null => h.document.querySelector(`.chart-card[data-metric="${metric}"]`);
  assert.equal(card('train/acc')?.classList.contains('loading'), false, 'the first chart has its lines');
  assert.equal(card('train/loss')?.classList.contains('loading'), true);
  assert.equal(card('val/loss')?.classList.contains('loading'), true);
  h.canvasCalls.length = 0;
  h.send({ type: 'lines', metrics: data.pendingMetrics ?? [], lines: rest });
  await h.frame();
  assert.equal(h.document.querySelectorAll('.chart-card.loading').length, 0, 'no chart waits any more');
  assert.ok(h.canvasCalls.some((c) => c.method === 'lineTo'), 'the new lines were drawn');
  assert.deepEqual(h.errors, []);
}));

test('compare data: with no charts in view asked for (a new comparison\'s first message), no lines, every chart pending in the page\'s order', async () => {
  const { data, rest, close } = await comparison(0);
  try {
    assert.deepEqual(data.lines, []);
    assert.deepEqual(data.pendingMetrics, ['train/acc', 'train/loss', 'val/loss']);
    assert.equal(data.runs.length, 2, 'the runs, params and summaries are all there');
    assert.equal(rest.length, 6);
    // The lines of one chart posted: the page holds them, that chart is no longer pending.
    const one = withLines(data, ['train/acc'], rest.filter((l) => l.metric === 'train/acc'));
    assert.deepEqual(one.pendingMetrics, ['train/loss', 'val/loss']);
    assert.equal(one.lines.length, 2);
    assert.deepEqual(data.lines, [], 'the first message is left as it was');
    const all = withLines(withLines(one, ['train/loss'], rest.filter((l) => l.metric === 'train/loss')), ['val/loss'], rest.filter((l) => l.metric === 'val/loss'));
    assert.equal(all.pendingMetrics, undefined);
    assert.equal(all.lines.length, 6);
  } finally {
    await close();
  }
});

test('compare page: lines coming a chart per message are drawn as each comes; the comparison counts as shown once the charts in view have them', () => onPage(0, async (h, data, rest) => {
  assert.equal(h.document.querySelectorAll('.chart-card.loading').length, 3, 'every chart waits for its lines');
  h.clock?.tick(1);
  await h.frame();
  h.clock?.tick(1);
  assert.equal(h.document.body.dataset.drawn, undefined, 'not shown before the charts in view have their lines');
  assert.equal(h.document.body.dataset.timings, undefined, 'no paint counted as the comparison shown');
  assert.deepEqual(messagesOfType<{ type: 'drawn' }>(h, 'drawn'), [], 'no chart reported drawn without its lines');
  for (const metric of data.pendingMetrics ?? []) {
    h.canvasCalls.length = 0;
    h.send({ type: 'lines', metrics: [metric], lines: rest.filter((l) => l.metric === metric), xAxis: 'step' });
    await h.frame();
    assert.equal(h.document.querySelector(`.chart-card[data-metric="${metric}"]`)?.classList.contains('loading'), false, metric);
    assert.ok(h.canvasCalls.some((c) => c.method === 'lineTo'), `${metric}: its lines were drawn when they came`);
  }
  assert.ok(h.document.body.dataset.drawn, 'shown once every chart in view has its lines');
  // Stamped after the next paint (a task queued from its animation frame, on the page's clock).
  h.clock?.tick(1);
  await h.frame();
  h.clock?.tick(1);
  assert.ok(JSON.parse(h.document.body.dataset.timings ?? '{}').linesArrived, `the timings say when the lines were there: ${h.document.body.dataset.timings}`);
  assert.deepEqual(messagesOfType<{ type: 'drawn'; metric: string; lines: number }>(h, 'drawn').map((m) => [m.metric, m.lines]),
    [['train/acc', 2], ['train/loss', 2], ['val/loss', 2]]);
  assert.deepEqual(h.errors, []);
}));

test('compare page: a live update that comes before a chart\'s lines (it carries every line the page lacks) fills the charts still waiting', () => onPage(0, async (h, data, rest) => {
  h.send({ type: 'lines', metrics: ['train/acc'], lines: rest.filter((l) => l.metric === 'train/acc'), xAxis: 'step' });
  await h.frame();
  const sent = withLines(data, ['train/acc'], rest.filter((l) => l.metric === 'train/acc'));
  h.canvasCalls.length = 0;
  h.send({ type: 'update', runs: data.runs, metrics: data.metrics, summaries: data.summaries, changes: lineChanges(sent.lines, rest, 'step') });
  await h.frame();
  assert.equal(h.document.querySelectorAll('.chart-card.loading').length, 0, 'no chart waits any more');
  assert.ok(h.canvasCalls.some((c) => c.method === 'lineTo'), 'the lines were drawn');
  assert.ok(h.document.body.dataset.drawn, 'the comparison counts as shown');
  assert.deepEqual(h.errors, []);
}));

test('compare page: a chart whose lines are on their way is not drawn empty under "Loading…"; it is drawn once they come', () => onPage(0, async (h, data, rest) => {
  h.clock?.tick(1);
  await h.frame();
  // An empty Chart.js chart would draw its axes (tick labels, grid lines): work in the task that builds the page,
  // ahead of the lines of the charts in view, for nothing anyone sees.
  assert.deepEqual([...new Set(h.canvasCalls.map((c) => c.method))], [], 'nothing drawn while every chart waits');
  const metric = (data.pendingMetrics ?? [])[0] as string;
  h.send({ type: 'lines', metrics: [metric], lines: rest.filter((l) => l.metric === metric), xAxis: 'step' });
  await h.frame();
  const methods = h.canvasCalls.map((c) => c.method);
  assert.ok(methods.includes('lineTo') && methods.includes('fillText'), `${metric}: drawn with its axes and lines once they came`);
  assert.deepEqual(h.errors, []);
}));
