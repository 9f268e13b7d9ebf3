// The compare host's order of work around the page: lines read ahead chart by chart (the page's charts in view
// first), and the charts below the fold sent a chart per message, each after the previous one was delivered, ending
// as soon as the panel moved on (another x axis must not wait behind megabytes of the old one).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunIndex } from '../../../src/core/openRunIndex';
import type { RunIndex } from '../../../src/core/runIndex';
import type { EnvelopeRequest } from '../../../src/core/model';
import { compareContract, type CompareLine } from '../../../src/shared/webviews/compare/contract';
import { buildCompareDataInSlices, postPendingLines, prefetchSeries, warmSeries } from '../../../src/vscode/webviews/compare/compareData';
import { RunLog } from '../../fixtures/runLog';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const runIds = ['20261127T000000000-aaaaaaaaaa', '20261127T000001000-bbbbbbbbbb', '20261127T000002000-cccccccccc'];
// The page lays these out as train/acc, train/loss, val/acc, val/loss (sections by prefix, sorted).
const metrics = ['val/loss', 'train/loss', 'train/acc', 'val/acc'];

async function workspace(): Promise<{ index: RunIndex; requests: EnvelopeRequest[]; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-lines-ahead-'));
  const trialbookDir = join(dir, '.trialbook');
  const t0 = Math.floor(Date.now() / 1000) - 100;
  runIds.forEach((id, r) => {
    const log = new RunLog(id).start({ experiment: 'e', name: `run ${r}` }, t0 + r);
    for (let step = 0; step < 30; step++) log.metrics(step, Object.fromEntries(metrics.map((m, k) => [m, (k + 1) / (step + 1) + r])), { ts: t0 + r + step });
    log.end('finished', undefined, t0 + 40).writeTo(trialbookDir);
  });
  const index = await openRunIndex({ trialbookDir, wasmPath: join(__dirname, '../../../../node_modules/sql.js/dist/sql-wasm.wasm'), log: quiet, crashAfterSeconds: 3600, saveDelayMs: 60_000 });
  await index.sync();
  // Every envelope request, as the index sees it.
  const requests: EnvelopeRequest[] = [];
  const read = index.seriesEnvelopes.bind(index);
  index.seriesEnvelopes = (request) => {
    requests.push({ ...request, runIds: [...request.runIds], keys: [...request.keys] });
    return read(request);
  };
  return { index, requests, close: async () => { await index.close(); rmSync(dir, { recursive: true, force: true }); } };
}

test('compare lines ahead: read chart by chart in the page\'s order, so the charts in view are cached first', async () => {
  const { index, requests, close } = await workspace();
  try {
    await warmSeries(index, runIds, ['train/acc', 'train/loss'], 'step', 1000, () => false);
    // One metric at a time: every run's train/acc before any train/loss.
    assert.deepEqual(requests.map((r) => [r.keys.join('+'), r.runIds.join('+')]),
      [...runIds.map((id) => ['train/acc', id]), ...runIds.map((id) => ['train/loss', id])]);
    requests.length = 0;
    await prefetchSeries(index, runIds, undefined, 'relative', 1000, () => false);
    assert.deepEqual([...new Set(requests.map((r) => r.keys.join('+')))], ['train/acc', 'train/loss', 'val/acc', 'val/loss']);
    // Each read also keeps the line's other axis (steps), which the page is sent next.
    assert.ok(requests.every((r) => r.xAxis === 'relative' && r.alsoXAxis === 'step' && r.runIds.length === 1 && r.keys.length === 1));
    // Stopped: nothing more is read.
    requests.length = 0;
    let calls = 0;
    await prefetchSeries(index, runIds, undefined, 'step', 1000, () => ++calls > 2);
    assert.equal(requests.length, 2, 'reading ends when the panel moved on');
  } finally {
    await close();
  }
});

test('compare lines ahead: the charts below the fold come one chart per message, each after the previous was delivered', async () => {
  const { index, close } = await workspace();
  try {
    const data = await buildCompareDataInSlices(index, runIds, undefined, 'step', 1000, undefined, 1);
    assert.deepEqual(data.pendingMetrics, ['train/loss', 'val/acc', 'val/loss']);
    const posted: Array<{ metric: string; lines: CompareLine[] }> = [];
    let delivering = false;
    const sent = await postPendingLines(index, runIds, data.pendingMetrics ?? [], 'step', 1000, async (metric, lines) => {
      assert.equal(delivering, false, 'a message is posted only once the previous one was delivered');
      delivering = true;
      await new Promise((resolve) => setTimeout(resolve, 5));
      posted.push({ metric, lines });
      delivering = false;
    }, () => false);
    assert.deepEqual(posted.map((p) => p.metric), ['train/loss', 'val/acc', 'val/loss']);
    for (const p of posted) {
      assert.deepEqual(p.lines.map((l) => [l.metric, l.runId]), runIds.map((id) => [p.metric, id]));
      assert.equal(compareContract.toWebview.problem({ type: 'lines', metrics: [p.metric], lines: p.lines }, ''), undefined);
    }
    assert.equal(sent.length, 9, 'every line posted is returned (the panel keeps them for export and live updates)');
    // The panel moved on after the first chart: the rest are not read or sent.
    const second: string[] = [];
    let moved = false;
    const partial = await postPendingLines(index, runIds, data.pendingMetrics ?? [], 'step', 1000, async (metric) => {
      second.push(metric);
      moved = true;
    }, () => moved);
    assert.deepEqual(second, ['train/loss']);
    assert.equal(partial.length, 3);
  } finally {
    await close();
  }
});

test('compare message: built and posted in tasks of their own, not in the task of the last line read', async () => {
  const { index, close } = await workspace();
  try {
    // After each read, and after each run looked up while building, a task is queued: has it run when the caller gets the result?
    const queued = (): { ran: boolean } => {
      const mark = { ran: false };
      setImmediate(() => { mark.ran = true; });
      return mark;
    };
    let afterRead = { ran: true };
    let afterBuild = { ran: true };
    const read = index.seriesEnvelopes.bind(index);
    index.seriesEnvelopes = (request) => { const lines = read(request); afterRead = queued(); return lines; };
    const getRun = index.getRun.bind(index);
    index.getRun = (id) => { const run = getRun(id); afterBuild = queued(); return run; };
    const data = await buildCompareDataInSlices(index, runIds, undefined, 'step', 1000, undefined, 1);
    assert.equal(data.lines.length, runIds.length);
    assert.ok(afterRead.ran, 'the thread was given back between the last read and building the message');
    assert.ok(afterBuild.ran, 'and between building it and handing it over to be posted');
    const lines = await postPendingLines(index, runIds, ['val/loss'], 'step', 1000, async () => {
      assert.ok(afterRead.ran, 'a chart below the fold: given back between its last read and its message');
      assert.ok(afterBuild.ran, 'and between packing its lines and posting them');
    }, () => false);
    assert.equal(lines.length, runIds.length);
  } finally {
    await close();
  }
});
