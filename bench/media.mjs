// Benchmark of the compare panel's Media section in headless Chromium (issue 17). Not a test: it prints figures,
// each also as a ratio against a bare page that shows the same image files with plain <img> elements in the same
// browser run (the least any page can do).
//
//   node scripts/build.mjs && npx tsc -p tsconfig.json && node bench/media.mjs
//
// Scale (the issue's): one run with 1,000 images of 256×256 (one per step) and 100 histogram steps (64 bins), plus
// two runs with 100 images each beside it (three columns under the slider). TRIALBOOK_BENCH_IMAGES=1000,
// TRIALBOOK_BENCH_HISTOGRAMS=100, TRIALBOOK_BENCH_REPEAT=5 (median reported), TRIALBOOK_BENCH_MOVES=120 (slider steps).
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const env = (name, def) => Number(process.env[`TRIALBOOK_BENCH_${name}`] ?? def);
const IMAGES = env('IMAGES', 1000);
const HISTOGRAMS = env('HISTOGRAMS', 100);
const REPEAT = Math.max(1, env('REPEAT', 5));
const MOVES = env('MOVES', 120);

for (const file of ['out/src/core/media/mediaCatalog.js', 'out/test/fixtures/mediaFiles.js', 'dist/webview/compare.js']) {
  if (!existsSync(join(root, file))) {
    console.error(`${file} is missing: run "node scripts/build.mjs && npx tsc -p tsconfig.json" first.`);
    process.exit(1);
  }
}
const { MediaCatalog } = require(join(root, 'out/src/core/media/mediaCatalog.js'));
const { compareMediaOf } = require(join(root, 'out/src/core/media/compareMedia.js'));
const { imageItem, pngOf } = require(join(root, 'out/test/fixtures/mediaFiles.js'));
const { RunLog } = require(join(root, 'out/test/fixtures/runLog.js'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function writeWorkspace() {
  const folder = join(tmpdir(), `trialbook-bench-media-${IMAGES}x${HISTOGRAMS}`);
  const dir = join(folder, '.trialbook');
  const marker = join(dir, '.generated');
  const ids = [0, 1, 2].map((r) => `20261130T15000000${r}-be0c4a000${r}`);
  if (existsSync(marker)) return { folder, dir, ids };
  rmSync(folder, { recursive: true, force: true });
  const started = performance.now();
  ids.forEach((id, r) => {
    const log = new RunLog(id).start({ experiment: 'bench', name: `media-${r}`, config: {}, tags: [] }, 1_795_000_000 + r);
    const images = r === 0 ? IMAGES : Math.min(IMAGES, 100);
    for (let step = 0; step < images; step++) {
      const seed = step * 7 + r * 101;
      const png = pngOf(256, 256, (x, y) => [(x + seed) & 255, (y * 2 + seed) & 255, ((x ^ y) + seed) & 255]);
      log.media(r === 0 ? step : step * 10, 'samples', 'image', [imageItem(dir, id, png, 256, 256, `step ${step}`)], 1_795_000_000 + step);
    }
    for (let step = 0; step < HISTOGRAMS; step++) {
      const counts = Array.from({ length: 64 }, (_, b) => Math.round(1000 * Math.exp(-(((b - 20 - step / 5 - r * 3) / 6) ** 2))));
      log.media(step * 10, 'weights', 'histogram', [{ min: -1, max: 1, counts }], 1_795_000_000 + step);
    }
    log.end('finished', undefined, 1_795_001_000).writeTo(dir);
  });
  writeFileSync(marker, '');
  console.log(`generated 3 runs (${IMAGES} + 2 × ${Math.min(IMAGES, 100)} images of 256×256, ${HISTOGRAMS} histogram steps each) in ${((performance.now() - started) / 1000).toFixed(1)} s → ${dir}`);
  return { folder, dir, ids };
}

const stubApi = `window.__posted = [];
window.acquireVsCodeApi = () => { let s; return { postMessage: (m) => window.__posted.push(m), getState: () => s, setState: (n) => { s = n; } }; };`;

/** The compare page, from a file in the workspace folder (so file:// images of the run folders load, as resource URIs do). */
async function panelPage(context, folder) {
  const html = join(folder, 'panel.html');
  writeFileSync(html, '<!DOCTYPE html><html><head><meta charset="UTF-8"></head><body><div id="app"></div></body></html>');
  const page = await context.newPage();
  await page.goto(pathToFileURL(html).href);
  await page.addStyleTag({ content: readFileSync(join(root, 'media/compare.css'), 'utf8') });
  await page.addScriptTag({ content: stubApi });
  await page.addScriptTag({ content: readFileSync(join(root, 'dist/webview/compare.js'), 'utf8') });
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  return page;
}

/** The host's part: the catalog read from the logs (cold: a new catalog each time) and the message built. */
function hostMessage(dir, ids) {
  const started = performance.now();
  const catalog = new MediaCatalog();
  const runs = ids.map((id) => catalog.read(id, join(dir, 'runs', id)));
  const media = compareMediaOf(runs, (run) => pathToFileURL(join(run.dir, 'media')).href);
  return { ms: performance.now() - started, json: JSON.stringify({ type: 'media', media }) };
}

/** Until the images in view are decoded and a frame is painted (the page's timing: dispatch to that frame). */
const FIRST_SCREEN = `async (text) => {
  const started = performance.now();
  window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(text) }));
  const rendered = performance.now() - started;
  const images = [...document.querySelectorAll('.media-card[data-kind=image] img')];
  await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  const decoded = performance.now() - started;
  await new Promise((res) => requestAnimationFrame(() => res()));
  return { ms: performance.now() - started, rendered, decoded, images: images.length, loaded: images.filter((i) => i.naturalWidth === 256).length };
}`;

/** The slider moved one stop per animation frame; frames per second while every column shows its new image. */
const SLIDE = `async (moves) => {
  const input = document.querySelector('.media-card[data-kind=image] input[type=range]');
  const max = Number(input.max);
  const started = performance.now();
  let decodes = 0;
  for (let i = 0; i < moves; i++) {
    input.value = String((Number(input.value) + max - 1) % (max + 1));
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((res) => requestAnimationFrame(() => res()));
    const imgs = [...document.querySelectorAll('.media-card[data-kind=image] img')];
    await Promise.all(imgs.map((img) => img.decode().catch(() => undefined)));
    decodes += imgs.filter((img) => img.naturalWidth === 256).length;
  }
  const ms = performance.now() - started;
  return { fps: (moves * 1000) / ms, msPerMove: ms / moves, decodes };
}`;

/** The baseline: plain <img> elements for the same files (first screen), their src swapped per frame (slider). */
const BARE_FIRST = `async (srcs) => {
  const started = performance.now();
  const box = document.getElementById('bare');
  box.replaceChildren();
  const images = srcs.map((src) => { const img = document.createElement('img'); img.src = src; box.append(img); return img; });
  await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  await new Promise((res) => requestAnimationFrame(() => res()));
  return performance.now() - started;
}`;
const BARE_SLIDE = `async ([columns, moves]) => {
  const images = [...document.querySelectorAll('#bare img')];
  const started = performance.now();
  for (let i = 0; i < moves; i++) {
    images.forEach((img, c) => { const list = columns[c]; img.src = list[(list.length - 2 - i % list.length + list.length) % list.length]; });
    await new Promise((res) => requestAnimationFrame(() => res()));
    await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  }
  const ms = performance.now() - started;
  return { fps: (moves * 1000) / ms, msPerMove: ms / moves };
}`;

const { folder, dir, ids } = writeWorkspace();
const profile = mkdtempSync(join(tmpdir(), 'trialbook-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.TRIALBOOK_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--allow-file-access-from-files'],
});
try {
  console.log(`Chromium ${context.browser()?.version() ?? ''}; median of ${REPEAT} after a warm-up; slider: ${MOVES} moves, one per frame at most, each waiting for its images to decode`);
  const firsts = [];
  const hosts = [];
  const slides = [];
  let sent = 0;
  for (let i = 0; i <= REPEAT; i++) {
    const page = await panelPage(context, folder);
    const host = hostMessage(dir, ids);
    sent = host.json.length;
    const first = await page.evaluate(`(${FIRST_SCREEN})(${JSON.stringify(host.json)})`);
    const slide = await page.evaluate(`(${SLIDE})(${MOVES})`);
    await page.close();
    if (i === 0) continue; // warm-up
    hosts.push(host.ms);
    firsts.push(first);
    slides.push(slide);
  }
  const bare = await context.newPage();
  await bare.goto(pathToFileURL(join(folder, 'panel.html')).href);
  await bare.evaluate(() => { const box = document.createElement('div'); box.id = 'bare'; document.body.append(box); });
  const mediaOf = (id) => `${pathToFileURL(join(dir, 'runs', id, 'media')).href}/`;
  const catalog = new MediaCatalog();
  const columns = ids.map((id) => [...catalog.read(id, join(dir, 'runs', id)).keys.get('samples').byStep.values()].map((items) => mediaOf(id) + items[0].file));
  const bareFirsts = [];
  const bareSlides = [];
  for (let i = 0; i <= REPEAT; i++) {
    const ms = await bare.evaluate(`(${BARE_FIRST})(${JSON.stringify(columns.map((c) => c[c.length - 1]))})`);
    const slide = await bare.evaluate(`(${BARE_SLIDE})(${JSON.stringify([columns, MOVES])})`);
    if (i === 0) continue;
    bareFirsts.push(ms);
    bareSlides.push(slide);
  }
  await bare.close();
  const first = median(firsts.map((f) => f.ms));
  const host = median(hosts);
  const fps = median(slides.map((s) => s.fps));
  const bareFps = median(bareSlides.map((s) => s.fps));
  const bareFirst = median(bareFirsts);
  console.log(`\nmedia section: 3 runs, ${IMAGES} image steps in the largest, ${HISTOGRAMS} histogram steps each; message ${(sent / 1024).toFixed(0)} KiB of JSON (no image bytes)`);
  console.log(`  (a) first screen: host catalog + message ${host.toFixed(0)} ms + page (render, images in view decoded, next frame) ${first.toFixed(0)} ms = ${(host + first).toFixed(0)} ms   ${((host + first) / bareFirst).toFixed(2)}× bare <img> page (${bareFirst.toFixed(0)} ms)   target ≤ 500 ms: ${host + first <= 500 ? 'met' : 'MISSED'}   [${firsts[0]?.loaded}/${firsts[0]?.images} images loaded]`);
  console.log(`      page part: message parsed and rendered ${median(firsts.map((f) => f.rendered)).toFixed(0)} ms, images in view decoded by ${median(firsts.map((f) => f.decoded)).toFixed(0)} ms, next frame painted by ${first.toFixed(0)} ms`);
  console.log(`  (b) step slider: ${fps.toFixed(1)} moves per second (${(1000 / fps).toFixed(1)} ms each, new images decoded in every column)   ${(fps / bareFps).toFixed(2)}× bare src swaps (${bareFps.toFixed(1)} per second)   target ≥ 30: ${fps >= 30 ? 'met' : 'MISSED'}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
