import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareContract } from '../../../src/shared/webviews/compare/contract';
import { decodeFloat64, deinterleave, encodeFloat64, interleave } from '../../../src/shared/webviews/float64Base64';
import { float64Base64 } from '../../../src/shared/webviews/schema';
import { decodePoints, encodePoints, encodeTail } from '../../../src/vscode/webviews/compare/linePoints';

const awkward = [0, -0, 1.5, -2.25e-308, 5e-324, Number.MAX_VALUE, 1 / 3, Number.NaN, Infinity, -Infinity, 1_795_000_000.123456];

test('float64 base64: every value comes back bit for bit (NaN, ±Infinity, -0, subnormals)', () => {
  const back = decodeFloat64(encodeFloat64(Float64Array.from(awkward)));
  assert.equal(back.length, awkward.length);
  awkward.forEach((v, i) => assert.ok(Object.is(back[i], v), `${String(v)} came back as ${String(back[i])}`));
});

test('the host encoder (Node Buffer) writes the same text as the shared one, and the page decodes it', () => {
  const xs = Float64Array.from({ length: 5000 }, (_, i) => i * 0.5);
  const ys = Float64Array.from({ length: 5000 }, (_, i) => (i % 97 === 0 ? Number.NaN : Math.sin(i)));
  const host = encodePoints(xs, ys);
  assert.equal(host, encodeFloat64(interleave(xs, ys)));
  const page = deinterleave(decodeFloat64(host));
  assert.deepEqual([...page.xs], [...xs]);
  assert.ok(page.ys.every((y, i) => Object.is(y, ys[i])));
  assert.deepEqual([...decodePoints(host)], [...interleave(xs, ys)]);
  // A live line's new points: the tail from point 4998 on.
  assert.deepEqual([...decodeFloat64(encodeTail(interleave(xs, ys), 4998))], [4998 * 0.5, Math.sin(4998), 4999 * 0.5, Math.sin(4999)]);
});

test('the schema refuses what is not base64 of whole groups, saying where and why', () => {
  const pairs = float64Base64(2);
  assert.equal(pairs.problem(encodeFloat64(Float64Array.of(1, 2, 3, 4)), 'p'), undefined);
  assert.equal(pairs.problem('', 'p'), undefined, 'a line with no points');
  assert.equal(pairs.problem([1, 2], 'p'), 'p: expected base64 text of float64 values, got an array');
  assert.equal(pairs.problem('abc', 'p'), 'p: expected base64 text of float64 values');
  assert.equal(pairs.problem('ab$d', 'p'), 'p: expected base64 text of float64 values');
  assert.equal(pairs.problem(encodeFloat64(Float64Array.of(1, 2, 3)), 'p'), 'p: 24 bytes is not a whole number of groups of 2 float64 values');
  assert.equal(float64Base64().problem(btoa('1234567'), 'p'), 'p: 7 bytes is not a whole number of float64 values');
  assert.throws(() => decodeFloat64(btoa('1234567')), /7 bytes is not a whole number of float64 values/);
});

test('a data message with points as JSON numbers (an older host) is refused, not drawn', () => {
  const message = {
    type: 'data',
    data: { runs: [], metrics: [], selectedMetrics: [], xAxis: 'step', lines: [{ runId: 'a', metric: 'm', points: [0, 1], totalPoints: 1 }], params: [], summaries: [] },
  };
  const checked = compareContract.toWebview.check(message);
  assert.equal(checked.ok, false);
  assert.match(checked.ok ? '' : checked.problem, /data\.lines\[0\]\.points: expected base64 text of float64 values, got an array/);
});
