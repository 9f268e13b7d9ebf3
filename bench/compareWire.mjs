// One chart's `lines` message on the wire (100 runs × 848 points, the envelope of 1,000 steps at the bench's chart
// width), on each x axis: its bytes as Float64Arrays (what crossed at first) and as sent now (xs as one- or two-byte
// increments where they are whole numbers or thousandths, else Float32Array where that loses nothing shown:
// src/shared/webviews/compare/wireLines.ts); the host's cost to narrow it and the page's cost to
// widen it, against packing it (the host's copy into one buffer, which both had and have); and zlib's deflate of its
// bytes (the websocket's per-message compression in code-server), each against the Float64 message in the same run.
// Not a test: it prints figures (medians) and ratios.
//
//   npm run bench -- compare-wire        TRIALBOOK_BENCH_REPEAT=30 (timed repetitions)
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { packLines } = require(join(root, 'out/src/vscode/webviews/compare/compareData.js'));
const { narrowLines, widenLines } = require(join(root, 'out/src/shared/webviews/compare/wireLines.js'));
const { messageBytes } = require(join(root, 'out/src/vscode/webviews/messageBytes.js'));
const { prng } = require(join(root, 'out/test/fixtures/prng.js'));

const REPEAT = Math.max(3, Number(process.env.TRIALBOOK_BENCH_REPEAT ?? 30));
const RUNS = 100;
const POINTS = 848;
const round6 = (x) => Math.round(x * 1e6) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A chart's lines as bench/compare.mjs logs them (a loss decaying with noise, 6 decimals; a step every 50 ms). */
function chart(axis) {
  const rnd = prng(12);
  return Array.from({ length: RUNS }, (_, r) => {
    const startMs = (1_795_000_000 + r * 7200) * 1000;
    const decay = 5000 + rnd() * 40_000;
    const xs = new Float64Array(POINTS);
    const ys = new Float64Array(POINTS);
    for (let i = 0; i < POINTS; i++) {
      const step = Math.round((i * 999) / (POINTS - 1));
      const ms = 1000 + step * 50;
      xs[i] = axis === 'step' ? step : axis === 'relative' ? ms / 1000 : startMs + ms;
      ys[i] = round6(Math.exp(-step / decay) * (1 + (rnd() - 0.5) * 0.3));
    }
    return { runId: `run${r}`, metric: 'loss', xs, ys, totalPoints: 1000 };
  });
}

/** The bytes a message's typed arrays hold (one buffer per message). */
function bufferBytes(lines) {
  const buffer = lines[0].xs.buffer;
  return new Uint8Array(buffer, 0, buffer.byteLength);
}

function timed(run) {
  const times = [];
  let out;
  // The first few runs warm the JIT up: not counted.
  for (let i = 0; i < REPEAT + 5; i++) {
    const t0 = performance.now();
    out = run();
    if (i >= 5) times.push(performance.now() - t0);
  }
  return { ms: median(times), out };
}

console.log(`compare-wire: one chart's lines, ${RUNS} lines × ${POINTS} points; medians of ${REPEAT}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const axis of ['step', 'relative', 'wall']) {
  const lines = chart(axis);
  const pack = timed(() => packLines(lines));
  const narrow = timed(() => narrowLines(pack.out, axis));
  const widen = timed(() => widenLines(narrow.out));
  const before = messageBytes({ type: 'lines', metrics: ['loss'], lines: pack.out, xAxis: axis });
  const after = messageBytes({ type: 'lines', metrics: ['loss'], lines: narrow.out, xAxis: axis });
  const kinds = { 1: 'one-byte increments', 2: 'two-byte increments', 4: 'single precision', 8: 'double precision' };
  const tally = (arrays) => Object.entries(arrays.reduce((n, a) => ({ ...n, [kinds[a.BYTES_PER_ELEMENT]]: (n[kinds[a.BYTES_PER_ELEMENT]] ?? 0) + 1 }), {})).map(([k, n]) => `${n} ${k}`).join(', ');
  const zBefore = timed(() => deflateRawSync(bufferBytes(pack.out)));
  const zAfter = timed(() => deflateRawSync(bufferBytes(narrow.out)));
  console.log(`\n${axis}: xs ${tally(narrow.out.map((l) => l.xs))}; ys ${tally(narrow.out.map((l) => l.ys))}`);
  console.log(`  message bytes       ${before.toLocaleString('en-US')} → ${after.toLocaleString('en-US')}  (${(after / before).toFixed(3)}×)`);
  console.log(`  deflated points     ${zBefore.out.length.toLocaleString('en-US')} → ${zAfter.out.length.toLocaleString('en-US')} bytes, ${zBefore.ms.toFixed(1)} → ${zAfter.ms.toFixed(1)} ms  (${(zAfter.ms / zBefore.ms).toFixed(2)}× the time)`);
  console.log(`  host: pack ${pack.ms.toFixed(2)} ms (baseline), narrow ${narrow.ms.toFixed(2)} ms (${(narrow.ms / pack.ms).toFixed(2)}×)`);
  console.log(`  page: widen ${widen.ms.toFixed(2)} ms (${(widen.ms / pack.ms).toFixed(2)}× the host's pack)`);
}
console.log(`\nload after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
