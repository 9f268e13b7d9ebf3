// Benchmark of the workspace index (src/core) at realistic scale. Not a test: it prints figures, each as a ratio
// against a baseline measured in the same run on the same files.
//
//   npx tsc -p tsconfig.json && node --expose-gc out/bench/store.js
//
// Size by environment (defaults = the issue's scale):
//   TRIALBOOK_BENCH_RUNS=1000 TRIALBOOK_BENCH_METRICS=10 TRIALBOOK_BENCH_STEPS=1000
//   TRIALBOOK_BENCH_LONG_RUNS=100 TRIALBOOK_BENCH_LONG_STEPS=100000 (series query workload)
//   TRIALBOOK_BENCH_KEEP=1 keeps the generated workspace.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { downsampleMinMax } from '../src/core/downsample';
import { errorMessage } from '../src/shared/errorMessage';
import type { Logger } from '../src/core/model';
import { openRunIndex } from '../src/core/openRunIndex';
import { prng } from '../test/fixtures/prng';

const env = (name: string, def: number): number => Number(process.env[`TRIALBOOK_BENCH_${name}`] ?? def);
const RUNS = env('RUNS', 1000);
const METRICS = env('METRICS', 10);
const STEPS = env('STEPS', 1000);
const LONG_RUNS = env('LONG_RUNS', 100);
const LONG_STEPS = env('LONG_STEPS', 100_000);
const WASM = resolve(__dirname, '..', '..', 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: (m) => { process.stderr.write(`${m}\n`); } };


function runIdFor(i: number, prefix: string): string {
  return `20261127T${String(i).padStart(9, '0')}-${prefix}${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}`;
}

async function writeLines(file: string, produce: (write: (s: string) => void) => void): Promise<void> {
  const stream = createWriteStream(file);
  let buf = '';
  produce((s) => {
    buf += s;
    if (buf.length > 1 << 20) { stream.write(buf); buf = ''; }
  });
  stream.end(buf);
  await new Promise<void>((res, rej) => { stream.on('finish', () => res()); stream.on('error', rej); });
}

async function generate(dir: string, runs: number, metrics: number, steps: number, prefix: string, seed: number): Promise<number> {
  const rnd = prng(seed);
  const keys = Array.from({ length: metrics }, (_, k) => (k === 0 ? 'loss' : k === 1 ? 'val_acc' : `metric_${k}`));
  let points = 0;
  for (let r = 0; r < runs; r++) {
    const id = runIdFor(r, prefix);
    mkdirSync(join(dir, 'runs', id), { recursive: true });
    const t0 = 1_795_000_000 + r * 3600;
    await writeLines(join(dir, 'runs', id, 'events.jsonl'), (w) => {
      const config: Record<string, unknown> = { lr: 10 ** -(1 + rnd() * 4), batch_size: 2 ** (4 + Math.floor(rnd() * 5)),
        optimizer: ['adam', 'sgd', 'adamw'][r % 3], epochs: 10 + (r % 7), dropout: rnd() * 0.5, seed: r,
        model: { depth: 12 + (r % 4), width: 256 }, augment: rnd() > 0.5, scheduler: 'cosine', warmup: 100 };
      w(`${JSON.stringify({ v: 1, t: 'run_start', ts: t0, run_id: id, experiment: `exp-${r % 10}`, name: `run-${r}`,
        config, tags: r % 5 === 0 ? ['baseline', 'gpu'] : ['gpu'], notes: 'bench run',
        lineage: { user: 'ada', host: 'gpu-box', script: '/w/train.py', git: { commit: 'abc123', branch: 'main', dirty: false } },
        sdk: { name: 'trialbook-python', version: '0.1.0' } })}\n`);
      const walk = keys.map(() => rnd());
      for (let s = 0; s < steps; s++) {
        const ts = t0 + 1 + s * 0.2 + rnd() * 0.01;
        let values = '';
        for (let k = 0; k < keys.length; k++) {
          walk[k] = walk[k]! * 0.999 + (rnd() - 0.5) * 0.01;
          values += `${k ? ',' : ''}"${keys[k]}":${walk[k]}`;
        }
        w(`{"v":1,"t":"metrics","ts":${ts},"step":${s},"values":{${values}}}\n`);
        if (s % 25 === 24) w(`{"v":1,"t":"heartbeat","ts":${ts + 0.001}}\n`);
        points += keys.length;
      }
      w(`${JSON.stringify({ v: 1, t: 'run_end', ts: t0 + 2 + steps * 0.2, status: 'finished' })}\n`);
    });
  }
  return points;
}

/** The baseline: read every log and JSON.parse every line, nothing else. */
function bareParse(dir: string): { lines: number; bytes: number; ms: number } {
  const t = performance.now();
  let lines = 0;
  let bytes = 0;
  let sink = 0;
  for (const id of readdirSync(join(dir, 'runs'))) {
    const text = readFileSync(join(dir, 'runs', id, 'events.jsonl'), 'utf8');
    bytes += text.length;
    for (const line of text.split('\n')) {
      if (!line) continue;
      const o = JSON.parse(line) as { ts: number };
      sink += o.ts;
      lines++;
    }
  }
  if (sink === 0) process.stdout.write('');
  return { lines, bytes, ms: performance.now() - t };
}

/** A first ingest into a new database, and a bare parse pass just before it (same conditions). */
async function ingestAgainstParse(dir: string, readerWorker: false | undefined): Promise<{ ingestMs: number; parseMs: number; reader: string }> {
  rmSync(join(dir, 'trialbook.db'), { force: true });
  gc();
  const parse = bareParse(dir);
  gc();
  const index = await openRunIndex({ trialbookDir: dir, wasmPath: WASM, log: quiet, saveDelayMs: 3_600_000, readerWorker, readOnly: true });
  const t = performance.now();
  const report = await index.sync();
  const ingestMs = performance.now() - t;
  await index.close();
  return { ingestMs, parseMs: parse.ms, reader: report.reader === 'worker' ? 'worker thread' : 'main thread' };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'trialbook-bench-'));
  const dir = join(root, '.trialbook');
  const longDir = join(root, 'long', '.trialbook');
  try {
    process.stdout.write(`workspace: ${RUNS} runs × ${METRICS} metrics × ${STEPS} steps; series: ${LONG_RUNS} runs × ${LONG_STEPS} steps (${root})\n`);
    let t = performance.now();
    const points = await generate(dir, RUNS, METRICS, STEPS, 'a', 42);
    process.stdout.write(`generated ${points.toLocaleString('en')} points in ${((performance.now() - t) / 1000).toFixed(1)} s\n\n`);

    gc();
    const parse = bareParse(dir);
    gc();
    const rssBefore = process.memoryUsage().rss;
    let index = await openRunIndex({ trialbookDir: dir, wasmPath: WASM, log: quiet, saveDelayMs: 3_600_000 });
    t = performance.now();
    const first = await index.sync();
    const ingestMs = performance.now() - t;
    const parseRate = parse.lines / (parse.ms / 1000);
    const ingestRate = parse.lines / (ingestMs / 1000);
    process.stdout.write(`ingest (first sync)     ${(ingestMs / 1000).toFixed(2)} s = ${Math.round(ingestRate).toLocaleString('en')} lines/s `
      + `(logs read on ${first.reader === 'worker' ? 'the worker thread' : 'the main thread'}); `
      + `bare JSON.parse pass ${(parse.ms / 1000).toFixed(2)} s = ${Math.round(parseRate).toLocaleString('en')} lines/s `
      + `→ ratio ${(ingestRate / parseRate).toFixed(2)} (target ≥ 0.5)\n`);

    t = performance.now();
    await index.sync();
    const noopMs = performance.now() - t;
    process.stdout.write(`sync, nothing changed   ${noopMs.toFixed(1)} ms (${(noopMs / ingestMs * 100).toFixed(2)} % of the first sync)\n`);

    t = performance.now();
    await index.save();
    const saveMs = performance.now() - t;
    const dbBytes = statSync(join(dir, 'trialbook.db')).size;
    const copy = readFileSync(join(dir, 'trialbook.db'));
    t = performance.now();
    writeFileSync(join(root, 'plain-write.bin'), copy);
    const plainMs = performance.now() - t;
    process.stdout.write(`save of the whole db    ${saveMs.toFixed(0)} ms for ${mb(dbBytes)}; plain writeFile of the same bytes ${plainMs.toFixed(0)} ms → ratio ${(saveMs / plainMs).toFixed(2)}\n`);
    process.stdout.write(`db size per point       ${(dbBytes / points).toFixed(2)} bytes (target ≤ 12); JSONL logs ${(parse.bytes / points).toFixed(2)} bytes/point → ratio ${(dbBytes / parse.bytes).toFixed(3)} of the logs\n`);

    t = performance.now();
    await index.rebuild();
    const rebuildMs = performance.now() - t;
    process.stdout.write(`rebuild (ingest + save) ${(rebuildMs / 1000).toFixed(2)} s → ratio ${(rebuildMs / parse.ms).toFixed(2)} × the bare parse pass\n`);
    await index.close();

    gc();
    const rssEmpty = process.memoryUsage().rss;
    t = performance.now();
    index = await openRunIndex({ trialbookDir: dir, wasmPath: WASM, log: quiet });
    const openMs = performance.now() - t;
    await index.sync();
    gc();
    const rssLoaded = process.memoryUsage().rss;
    const heap = process.memoryUsage();
    process.stdout.write(`open from disk          ${openMs.toFixed(0)} ms; memory after loading: rss ${mb(rssLoaded)} = ${(rssLoaded / rssBefore).toFixed(2)} × `
      + `the process before any index (${mb(rssBefore)}); JS heap ${mb(heap.heapUsed)}, external+WASM ${mb(heap.external + heap.arrayBuffers)}; `
      + `db file ${mb(dbBytes)} (WASM memory never shrinks, so rss also holds the earlier ingest's peak; ${mb(rssEmpty)} before this open)\n`);
    // The same open in a fresh process (as after a window reload): WASM memory there holds no earlier ingest's peak.
    const child = JSON.parse(execFileSync(process.execPath, ['--expose-gc', join(__dirname, 'openMemory.js'), dir]).toString()) as
      { openMs: number; rssBefore: number; rssAfter: number; heapUsed: number; external: number };
    process.stdout.write(`open, fresh process      ${child.openMs.toFixed(0)} ms; rss ${mb(child.rssBefore)} → ${mb(child.rssAfter)} (+${mb(child.rssAfter - child.rssBefore)} = `
      + `${((child.rssAfter - child.rssBefore) / dbBytes).toFixed(2)} × the db file); JS heap ${mb(child.heapUsed)}, external+WASM ${mb(child.external)}\n`);
    t = performance.now();
    const rows = index.listRuns({ filter: 'val_acc > 0.5 and optimizer = adam', sort: '-val_acc' });
    process.stdout.write(`listRuns with filter    ${(performance.now() - t).toFixed(1)} ms (${rows.length} of ${RUNS} runs match)\n`);
    await index.close();

    // The same first ingest read on the main thread only, and (worker) while another process keeps one core busy:
    // each against a bare parse pass measured under the same conditions.
    const inline = await ingestAgainstParse(dir, false);
    process.stdout.write(`ingest, main thread only ${(inline.ingestMs / 1000).toFixed(2)} s; bare parse ${(inline.parseMs / 1000).toFixed(2)} s → ratio ${(inline.parseMs / inline.ingestMs).toFixed(2)}\n`);
    const hog = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const loaded = await ingestAgainstParse(dir, undefined);
      process.stdout.write(`ingest, one core busy   ${(loaded.ingestMs / 1000).toFixed(2)} s (${loaded.reader}); bare parse ${(loaded.parseMs / 1000).toFixed(2)} s under the same load → ratio ${(loaded.parseMs / loaded.ingestMs).toFixed(2)}\n`);
    } finally {
      hog.kill();
    }

    process.stdout.write(`\nseries workload: generating ${LONG_RUNS} runs × ${LONG_STEPS} steps…\n`);
    mkdirSync(longDir, { recursive: true });
    await generate(longDir, LONG_RUNS, 1, LONG_STEPS, 'b', 7);
    const longIndex = await openRunIndex({ trialbookDir: longDir, wasmPath: WASM, log: quiet, saveDelayMs: 3_600_000 });
    await longIndex.sync();
    const ids = longIndex.listRuns().map((r) => r.id);
    const timings: number[] = [];
    t = performance.now();
    let lines = longIndex.series({ runIds: ids, keys: ['loss'], xAxis: 'step', maxPoints: 1000 });
    const coldMs = performance.now() - t;
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      lines = longIndex.series({ runIds: ids, keys: ['loss'], xAxis: 'step', maxPoints: 1000 });
      timings.push(performance.now() - t);
    }
    timings.sort((a, b) => a - b);
    const median = timings[2]!;
    t = performance.now();
    const relLines = longIndex.series({ runIds: ids, keys: ['loss'], xAxis: 'relative', maxPoints: 1000 });
    const relMs = performance.now() - t;
    // Baseline: the downsampling alone over the same points already in memory (no storage, no decoding).
    const xs = new Float64Array(LONG_STEPS).map((_, i) => i);
    const ys = new Float64Array(LONG_STEPS).map((_, i) => Math.sin(i / 100));
    t = performance.now();
    for (let i = 0; i < ids.length; i++) downsampleMinMax(xs, ys, LONG_STEPS, 1000);
    const baseMs = performance.now() - t;
    const total = lines.reduce((n, l) => n + l.totalPoints, 0);
    process.stdout.write(`series query            ${ids.length} runs × 1 metric × ${LONG_STEPS} steps (${total.toLocaleString('en')} points) → ${lines[0]?.x.length} points/line: `
      + `first (cold) ${coldMs.toFixed(0)} ms, then median ${median.toFixed(0)} ms of 5 (target < 200 ms; repeats answer from the cache of downsampled lines), relative-time axis ${relMs.toFixed(0)} ms; `
      + `downsampling alone ${baseMs.toFixed(0)} ms → ratio ${(coldMs / baseMs).toFixed(2)} cold, ${(median / baseMs).toFixed(2)} median\n`);
    if (relLines.length !== lines.length) throw new Error('series lines differ between axes');
    await longIndex.close();
  } finally {
    if (!process.env.TRIALBOOK_BENCH_KEEP) rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error && err.stack !== undefined ? err.stack : errorMessage(err)}\n`);
  process.exitCode = 1;
});
