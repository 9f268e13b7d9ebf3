// The baseline of bench/editorCompare.mjs: bare Chart.js (line charts, no points, no animation, parsing off) in a
// page of its own, drawing the same downsampled lines in as many charts as the panel shows in view, at the
// panel's canvas size, and doing the same operations. Times run to the frame painted after each operation.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const PAGE = `
const afterPaint = () => new Promise((res) => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = res; c.port2.postMessage(0); }));
const state = { smoothing: 0, log: false, hidden: -1, data: undefined, charts: [] };
function points(line) {
  const out = new Array(line.xs.length);
  let last = 0, debias = 0;
  const w = state.smoothing;
  for (let i = 0; i < out.length; i++) {
    let y = line.ys[i];
    if (w > 0 && y !== null) { last = last * w + (1 - w) * y; debias = debias * w + (1 - w); y = last / debias; }
    out[i] = { x: line.xs[i], y };
  }
  return out;
}
function datasets(metric) {
  return state.data.lines.filter((l) => l.metric === metric).map((l, i) => ({
    data: points(l), borderColor: 'hsl(' + (i * 37) % 360 + ',70%,50%)', borderWidth: 1.5, hidden: i === state.hidden,
  }));
}
function refresh() {
  for (const chart of state.charts) {
    chart.data.datasets = datasets(chart.$metric);
    chart.options.scales.y.type = state.log ? 'logarithmic' : 'linear';
    chart.update('none');
  }
}
window.__open = async (text, inView, w, h) => {
  const started = performance.now();
  state.data = JSON.parse(text);
  for (const c of state.charts) c.destroy();
  state.charts = [];
  const box = document.getElementById('charts');
  box.replaceChildren();
  for (const metric of state.data.metrics.slice(0, inView)) {
    const canvas = document.createElement('canvas');
    canvas.style.width = w + 'px'; canvas.style.height = h + 'px';
    const wrap = document.createElement('div');
    wrap.style.width = w + 'px'; wrap.style.height = h + 'px';
    wrap.append(canvas);
    box.append(wrap);
    const chart = new Chart(canvas, { type: 'line', data: { datasets: [] }, options: {
      animation: false, parsing: false, normalized: true, spanGaps: false, responsive: true, maintainAspectRatio: false,
      elements: { point: { radius: 0 }, line: { tension: 0 } }, plugins: { legend: { display: false } },
      scales: { x: { type: 'linear' }, y: { type: state.log ? 'logarithmic' : 'linear' } } } });
    chart.$metric = metric;
    chart.data.datasets = datasets(metric);
    chart.update('none');
    state.charts.push(chart);
  }
  await afterPaint();
  return performance.now() - started;
};
window.__act = async (act, arg) => {
  const started = performance.now();
  switch (act) {
    case 'smoothing': state.smoothing = arg; refresh(); break;
    case 'log': state.log = !state.log; refresh(); break;
    case 'hide': state.hidden = state.hidden === arg ? -1 : arg; refresh(); break;
    case 'xaxis': state.data = JSON.parse(arg); refresh(); break;
    case 'drag':
      for (let i = 1; i <= arg; i++) { state.smoothing = i / (arg + 1); refresh(); await new Promise((res) => requestAnimationFrame(res)); }
      break;
  }
  await afterPaint();
  return performance.now() - started;
};`;

// The same page in a new VS Code webview (bareWebview.ts opens it in the extension host): it says ready, is posted the
// data (JSON text, as the page above parses it), draws and reports the frame painted after.
const WEBVIEW_PAGE = `${PAGE}
const vscode = acquireVsCodeApi();
window.addEventListener('message', async (event) => {
  const m = event.data;
  if (!m || m.type !== 'open') return;
  await window.__open(m.text, m.inView, m.w, m.h);
  vscode.postMessage({ type: 'painted', at: Date.now() });
});
vscode.postMessage({ type: 'ready', at: Date.now() });`;

/**
 * Bare Chart.js in a new webview panel, `repeat` times, through the probe in the extension host (`control`: the
 * folder the probe watches): the lines of the charts in view only, as the panel's first messages carry. Each open's
 * { started, ready, painted } (epoch ms; painted NaN if it never painted).
 */
export async function bareWebviewOpens(control, { step, inView, canvas, repeat }) {
  const metrics = step.metrics.slice(0, inView);
  writeFileSync(join(control, 'bare-page.js'), WEBVIEW_PAGE);
  writeFileSync(join(control, 'bare-data.json'), JSON.stringify({ metrics, lines: step.lines.filter((l) => metrics.includes(l.metric)) }));
  const opens = [];
  for (let i = 0; i < repeat; i++) {
    writeFileSync(join(control, `bare-request-${i}.json`), JSON.stringify({ inView, w: canvas.w, h: canvas.h }));
    const file = join(control, `bare-result-${i}.json`);
    const until = Date.now() + 90_000;
    while (!existsSync(file) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!existsSync(file)) throw new Error('the bare Chart.js webview gave no result within 90 s');
    opens.push(JSON.parse(readFileSync(file, 'utf8')));
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return opens.map((o) => ({ ...o, painted: o.painted ?? Number.NaN }));
}

/** Bare Chart.js's medians for the open and each control, named as the panel's. */
export async function bareChartJs(context, { step, relative, inView, canvas, repeat }) {
  const page = await context.newPage();
  try {
    await page.bringToFront();
    await page.setContent('<!DOCTYPE html><html><head><meta charset="UTF-8"></head><body><div id="charts" style="display:flex;flex-wrap:wrap;gap:14px"></div></body></html>');
    await page.addScriptTag({ content: readFileSync(join(root, 'node_modules/chart.js/dist/chart.umd.min.js'), 'utf8') });
    await page.addScriptTag({ content: PAGE });
    const stepText = JSON.stringify(step);
    const relText = JSON.stringify(relative);
    const open = [];
    const controls = {};
    const timed = async (name, act, arg) => (controls[name] ??= []).push(await page.evaluate(([a, b]) => window.__act(a, b), [act, arg]));
    await page.evaluate(([t, n, w, h]) => window.__open(t, n, w, h), [stepText, inView, canvas.w, canvas.h]);
    for (let i = 0; i < repeat; i++) {
      open.push(await page.evaluate(([t, n, w, h]) => window.__open(t, n, w, h), [stepText, inView, canvas.w, canvas.h]));
      await timed('smoothing', 'smoothing', [0.3, 0.6, 0.9][i % 3]);
      await timed('log scale', 'log');
      await timed('log scale', 'log');
      await timed('hide a run', 'hide', 1);
      await timed('show it again', 'hide', 1);
      await timed('x axis → relative time', 'xaxis', relText);
      await timed('x axis → step', 'xaxis', stepText);
      await timed('slider drag (20 frames)', 'drag', 20);
    }
    return { open: median(open), controls: Object.fromEntries(Object.entries(controls).map(([k, v]) => [k, median(v)])) };
  } finally {
    await page.close();
  }
}
