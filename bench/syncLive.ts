// Benchmark of a live run's sync in the editor (issue 18: "a live run's sync adds ≤ 1 % CPU to the extension host
// at 1,000 points/s"). Not a test: it prints figures. The editor's sync (src/vscode/sync/syncController.ts) runs a
// pass every 2 s: pending points (status bar), the sync, pending points again. This process runs those same core
// calls on the same schedule, as the extension host would, while a child process logs a run at 1,000 points/s
// (bench/syncLiveWriter.ts) into a workspace of other, already synced runs, and the stand-in server runs in a
// child process of its own (bench/browseServer.ts with no seeded runs). CPU is this process's user + system time
// over the wall time, as a share of one core; the same figure with no passes is printed as the baseline.
//
// Two kinds of pass, measured in turn in each round (a new live run each time): "listing", a pass over every run
// folder (what the editor does before its index is open, and did always before), and "following", the editor's
// pass once the index is open: it looks at the runs the index reported changed (SyncFeed). The index stats every
// log on its own poll whether sync is on or not, so its report costs the sync nothing; here the report is the live
// run's id at every pass while it logs (what the index reports then), nothing in the passes with nothing new.
//
//   npx tsc -p tsconfig.json && node out/bench/syncLive.js     (or npm run bench -- sync-live)
//
// TRIALBOOK_BENCH_LIVE_SECONDS (default 30), _RATE (points/s, default 1000), _IDLE_RUNS (finished runs beside the
// live one, default 200), _ROUNDS (rounds of the two live measurements, default 1).
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseSyncTarget } from '../src/core/sync/syncTarget';
import { SyncFeed } from '../src/core/sync/syncFeed';
import { memoOfTarget, pendingPoints, syncWorkspace, type SyncOptions } from '../src/core/sync/workspaceSync';
import { SyncApi } from '../src/core/sync/syncApi';
import { RunLog } from '../test/fixtures/runLog';
import { tempDir } from '../test/registry/fixtures';

const SECONDS = Number(process.env['TRIALBOOK_BENCH_LIVE_SECONDS'] ?? 30);
const RATE = Number(process.env['TRIALBOOK_BENCH_LIVE_RATE'] ?? 1000);
const IDLE_RUNS = Number(process.env['TRIALBOOK_BENCH_LIVE_IDLE_RUNS'] ?? 200);
const ROUNDS = Number(process.env['TRIALBOOK_BENCH_LIVE_ROUNDS'] ?? 1);
const PER_STEP = 10;
const PASS_MS = 2000;
const T0 = 1_795_743_612;

function startServer(): Promise<{ uri: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(__dirname, 'browseServer.js')], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, TRIALBOOK_BENCH_BROWSE_RUNS: '0' } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => { out += c.toString(); const m = /ready (\S+)/.exec(out); if (m?.[1]) resolve({ uri: m[1], child }); });
    child.on('exit', (code) => reject(new Error(`the server exited (${String(code)})`)));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] ?? 0 : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** CPU of this process (user + system, ms) and wall time (ms) over `work`. */
async function cpuOver(work: () => Promise<void>): Promise<{ cpuMs: number; wallMs: number; share: number }> {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  await work();
  const c = process.cpuUsage(c0);
  const wallMs = performance.now() - w0;
  const cpuMs = (c.user + c.system) / 1000;
  return { cpuMs, wallMs, share: (cpuMs / wallMs) * 100 };
}

async function main(): Promise<void> {
  const work = tempDir('bench-sync-live');
  const tb = join(work, '.trialbook');
  for (let r = 0; r < IDLE_RUNS; r++) {
    const log = new RunLog(`20261127T024012123-${r.toString(16).padStart(10, '0')}`).start({ experiment: 'earlier', name: `earlier-${r}`, config: { lr: 0.01, seed: r } }, T0);
    for (let s = 0; s < 100; s++) log.metrics(s, { loss: 1 / (s + 1), acc: s / 100 }, { ts: T0 + s });
    log.end('finished', undefined, T0 + 101).writeTo(tb);
  }
  const { uri, child: server } = await startServer();
  const opts: SyncOptions = { trialbookDir: tb, target: parseSyncTarget(`mlflow+http://${new URL(uri).host}/`), credentials: { kind: 'anonymous' } };
  try {
    const first = await syncWorkspace(opts);
    if (first.stopped) throw first.stopped;
    console.log(`workspace: ${IDLE_RUNS} finished runs, synced first (${first.points.toLocaleString('en')} points); a live run at ${RATE.toLocaleString('en')} points/s for ${SECONDS} s`);

    type Mode = 'listing' | 'following';
    let passes = 0;
    let points = 0;
    let longest = 0;
    let liveId = '';
    let writerDone = false;
    const feed = new SyncFeed();
    // The editor's pass (SyncController.pass) every PASS_MS, until `until()` and a pass that found nothing new.
    const passLoop = async (mode: Mode, until: () => boolean): Promise<void> => {
      feed.relist();
      for (let first = true; ; first = false) {
        const started = performance.now();
        if (mode === 'listing') feed.relist();
        else if (!first && liveId !== '') feed.note([liveId]); // the index's report while the live run logs
        const runIds = feed.take(memoOfTarget(tb, opts.target), Date.now());
        if (!runIds) await pendingPoints(tb, opts.target);
        const report = await syncWorkspace({ ...opts, ...(runIds ? { runIds } : {}) });
        if (report.stopped) throw report.stopped;
        feed.after(report);
        await pendingPoints(tb, opts.target, runIds);
        passes++;
        points += report.points;
        longest = Math.max(longest, performance.now() - started);
        if (until() && report.points === 0 && !first) return;
        await sleep(Math.max(0, PASS_MS - (performance.now() - started)));
      }
    };

    const quietSeconds = Math.min(10, SECONDS);
    const idle = await cpuOver(() => sleep(quietSeconds * 1000));
    console.log(`baseline, no sync: ${idle.share.toFixed(2)} % of one core over ${(idle.wallMs / 1000).toFixed(0)} s (load ${loadavg()[0]?.toFixed(1) ?? '?'})`);
    for (const mode of ['listing', 'following'] as const) {
      passes = 0;
      longest = 0;
      const quiet = await cpuOver(async () => { const end = performance.now() + quietSeconds * 1000; await passLoop(mode, () => performance.now() >= end); });
      console.log(`sync passes (${mode}), nothing new: ${quiet.share.toFixed(2)} % of one core (${passes} passes, longest ${longest.toFixed(0)} ms)`);
    }

    const shares: Record<Mode, number[]> = { listing: [], following: [] };
    let written = 0;
    let serial = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['listing', 'following'] as const) {
        passes = 0;
        points = 0;
        longest = 0;
        liveId = `20261201T000000000-${(0xff + serial++).toString(16).padStart(10, '0')}`;
        writerDone = false;
        const writer = spawn(process.execPath, [join(__dirname, 'syncLiveWriter.js'), tb, liveId, String(RATE), String(SECONDS), String(PER_STEP)], { stdio: ['ignore', 'pipe', 'inherit'] });
        writer.stdout?.on('data', (c: Buffer) => { const m = /done \d+ (\d+)/.exec(c.toString()); if (m?.[1]) { written = Number(m[1]); writerDone = true; } });
        const live = await cpuOver(() => passLoop(mode, () => writerDone));
        shares[mode].push(live.share);
        console.log(`round ${round + 1}, ${mode}: ${points.toLocaleString('en')} of ${written.toLocaleString('en')} points synced in ${passes} passes over ${(live.wallMs / 1000).toFixed(0)} s; longest pass ${longest.toFixed(0)} ms; ${live.share.toFixed(2)} % of one core (load ${loadavg()[0]?.toFixed(1) ?? '?'})`);
      }
    }
    const listing = median(shares.listing);
    const following = median(shares.following);
    console.log(`extension-host CPU while syncing the live run (median of ${ROUNDS}): listing every run ${listing.toFixed(2)} %, following the index's reports ${following.toFixed(2)} % of one core (${(following - idle.share).toFixed(2)} % above the baseline; target ≤ 1 %); following / listing ${(following / listing).toFixed(2)}`);

    const api = new SyncApi(uri, { credentials: { kind: 'anonymous' } });
    const exp = await api.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: 'live' });
    const found = await api.call<{ runs?: Array<{ info: { run_id: string } }> }>('POST', 'runs/search', { experiment_ids: [exp.experiment.experiment_id], max_results: 1 });
    const history = await api.call<{ metrics?: unknown[] }>('GET', 'metrics/get-history', { run_id: found.runs?.[0]?.info.run_id ?? '', metric_key: 'loss', max_results: 25_000 });
    console.log(`on the server: ${(history.metrics?.length ?? 0).toLocaleString('en')} points of loss (logged: ${(written / PER_STEP).toLocaleString('en')})`);
  } finally {
    server.stdin?.end();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });
