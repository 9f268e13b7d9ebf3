// Where the comparison page spends its time: the real page bundle (dist/webview/compare.js) in headless Chromium,
// fed the host's data for N runs of a bench workspace, profiled with the DevTools protocol around the open and
// each control. Prints the functions with the most self time per step. A tool for finding costs, not a figure.
//
//   node bench/pageProfile.mjs [workspace dir with .trialbook] [runs]
//   BUNDLE=path: another build of the page (e.g. the previous commit's, measured back to back)
//   TRACE=1: a DevTools trace instead (time per event name on the main, compositor and raster threads: canvas
//   rasterisation shows as CanvasRenderingContext2D::FinalizeFrame, layout as Layout)
//   TRACE=tasks: the main thread's tasks one by one (start, length, what took most of each): how long the page
//   was blocked at a time, and by what
//   STEPS=smooth: four smoothing changes after the open (the first one used to be slower: see DEOPTS); STEPS=drag: a slider
//   drag right after the open
//   DEOPTS=1 (with TRACE): V8's deoptimizations and optimizations per step; with JSFLAGS=--trace-deopt and
//   DEBUG=pw:browser the browser prints which functions were deoptimized, and why
//   TRACE_QUIET=1: only the tasks' summary line
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../scripts/lib/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { openRunIndex } = require(join(root, 'out/src/core/openRunIndex.js'));
const { buildCompareData } = require(join(root, 'out/src/vscode/webviews/compare/compareData.js'));
const folder = process.argv[2] ?? '/tmp/trialbook-bench-compare-1000x10x1000';
const count = Number(process.argv[3] ?? 100);

const index = await openRunIndex({ trialbookDir: join(folder, '.trialbook'), wasmPath: join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), log: { info() {}, warn() {}, error: console.error }, crashAfterSeconds: 60 });
await index.sync();
const ids = index.listRuns({ sort: '-started' }).slice(0, count).map((r) => r.id);

// VIEWPORT=960x640: about the editor's webview in the editor-compare bench (two charts in view).
const [vw, vh] = (process.env.VIEWPORT ?? '1400x900').split('x').map(Number);
const browser = await launchBrowser({ viewport: { width: vw, height: vh }, args: process.env.JSFLAGS ? [`--js-flags=${process.env.JSFLAGS}`] : [] });
const page = browser.page;
await page.setContent('<!DOCTYPE html><html><head><meta charset="UTF-8"></head><body><div id="app"></div></body></html>');
await page.addStyleTag({ content: readFileSync(join(root, 'media/compare.css'), 'utf8') });
await page.addScriptTag({ content: `window.__posted = []; window.acquireVsCodeApi = () => { let s; return { postMessage: (m) => window.__posted.push(m), getState: () => s, setState: (n) => { s = n; } }; };` });
await page.addScriptTag({ content: readFileSync(process.env.BUNDLE ?? join(root, 'dist/webview/compare.js'), 'utf8') });
await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
const width = await page.evaluate(() => window.__posted.find((m) => m.type === 'ready').chartPixelWidth);
const data = buildCompareData(index, ids, undefined, 'step', Math.min(1000, 2 * width));
const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const json = JSON.stringify({ type: 'data', data: { ...data, lines: data.lines.map((l) => ({ ...l, xs: b64(l.xs), ys: b64(l.ys) })) } });
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });

/** The renderer's trace around one step: time per event name on the page's main thread (top-level tasks' children too). */
async function traced(fn, arg) {
  const events = [];
  const onData = ({ value }) => events.push(...value);
  cdp.on('Tracing.dataCollected', onData);
  const done = new Promise((res) => cdp.once('Tracing.tracingComplete', res));
  const categories = `devtools.timeline,disabled-by-default-devtools.timeline,blink,cc,viz,gpu${process.env.DEOPTS ? ',v8,disabled-by-default-v8.compile' : ''}`;
  await cdp.send('Tracing.start', { categories, transferMode: 'ReportEvents' });
  const ms = await page.evaluate(fn, arg);
  await cdp.send('Tracing.end');
  await done;
  cdp.off('Tracing.dataCollected', onData);
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args?.name]));
  const byName = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur) continue;
    const thread = names.get(`${e.pid}:${e.tid}`) ?? '?';
    if (main && e.tid !== main.tid && !/Compositor|Raster|Viz|Gpu/.test(thread)) continue;
    const key = `${thread === 'CrRendererMain' ? 'main' : thread} ${e.name}`;
    byName.set(key, (byName.get(key) ?? 0) + e.dur);
  }
  if (process.env.DEOPTS) {
    const count = (re) => events.filter((e) => main && e.tid === main.tid && re.test(e.name)).length;
    console.log(`  V8 on the main thread: ${count(/^V8\.DeoptimizeCode$/)} deoptimizations, ${count(/^V8\.OptimizeConcurrentPrepare$/)} optimizing compiles started`);
  }
  if (process.env.TRACE === 'tasks') {
    printTasks(events.filter((e) => main && e.tid === main.tid && e.ph === 'X'));
    return ms;
  }
  console.log(`  trace (ms per event, nested events counted in their parents too):`);
  for (const [k, v] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(`  ${(v / 1000).toFixed(1).padStart(7)} ms  ${k}`);
  return ms;
}

/** Each top-level main-thread task of 2 ms or more: when it started (from the first), how long, its longest parts. */
function printTasks(events) {
  const tasks = events.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts);
  const top = tasks.filter((t, i) => !tasks.slice(0, i).some((p) => p.ts <= t.ts && t.ts + t.dur <= p.ts + p.dur));
  const t0 = top[0]?.ts ?? 0;
  const lengths = top.map((t) => t.dur / 1000).sort((a, b) => a - b);
  const at = (q) => lengths[Math.min(lengths.length - 1, Math.floor(q * lengths.length))] ?? 0;
  console.log(`  ${lengths.length} tasks: longest ${at(1).toFixed(1)} ms, 90th percentile ${at(0.9).toFixed(1)} ms, median ${at(0.5).toFixed(1)} ms, ${lengths.filter((l) => l > 33).length} over 33 ms`);
  if (process.env.TRACE_QUIET) return;
  for (const t of top) {
    if (t.dur < 2000) continue;
    const inner = new Map();
    for (const e of events) {
      if (e === t || e.ts < t.ts || e.ts + e.dur > t.ts + t.dur || /RunTask/.test(e.name)) continue;
      inner.set(e.name, (inner.get(e.name) ?? 0) + e.dur);
    }
    const parts = [...inner].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ');
    console.log(`  +${((t.ts - t0) / 1000).toFixed(0).padStart(5)} ms  ${(t.dur / 1000).toFixed(1).padStart(6)} ms  ${parts}`);
    if (process.env.DEBUGTASK) for (const e of events) if (e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur > 1000) console.log(`      +${((e.ts - t0) / 1000).toFixed(1)} ${(e.dur / 1000).toFixed(1)} ${e.name} ${JSON.stringify(e.args?.data ?? {}).slice(0, 120)}`);
  }
}

async function profiled(label, fn, arg) {
  if (process.env.TRACE) {
    const ms = await traced(fn, arg);
    console.log(`== ${label}: ${ms.toFixed(0)} ms to the next frame (traced)`);
    return;
  }
  await cdp.send('Profiler.start');
  const ms = await page.evaluate(fn, arg);
  const { profile } = await cdp.send('Profiler.stop');
  const self = new Map();
  const hits = new Map();
  profile.samples.forEach((id, i) => hits.set(id, (hits.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (hits.get(n.id) ?? 0));
  }
  if (process.env.INCLUSIVE) {
    // Total time per function, its callees included (a function counted once per sample however deep it recurses).
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const total = new Map();
    for (const [id, t] of hits) {
      const seen = new Set();
      for (let n = byId.get(id); n; n = parent.get(n.id)) {
        const f = n.callFrame;
        const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
        if (seen.has(key)) continue;
        seen.add(key);
        total.set(key, (total.get(key) ?? 0) + t);
      }
    }
    for (const [k, v] of total) self.set(k, v);
  }
  console.log(`\n== ${label}: ${ms.toFixed(0)} ms to the next frame`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 14))) console.log(`  ${(v / 1000).toFixed(1).padStart(7)} ms  ${k}`);
}

const nextFrame = 'await new Promise((res) => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = res; c.port2.postMessage(0); }));';
await profiled('open (message → painted)', new Function('text', `return (async () => { const m = JSON.parse(text); const f64 = (s) => { const b = atob(s); const u = new Uint8Array(b.length); for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i); return new Float64Array(u.buffer); }; for (const l of m.data.lines) { l.xs = f64(l.xs); l.ys = f64(l.ys); } const t = performance.now(); window.dispatchEvent(new MessageEvent('message', { data: m })); ${nextFrame} return performance.now() - t; })();`), json);
const setSmoothing = (v) => `const s = document.querySelector('input[type=range]'); s.value = '${v}'; s.dispatchEvent(new Event('input', { bubbles: true }));`;
const drag = `const s = document.querySelector('input[type=range]'); for (let i = 1; i <= 20; i++) { s.value = String(i / 21); s.dispatchEvent(new Event('input', { bubbles: true })); await new Promise((res) => requestAnimationFrame(res)); }`;
const steps = {
  smooth: [0.3, 0.6, 0.9, 0.2].map((v) => [`smoothing ${v}`, setSmoothing(v)]),
  drag: [['slider drag right after the open (20 frames)', drag]],
}[process.env.STEPS ?? ''];
for (const [label, body] of steps ?? [
  ['smoothing 0.6', setSmoothing(0.6)],
  ['slider drag (20 frames)', drag],
  ['log scale on', `document.querySelector('#log-scale').click();`],
  ['log scale off', `document.querySelector('#log-scale').click();`],
  ['hide a run', `document.querySelectorAll('.legend-item')[1].click();`],
  ['show it again', `document.querySelectorAll('.legend-item')[1].click();`],
]) {
  // Done when the panel counted the redraw (a slider's redraw is sliced over tasks), then the frame after it.
  const redrawn = `while (Number(document.body.dataset.renders ?? 0) <= before) await new Promise((res) => requestAnimationFrame(res));`;
  await profiled(label, new Function(`return (async () => { const before = Number(document.body.dataset.renders ?? 0); const t = performance.now(); ${body} ${redrawn} ${nextFrame} return performance.now() - t; })();`));
}
// SCREENSHOT=file.png: the page as the last step left it (to see that what was timed draws right).
if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
await browser.close();
await index.close();
