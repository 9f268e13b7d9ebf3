// The compare host's data: each line as a per-pixel envelope at the chart's width (every column's lowest and highest
// point kept), typed arrays from the index's read to the message (never number[] on the way), and the long reads
// cut into slices that give the extension host's thread back.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { envelope } from '../../../src/core/downsample';
import { MediaCatalog } from '../../../src/core/media/mediaCatalog';
import { openRunIndex } from '../../../src/core/openRunIndex';
import type { RunIndex } from '../../../src/core/runIndex';
import { Slicer } from '../../../src/core/slices';
import { buildCompareData, buildCompareDataInSlices, columnsFor } from '../../../src/vscode/webviews/compare/compareData';
import { prng } from '../../fixtures/prng';
import { RunLog } from '../../fixtures/runLog';
import { captureLog, runId, Workspace } from '../workspaceFixture';

const T0 = 1_795_743_612;

/** Each column's [min, max] of y over the inner points, columns by x between the first and the last x. */
function columnExtremes(xs: ArrayLike<number>, ys: ArrayLike<number>, columns: number): Map<number, [number, number]> {
  const x0 = xs[0] as number;
  const span = (xs[xs.length - 1] as number) - x0;
  const out = new Map<number, [number, number]>();
  for (let i = 1; i < xs.length - 1; i++) {
    const col = Math.min(columns - 1, Math.floor((((xs[i] as number) - x0) * columns) / span));
    const y = ys[i] as number;
    const e = out.get(col);
    if (!e) out.set(col, [y, y]);
    else out.set(col, [Math.min(e[0], y), Math.max(e[1], y)]);
  }
  return out;
}

function assertEnvelope(xs: ArrayLike<number>, ys: ArrayLike<number>, sent: { xs: ArrayLike<number>; ys: ArrayLike<number> }, columns: number): void {
  const want = columnExtremes(xs, ys, columns);
  const got = columnExtremes(sent.xs, sent.ys, columns);
  for (const [col, [lo, hi]] of want) assert.deepEqual(got.get(col), [lo, hi], `pixel column ${col} keeps its lowest and highest value`);
  assert.ok(sent.xs.length <= 2 * columns + 2, `${sent.xs.length} points for ${columns} columns`);
  assert.equal(sent.xs[0], xs[0]);
  assert.equal(sent.xs[sent.xs.length - 1], xs[xs.length - 1]);
}

/** Steps 0…19,999, then every 50th step up to about a million: most points crowd the chart's first pixels. */
function unevenRun(id: string, rnd: () => number): { log: RunLog; steps: number[]; values: number[] } {
  const log = new RunLog(id).start({ experiment: 'e', name: 'uneven' }, T0);
  const steps: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < 40_000; k++) {
    const step = k < 20_000 ? k : 20_000 + (k - 20_000) * 50;
    const value = Math.round(rnd() * 1e6) / 1e3;
    steps.push(step);
    values.push(value);
    log.metrics(step, { loss: value }, { ts: T0 + 1 + k / 1000 });
  }
  return { log: log.end('finished', undefined, T0 + 100), steps, values };
}

async function indexWith(ws: Workspace, logs: RunLog[]): Promise<RunIndex> {
  for (const log of logs) ws.append(log);
  const index = await openRunIndex(ws.options(captureLog()));
  await index.sync();
  return index;
}

test('envelope: every pixel column keeps its lowest and highest point, in x order, NaN kept, ends kept', () => {
  const xs = Float64Array.from({ length: 10_000 }, (_, i) => i);
  const rnd = prng(7);
  const ys = Float64Array.from(xs, () => rnd());
  ys[5000] = Number.NaN;
  const e = envelope(xs, ys, xs.length, 100);
  assertEnvelope(Array.from(xs).filter((_, i) => i !== 5000), Array.from(ys).filter((_, i) => i !== 5000), { xs: Array.from(e.x).filter((_, i) => !Number.isNaN(e.y[i])), ys: Array.from(e.y).filter((y) => !Number.isNaN(y)) }, 100);
  assert.ok(e.y.some((y) => Number.isNaN(y)), 'the NaN stays visible');
  for (let i = 1; i < e.x.length; i++) assert.ok((e.x[i] as number) > (e.x[i - 1] as number), 'x ascending, each point once');
  // A line that fits is kept whole, in new arrays (the reader decodes into buffers it reuses).
  const small = envelope(xs, ys, 150, 100);
  assert.deepEqual(Array.from(small.x), Array.from(xs.subarray(0, 150)));
  assert.notEqual(small.x.buffer, xs.buffer);
});

test('compare data: each line is a per-pixel envelope at the chart\'s width, also where x is uneven', async () => {
  const ws = new Workspace();
  const id = runId(1);
  const run = unevenRun(id, prng(3));
  const index = await indexWith(ws, [run.log]);
  try {
    // 202 points per line: 100 pixel columns.
    const columns = columnsFor(202);
    assert.equal(columns, 100);
    const data = buildCompareData(index, [id], ['loss'], 'step', 202);
    const [line] = data.lines;
    assert.ok(line);
    assert.equal(line.totalPoints, 40_000);
    assertEnvelope(run.steps, run.values, line, columns);
  } finally {
    await index.close();
    ws.dispose();
  }
});

test('compare data: typed arrays from the index to the message, never number[] and never copied out of the cache; what the host holds stays as it was when a run grows', async () => {
  const ws = new Workspace();
  const ids = [runId(1), runId(2)];
  const logs = ids.map((id, r) => {
    const log = new RunLog(id).start({ experiment: 'e', name: `r${r}` }, T0);
    for (let step = 0; step < 3000; step++) log.metrics(step, { loss: 1 / (step + 1 + r), acc: step / 3000 }, { ts: T0 + 1 + step / 100 });
    // The first run is still running: it grows below.
    return r === 0 ? log : log.end('finished', undefined, T0 + 100);
  });
  const index = await indexWith(ws, logs);
  try {
    const request = { runIds: ids, keys: ['loss', 'acc'], xAxis: 'step' as const, columns: 300 };
    const first = index.seriesEnvelopes(request);
    const again = index.seriesEnvelopes(request);
    assert.equal(first.length, 4);
    first.forEach((line, i) => {
      assert.ok(line.x instanceof Float64Array && line.y instanceof Float64Array);
      assert.equal(again[i]?.x, line.x, 'the cached envelope itself, not a copy');
    });
    // The compare path reads envelopes only: the number[] series query is never asked.
    const plain = index.series.bind(index);
    let plainReads = 0;
    index.series = (r) => { plainReads++; return plain(r); };
    const data = await buildCompareDataInSlices(index, ids, ['loss', 'acc'], 'relative', 1000);
    assert.equal(plainReads, 0, 'no number[] series read on the compare path');
    assert.equal(data.lines.length, 4);
    const cached = index.seriesEnvelopes({ runIds: ids, keys: ['loss', 'acc'], xAxis: 'relative', columns: columnsFor(1000) });
    for (const line of data.lines) {
      const own = cached.find((c) => c.runId === line.runId && c.key === line.metric);
      assert.ok(line.xs instanceof Float64Array && line.ys instanceof Float64Array);
      assert.equal(line.xs, own?.x, 'the host holds the index\'s envelope itself: nothing copied into new memory');
      assert.equal(line.ys, own?.y);
    }
    // The run grows: the next comparison has its new points, and what the host held of the last one is unchanged.
    const held = data.lines.map((line) => [Array.from(line.xs), Array.from(line.ys)]);
    for (let step = 3000; step < 3500; step++) logs[0]?.metrics(step, { loss: 0.5, acc: 1 }, { ts: T0 + 1 + step / 100 });
    ws.append(logs[0] as RunLog);
    await index.sync();
    const next = await buildCompareDataInSlices(index, ids, ['loss', 'acc'], 'relative', 1000);
    assert.deepEqual(data.lines.map((line) => [Array.from(line.xs), Array.from(line.ys)]), held);
    const grown = next.lines.find((line) => line.runId === ids[0] && line.metric === 'loss');
    // Relative time: the last metric at 1 + 3499 / 100 s after the run's start.
    assert.ok(Math.abs((grown?.xs[grown.xs.length - 1] ?? 0) - 35.99) < 1e-6, 'the new comparison ends at the run\'s last point');
    assert.equal(grown?.ys[grown.ys.length - 1], 0.5);
  } finally {
    await index.close();
    ws.dispose();
  }
});

test('compare media: the runs\' logs are read in slices, the thread given back between them', async () => {
  const ws = new Workspace();
  const ids = [1, 2, 3, 4, 5].map(runId);
  for (const id of ids) ws.append(new RunLog(id).start({ experiment: 'e' }, T0).media(0, 'notes', 'text', [{ markdown: `# ${id}` }], T0 + 1));
  try {
    // A clock on which every read takes 20 ms: each run ends a slice.
    let now = 0;
    const slicer = new Slicer(() => (now += 20), 15);
    const between: number[] = [];
    let ticks = 0;
    const tick = (): void => { ticks++; if (ticks < 100) setImmediate(tick); };
    setImmediate(tick);
    const media = await new MediaCatalog().readInSlices(ids.map((id) => ({ id, dir: join(ws.trialbookDir, 'runs', id) })), async () => {
      between.push(ticks);
      await slicer.pause();
    });
    assert.deepEqual(media.map((m) => [...m.keys.keys()]), ids.map(() => ['notes']));
    assert.equal(slicer.yields, 5);
    for (let i = 1; i < between.length; i++) assert.ok((between[i] as number) > (between[i - 1] as number), 'other work ran between two reads');
  } finally {
    ws.dispose();
  }
});
