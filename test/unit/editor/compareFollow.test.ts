// The order of the lines messages after a comparison's first message: the charts in view, their lines on the other
// x axis (a switch right after the open is drawn from them), the rest; the page's report of its screen decides. The
// charts in view are posted without waiting for each delivery, the rest one delivery at a time.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunIndex } from '../../../src/core/openRunIndex';
import type { RunIndex } from '../../../src/core/runIndex';
import { buildCompareDataInSlices } from '../../../src/vscode/webviews/compare/compareData';
import { nextLines, postFollowing, type FollowPlan } from '../../../src/vscode/webviews/compare/compareFollow';
import { CompareLinesPosted } from '../../../src/vscode/webviews/compare/compareLinesPosted';
import { RunLog } from '../../fixtures/runLog';
import { WASM_PATH } from '../workspaceFixture';

type Sent = Array<`${'step' | 'relative' | 'wall'}/${string}`>;

/** Every message in order, as the host posts them, with `reported` standing for the page's report after `after` messages. */
function sequence(plan: FollowPlan, reported?: { after: number; inView: string[] }): Sent {
  const sent: Sent = [];
  const kind = (axis: string): string => (axis === 'step' ? 'step' : 'time');
  const posted = (axis: string, metric: string): boolean => sent.some((s) => kind(s.slice(0, s.indexOf('/'))) === kind(axis) && s.slice(s.indexOf('/') + 1) === metric);
  for (;;) {
    const inView = reported && sent.length >= reported.after ? reported.inView : plan.inView;
    const next = nextLines({ ...plan, inView }, posted);
    if (!next) return sent;
    sent.push(`${next.xAxis}/${next.metric}`);
    assert.ok(sent.length < 50, 'ends');
  }
}

const charts = ['a', 'b', 'c', 'd'];

test('follow order: with the host\'s estimate, its charts in view, their lines on the other axis, then the rest', () => {
  assert.deepEqual(sequence({ shown: 'step', other: 'relative', pending: charts, inView: ['a', 'b', 'c'] }),
    ['step/a', 'step/b', 'step/c', 'relative/a', 'relative/b', 'relative/c', 'step/d']);
});

test('follow order: once the page reports fewer charts on screen, their other axis goes before the next chart', () => {
  // The host guessed three charts; the page, under its toolbar and legend, shows two (a report after the first message).
  assert.deepEqual(sequence({ shown: 'step', other: 'relative', pending: charts, inView: ['a', 'b', 'c'] }, { after: 1, inView: ['a', 'b'] }),
    ['step/a', 'step/b', 'relative/a', 'relative/b', 'step/c', 'step/d']);
  // A report that comes late changes only what is still to send.
  assert.deepEqual(sequence({ shown: 'step', other: 'relative', pending: charts, inView: ['a', 'b', 'c'] }, { after: 3, inView: ['a', 'b'] }),
    ['step/a', 'step/b', 'step/c', 'relative/a', 'relative/b', 'step/d']);
});

test('follow order: a chart posted ahead is not sent again; on time, steps are the other axis; by a metric, nothing else', () => {
  // a's lines went ahead of the page's ready (not pending): only its other axis follows.
  assert.deepEqual(sequence({ shown: 'wall', other: 'step', pending: ['b', 'c'], inView: ['a', 'b'] }),
    ['wall/b', 'step/a', 'step/b', 'wall/c']);
  assert.deepEqual(sequence({ shown: 'relative', other: undefined, pending: ['a', 'b'], inView: ['a'] }), ['relative/a', 'relative/b']);
});

/** Three runs × four metrics (a, b, c, d) of 30 steps, indexed. */
async function indexed(): Promise<{ index: RunIndex; ids: string[]; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-follow-'));
  const trialbookDir = join(dir, '.trialbook');
  const ids = ['20261127T000000000-aaaaaaaaaa', '20261127T000001000-bbbbbbbbbb', '20261127T000002000-cccccccccc'];
  const t0 = Math.floor(Date.now() / 1000) - 100;
  ids.forEach((id, r) => {
    const log = new RunLog(id).start({ experiment: 'e', name: `run ${r}` }, t0 + r);
    for (let step = 0; step < 30; step++) log.metrics(step, Object.fromEntries(charts.map((m, k) => [m, (k + 1) / (step + 1) + r])), { ts: t0 + r + step });
    log.end('finished', undefined, t0 + 40).writeTo(trialbookDir);
  });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log: quiet, crashAfterSeconds: 3600, saveDelayMs: 60_000 });
  await index.sync();
  return { index, ids, close: async () => { await index.close(); rmSync(dir, { recursive: true, force: true }); } };
}

test('follow delivery: the charts in view go on both axes without waiting for each delivery; the rest wait for the previous one', async () => {
  const { index, ids, close } = await indexed();
  try {
    const data = await buildCompareDataInSlices(index, ids, undefined, 'step', 1000, undefined, 0);
    assert.deepEqual(data.pendingMetrics, charts);
    // Each message is delivered only when the test says so: what was posted before any delivery shows the pipelining.
    const posted: string[] = [];
    const deliveries: Array<() => void> = [];
    const linesPosted = new CompareLinesPosted((message) => {
      if (message.type === 'lines') posted.push(`${message.xAxis}/${message.metrics.join()}`);
      return new Promise<void>((resolve) => deliveries.push(resolve));
    });
    let held = data;
    const following = postFollowing(index, data, 1000, {
      posted: linesPosted, stale: () => false, onScreen: () => ['a', 'b'], chartsInView: () => 3, holding: (d) => { held = d; },
    });
    const settle = async (): Promise<void> => { for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve)); };
    await settle();
    assert.deepEqual(posted, ['step/a', 'step/b', 'relative/a', 'relative/b'], 'the charts in view, both axes, none delivered yet');
    // Below the fold: only once all of those were delivered, then one message per delivery.
    deliveries.splice(0, 3).forEach((deliver) => deliver());
    await settle();
    assert.equal(posted.length, 4, 'c waits for every chart in view to be delivered');
    deliveries.splice(0).forEach((deliver) => deliver());
    await settle();
    assert.deepEqual(posted.slice(4), ['step/c']);
    deliveries.splice(0).forEach((deliver) => deliver());
    await settle();
    assert.deepEqual(posted.slice(4), ['step/c', 'step/d']);
    deliveries.splice(0).forEach((deliver) => deliver());
    await following;
    assert.deepEqual(held.pendingMetrics ?? [], [], 'the page holds every chart on the shown axis');
    assert.equal(held.lines.length, ids.length * charts.length);
  } finally {
    await close();
  }
});
