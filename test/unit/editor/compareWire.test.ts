// The compare panel's lines on the wire: xs that are whole numbers or thousandths cross as one- or two-byte increments;
// other xs and every ys as Float32Arrays where single precision loses nothing the page shows, else as Float64Arrays;
// the page widens them back. Each test goes the whole way: the host's
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

function linesOf(message: HostToCompareMessage | CompareMessage): Array<{ xs: ArrayLike<number> & { BYTES_PER_ELEMENT: number }; ys: ArrayLike<number> & { BYTES_PER_ELEMENT: number }; xBase?: number; xStart?: number; xPer?: number }> {
  assert.equal(message.type, 'lines');
  return message.type === 'lines' ? message.lines : [];
}

/** How an array crossed: 'single', 'double', or increments of 1 or 2 bytes ('inc8', 'inc16'). */
const precision = (values: { BYTES_PER_ELEMENT: number }): string =>
  ({ 1: 'inc8', 2: 'inc16', 4: 'single', 8: 'double' } as Record<number, string>)[values.BYTES_PER_ELEMENT] ?? '?';

/** A pseudo-random generator, seeded: the same lines every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('a chart of 100 lines (steps, losses with a NaN) crosses as one-byte step increments and single-precision values: under a third of the bytes, the page gets Float64Arrays back', async () => {
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
  assert.ok(linesOf(message).every((l) => precision(l.xs) === 'inc8' && l.xStart === 0 && l.xPer === undefined && precision(l.ys) === 'single' && l.xBase === undefined));
  assert.ok(after <= 0.32 * before, `${after} bytes, against ${before} in double precision`);
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
  assert.deepEqual(linesOf(message).map((l) => [precision(l.xs), precision(l.ys)]), [['inc8', 'double'], ['inc8', 'single'], ['inc8', 'double']]);
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

test('wall-clock x (epoch ms) crosses as increments when whole ms a few seconds apart (exactly), else as single-precision offsets from a base within 1 ms; a span too long for that stays double', async () => {
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
  assert.deepEqual(wire.map((l) => [precision(l.xs), l.xBase !== undefined, l.xStart]), [['inc16', false, whole[0]], ['single', true, undefined], ['double', false, undefined]]);
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

test('steps past 2^24 cross exactly: as increments, or as offsets from a base when they go down; relative time in whole ms crosses as thousandths, exactly', async () => {
  const steps = line('steps', [16_777_216, 16_777_217, 16_777_219], [1, 2, 3]);
  const spread = line('spread', [1, 16_777_217, 40_000_002], [1, 2, 3]);
  // Not in x order (a chart by another metric can go back): no increments; offsets from a base keep it exact.
  const back = line('back', [16_777_219, 16_777_216, 16_777_217], [1, 2, 3]);
  const message = await crossed([steps, spread, back]);
  assert.deepEqual(linesOf(message).map((l) => [precision(l.xs), l.xBase, l.xStart]), [['inc8', undefined, 16_777_216], ['double', undefined, undefined], ['single', 16_777_218, undefined]]);
  const page = linesOf(arrived(message));
  assert.deepEqual(Array.from(page[0]?.xs ?? []), [16_777_216, 16_777_217, 16_777_219]);
  assert.deepEqual(Array.from(page[1]?.xs ?? []), [1, 16_777_217, 40_000_002]);
  assert.deepEqual(Array.from(page[2]?.xs ?? []), [16_777_219, 16_777_216, 16_777_217]);
  // Seconds from the run's start, whole ms (as the store keeps time): 1.05 is 1050 thousandths, back bit for bit.
  const ms = line('ms', [1, 1.05, 1.1, 61.25, 125.999], [1, 2, 3, 4, 5]);
  // 86,400.125 s is 86,397,625 thousandths past 2.5: too far for two bytes; 0.0001 s is no whole ms.
  const far = line('far', [0.25, 2.5, 86_400.125], [1, 2, 3]);
  const fine = line('fine', [0.0001, 0.5], [1, 2]);
  const relative = await crossed([ms, far, fine], 'relative');
  assert.deepEqual(linesOf(relative).map((l) => [precision(l.xs), l.xStart, l.xPer]), [['inc16', 1000, 1000], ['single', undefined, undefined], ['single', undefined, undefined]]);
  const back2 = linesOf(arrived(relative));
  assert.deepEqual(Array.from(back2[0]?.xs ?? []), [1, 1.05, 1.1, 61.25, 125.999]);
  assert.deepEqual(Array.from(back2[1]?.xs ?? []), [0.25, 2.5, 86_400.125]);
});

test('xs as increments come back bit for bit: 2,000 random lines of whole numbers and thousandths, both widths and the fallbacks', async () => {
  const rnd = random(11);
  const lines = Array.from({ length: 2000 }, (_, r) => {
    const per = r % 2 === 0 ? 1 : 1000;
    // Mostly small increments, some wide (two bytes), some too wide (a fallback), a few steps back (another fallback).
    const widest = [10, 300, 70_000][r % 3] as number;
    let k = Math.floor((rnd() - 0.5) * 2 ** 40);
    const xs = Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => {
      k += Math.floor(rnd() * widest) - (rnd() < 0.01 ? 5 : 0);
      return k / per;
    });
    return line(`r${r}`, xs, xs.map(() => rnd()));
  });
  // Whole numbers going back over a span single precision cannot hold even as offsets: double.
  lines.push(line('wide', [2 ** 40 + 1, 3, 2 ** 41 + 1], [1, 2, 3]));
  const message = await crossed(lines, 'relative');
  const kinds = new Set(linesOf(message).map((l) => precision(l.xs)));
  assert.deepEqual([...kinds].sort(), ['double', 'inc16', 'inc8', 'single'], 'every way across was taken');
  const page = linesOf(arrived(message));
  page.forEach((l, r) => {
    const sent = lines[r] as CompareLine;
    const wire = linesOf(message)[r];
    if (wire && precision(wire.xs).startsWith('inc')) assert.deepEqual(Array.from(l.xs), Array.from(sent.xs), `line ${r}`);
    else for (let i = 0; i < sent.xs.length; i++) assert.ok(Math.abs((l.xs[i] as number) - (sent.xs[i] as number)) <= Math.abs(sent.xs[i] as number) * 1e-7, `line ${r}`);
  });
});

test('the contract holds xs as increments to their start, and a start to xs as increments', () => {
  const check = (l: Record<string, unknown>): string | undefined => {
    const checked = compareContract.toWebview.check({ type: 'lines', metrics: ['m'], xAxis: 'step', lines: [{ runId: 'a', metric: 'm', ys: Float32Array.of(1, 2), totalPoints: 2, ...l }] });
    return checked.ok ? undefined : checked.problem;
  };
  assert.equal(check({ xs: Uint8Array.of(0, 1), xStart: 5 }), undefined);
  assert.match(check({ xs: Uint8Array.of(0, 1) }) ?? '', /xStart is missing/);
  assert.match(check({ xs: Uint16Array.of(0, 1), xStart: 5, xBase: 3 }) ?? '', /xBase does not apply/);
  assert.match(check({ xs: Float32Array.of(0, 1), xStart: 5 }) ?? '', /only to xs as increments/);
  assert.match(check({ xs: Uint8Array.of(0, 1), xStart: 0.5 }) ?? '', /xStart: expected an integer/);
  assert.match(check({ xs: Int32Array.of(0, 1), xStart: 0 }) ?? '', /expected a Float32Array, a Float64Array, a Uint16Array or a Uint8Array, got a Int32Array/);
});

test('a live run\'s new points cross by the same rule: an update\'s changes share one buffer, and the page widens them', () => {
  const start = 1_795_000_000_000;
  const sent = [line('a', [start, start + 1000], [0.5, 0.25]), line('b', [start, start + 1000], [1, 2])];
  const fresh = [line('a', [start, start + 1000, start + 2000], [0.5, 0.25, 0.125]), line('b', [start, start + 1000, start + 2000], [1, 2, 16_777_217])];
  const changes = lineChanges(sent, fresh, 'wall');
  assert.deepEqual(changes.map((c) => [c.mode, precision(c.xs), c.xStart, precision(c.ys)]), [['append', 'inc8', start + 2000, 'single'], ['append', 'inc8', start + 2000, 'double']]);
  assert.equal(new Set(changes.flatMap((c) => [c.xs.buffer, c.ys.buffer])).size, 1, 'one buffer');
  const page = arrived({ type: 'update', runs: [], metrics: ['loss'], summaries: [], changes });
  assert.equal(page.type, 'update');
  if (page.type !== 'update') return;
  assert.deepEqual(page.changes.map((c) => [Array.from(c.xs), Array.from(c.ys)]), [[[start + 2000], [0.125]], [[start + 2000], [16_777_217]]]);
});

test('the page widens a message\'s narrowed arrays (single precision, increments) into one new Float64Array buffer and keeps the double ones as they came', () => {
  const doubleXs = Float64Array.of(0, 1);
  const doubleYs = Float64Array.of(16_777_217, 2);
  const widened = widenLines([
    { runId: 'a', metric: 'm', xs: Float32Array.of(-1, 1), xBase: 1_795_000_000_000, ys: Float32Array.of(0.5, Number.NaN), totalPoints: 2 },
    { runId: 'b', metric: 'm', xs: doubleXs, ys: doubleYs, totalPoints: 2 },
    { runId: 'c', metric: 'm', xs: Float32Array.of(3, 4), ys: Float32Array.of(0.25, Infinity), totalPoints: 2 },
    { runId: 'd', metric: 'm', xs: Uint8Array.of(0, 250), xStart: 1000, xPer: 1000, ys: Float64Array.of(1, 2), totalPoints: 2 },
  ]);
  assert.ok(widened.every((l) => l.xs instanceof Float64Array && l.ys instanceof Float64Array && !('xBase' in l)));
  assert.equal(widened[1]?.xs, doubleXs);
  assert.equal(widened[1]?.ys, doubleYs);
  assert.ok(widened.every((l) => !('xStart' in l) && !('xPer' in l)));
  const copied = [widened[0]?.xs, widened[0]?.ys, widened[2]?.xs, widened[2]?.ys, widened[3]?.xs];
  assert.equal(new Set(copied.map((a) => a?.buffer)).size, 1, 'one buffer for the message');
  assert.equal(copied[0]?.buffer.byteLength, 10 * 8, 'holding only the 10 widened values');
  assert.deepEqual(copied.map((a) => Array.from(a ?? [])), [[1_794_999_999_999, 1_795_000_000_001], [0.5, Number.NaN], [3, 4], [0.25, Infinity], [1, 1.25]]);
});
