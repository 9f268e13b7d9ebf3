import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { downsampleMinMax } from '../../src/core/downsample';
import { chunkLength, decodeChunk, decodeChunkInto, encodeChunk } from '../../src/core/seriesCodec';

describe('series chunks', () => {
  it('refuse damaged bytes before allocating or decoding from them', () => {
    const n = 1000;
    // Irregular times: their deltas take two bytes each, so a chunk cut short by a byte still looks long enough.
    const chunk = encodeChunk(Float64Array.from({ length: n }, (_, i) => i * 3 + (i % 2)), Float64Array.from({ length: n }, (_, i) => 1e12 + i * 1000 + (i % 5) * 300),
      Float64Array.from({ length: n }, (_, i) => Math.sin(i) + 1e-9), 0, n);
    const damaged = (edit: (b: Uint8Array) => Uint8Array): Uint8Array => edit(chunk.slice());
    const hugeCount = damaged((b) => { new DataView(b.buffer).setUint32(4, 0xfffffff0, true); return b; });
    const cut = damaged((b) => b.subarray(0, b.length - 2000));
    const format = damaged((b) => { b[0] = 0x5a; return b; });
    for (const bad of [hugeCount, cut, format]) assert.throws(() => chunkLength(bad), /damaged series chunk/);
    const lastByteCut = damaged((b) => b.subarray(0, b.length - 1));
    assert.equal(chunkLength(lastByteCut), n, 'long enough to pass the size check');
    for (const bad of [hugeCount, cut, format, lastByteCut]) {
      assert.throws(() => decodeChunkInto(bad, 'time', new Float64Array(n), new Float64Array(n), 0), /damaged series chunk/);
    }
    assert.equal(decodeChunk(chunk).times.length, n, 'whole bytes still decode');
  });

  it('round-trip exactly: float64 values, NaN/±Infinity, irregular and huge steps, jittery times', () => {
    const n = 5000;
    const steps = new Float64Array(n);
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    let seed = 7;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (let i = 0; i < n; i++) {
      steps[i] = i === 0 ? 0 : steps[i - 1]! + (i % 100 === 0 ? 2 ** 40 : i % 7 === 0 ? -3 : 1);
      times[i] = 1_795_743_612_000 + i * 200 + Math.round(rnd() * 50) - (i === 300 ? 3_600_000 : 0);
      values[i] = i % 97 === 0 ? Number.NaN : i % 101 === 0 ? Number.POSITIVE_INFINITY : i % 103 === 0 ? Number.NEGATIVE_INFINITY : rnd() * 1e-300 + rnd();
    }
    const back = decodeChunk(encodeChunk(steps, times, values, 0, n));
    assert.deepEqual([...back.steps], [...steps]);
    assert.deepEqual([...back.times], [...times]);
    assert.deepEqual([...back.values].map(String), [...values].map(String));
  });

  it('packs a typical series (steps +1, steady pace) in about 9 bytes a point, float32-exact values in about 5', () => {
    const n = 8192;
    const steps = Float64Array.from({ length: n }, (_, i) => i);
    const times = Float64Array.from({ length: n }, (_, i) => 1_795_743_612_000 + i * 250 + (i % 3));
    const values = Float64Array.from({ length: n }, (_, i) => Math.exp(-i / 1000) + i * 1e-9);
    const chunk = encodeChunk(steps, times, values, 0, n);
    assert.ok(chunk.length / n < 9.1, `${chunk.length / n} bytes a point`);
    const small = Float64Array.from({ length: n }, (_, i) => i % 10);
    assert.ok(encodeChunk(steps, times, small, 0, n).length / n < 5.1);
    const back = decodeChunk(encodeChunk(steps, times, small, 0, n));
    assert.deepEqual([...back.values], [...small]);
  });
});

describe('min/max downsampling', () => {
  it('keeps every bucket extreme, the first and last points, and is deterministic', () => {
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 50) + (i === 31_337 ? 100 : 0) - (i === 77_777 ? 100 : 0));
    const d = downsampleMinMax(xs, ys, n, 1000);
    assert.ok(d.x.length <= 1000 && d.x.length > 900, `${d.x.length} points`);
    assert.equal(d.x[0], 0);
    assert.equal(d.x[d.x.length - 1], n - 1);
    assert.ok(d.x.includes(31_337) && d.x.includes(77_777), 'the spike and the dip survive');
    assert.equal(Math.max(...d.y), Math.max(...ys));
    assert.equal(Math.min(...d.y), Math.min(...ys));
    for (let i = 1; i < d.x.length; i++) assert.ok(d.x[i]! > d.x[i - 1]!, 'x stays increasing');
    assert.deepEqual(downsampleMinMax(xs, ys, n, 1000), d);
  });

  it('keeps NaN and infinities visible and returns short series unchanged', () => {
    const n = 10_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = Float64Array.from({ length: n }, (_, i) => (i === 5000 ? Number.NaN : i === 7000 ? Number.POSITIVE_INFINITY : i / n));
    const d = downsampleMinMax(xs, ys, n, 300);
    assert.ok(d.x.length <= 300);
    assert.ok(d.y.some((v) => Number.isNaN(v)));
    assert.ok(d.y.includes(Number.POSITIVE_INFINITY));
    assert.deepEqual(downsampleMinMax([1, 2, 3], [4, 5, 6], 3, 10), { x: [1, 2, 3], y: [4, 5, 6] });
  });
});
