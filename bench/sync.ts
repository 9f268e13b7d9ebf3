// Benchmark of a first sync to an MLflow server (src/core/sync) against bare runs/log-batch requests of the same
// points into the same kind of server in the same run. Not a test: it prints figures, each as a ratio.
//
//   npx tsc -p tsconfig.json && node out/bench/sync.js
//
// TRIALBOOK_BENCH_SYNC_RUNS=1000, _METRICS=10, _STEPS=1000 set the workspace (default 1,000 × 10 × 1,000 =
// 10 million points, the figure). Both sides talk to a fresh stand-in (test/fixtures/mlflow) in
// count-only mode: every request is parsed and validated as usual, points are counted instead of kept, so the
// server costs both sides the same and fits in memory. Both send four runs at a time.
import { rmSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { parseSyncTarget } from '../src/core/sync/syncTarget';
import { syncWorkspace } from '../src/core/sync/workspaceSync';
import { MlflowStandIn } from '../test/fixtures/mlflow/mlflowServer';
import { RunLog } from '../test/fixtures/runLog';
import { tempDir } from '../test/registry/fixtures';

const RUNS = Number(process.env['TRIALBOOK_BENCH_SYNC_RUNS'] ?? 1000);
const METRICS = Number(process.env['TRIALBOOK_BENCH_SYNC_METRICS'] ?? 10);
const STEPS = Number(process.env['TRIALBOOK_BENCH_SYNC_STEPS'] ?? 1000);
const CONCURRENCY = 4;
const T0 = 1_795_743_612;

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function post(base: string, endpoint: string, body: unknown): Promise<unknown> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/2.0/mlflow/${endpoint}`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': String(data.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`${endpoint}: HTTP ${res.statusCode} ${Buffer.concat(chunks).toString('utf8')}`))));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const names = Array.from({ length: METRICS }, (_, i) => (i === 0 ? 'loss' : `val/metric_${i}`));
const value = (r: number, m: number, s: number): number => Math.sin(r + m + s / 100) / (s + 1);

/** The baseline: per run, runs/create then the run's points in 1,000-point log-batch requests, built in memory beforehand. */
async function bare(base: string): Promise<number> {
  const bodies: Array<Array<Array<{ key: string; value: number; timestamp: number; step: number }>>> = [];
  for (let r = 0; r < RUNS; r++) {
    const points = [];
    for (let s = 0; s < STEPS; s++) for (let m = 0; m < METRICS; m++) points.push({ key: names[m] ?? '', value: value(r, m, s), timestamp: Math.round((T0 + s * 0.01) * 1000), step: s });
    const batches = [];
    for (let i = 0; i < points.length; i += 1000) batches.push(points.slice(i, i + 1000));
    bodies.push(batches);
    // At most about 2 million points are built ahead (memory); later runs send those again into their own runs.
    if (bodies.length * STEPS * METRICS > 2_000_000) break;
  }
  // After building (a socket left idle meanwhile would be closed by the server under the first request).
  const exp = (await post(base, 'experiments/create', { name: 'bare' }) as { experiment_id: string }).experiment_id;
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < RUNS) {
      const r = next++;
      const id = (await post(base, 'runs/create', { experiment_id: exp, start_time: T0 * 1000 }) as { run: { info: { run_id: string } } }).run.info.run_id;
      const batches = bodies[r % bodies.length] ?? [];
      for (const metrics of batches) await post(base, 'runs/log-batch', { run_id: id, metrics });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const total = RUNS * METRICS * STEPS;
  const work = tempDir('bench-sync');
  const tb = path.join(work, '.trialbook');
  const w0 = performance.now();
  for (let r = 0; r < RUNS; r++) {
    const id = `20261127T024012123-${r.toString(16).padStart(10, '0')}`;
    const log = new RunLog(id).start({ experiment: 'bench', name: `run-${r}`, config: { lr: 0.01, seed: r } }, T0);
    for (let s = 0; s < STEPS; s++) {
      const values: Record<string, number> = {};
      for (let m = 0; m < METRICS; m++) values[names[m] ?? ''] = value(r, m, s);
      log.metrics(s, values, { ts: T0 + s * 0.01 });
    }
    log.end('finished', undefined, T0 + STEPS * 0.01 + 1).writeTo(tb);
  }
  console.log(`workspace: ${RUNS} runs × ${METRICS} metrics × ${STEPS} steps = ${total.toLocaleString('en')} points, written in ${((performance.now() - w0) / 1000).toFixed(1)} s`);

  const bareServer = await MlflowStandIn.start({ countOnly: true });
  const bareSeconds = await bare(bareServer.uri);
  const bareStored = bareServer.tracking.pointsStored;
  await bareServer.stop();

  const server = await MlflowStandIn.start({ countOnly: true });
  const t0 = performance.now();
  const report = await syncWorkspace({ trialbookDir: tb, target: parseSyncTarget(`mlflow+http://${new URL(server.uri).host}/`), credentials: { kind: 'anonymous' }, concurrency: CONCURRENCY });
  const syncSeconds = (performance.now() - t0) / 1000;
  const stored = server.tracking.pointsStored;
  const t1 = performance.now();
  const again = await syncWorkspace({ trialbookDir: tb, target: parseSyncTarget(`mlflow+http://${new URL(server.uri).host}/`), credentials: { kind: 'anonymous' }, concurrency: CONCURRENCY });
  const noopSeconds = (performance.now() - t1) / 1000;
  await server.stop();
  rmSync(work, { recursive: true, force: true });

  if (report.stopped) throw report.stopped;
  const bareRate = bareStored / bareSeconds;
  const syncRate = stored / syncSeconds;
  console.log(`bare log-batch: ${bareStored.toLocaleString('en')} points in ${bareSeconds.toFixed(2)} s = ${Math.round(bareRate).toLocaleString('en')} points/s`);
  console.log(`trialbook sync (first): ${stored.toLocaleString('en')} points in ${syncSeconds.toFixed(2)} s = ${Math.round(syncRate).toLocaleString('en')} points/s, ${report.requests} requests`);
  console.log(`ratio sync / bare: ${(syncRate / bareRate).toFixed(2)} (target ≥ 0.5)`);
  console.log(`second sync, nothing new: ${again.points} points, ${again.requests} requests, ${(noopSeconds * 1000).toFixed(0)} ms`);
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });
