// The compare panel's lines on the wire: each line's xs and ys cross as Float32Arrays where single precision loses
// nothing the page shows, else as Float64Arrays; the page widens them back. Each test goes the whole way: the host's
// post (CompareLinesPosted, lineChanges), the contract's check of what crossed, the page's widening (widenMessage).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareContract, type CompareLine, type HostToCompareMessage, type XAxisKind } from '../../../src/shared/webviews/compare/contract';
import { widenLines, widenMessage, type CompareMessage } from '../../../src/shared/webviews/compare/wireLines';
import { packLines } from '../../../src/vscode/webviews/compare/compareData';
import { CompareLinesPosted } from '../../../src/vscode/webviews/compare/compareLinesPosted';
import { lineChanges } from '../../../src/vscode/webviews/compare/compareUpdate';
import { messageBytes } from '../../../src/vscode/webviews/messageBytes';

const line = (runId: string, xs: ArrayLike<number>, ys: ArrayLike<number>): CompareLine =>
  ({ runId, metric: 'loss', xs: Float64Array.from(xs), ys: Float64Array.from(ys), totalPoints: xs.length });

/** What the host posts for one chart's lines on `xAxis`, as VS Code would hand it to the page. */
async function crossed(lines: CompareLine[], xAxis: Exclude<XAxisKind, 'metric'> = 'step'): Promise<HostToCompareMessage> {
  const sent: HostToCompareMessage[] = [];
  const posted = new CompareLinesPosted(async (message) => { sent.push(message); });
  await posted.postLines('loss', lines, xAxis);
  assert.equal(sent.length, 1);
  return sent[0] as HostToCompareMessage;
}

/** The page's side: the contract's check, then the widening. */
function arrived(message: HostToCompareMessage): CompareMessage {
  const checked = compareContract.toWebview.check(message);
  assert.ok(checked.ok, checked.ok ? '' : checked.problem);
  return widenMessage(checked.message);
}

function linesOf(message: HostToCompareMessage | CompareMessage): Array<{ xs: ArrayLike<number> & { BYTES_PER_ELEMENT: number }; ys: ArrayLike<number> & { BYTES_PER_ELEMENT: number }; xBase?: number }> {
  assert.equal(message.type, 'lines');
  return message.type === 'lines' ? message.lines : [];
}

const precision = (values: { BYTES_PER_ELEMENT: number }): string => (values.BYTES_PER_ELEMENT === 4 ? 'single' : 'double');

/** A pseudo-random generator, seeded: the same lines every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('a chart of 100 lines (steps, losses with a NaN) crosses in single precision: about half the bytes, the page gets Float64Arrays back', async () => {
  const rnd = random(7);
  const lines = Array.from({ length: 100 }, (_, r) => {
    const xs = Array.from({ length: 848 }, (_, i) => i * 25);
    const ys = xs.map((_, i) => (i === 400 && r === 3 ? Number.NaN : 2 / (i + 1) + rnd() / 10));
    return line(`run${r}`, xs, ys);
  });
  // What crossed before: every value in double precision, in one buffer (packLines).
  const before = messageBytes({ type: 'lines', metrics: ['loss'], lines: packLines(lines), xAxis: 'step' });
  const message = await crossed(lines);
  const after = messageBytes(message);
  console.log(`# one chart's lines message, 100 lines × 848 points: ${before.toLocaleString('en-US')} bytes as Float64Arrays, ${after.toLocaleString('en-US')} bytes now (${(after / before).toFixed(3)}×)`);
  assert.ok(linesOf(message).every((l) => precision(l.xs) === 'single' && precision(l.ys) === 'single' && l.xBase === undefined));
  assert.ok(after <= 0.51 * before, `${after} bytes, against ${before} in double precision`);
  const page = linesOf(arrived(message));
  page.forEach((l, r) => {
    assert.ok(l.xs instanceof Float64Array && l.ys instanceof Float64Array);
    const sent = lines[r] as CompareLine;
    assert.deepEqual(Array.from(l.xs), Array.from(sent.xs), 'steps exactly');
    assert.deepEqual(Array.from(l.ys), Array.from(sent.ys, Math.fround), 'values as float32 holds them (NaN included)');
  });
  assert.ok(Number.isNaN(page[3]?.ys[400]));
});

test('an integer float32 cannot hold (16,777,217) keeps its line in double precision and exact; the chart\'s other lines still go single', async () => {
  const message = await crossed([
    line('big', [0, 1, 2], [0.5, 16_777_217, 3]),
    line('small', [0, 1, 2], [0.5, 16_777_216, 3]),
    // A non-integer single precision would round to an integer: the page would show digits it never had.
    line('rounded', [0, 1, 2], [12_345_678.9, 1, 2]),
  ]);
  assert.deepEqual(linesOf(message).map((l) => [precision(l.xs), precision(l.ys)]), [['single', 'double'], ['single', 'single'], ['single', 'double']]);
  const page = linesOf(arrived(message));
  assert.equal(page[0]?.ys[1], 16_777_217);
  assert.equal(page[1]?.ys[1], 16_777_216);
  assert.equal(page[2]?.ys[0], 12_345_678.9);
});

test('values beyond float32\'s range stay in double precision (single precision would make them Infinity); NaN and ±Infinity survive single', async () => {
  const message = await crossed([
    line('huge', [0, 1, 2], [1e39, -3.5e38, 0.5]),
    line('diverged', [0, 1, 2, 3], [Number.NaN, Infinity, -Infinity, 0.25]),
  ]);
  assert.deepEqual(linesOf(message).map((l) => precision(l.ys)), ['double', 'single']);
  const page = linesOf(arrived(message));
  assert.deepEqual(Array.from(page[0]?.ys ?? []), [1e39, -3.5e38, 0.5]);
  assert.deepEqual(Array.from(page[1]?.ys ?? []), [Number.NaN, Infinity, -Infinity, 0.25]);
});

test('wall-clock x (epoch ms) crosses as single-precision offsets from a base, each within 1 ms (whole ms exactly); a span too long for that stays double', async () => {
  const start = 1_795_000_000_123;
  const rnd = random(3);
  // 848 points over 35 minutes: whole ms as the store keeps them, and a line with fractions of a ms.
  const whole = Array.from({ length: 848 }, (_, i) => start + i * 2500 + Math.floor(rnd() * 1000));
  const fractional = whole.map((x) => x + rnd());
  // Three days of points at odd ms: offsets past 2^24 ms cannot all be whole in single precision.
  const days = Array.from({ length: 848 }, (_, i) => start + i * 300_001 + 1);
  const ys = whole.map((_, i) => 1 / (i + 1));
  const sentLines = [line('a', whole, ys), line('b', fractional, ys), line('c', days, ys)];
  const message = await crossed(sentLines, 'wall');
  const wire = linesOf(message);
  assert.deepEqual(wire.map((l) => [precision(l.xs), l.xBase !== undefined]), [['single', true], ['single', true], ['double', false]]);
  const page = linesOf(arrived(message));
  let worst = 0;
  page.forEach((l, k) => {
    const sent = sentLines[k] as CompareLine;
    for (let i = 0; i < sent.xs.length; i++) worst = Math.max(worst, Math.abs((l.xs[i] as number) - (sent.xs[i] as number)));
  });
  console.log(`# wall-clock x round trip: worst error ${worst.toFixed(4)} ms`);
  assert.ok(worst < 1, `worst error ${worst} ms`);
  assert.deepEqual(Array.from(page[0]?.xs ?? []), whole, 'whole ms exactly');
  assert.deepEqual(Array.from(page[2]?.xs ?? []), days);
});

test('steps past 2^24 cross as exact offsets from a base while they span less; relative time (seconds) crosses single as it is', async () => {
  const steps = line('steps', [16_777_216, 16_777_217, 16_777_219], [1, 2, 3]);
  const spread = line('spread', [1, 16_777_217, 40_000_002], [1, 2, 3]);
  const message = await crossed([steps, spread]);
  assert.deepEqual(linesOf(message).map((l) => [precision(l.xs), l.xBase]), [['single', 16_777_218], ['double', undefined]]);
  const page = linesOf(arrived(message));
  assert.deepEqual(Array.from(page[0]?.xs ?? []), [16_777_216, 16_777_217, 16_777_219]);
  assert.deepEqual(Array.from(page[1]?.xs ?? []), [1, 16_777_217, 40_000_002]);
  const relative = await crossed([line('rel', [0.25, 2.5, 86_400.125], [1, 2, 3])], 'relative');
  assert.deepEqual(linesOf(relative).map((l) => [precision(l.xs), l.xBase]), [['single', undefined]]);
});

test('a live run\'s new points cross by the same rule: an update\'s changes share one buffer, and the page widens them', () => {
  const start = 1_795_000_000_000;
  const sent = [line('a', [start, start + 1000], [0.5, 0.25]), line('b', [start, start + 1000], [1, 2])];
  const fresh = [line('a', [start, start + 1000, start + 2000], [0.5, 0.25, 0.125]), line('b', [start, start + 1000, start + 2000], [1, 2, 16_777_217])];
  const changes = lineChanges(sent, fresh, 'wall');
  assert.deepEqual(changes.map((c) => [c.mode, precision(c.xs), c.xBase, precision(c.ys)]), [['append', 'single', start + 2000, 'single'], ['append', 'single', start + 2000, 'double']]);
  assert.equal(new Set(changes.flatMap((c) => [c.xs.buffer, c.ys.buffer])).size, 1, 'one buffer');
  const page = arrived({ type: 'update', runs: [], metrics: ['loss'], summaries: [], changes });
  assert.equal(page.type, 'update');
  if (page.type !== 'update') return;
  assert.deepEqual(page.changes.map((c) => [Array.from(c.xs), Array.from(c.ys)]), [[[start + 2000], [0.125]], [[start + 2000], [16_777_217]]]);
});

test('the page widens a message\'s single-precision arrays into one new Float64Array buffer and keeps the double ones as they came', () => {
  const doubleXs = Float64Array.of(0, 1);
  const doubleYs = Float64Array.of(16_777_217, 2);
  const widened = widenLines([
    { runId: 'a', metric: 'm', xs: Float32Array.of(-1, 1), xBase: 1_795_000_000_000, ys: Float32Array.of(0.5, Number.NaN), totalPoints: 2 },
    { runId: 'b', metric: 'm', xs: doubleXs, ys: doubleYs, totalPoints: 2 },
    { runId: 'c', metric: 'm', xs: Float32Array.of(3, 4), ys: Float32Array.of(0.25, Infinity), totalPoints: 2 },
  ]);
  assert.ok(widened.every((l) => l.xs instanceof Float64Array && l.ys instanceof Float64Array && !('xBase' in l)));
  assert.equal(widened[1]?.xs, doubleXs);
  assert.equal(widened[1]?.ys, doubleYs);
  const copied = [widened[0]?.xs, widened[0]?.ys, widened[2]?.xs, widened[2]?.ys];
  assert.equal(new Set(copied.map((a) => a?.buffer)).size, 1, 'one buffer for the message');
  assert.equal(copied[0]?.buffer.byteLength, 8 * 8, 'holding only the 8 widened values');
  assert.deepEqual(copied.map((a) => Array.from(a ?? [])), [[1_794_999_999_999, 1_795_000_000_001], [0.5, Number.NaN], [3, 4], [0.25, Infinity]]);
});
