// The page draws lines that crossed narrowed (in single precision, wall-clock x as offsets from a base; or xs as
// increments) exactly as it draws the same values sent in double precision: it widens them on arrival, and nothing
// after that sees the difference.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompareData, CompareLine, HostToCompareMessage } from '../../../src/shared/webviews/compare/contract';
import { narrowData, narrowLines } from '../../../src/shared/webviews/compare/wireLines';
import { loadWebview, PageClock, type Harness } from './webviewHarness';

const starts = [1_795_000_000_123, 1_795_003_600_456];

/**
 * Two runs, two metrics: 300 points 2.5 s apart with ms jitter (and `fraction` of a ms: times that are not whole ms);
 * y as float32 holds it when `single`.
 */
function lineOf(axis: 'wall' | 'relative', k: number, metric: string, single: boolean, fraction: number): CompareLine {
  const xs = new Float64Array(300);
  const ys = new Float64Array(300);
  for (let i = 0; i < 300; i++) {
    const ms = 1000 + i * 2500 + ((i * 37) % 11) + fraction;
    xs[i] = axis === 'wall' ? (starts[k] as number) + ms : ms / 1000;
    const y = (metric === 'loss' ? 1 / (i + 1) : 1 - 1 / (i + 2)) + k / 10 + (i === 150 ? Number.NaN : 0);
    ys[i] = single ? Math.fround(y) : y;
  }
  return { runId: `r${k + 1}`, metric, xs, ys, totalPoints: 300 };
}

function comparison(single: boolean, fraction: number): CompareData {
  return {
    runs: starts.map((startedAt, k) => ({ id: `r${k + 1}`, name: `run ${k + 1}`, experiment: 'e', status: 'finished', color: ['#1f77b4', '#ff7f0e'][k] as string, startedAt })),
    metrics: ['acc', 'loss'],
    selectedMetrics: ['acc', 'loss'],
    xAxis: 'wall',
    lines: [0, 1].flatMap((k) => ['acc', 'loss'].map((m) => lineOf('wall', k, m, single, fraction))),
    params: [],
    summaries: [{ metric: 'acc', stats: [null, null] }, { metric: 'loss', stats: [null, null] }],
  };
}

/** What the page drew: every canvas call and its arguments, in order. */
const drawing = (h: Harness): string[] => h.canvasCalls.map((c) => `${c.method}(${c.args.map((a) => (typeof a === 'number' ? a.toFixed(6) : String(a))).join(',')})`);

async function drawn(messages: HostToCompareMessage[]): Promise<{ first: string[]; switched: string[]; errors: string[] }> {
  const h = loadWebview('compare', undefined, { clock: new PageClock() });
  try {
    for (const message of messages) h.send(message);
    await h.frame();
    const first = drawing(h);
    h.canvasCalls.length = 0;
    const select = h.document.querySelector<HTMLSelectElement>('select[aria-label="X axis"]');
    assert.ok(select);
    select.value = 'relative';
    select.dispatchEvent(new h.window.Event('change', { bubbles: true }));
    await h.frame();
    const status = h.document.querySelector<HTMLElement>('.status');
    return { first, switched: drawing(h), errors: [...h.errors, ...(status && !status.hidden && status.textContent ? [status.textContent] : [])] };
  } finally {
    h.close();
  }
}

test('compare page: lines that crossed in single precision (wall-clock x as offsets) draw exactly as the same values in double precision, before and after an axis switch', async () => {
  // Times a quarter of a ms off the whole ms: no increments, single precision.
  const relative = (single: boolean): CompareLine[] => [0, 1].flatMap((k) => ['acc', 'loss'].map((m) => lineOf('relative', k, m, single, 0.25)));
  // As the host sends them now: narrowed.
  const wire = narrowData(comparison(false, 0.25));
  assert.ok(wire.lines.every((l) => l.xs instanceof Float32Array && l.ys instanceof Float32Array && l.xBase !== undefined), 'every line crossed in single precision, x as offsets');
  const sent = await drawn([{ type: 'data', data: wire }, { type: 'lines', metrics: ['acc', 'loss'], lines: narrowLines(relative(false), 'relative'), xAxis: 'relative' }]);
  // The same values (y as float32 holds them) in double precision.
  const reference = await drawn([{ type: 'data', data: comparison(true, 0.25) }, { type: 'lines', metrics: ['acc', 'loss'], lines: relative(true).map((l) => ({ ...l, xs: Float64Array.from(l.xs, Math.fround) })), xAxis: 'relative' }]);
  assert.deepEqual(sent.errors, []);
  assert.deepEqual(reference.errors, []);
  assert.ok(sent.first.some((c) => c.startsWith('lineTo')) && sent.switched.some((c) => c.startsWith('lineTo')), 'lines were drawn');
  assert.deepEqual(sent.first, reference.first);
  assert.deepEqual(sent.switched, reference.switched);
});

test('compare page: xs that crossed as increments (epoch ms, relative seconds as thousandths) draw exactly as the same xs in double precision, before and after an axis switch', async () => {
  const relative = (single: boolean): CompareLine[] => [0, 1].flatMap((k) => ['acc', 'loss'].map((m) => lineOf('relative', k, m, single, 0)));
  const wire = narrowData(comparison(false, 0));
  assert.ok(wire.lines.every((l) => l.xs instanceof Uint16Array && l.xStart !== undefined && l.xBase === undefined), 'every wall-clock line crossed as increments');
  const relativeWire = narrowLines(relative(false), 'relative');
  assert.ok(relativeWire.every((l) => l.xs instanceof Uint16Array && l.xPer === 1000), 'every relative line crossed as increments of thousandths');
  const sent = await drawn([{ type: 'data', data: wire }, { type: 'lines', metrics: ['acc', 'loss'], lines: relativeWire, xAxis: 'relative' }]);
  // The same xs exactly, in double precision (y as float32 holds it).
  const reference = await drawn([{ type: 'data', data: comparison(true, 0) }, { type: 'lines', metrics: ['acc', 'loss'], lines: relative(true), xAxis: 'relative' }]);
  assert.deepEqual(sent.errors, []);
  assert.deepEqual(reference.errors, []);
  assert.ok(sent.first.some((c) => c.startsWith('lineTo')) && sent.switched.some((c) => c.startsWith('lineTo')), 'lines were drawn');
  assert.deepEqual(sent.first, reference.first);
  assert.deepEqual(sent.switched, reference.switched);
});
