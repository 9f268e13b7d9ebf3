// The metrics lines an imported run's log gets: one `metrics` event per (time, step) its points share, in time
// order, whichever way they are built (the merge of ordered series, or the general grouping).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { metricLines } from '../../../src/core/sources/mirrorEvents';
import type { SourceSeries } from '../../../src/core/sources/sourceModel';

function series(points: [number, number, number][]): SourceSeries {
  return { times: points.map((p) => p[0]), steps: points.map((p) => p[1]), values: points.map((p) => p[2]) };
}

function parsed(bytes: Buffer): unknown[] {
  return bytes.toString('utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
}

/** A deterministic pseudo-random sequence (no test depends on Math.random). */
function rng(seed: number): () => number {
  let x = seed;
  return () => { x = (x * 1_103_515_245 + 12_345) % 2_147_483_648; return x / 2_147_483_648; };
}

describe('sources: metrics lines of an imported run', () => {
  it('groups points sharing time and step into one event, in time then step order, with non-finite values as text', () => {
    const m = new Map<string, SourceSeries>([
      ['loss', series([[1000, 0, 0.5], [2000, 1, Number.NaN], [3000, 2, 0.25]])],
      ['acc', series([[1000, 0, 0.1], [2500, 1, Number.POSITIVE_INFINITY], [3000, 2, -0]])],
      ['__proto__', series([[3000, 2, 7]])],
    ]);
    const { bytes: text, lastMs } = metricLines(m);
    assert.equal(lastMs, 3000);
    assert.deepEqual(parsed(text), [
      { v: 1, t: 'metrics', ts: 1, step: 0, values: { loss: 0.5, acc: 0.1 } },
      { v: 1, t: 'metrics', ts: 2, step: 1, values: { loss: 'NaN' } },
      { v: 1, t: 'metrics', ts: 2.5, step: 1, values: { acc: 'Infinity' } },
      JSON.parse('{"v":1,"t":"metrics","ts":3,"step":2,"values":{"loss":0.25,"acc":0,"__proto__":7}}'),
    ]);
    assert.equal(text.toString('utf8'), metricLines(m, 'grouped').bytes.toString('utf8'));
  });

  it('leaves out negative and fractional steps and keys the format refuses, and still reports the latest time', () => {
    const m = new Map<string, SourceSeries>([
      ['a', series([[1000, -1, 1], [2000, 1.5, 2], [3000, 3, 3]])],
      ['', series([[4000, 4, 4]])],
    ]);
    const { bytes: text, lastMs } = metricLines(m);
    assert.deepEqual(parsed(text), [{ v: 1, t: 'metrics', ts: 3, step: 3, values: { a: 3 } }]);
    assert.equal(lastMs, 3000);
  });

  it('a key logged twice at the same time and step gets a second event, and out-of-order points are sorted', () => {
    const m = new Map<string, SourceSeries>([
      ['a', series([[2000, 2, 1], [1000, 1, 2], [2000, 2, 3]])],
      ['b', series([[2000, 2, 4]])],
    ]);
    const lines = parsed(metricLines(m).bytes);
    assert.deepEqual(lines[0], { v: 1, t: 'metrics', ts: 1, step: 1, values: { a: 2 } });
    assert.equal(lines.length, 3);
    const atTwo = lines.slice(1).map((l) => (l as { values: Record<string, number> }).values);
    assert.deepEqual(atTwo.map((v) => v.a).sort(), [1, 3]);
    assert.equal(atTwo.filter((v) => v.b === 4).length, 1);
  });

  it('ordered series of many shapes give the same events as the general grouping', () => {
    const next = rng(42);
    for (let round = 0; round < 200; round++) {
      const m = new Map<string, SourceSeries>();
      const keys = 1 + Math.floor(next() * 12);
      for (let k = 0; k < keys; k++) {
        const pts: [number, number, number][] = [];
        let t = 1_700_000_000_000 + Math.floor(next() * 5) * 500;
        let step = Math.floor(next() * 3);
        const n = Math.floor(next() * 40);
        for (let i = 0; i < n; i++) {
          // Times that often coincide across keys, steps that sometimes stay while the time moves on.
          if (next() < 0.7) t += 500 * Math.floor(next() * 3);
          step += next() < 0.2 && pts.length > 0 && pts[pts.length - 1]?.[0] !== t ? 0 : 1;
          if (pts.length > 0 && pts[pts.length - 1]?.[0] === t && pts[pts.length - 1]?.[1] === step) step++;
          const r = next();
          pts.push([t, step, r < 0.05 ? Number.NaN : r < 0.08 ? Number.NEGATIVE_INFINITY : r * 10 - 5]);
        }
        m.set(`k${k}/${round}`, series(pts));
      }
      const fast = metricLines(m);
      const grouped = metricLines(m, 'grouped');
      assert.deepEqual(parsed(fast.bytes), parsed(grouped.bytes), `round ${round}`);
      assert.equal(fast.bytes.toString('utf8'), grouped.bytes.toString('utf8'), `round ${round}: the same bytes`);
      assert.equal(fast.lastMs, grouped.lastMs);
    }
  });

  it('series logged together (every key at every point, as W&B rows) give the same bytes as the general grouping', () => {
    const next = rng(7);
    for (let round = 0; round < 100; round++) {
      const pts: [number, number][] = [];
      let t = 1_700_000_000_000;
      let step = -3 + Math.floor(next() * 3);
      for (let i = 0; i < 1 + Math.floor(next() * 30); i++) {
        t += next() < 0.3 ? 0 : 250 * (1 + Math.floor(next() * 3));
        step += next() < 0.1 ? 0.5 : 1; // negative and fractional steps: lines the format refuses
        pts.push([t, step]);
      }
      const m = new Map<string, SourceSeries>();
      const keys = 1 + Math.floor(next() * 8);
      // Now and then one key's point a millisecond later (or its step one more): not together any more.
      const odd = next() < 0.4 ? Math.floor(next() * pts.length) : -1;
      const shift = next() < 0.5 ? [1, 0] : [0, 1];
      for (let k = 0; k < keys; k++) {
        m.set(`m${k}`, series(pts.map(([time, s], i) => [time + (k === keys - 1 && i === odd ? shift[0] ?? 0 : 0), s + (k === keys - 1 && i === odd ? shift[1] ?? 0 : 0),
          next() < 0.05 ? Number.NaN : next() * 2 - 1])));
      }
      const fast = metricLines(m);
      const grouped = metricLines(m, 'grouped');
      assert.equal(fast.bytes.toString('utf8'), grouped.bytes.toString('utf8'), `round ${round}: the same bytes`);
      assert.equal(fast.lines, grouped.lines, `round ${round}: the same line count`);
    }
  });

  it('writes the bytes JSON.stringify gives for any step, value and key (long lines, non-ASCII keys, extreme numbers)', () => {
    const steps = [0, 9, 10, 99, 100, 12345, 2 ** 31, Number.MAX_SAFE_INTEGER];
    const values = [-0, 0, 1e-7, 1e21, -1.7976931348623157e308, 5e-324, 0.1 + 0.2, -123456.789, Number.NaN, Number.NEGATIVE_INFINITY];
    const keys = ['loss', 'ключ/é', '"quoted"\\', 'k'.repeat(250), '🙂'];
    const m = new Map<string, SourceSeries>();
    for (const [j, key] of keys.entries()) {
      m.set(key, series(steps.map((step, i) => [1_700_000_000_123 + i * 1000.5, step, values[(i + j) % values.length] ?? 0])));
    }
    const text = metricLines(m).bytes.toString('utf8');
    const expected = steps.map((step, i) => {
      const vals = keys.map((key, j) => {
        const v = values[(i + j) % values.length] ?? 0;
        return `${JSON.stringify(key)}:${Number.isFinite(v) ? JSON.stringify(v) : JSON.stringify(String(v))}`;
      });
      return `{"v":1,"t":"metrics","ts":${JSON.stringify((1_700_000_000_123 + i * 1000.5) / 1000)},"step":${step},"values":{${vals.join(',')}}}\n`;
    }).join('');
    assert.equal(text, expected);
  });
});
