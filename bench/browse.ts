// Benchmark of browsing an MLflow server's 20,000-run experiment (src/core/remote): listed page by page into the
// mirror, then read by the index. Not a test: it prints figures, each listing time as a ratio to bare runs/search
// paging of the same runs (requests and JSON parsing only) measured in the same run, and the longest stall of this
// process's event loop (the extension host's thread, in the editor) while listing.
//
//   npx tsc -p tsconfig.json && node out/bench/browse.js
//
// The stand-in runs in a child process (bench/browseServer.ts) so that its work is not counted as the client's.
// TRIALBOOK_BENCH_BROWSE_RUNS sets the run count (default 20,000); TRIALBOOK_BENCH_BROWSE_ROUNDS the paired rounds
// (default 2) of listings with runs/search pages parsed whole (A, as before) and as the editor does (B: a page over
// 1 MiB a run at a time); TRIALBOOK_BENCH_BROWSE_WIDE=1 gives the runs MLflow's system tags and 30 params (3.4 MiB pages).
import { spawn } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openRunIndex } from '../src/core/openRunIndex';
import { ArrayElements } from '../src/core/remote/jsonElements';
import { RemoteBrowser } from '../src/core/remote/remoteBrowser';
import { ImportLedger } from '../src/core/sources/importLedger';
import { SyncApi } from '../src/core/sync/syncApi';
import { tempDir } from '../test/registry/fixtures';
import { mainThreadSched } from './threadSched';

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const log = { info: (): void => undefined, warn: (m: string): void => { console.warn(m); }, error: (m: string): void => { console.error(m); } };

function post(base: string, endpoint: string, body: unknown): Promise<unknown> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/2.0/mlflow/${endpoint}`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': String(data.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`${endpoint}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** The baseline: every runs/search page of the experiment, parsed, nothing kept. */
async function barePaging(base: string, expId: string): Promise<{ ms: number; runs: number; firstMs: number }> {
  const t0 = performance.now();
  let token: string | undefined;
  let runs = 0;
  let firstMs = 0;
  do {
    const page = await post(base, 'runs/search', { experiment_ids: [expId], max_results: 1000, ...(token ? { page_token: token } : {}) }) as { runs?: unknown[]; next_page_token?: string };
    runs += page.runs?.length ?? 0;
    if (firstMs === 0) firstMs = performance.now() - t0;
    token = page.next_page_token;
  } while (token);
  return { ms: performance.now() - t0, runs, firstMs };
}

/** Every runs/search page of the experiment as the server's text (for the parse figures). */
async function pageTexts(base: string, expId: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const text = await new Promise<string>((resolve, reject) => {
      const data = Buffer.from(JSON.stringify({ experiment_ids: [expId], max_results: 1000, ...(token ? { page_token: token } : {}) }));
      const req = http.request(`${base}/api/2.0/mlflow/runs/search`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': String(data.length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
      req.on('error', reject);
      req.end(data);
    });
    out.push(text);
    token = (JSON.parse(text) as { next_page_token?: string }).next_page_token || undefined;
  } while (token);
  return out;
}

/**
 * The pages parsed alone, paired (A, B, A, B…): A each page in one JSON.parse, B a run at a time (ArrayElements, one
 * JSON.parse per run). Main-thread time on a core (schedstat: the machine's other load is left out) in all, and the
 * longest single piece in wall time: A a whole page, B one run (in the editor, B gives the thread back every 15 ms
 * between runs).
 */
function parseFigures(texts: string[], rounds: number): string {
  const cpuMs = (): number => mainThreadSched().cpuNs / 1e6;
  const all = { whole: [] as number[], sliced: [] as number[] };
  const piece = { whole: 0, sliced: 0 };
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 === 0 ? ['whole', 'sliced'] as const : ['sliced', 'whole'] as const) {
      const c0 = cpuMs();
      for (const text of texts) {
        if (mode === 'whole') {
          const p0 = performance.now();
          JSON.parse(text);
          piece.whole = Math.max(piece.whole, performance.now() - p0);
        } else {
          const elements = new ArrayElements(text, 'runs');
          const it = elements[Symbol.iterator]();
          for (;;) {
            const p0 = performance.now();
            const next = it.next();
            if (next.done) break;
            JSON.parse(next.value);
            piece.sliced = Math.max(piece.sliced, performance.now() - p0);
          }
        }
      }
      all[mode].push(cpuMs() - c0);
    }
  }
  const med = (xs: number[]): number => { const a = [...xs].sort((x, y) => x - y); return a[Math.floor((a.length - 1) / 2)] ?? 0; };
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  return `pages parsed alone (${texts.length} pages, ${(bytes / texts.length / 2 ** 20).toFixed(2)} MiB each; main-thread time on a core, medians of ${rounds}): `
    + `A whole ${med(all.whole).toFixed(0)} ms (${all.whole.map((x) => x.toFixed(0)).join(', ')}), longest piece ${piece.whole.toFixed(1)} ms wall (one page); `
    + `B a run at a time ${med(all.sliced).toFixed(0)} ms (${all.sliced.map((x) => x.toFixed(0)).join(', ')}), longest piece ${piece.sliced.toFixed(1)} ms wall (one run); `
    + `B / A ${(med(all.sliced) / med(all.whole)).toFixed(2)} (load ${loadavg()[0]?.toFixed(1) ?? '?'})`;
}

/** The baseline of the ledger's write: `runs` entries written whole, as one piece, the way a listing ended before. */
function wholeLedgerMs(trialbookDir: string, server: string, runs: number): number {
  const out: Record<string, { kind: string; root: string; sourceId: string }> = {};
  for (let i = 0; i < runs; i++) out[`mlflowsrv-${i.toString(16).padStart(24, '0')}`] = { kind: 'mlflow-server', root: server, sourceId: i.toString(16).padStart(32, '0') };
  const t0 = performance.now();
  const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const file = join(trialbookDir, 'ledger-baseline.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ format: 1, runs: sorted }, null, 1)}\n`);
  renameSync(`${file}.tmp`, file);
  return performance.now() - t0;
}

interface Listing {
  runs: number; ms: number; cpuMs: number; firstMs: number; stallMs: number; p99Ms: number; saves: number[]; line: string;
  /** The longest gap's main-thread time on a core and waiting for one (the kernel's schedstat). */
  stallOnCpuMs: number; stallWaitMs: number;
  /** The most main-thread time on a core within one gap: the work that held the thread (what slicing can shorten). */
  longestOnCpuMs: number;
}

/** One listing of the server into the browser's folder: its time, first page, event-loop stalls, ledger saves. */
async function listOnce(browser: RemoteBrowser, bareMs: number, bareFirstMs: number): Promise<Listing> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const heap0 = process.memoryUsage().heapUsed;
  let heapMax = heap0;
  const sampler = setInterval(() => { heapMax = Math.max(heapMax, process.memoryUsage().heapUsed); }, 50);
  // Where the stalls are: each gap of the thread over 50 ms, with the runs listed when it ended and how much of it the
  // main thread spent on a core (its own work: parsing, writing, GC) or waiting for one (the machine's other load).
  const stalls: string[] = [];
  let tick = performance.now();
  let sched = mainThreadSched();
  let longest = { ms: 0, cpuMs: 0, waitMs: 0 };
  let longestOnCpuMs = 0;
  const watchdog = setInterval(() => {
    const now = performance.now();
    const next = mainThreadSched();
    const gap = { ms: now - tick - 5, cpuMs: (next.cpuNs - sched.cpuNs) / 1e6, waitMs: (next.waitNs - sched.waitNs) / 1e6 };
    if (gap.ms > 50) stalls.push(`${gap.ms.toFixed(0)} ms (${gap.cpuMs.toFixed(0)} on a core, ${gap.waitMs.toFixed(0)} waiting) at ${browser.status.listed} runs listed`);
    if (gap.ms > longest.ms) longest = gap;
    longestOnCpuMs = Math.max(longestOnCpuMs, gap.cpuMs);
    tick = now;
    sched = next;
  }, 5);
  const cpu0 = process.cpuUsage();
  // Each ledger save (a slice's runs appended) is timed.
  const saves: number[] = [];
  const save = Object.getOwnPropertyDescriptor(ImportLedger.prototype, 'save')?.value as (this: ImportLedger) => void;
  ImportLedger.prototype.save = function (this: ImportLedger): void { const s0 = performance.now(); save.call(this); saves.push(performance.now() - s0); };
  delay.enable();
  const t0 = performance.now();
  let status;
  try {
    status = await browser.refresh({ onPage: () => { heapMax = Math.max(heapMax, process.memoryUsage().heapUsed); } });
  } finally {
    delay.disable();
    clearInterval(sampler);
    clearInterval(watchdog);
    ImportLedger.prototype.save = save;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (status.state !== 'idle') throw new Error(status.error);
  const firstMs = status.firstPageMs ?? 0;
  const stallMs = delay.max / 1e6;
  const p99Ms = delay.percentile(99) / 1e6;
  const line = `${status.runs.toLocaleString('en')} runs in ${ms.toFixed(0)} ms (${(ms / bareMs).toFixed(2)} × bare paging), CPU ${cpuMs.toFixed(0)} ms; first page written after ${firstMs.toFixed(0)} ms (${(firstMs / bareFirstMs).toFixed(2)} × bare first page); `
    + `longest stall ${stallMs.toFixed(0)} ms (${longest.cpuMs.toFixed(0)} on a core, ${longest.waitMs.toFixed(0)} waiting for one), p99 ${p99Ms.toFixed(0)} ms; most time on a core in one stall ${longestOnCpuMs.toFixed(0)} ms; `
    + `heap growth at most ${((heapMax - heap0) / 2 ** 20).toFixed(0)} MiB; load ${loadavg()[0]?.toFixed(1) ?? '?'}; `
    + `stalls over 50 ms: ${stalls.length}${stalls.length > 0 ? ` (${stalls.slice(0, 5).join('; ')})` : ''}`;
  return { runs: status.runs, ms, cpuMs, firstMs, stallMs, p99Ms, saves, line, stallOnCpuMs: longest.cpuMs, stallWaitMs: longest.waitMs, longestOnCpuMs };
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, [join(__dirname, 'browseServer.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); const m = /ready (\S+)/.exec(out); if (m?.[1]) resolve(m[1]); });
    child.on('exit', (code) => reject(new Error(`the server exited (${String(code)})`)));
  });
  const dir = tempDir('trialbook-bench-browse-');
  try {
    const exps = await post(uri, 'experiments/search', { max_results: 1000 }) as { experiments: { experiment_id: string; name: string }[] };
    const expId = exps.experiments.find((e) => e.name === 'sweep-20k')?.experiment_id ?? '';
    await barePaging(uri, expId); // warm-up (the server's first sort, JIT)
    const bare = await barePaging(uri, expId);
    console.log(`bare runs/search paging: ${bare.runs.toLocaleString('en')} runs in ${bare.ms.toFixed(0)} ms (first page ${bare.firstMs.toFixed(0)} ms)`);
    console.log(parseFigures(await pageTexts(uri, expId), 5));

    // Paired rounds, A then B then A…: A parses each runs/search page in one piece (JSON.parse of the whole answer,
    // as before), B as the editor does (a page over 1 MiB a run at a time between the slicer's pauses; with the
    // default runs, 0.8 MiB pages, B is A). Each lists into a fresh folder.
    const rounds = Number(process.env['TRIALBOOK_BENCH_BROWSE_ROUNDS'] ?? 2);
    const api = new SyncApi(uri, { credentials: { kind: 'anonymous' } });
    const results: Record<'whole' | 'sliced', Listing[]> = { whole: [], sliced: [] };
    let last: { trialbookDir: string; browser: RemoteBrowser; listing: Listing } | undefined;
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 === 0 ? ['whole', 'sliced'] as const : ['sliced', 'whole'] as const) {
        const trialbookDir = join(dir, `${mode}-${round}`, '.trialbook');
        const browser = new RemoteBrowser(uri, (m, e, p) => api.call(m, e, p), trialbookDir, log, undefined,
          mode === 'sliced' ? (m, e, p) => api.callText(m, e, p) : undefined);
        const listing = await listOnce(browser, bare.ms, bare.firstMs);
        results[mode].push(listing);
        console.log(`round ${round + 1} ${mode === 'whole' ? 'A, pages parsed whole' : 'B, as the editor (pages over 1 MiB a run at a time)'}: ${listing.line}`);
        // The last B listing's folder stays for the second listing and the index; the others go (20,000 folders each).
        if (mode === 'sliced' && round === rounds - 1) last = { trialbookDir, browser, listing };
        else rmSync(join(dir, `${mode}-${round}`), { recursive: true, force: true });
      }
    }
    const med = (xs: number[]): number => { const a = [...xs].sort((x, y) => x - y); return a[Math.floor((a.length - 1) / 2)] ?? 0; };
    for (const mode of ['whole', 'sliced'] as const) {
      const r = results[mode];
      console.log(`${mode === 'whole' ? 'A whole pages' : 'B as the editor'}, medians of ${r.length}: longest stall ${med(r.map((x) => x.stallMs)).toFixed(0)} ms (${r.map((x) => x.stallMs.toFixed(0)).join(', ')}), `
        + `most time on a core in one stall ${med(r.map((x) => x.longestOnCpuMs)).toFixed(0)} ms (${r.map((x) => x.longestOnCpuMs.toFixed(0)).join(', ')}), p99 ${med(r.map((x) => x.p99Ms)).toFixed(0)} ms, `
        + `listing ${med(r.map((x) => x.ms)).toFixed(0)} ms, CPU ${med(r.map((x) => x.cpuMs)).toFixed(0)} ms, first page ${med(r.map((x) => x.firstMs)).toFixed(0)} ms`);
    }
    const ratio = (f: (x: Listing) => number): string => (med(results.sliced.map(f)) / med(results.whole.map(f))).toFixed(2);
    console.log(`B / A: longest stall ${ratio((x) => x.stallMs)}, most time on a core in one stall ${ratio((x) => x.longestOnCpuMs)}, listing time ${ratio((x) => x.ms)}, CPU ${ratio((x) => x.cpuMs)} (load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    if (!last) throw new Error('no rounds');
    const { trialbookDir, browser, listing } = last;
    const whole = wholeLedgerMs(trialbookDir, uri, listing.runs);
    console.log(`import ledger (last B listing): ${listing.saves.length} saves, longest ${Math.max(0, ...listing.saves).toFixed(1)} ms, all ${listing.saves.reduce((a, b) => a + b, 0).toFixed(0)} ms; written whole in one piece (before): ${whole.toFixed(0)} ms (load ${loadavg()[0]?.toFixed(1) ?? '?'})`);

    const t1 = performance.now();
    const again = await browser.refresh();
    console.log(`second listing, nothing changed: ${again.runs.toLocaleString('en')} runs in ${(performance.now() - t1).toFixed(0)} ms (${((performance.now() - t1) / bare.ms).toFixed(2)} × bare paging)`);

    const t2 = performance.now();
    const index = await openRunIndex({ trialbookDir, wasmPath: join(__dirname, '..', '..', 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'), log, saveDelayMs: 60_000 });
    await index.sync();
    const rows = index.listRuns().length;
    console.log(`index: ${rows.toLocaleString('en')} remote runs read in ${(performance.now() - t2).toFixed(0)} ms (${((performance.now() - t2) / bare.ms).toFixed(2)} × bare paging)`);
    await index.close();
  } finally {
    child.stdin?.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });
