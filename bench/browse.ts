// Benchmark of browsing an MLflow server's 20,000-run experiment (src/core/remote): listed page by page into the
// mirror, then read by the index. Not a test: it prints figures, each listing time as a ratio to bare runs/search
// paging of the same runs (requests and JSON parsing only) measured in the same run, and the longest stall of this
// process's event loop (the extension host's thread, in the editor) while listing.
//
//   npx tsc -p tsconfig.json && node out/bench/browse.js
//
// The stand-in runs in a child process (bench/browseServer.ts) so that its work is not counted as the client's.
// TRIALBOOK_BENCH_BROWSE_RUNS sets the run count (default 20,000).
import { spawn } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openRunIndex } from '../src/core/openRunIndex';
import { RemoteBrowser } from '../src/core/remote/remoteBrowser';
import { ImportLedger } from '../src/core/sources/importLedger';
import { SyncApi } from '../src/core/sync/syncApi';
import { tempDir } from '../test/registry/fixtures';

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

    const trialbookDir = join(dir, '.trialbook');
    const api = new SyncApi(uri, { credentials: { kind: 'anonymous' } });
    const browser = new RemoteBrowser(uri, (m, e, p) => api.call(m, e, p), trialbookDir, log);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    const heap0 = process.memoryUsage().heapUsed;
    let heapMax = heap0;
    const sampler = setInterval(() => { heapMax = Math.max(heapMax, process.memoryUsage().heapUsed); }, 50);
    // Where the stalls are: each gap of the thread over 50 ms, with the runs listed when it ended.
    const stalls: string[] = [];
    let tick = performance.now();
    const watchdog = setInterval(() => {
      const now = performance.now();
      if (now - tick > 55) stalls.push(`${(now - tick - 5).toFixed(0)} ms at ${browser.status.listed} runs listed (${browser.status.state})`);
      tick = now;
    }, 5);
    // Each ledger save (a slice's runs appended) is timed; the baseline is the ledger written whole in one piece,
    // as a listing did at its end before the journal (sorted, indented JSON, written and renamed), timed after.
    const saves: number[] = [];
    const save = Object.getOwnPropertyDescriptor(ImportLedger.prototype, 'save')?.value as (this: ImportLedger) => void;
    ImportLedger.prototype.save = function (this: ImportLedger): void { const s0 = performance.now(); save.call(this); saves.push(performance.now() - s0); };
    delay.enable();
    const t0 = performance.now();
    const status = await browser.refresh({ onPage: () => { heapMax = Math.max(heapMax, process.memoryUsage().heapUsed); } });
    const listMs = performance.now() - t0;
    delay.disable();
    clearInterval(sampler);
    clearInterval(watchdog);
    if (status.state !== 'idle') throw new Error(status.error);
    console.log(`trialbook listing (first, into .trialbook/runs): ${status.runs.toLocaleString('en')} runs in ${listMs.toFixed(0)} ms; first page written after ${(status.firstPageMs ?? 0).toFixed(0)} ms`);
    console.log(`ratio listing / bare paging: ${(listMs / bare.ms).toFixed(2)}; first page: ${((status.firstPageMs ?? 0) / bare.firstMs).toFixed(2)} × bare first page`);
    console.log(`event loop during the listing: longest stall ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms; heap growth at most ${((heapMax - heap0) / 2 ** 20).toFixed(0)} MiB`);
    ImportLedger.prototype.save = save;
    const whole = wholeLedgerMs(trialbookDir, uri, status.runs);
    console.log(`import ledger: ${saves.length} saves, longest ${Math.max(0, ...saves).toFixed(1)} ms, all ${saves.reduce((a, b) => a + b, 0).toFixed(0)} ms; written whole in one piece (before): ${whole.toFixed(0)} ms (load ${loadavg()[0]?.toFixed(1) ?? '?'})`);
    console.log(`stalls over 50 ms: ${stalls.length}${stalls.length > 0 ? ` (${stalls.slice(0, 8).join('; ')})` : ''}`);

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
