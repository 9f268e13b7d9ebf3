// The order of the lines messages after a comparison's first message: the charts in view, then their lines on the
// other x axis (a switch right after the open is drawn from them); the page's report of its screen decides. They are
// posted without waiting for each delivery. The charts below the fold go only when the page asks (CompareLinePulls),
// each once, whichever path reads it first.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunIndex } from '../../../src/core/openRunIndex';
import type { RunIndex } from '../../../src/core/runIndex';
import { buildCompareDataInSlices, withLines } from '../../../src/vscode/webviews/compare/compareData';
import { inViewPending, nextLines, postFollowing, type FollowPlan } from '../../../src/vscode/webviews/compare/compareFollow';
import { CompareLinePulls } from '../../../src/vscode/webviews/compare/compareLinePulls';
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

test('follow order: with the host\'s estimate, its charts in view, then their lines on the other axis; nothing below the fold', () => {
  assert.deepEqual(sequence({ shown: 'step', other: 'relative', pending: charts, inView: ['a', 'b', 'c'] }),
    ['step/a', 'step/b', 'step/c', 'relative/a', 'relative/b', 'relative/c']);
});

test('follow order: once the page reports fewer charts on screen, their other axis goes before the next chart', () => {
  // The host guessed three charts; the page, under its toolbar and legend, shows two (a report after the first message).
  assert.deepEqual(sequence({ shown: 'step', other: 'relative', pending: charts, inView: ['a', 'b', 'c'] }, { after: 1, inView: ['a', 'b'] }),
    ['step/a', 'step/b', 'relative/a', 'relative/b']);
  // A report that comes late changes only what is still to send.
  assert.deepEqual(sequence({ shown: 'step', other: 'relative', pending: charts, inView: ['a', 'b', 'c'] }, { after: 3, inView: ['a', 'b'] }),
    ['step/a', 'step/b', 'step/c', 'relative/a', 'relative/b']);
});

test('follow order: a chart posted ahead is not sent again; on time, steps are the other axis; by a metric, nothing else', () => {
  // a's lines went ahead of the page's ready (not pending): only its other axis follows.
  assert.deepEqual(sequence({ shown: 'wall', other: 'step', pending: ['b', 'c'], inView: ['a', 'b'] }),
    ['wall/b', 'step/a', 'step/b']);
  assert.deepEqual(sequence({ shown: 'relative', other: undefined, pending: ['a', 'b'], inView: ['a'] }), ['relative/a']);
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

/** A page's channel whose messages are delivered only when the test says so. */
function heldChannel(): { posted: string[]; deliveries: Array<() => void>; linesPosted: CompareLinesPosted } {
  const posted: string[] = [];
  const deliveries: Array<() => void> = [];
  const linesPosted = new CompareLinesPosted((message) => {
    if (message.type === 'lines') posted.push(`${message.xAxis}/${message.metrics.join()}`);
    return new Promise<void>((resolve) => deliveries.push(resolve));
  });
  return { posted, deliveries, linesPosted };
}

const settle = async (): Promise<void> => { for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve)); };

test('follow delivery: the charts in view go on both axes without waiting for each delivery; those below the fold are not sent', async () => {
  const { index, ids, close } = await indexed();
  try {
    const data = await buildCompareDataInSlices(index, ids, undefined, 'step', 1000, undefined, 0);
    assert.deepEqual(data.pendingMetrics, charts);
    const { posted, deliveries, linesPosted } = heldChannel();
    let held = data;
    let done = false;
    const following = postFollowing(index, data, 1000, {
      posted: linesPosted, stale: () => false, onScreen: () => ['a', 'b'], chartsInView: () => 3,
      holding: (metric, lines) => { held = withLines(held, [metric], lines); },
    }).then(() => { done = true; });
    await settle();
    assert.deepEqual(posted, ['step/a', 'step/b', 'relative/a', 'relative/b'], 'the charts in view, both axes, none delivered yet');
    assert.equal(done, false, 'it ends once they are delivered');
    deliveries.splice(0).forEach((deliver) => deliver());
    await following;
    assert.equal(posted.length, 4, 'nothing below the fold');
    assert.deepEqual(held.pendingMetrics, ['c', 'd'], 'the page holds the charts in view on the shown axis');
    assert.equal(held.lines.length, ids.length * 2);
    assert.ok(inViewPending(data, ['a', 'b'], 3), 'before: the charts in view wait');
    assert.equal(inViewPending(held, ['a', 'b'], 3), false, 'after: only charts below the fold wait');
    assert.ok(inViewPending(held, undefined, 3), 'by the host\'s estimate (three charts) c is in view');
  } finally {
    await close();
  }
});

test('asked lines: each chart the page asks for goes once, in the order asked, one delivery at a time; a fresh start voids the rest', async () => {
  const { index, ids, close } = await indexed();
  try {
    let shown = await buildCompareDataInSlices(index, ids, undefined, 'step', 1000, undefined, 0);
    const { posted, deliveries, linesPosted } = heldChannel();
    const pulls = new CompareLinePulls({
      posted: linesPosted, shown: () => shown, ready: () => true, maxPoints: () => 1000, index: async () => index,
      holding: (metric, lines) => { shown = withLines(shown, [metric], lines); }, warn: (message) => assert.fail(message),
    });
    // The follow is reading a: an ask for it (the page sees a near the screen too) does not send it again.
    assert.ok(linesPosted.claim('step', 'a'));
    pulls.want('step', ['a', 'c', 'd']);
    pulls.want('relative', ['c']);
    // An unknown chart, and relative time's kind again as wall time: skipped.
    pulls.want('wall', ['c', 'nope']);
    await settle();
    assert.deepEqual(posted, ['step/c'], 'one message until it is delivered');
    assert.equal(pulls.idle, false);
    for (let i = 0; i < 5; i++) {
      deliveries.splice(0).forEach((deliver) => deliver());
      await settle();
    }
    assert.deepEqual(posted, ['step/c', 'step/d', 'relative/c']);
    assert.ok(pulls.idle);
    assert.deepEqual(shown.pendingMetrics, ['a', 'b'], 'c and d are held on the shown axis now');
    assert.equal(shown.lines.filter((l) => l.metric === 'c').length, ids.length);
    // Asked before a fresh start (a new comparison's first message): not sent.
    linesPosted.release('step', 'a');
    pulls.want('step', ['a']);
    linesPosted.forget();
    await settle();
    assert.deepEqual(posted, ['step/c', 'step/d', 'relative/c']);
    // Asked after it: sent, even though c went before the start.
    pulls.want('step', ['c']);
    await settle();
    deliveries.splice(0).forEach((deliver) => deliver());
    await settle();
    assert.deepEqual(posted.slice(3), ['step/c']);
    assert.ok(pulls.idle);
  } finally {
    await close();
  }
});
