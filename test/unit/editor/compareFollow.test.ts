// The order of the lines messages after a comparison's first message: the charts in view, their lines on the other
// x axis (a switch right after the open is drawn from them), the rest; the page's report of its screen decides.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { nextLines, type FollowPlan } from '../../../src/vscode/webviews/compare/compareFollow';

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
