// Benchmark of the comparison panel in headless Chromium. Not a test: it prints figures, each also as a ratio
// against bare Chart.js drawing the same downsampled points in the same browser run.
//
//   node scripts/build.mjs && npx tsc -p tsconfig.json && node bench/compare.mjs
//
// Size by environment (defaults = the issue's scale: 100 runs × 3 metrics × 100,000 steps):
//   TRIALBOOK_BENCH_RUNS=100 TRIALBOOK_BENCH_METRICS=3 TRIALBOOK_BENCH_STEPS=100000
//   TRIALBOOK_BENCH_SMALL_RUNS=10 (the growth comparison)  TRIALBOOK_BENCH_MAX_POINTS=1000 (points per line)
//   TRIALBOOK_BENCH_REPEAT=3 (timed repetitions, median reported)
// The generated workspace and its database are kept in the temp folder (named by size) and reused by later runs;
// TRIALBOOK_BENCH_FRESH=1 regenerates it.
import { createRequire } from 'node:module';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const env = (name, def) => Number(process.env[`TRIALBOOK_BENCH_${name}`] ?? def);
const RUNS = env('RUNS', 100);
const METRICS = env('METRICS', 3);
const STEPS = env('STEPS', 100_000);
const SMALL_RUNS = Math.min(RUNS, env('SMALL_RUNS', 10));
const MAX_POINTS = env('MAX_POINTS', 1000);
const REPEAT = Math.max(1, env('REPEAT', 3));

for (const file of ['out/src/core/openRunIndex.js', 'out/src/vscode/webviews/compare/compareData.js', 'dist/webview/compare.js']) {
  if (!existsSync(join(root, file))) {
    console.error(`${file} is missing: run "node scripts/build.mjs && npx tsc -p tsconfig.json" first.`);
    process.exit(1);
  }
}
const { openRunIndex } = require(join(root, 'out/src/core/openRunIndex.js'));
const { buildCompareData, pointsForWidth } = require(join(root, 'out/src/vscode/webviews/compare/compareData.js'));
const { prng } = require(join(root, 'out/test/fixtures/prng.js'));

const round6 = (x) => Math.round(x * 1e6) / 1e6;

/** One run's log as the SDK writes it (docs/event-format.md): run_start, metrics steps with heartbeats, run_end. */
async function writeRun(dir, r, rnd) {
  const id = `20261127T${String(r).padStart(9, '0')}-${(r * 2654435761 >>> 0).toString(16).padStart(10, '0')}`;
  mkdirSync(join(dir, 'runs', id), { recursive: true });
  const stream = createWriteStream(join(dir, 'runs', id, 'events.jsonl'));
  const keys = Array.from({ length: METRICS }, (_, k) => ['loss', 'val_acc', 'lr'][k] ?? `metric_${k}`);
  const t0 = 1_795_000_000 + r * 7200;
  let buf = `${JSON.stringify({
    v: 1, t: 'run_start', ts: t0, run_id: id, experiment: `exp-${r % 4}`, name: `run-${r}`,
    config: { lr: round6(10 ** -(2 + rnd() * 2)), batch_size: 2 ** (4 + (r % 4)), optimizer: ['adam', 'sgd'][r % 2], seed: r },
    tags: ['bench'], lineage: { user: 'ada', host: 'gpu-box' }, sdk: { name: 'trialbook-python', version: '0.1.0' },
  })}\n`;
  const decay = 5000 + rnd() * 40_000;
  const flush = async () => {
    if (!stream.write(buf)) await new Promise((res) => stream.once('drain', res));
    buf = '';
  };
  for (let s = 0; s < STEPS; s++) {
    const ts = round6(t0 + 1 + s * 0.05);
    const base = Math.exp(-s / decay);
    let values = '';
    for (let k = 0; k < keys.length; k++) {
      const v = k === 0 ? base * (1 + (rnd() - 0.5) * 0.3) : k === 1 ? 1 - base * 0.9 + (rnd() - 0.5) * 0.02 : base * 1e-3 + rnd() * 1e-5;
      values += `${k ? ',' : ''}"${keys[k]}":${round6(v)}`;
    }
    buf += `{"v":1,"t":"metrics","ts":${ts},"step":${s},"values":{${values}}}\n`;
    if (s % 100 === 99) buf += `{"v":1,"t":"heartbeat","ts":${ts}}\n`;
    if (buf.length > 1 << 20) await flush();
  }
  buf += `${JSON.stringify({ v: 1, t: 'run_end', ts: t0 + 2 + STEPS * 0.05, status: 'finished' })}\n`;
  await flush();
  await new Promise((res, rej) => stream.end((err) => (err ? rej(err) : res())));
}

const quiet = { info: () => undefined, warn: (m) => console.error(`warn: ${m}`), error: (m) => console.error(`error: ${m}`) };

async function prepareWorkspace() {
  const dir = join(tmpdir(), `trialbook-bench-compare-${RUNS}x${METRICS}x${STEPS}`, '.trialbook');
  const marker = join(dir, '.generated');
  if (process.env.TRIALBOOK_BENCH_FRESH === '1') rmSync(dirname(dir), { recursive: true, force: true });
  if (!existsSync(marker)) {
    rmSync(dirname(dir), { recursive: true, force: true });
    const t = performance.now();
    const rnd = prng(42);
    for (let r = 0; r < RUNS; r++) await writeRun(dir, r, rnd);
    writeFileSync(marker, '');
    console.log(`generated ${RUNS} runs × ${METRICS} metrics × ${STEPS.toLocaleString('en-US')} steps in ${((performance.now() - t) / 1000).toFixed(1)} s → ${dir}`);
  }
  const t = performance.now();
  const index = await openRunIndex({ trialbookDir: dir, wasmPath: join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), log: quiet, crashAfterSeconds: 30 });
  const report = await index.sync();
  console.log(`index opened and synced in ${((performance.now() - t) / 1000).toFixed(1)} s (${report.changed.length} runs ingested now)`);
  return index;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const stubApi = `window.__posted = [];
window.acquireVsCodeApi = () => { let s; return { postMessage: (m) => window.__posted.push(m), getState: () => s, setState: (n) => { s = n; } }; };`;

async function comparePage(context) {
  const page = await context.newPage();
  await page.setContent('<!DOCTYPE html><html><head><meta charset="UTF-8"></head><body><div id="app"></div></body></html>');
  await page.addStyleTag({ content: readFileSync(join(root, 'media/compare.css'), 'utf8') });
  await page.addScriptTag({ content: stubApi });
  await page.addScriptTag({ content: readFileSync(join(root, 'dist/webview/compare.js'), 'utf8') });
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  return page;
}

/** A line's [x0, y0, x1, y1, …] (the panel's data carries xs and ys as Float64Arrays). */
function pairsOf(line) {
  return Array.from(line.xs).flatMap((x, i) => [x, line.ys[i]]);
}

/**
 * The data as JSON text for page.evaluate, with each line's points as base64 of its Float64Arrays' bytes: the page
 * turns them back into Float64Arrays before the timed dispatch (VS Code delivers them as typed arrays).
 */
function transportable(data) {
  const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return JSON.stringify({ type: 'data', data: { ...data, lines: data.lines.map((l) => ({ ...l, xs: b64(l.xs), ys: b64(l.ys) })) } });
}

const REVIVE = `(text) => {
  const message = JSON.parse(text);
  const f64 = (s) => { const b = atob(s); const u = new Uint8Array(b.length); for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i); return new Float64Array(u.buffer); };
  for (const l of message.data.lines) { l.xs = f64(l.xs); l.ys = f64(l.ys); }
  return message;
}`;

/**
 * (a) From the command (building the data in the host) through posting it to all charts drawn and painted.
 * The message crosses as JSON, as VS Code's webview channel carries it.
 */
async function openComparison(page, index, runIds, maxPoints) {
  const t0 = performance.now();
  const data = buildCompareData(index, runIds, undefined, 'step', maxPoints);
  const built = performance.now();
  const json = transportable(data);
  const inPage = await page.evaluate(async ([text, revive]) => {
    const message = (0, eval)(revive)(text);
    const started = performance.now();
    const before = document.body.dataset.drawn;
    window.dispatchEvent(new MessageEvent('message', { data: message }));
    if (document.body.dataset.drawn === before) throw new Error('the panel did not mark its charts drawn');
    await new Promise((res) => requestAnimationFrame(() => res()));
    return performance.now() - started;
  }, [json, REVIVE]);
  return { total: performance.now() - t0, build: built - t0, render: inPage, points: data.lines.reduce((n, l) => n + l.xs.length, 0), lines: data.lines.length, bytes: data.lines.reduce((n, l) => n + l.xs.byteLength + l.ys.byteLength, 0) };
}

/** (b) A smoothing change: the panel's own redraw time (dataset.smoothMs) and until the next frame. */
async function smoothingChange(page, value) {
  return page.evaluate(async (v) => {
    const input = document.querySelector('input[type=range]');
    const started = performance.now();
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((res) => requestAnimationFrame(() => res()));
    return { panel: Number(document.body.dataset.smoothMs), frame: performance.now() - started };
  }, value);
}

/** (d) The baseline: bare Chart.js, the recipe's options, the same points in 3 charts of the panel's canvas size. */
async function baselinePage(context) {
  const page = await context.newPage();
  await page.setContent('<!DOCTYPE html><html><head><meta charset="UTF-8"></head><body><div id="charts"></div></body></html>');
  await page.addScriptTag({ content: readFileSync(join(root, 'node_modules/chart.js/dist/chart.umd.min.js'), 'utf8') });
  await page.addScriptTag({
    content: `
window.__charts = [];
window.__lines = [];
window.__draw = (text, width, height) => {
  const started = performance.now();
  const data = JSON.parse(text);
  for (const c of window.__charts) c.destroy();
  window.__charts = [];
  const box = document.getElementById('charts');
  box.replaceChildren();
  window.__lines = data.metrics.map((metric) => data.lines.filter((l) => l.metric === metric));
  for (const lines of window.__lines) {
    const canvas = document.createElement('canvas');
    canvas.width = width; canvas.height = height;
    box.append(canvas);
    const datasets = lines.map((l, i) => {
      const pts = new Array(l.points.length / 2);
      for (let j = 0; j < pts.length; j++) pts[j] = { x: l.points[2 * j], y: l.points[2 * j + 1] };
      return { data: pts, borderColor: 'hsl(' + (i * 37) % 360 + ',70%,50%)', borderWidth: 1.5 };
    });
    window.__charts.push(new Chart(canvas, { type: 'line', data: { datasets }, options: {
      animation: false, parsing: false, normalized: true, spanGaps: true, responsive: false,
      elements: { point: { radius: 0 } }, plugins: { legend: { display: false } },
      scales: { x: { type: 'linear' }, y: { type: 'linear' } } } }));
  }
  return new Promise((res) => requestAnimationFrame(() => res(performance.now() - started)));
};
window.__smooth = (w) => {
  const started = performance.now();
  window.__charts.forEach((chart, c) => {
    chart.data.datasets.forEach((ds, i) => {
      const pts = window.__lines[c][i].points;
      let last = 0, debias = 0;
      const out = new Array(pts.length / 2);
      for (let j = 0; j < out.length; j++) {
        const y = pts[2 * j + 1];
        if (y === null) { out[j] = { x: pts[2 * j], y: null }; continue; }
        last = last * w + (1 - w) * y; debias = debias * w + (1 - w);
        out[j] = { x: pts[2 * j], y: last / debias };
      }
      ds.data = out;
    });
    chart.update('none');
  });
  const js = performance.now() - started;
  return new Promise((res) => requestAnimationFrame(() => res({ js, frame: performance.now() - started })));
};`,
  });
  return page;
}

async function measure(context, index, runIds, label) {
  const page = await comparePage(context);
  const base = await baselinePage(context);
  // Warm up both pages once (the first render of a page is up to ~2× slower), then time REPEAT times.
  // As the panel does: the webview reports its charts' width on ready, the host sends two points per pixel
  // column at most (TRIALBOOK_BENCH_MAX_POINTS is the setting's cap).
  const width = await page.evaluate(() => window.__posted.find((m) => m.type === 'ready').chartPixelWidth);
  const maxPoints = pointsForWidth(width, MAX_POINTS);
  await page.bringToFront();
  // The first open also fills the index's cache of downsampled lines and warms the page: reported as "first".
  const first = await openComparison(page, index, runIds, maxPoints);
  const size = await page.evaluate(() => { const c = document.querySelector('canvas'); return { w: c.clientWidth, h: c.clientHeight, charts: document.querySelectorAll('canvas').length }; });
  // Bare Chart.js gets the points as plain numbers (the panel's wire text decoded here, outside the timing).
  const built = buildCompareData(index, runIds, undefined, 'step', maxPoints);
  const data = JSON.stringify({ ...built, lines: built.lines.map((l) => ({ ...l, points: pairsOf(l) })) });
  await base.bringToFront();
  await base.evaluate(([t, w, h]) => window.__draw(t, w, h), [data, size.w, size.h]);
  const opens = [];
  const smooths = [];
  const bareDraws = [];
  const bareSmooths = [];
  // Pages take turns in front: a background page's animation frames are throttled.
  for (let i = 0; i < REPEAT; i++) {
    await page.bringToFront();
    opens.push(await openComparison(page, index, runIds, maxPoints));
    for (const v of [0.3, 0.6, 0.9]) smooths.push(await smoothingChange(page, v));
    await base.bringToFront();
    bareDraws.push(await base.evaluate(([t, w, h]) => window.__draw(t, w, h), [data, size.w, size.h]));
    for (const v of [0.3, 0.6, 0.9]) bareSmooths.push(await base.evaluate((w) => window.__smooth(w), v));
  }
  await page.close();
  await base.close();
  const o = opens[0];
  return {
    label, runs: runIds.length, maxPoints, first, charts: size.charts, canvas: `${size.w}×${size.h}`, lines: o.lines, points: o.points, mb: (o.bytes / 1048576).toFixed(1),
    total: median(opens.map((x) => x.total)), build: median(opens.map((x) => x.build)), render: median(opens.map((x) => x.render)),
    smoothPanel: median(smooths.map((x) => x.panel)), smoothFrame: median(smooths.map((x) => x.frame)),
    bareDraw: median(bareDraws), bareSmooth: median(bareSmooths.map((x) => x.js)), bareSmoothFrame: median(bareSmooths.map((x) => x.frame)),
  };
}

function report(r) {
  const ms = (x) => `${x.toFixed(0).padStart(5)} ms`;
  const ratio = (x, b) => `${(x / b).toFixed(2)}× bare Chart.js`;
  console.log(`\n${r.label}: ${r.runs} runs, ${r.charts} charts (${r.canvas} px), ${r.maxPoints} points per line at most, ${r.lines} lines, ${r.points.toLocaleString('en-US')} points sent (${r.mb} MB of Float64Array points)`);
  console.log(`  (a) command → all charts drawn: ${ms(r.total)}   [host build ${r.build.toFixed(0)} ms, JSON + transfer ${(r.total - r.build - r.render).toFixed(0)} ms, webview parse + render to next frame ${r.render.toFixed(0)} ms]   ${ratio(r.total, r.bareDraw)} (render alone: ${ratio(r.render, r.bareDraw)})   target < 1500 ms: ${r.total < 1500 ? 'met' : 'MISSED'}`);
  console.log(`      first open in this page (cold index caches, cold page): ${ms(r.first.total)}   [host build ${r.first.build.toFixed(0)} ms]   target < 1500 ms: ${r.first.total < 1500 ? 'met' : 'MISSED'}`);
  console.log(`  (b) smoothing change redraw:     ${ms(r.smoothPanel)}   [to next frame ${r.smoothFrame.toFixed(0)} ms]   ${ratio(r.smoothPanel, r.bareSmooth)} (to next frame: ${ratio(r.smoothFrame, r.bareSmoothFrame)})   target < 100 ms: ${r.smoothPanel < 100 ? 'met' : 'MISSED'}`);
  console.log(`  (d) baseline, bare Chart.js:     draw ${r.bareDraw.toFixed(0)} ms, smoothing update ${r.bareSmooth.toFixed(0)} ms (to next frame ${r.bareSmoothFrame.toFixed(0)} ms)`);
}

const index = await prepareWorkspace();
const ids = index.listRuns({ sort: 'name' }).map((r) => r.id).slice(0, RUNS);
const profile = mkdtempSync(join(tmpdir(), 'trialbook-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.TRIALBOOK_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  console.log(`Chromium ${context.browser()?.version() ?? ''}; points per line: two per pixel column of a chart, at most ${MAX_POINTS}; median of ${REPEAT} after a warm-up`);
  const big = await measure(context, index, ids, `(a/b) ${ids.length} runs`);
  const small = await measure(context, index, ids.slice(0, SMALL_RUNS), `(c) ${SMALL_RUNS} runs`);
  report(big);
  report(small);
  console.log(`\ngrowth ${SMALL_RUNS} → ${ids.length} runs: open ${(big.total / small.total).toFixed(1)}×, smoothing ${(big.smoothPanel / small.smoothPanel).toFixed(1)}×`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await index.close();
}
