// A new comparison's messages, in the order a new panel gets them, into fresh pages of two builds of the compare page
// alternated: the first message (runs, params, summaries, every chart pending), then the lines of the two charts in
// view a chart per message (as the host posts them, narrowed as on the wire), then the next frame. Prints, per build,
// the medians of the script load and of each message's task, and the whole sequence's. A tool for pairing a change
// to the page's start (run `editor-compare` for the user's path), not a figure of its own.
//
//   node bench/pageOpen.mjs <before.js> <after.js> [workspace dir with .trialbook]
//   ROUNDS=8 (pairs, in alternating order); the workspace is one editor-compare made (default 1000x10x1000)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../scripts/lib/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { openRunIndex } = require(join(root, 'out/src/core/openRunIndex.js'));
const { buildCompareData } = require(join(root, 'out/src/vscode/webviews/compare/compareData.js'));
const { narrowData, narrowLines } = require(join(root, 'out/src/shared/webviews/compare/wireLines.js'));

const [before, after, folder = '/tmp/trialbook-bench-compare-1000x10x1000'] = process.argv.slice(2);
if (!before || !after) {
  console.error('usage: node bench/pageOpen.mjs <before.js> <after.js> [workspace dir]');
  process.exit(2);
}
const rounds = Number(process.env.ROUNDS ?? 8);
const index = await openRunIndex({ trialbookDir: join(folder, '.trialbook'), wasmPath: join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), log: { info() {}, warn() {}, error: console.error }, crashAfterSeconds: 60 });
await index.sync();
const ids = index.listRuns({ sort: '-started' }).slice(0, 100).map((r) => r.id);
// About the editor's webview in the editor-compare bench: two charts in view.
const browser = await launchBrowser({ viewport: { width: 960, height: 640 } });
// Typed arrays cross into the page as base64 with their kind (Playwright's arguments are JSON).
const encoded = (a) => ({ kind: a.constructor.name, base64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') });

async function open(bundle) {
  const page = await browser.context.newPage();
  try {
    await page.setContent('<!DOCTYPE html><html><head><meta charset="UTF-8"></head><body><div id="app"></div></body></html>');
    await page.addStyleTag({ content: readFileSync(join(root, 'media/compare.css'), 'utf8') });
    await page.addScriptTag({ content: 'window.__posted = []; window.acquireVsCodeApi = () => { let s; return { postMessage: (m) => window.__posted.push(m), getState: () => s, setState: (n) => { s = n; } }; };' });
    const started = Date.now();
    await page.addScriptTag({ content: readFileSync(bundle, 'utf8') });
    const load = Date.now() - started;
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
    const width = await page.evaluate(() => window.__posted.find((m) => m.type === 'ready').chartPixelWidth);
    const full = buildCompareData(index, ids, undefined, 'step', Math.min(1000, 2 * width));
    const first = { type: 'data', data: narrowData({ ...full, lines: [], pendingMetrics: full.selectedMetrics }) };
    const lines = full.selectedMetrics.slice(0, 2).map((metric) => ({
      type: 'lines', metrics: [metric], xAxis: 'step',
      lines: narrowLines(full.lines.filter((l) => l.metric === metric), 'step').map((l) => ({ ...l, xs: encoded(l.xs), ys: encoded(l.ys) })),
    }));
    const tasks = await page.evaluate(async ([firstJson, linesJson]) => {
      const decoded = (e) => { const s = atob(e.base64); const u = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i); return new globalThis[e.kind](u.buffer); };
      const messages = [JSON.parse(firstJson), ...JSON.parse(linesJson).map((m) => ({ ...m, lines: m.lines.map((l) => ({ ...l, xs: decoded(l.xs), ys: decoded(l.ys) })) }))];
      const ms = [];
      for (const data of messages) {
        const t = performance.now();
        window.dispatchEvent(new MessageEvent('message', { data }));
        ms.push(performance.now() - t);
      }
      const t = performance.now();
      await new Promise((res) => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = res; c.port2.postMessage(0); }));
      ms.push(performance.now() - t);
      return ms;
    }, [JSON.stringify(first), JSON.stringify(lines)]);
    const drawn = await page.evaluate(() => document.querySelectorAll('.chart-card:not(.loading)').length);
    if (drawn < 2) throw new Error(`${bundle}: ${drawn} charts drawn, expected the 2 in view`);
    return [load, ...tasks];
  } finally {
    await page.close();
  }
}

const results = new Map([[before, []], [after, []]]);
for (let r = 0; r < rounds; r++) for (const bundle of r % 2 ? [after, before] : [before, after]) results.get(bundle).push(await open(bundle));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const totals = new Map([...results].map(([bundle, rs]) => [bundle, median(rs.map((r) => r[1] + r[2] + r[3] + r[4]))]));
console.log(`A new comparison's messages into a fresh page (100 runs, two charts in view), medians of ${rounds}, ms:`);
for (const [bundle, rs] of results) {
  const at = (i) => median(rs.map((r) => r[i])).toFixed(0);
  console.log(`  ${bundle}: script load ${at(0)}, first message ${at(1)}, first chart's lines ${at(2)}, second's ${at(3)}, to the next frame ${at(4)}; the sequence ${totals.get(bundle).toFixed(0)}`);
}
console.log(`  after / before, the sequence: ${(totals.get(after) / totals.get(before)).toFixed(2)}×`);
await browser.close();
await index.close();
