// Sync out through a fault proxy in front of the stand-in: 429 storms, the server going away mid-sync, slow
// answers, connections cut mid-batch (before the server saw the batch, and after it stored it). After each,
// every point of every run is on the server exactly once, and each Trialbook run has exactly one MLflow run.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { parseSyncTarget } from '../../src/core/sync/syncTarget';
import { syncWorkspace, type SyncOptions } from '../../src/core/sync/workspaceSync';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { RunLog } from '../fixtures/runLog';
import { FaultProxy, type Fault, type SeenRequest } from './faultProxy';
import { tempDir } from './fixtures';

const T0 = 1_795_743_612;
const RUNS = ['20261127T024012123-f000000001', '20261127T024012123-f000000002', '20261127T024012123-f000000003'];
const STEPS = 2000;
const METRICS = ['loss', 'val/acc'];

describe('sync out through faults (stand-in behind a fault proxy)', () => {
  const dirs: string[] = [];
  let server: MlflowStandIn;
  let tb: string;
  beforeEach(async () => {
    server = await MlflowStandIn.start();
    const d = tempDir('sync-faults'); dirs.push(d);
    tb = path.join(d, '.trialbook');
    for (const id of RUNS) {
      const log = new RunLog(id).start({ experiment: 'faults', name: id.slice(-4), config: { lr: 0.1 } }, T0);
      for (let s = 0; s < STEPS; s++) log.metrics(s, { loss: 1 / (s + 1), 'val/acc': s / STEPS }, { ts: T0 + 1 + s * 0.001 });
      log.end('finished', undefined, T0 + 10).writeTo(tb);
    }
  });
  afterEach(async () => { await server.stop(); });
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  const sync = (proxy: FaultProxy, extra: Partial<SyncOptions> = {}): ReturnType<typeof syncWorkspace> => syncWorkspace({
    trialbookDir: tb, target: parseSyncTarget(`mlflow+http://${proxy.host}/`), credentials: { kind: 'anonymous' },
    retry: { baseDelayMs: 5, maxDelayMs: 40, budgetMs: 10_000, timeoutMs: 2000 }, ...extra,
  });

  /** Each run once on the server, each (metric, step) point exactly once, with the logged value. */
  const assertExactlyOnce = (): void => {
    for (const id of RUNS) {
      const mirrors = [...server.runs.values()].filter((r) => r.tags.get('trialbook.run_id') === id);
      assert.equal(mirrors.length, 1, `one MLflow run for ${id}`);
      const run = mirrors[0]!;
      assert.equal(run.info.status, 'FINISHED');
      for (const key of METRICS) {
        const steps = run.metrics.filter((m) => m.key === key).map((m) => m.step).sort((a, b) => a - b);
        assert.equal(steps.length, STEPS, `${id} ${key}: ${steps.length} points`);
        assert.deepEqual(steps, Array.from({ length: STEPS }, (_, i) => i));
      }
    }
  };
  const batchesSeen = (seen: SeenRequest[]): number => seen.filter((r) => r.url.endsWith('runs/log-batch')).length;

  it('a 429 storm (Retry-After: 0 on most log-batch requests for a while): retried until all is in, nothing twice', async () => {
    const proxy = await FaultProxy.start(server.port, (req: http.IncomingMessage, seen): Fault => {
      if (!req.url?.endsWith('runs/log-batch')) return 'forward';
      const n = batchesSeen(seen);
      return n < 40 && n % 4 !== 3 ? { status: 429, body: '{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"Too many requests"}', headers: { 'Retry-After': '0' } } : 'forward';
    });
    try {
      const report = await sync(proxy);
      assert.equal(report.stopped, undefined, report.stopped?.message);
      assert.ok(report.retries >= 30, `retried ${report.retries} times`);
      assertExactlyOnce();
      assert.equal(server.tracking.pointsReceived, RUNS.length * METRICS.length * STEPS, 'a refused batch is not stored, so nothing was re-sent');
    } finally { await proxy.stop(); }
  });

  it('the server stores a batch and goes away before answering, for longer than the retry budget: the sync stops with the reason, the next one resumes and that batch is not stored twice', async () => {
    let down = false;
    const proxy = await FaultProxy.start(server.port, (req, seen): Fault => {
      if (down) return 'reset';
      if (req.url?.endsWith('runs/log-batch') && batchesSeen(seen) === 8) { down = true; return 'cut-after-upstream'; }
      return 'forward';
    });
    try {
      const first = await sync(proxy, { retry: { baseDelayMs: 5, maxDelayMs: 20, budgetMs: 300, timeoutMs: 2000 } });
      assert.equal(first.stopped?.code, 'unreachable');
      assert.match(first.stopped?.message ?? '', /resumes where it stopped/);
      const stored = server.tracking.pointsStored;
      assert.ok(stored > 0 && stored < RUNS.length * METRICS.length * STEPS, `part was stored before the outage (${stored})`);
      down = false;
      const second = await sync(proxy);
      assert.equal(second.stopped, undefined, second.stopped?.message);
      const missing = RUNS.length * METRICS.length * STEPS - stored;
      // Progress is saved at most every second: what was acknowledged since is sent again (and is a no-op there).
      assert.ok(second.points > missing && second.points <= missing + 1000 * 30, `the second sync sent ${second.points} points for ${missing} missing`);
      assertExactlyOnce();
    } finally { await proxy.stop(); }
  });

  it('the server restarts mid-sync (a short outage within the retry budget): the same sync carries on', async () => {
    let downUntil = 0;
    const proxy = await FaultProxy.start(server.port, (req, seen): Fault => {
      if (req.url?.endsWith('runs/log-batch') && batchesSeen(seen) === 5) downUntil = Date.now() + 300;
      return Date.now() < downUntil ? 'reset' : 'forward';
    });
    try {
      const report = await sync(proxy);
      assert.equal(report.stopped, undefined, report.stopped?.message);
      assert.ok(report.retries > 0);
      assertExactlyOnce();
    } finally { await proxy.stop(); }
  });

  it('slow answers (held back past the client timeout after the server stored the batch): the re-sent batch is a no-op on the server', async () => {
    const proxy = await FaultProxy.start(server.port, (req, seen): Fault => (req.url?.endsWith('runs/log-batch') && batchesSeen(seen) % 5 === 2 ? { delayMs: 600 } : 'forward'));
    try {
      const report = await sync(proxy, { retry: { baseDelayMs: 5, maxDelayMs: 20, budgetMs: 20_000, timeoutMs: 250 } });
      assert.equal(report.stopped, undefined, report.stopped?.message);
      assert.ok(report.retries > 0);
      assert.ok(server.tracking.pointsReceived > server.tracking.pointsStored, 're-sent points reached the server');
      assertExactlyOnce();
    } finally { await proxy.stop(); }
  });

  it('connections cut mid-batch, before and after the server stored it, and a runs/create whose answer is lost: one MLflow run per run, every point once', async () => {
    const proxy = await FaultProxy.start(server.port, (req, seen): Fault => {
      if (req.url?.endsWith('runs/create') && seen.filter((r) => r.url.endsWith('runs/create')).length === 0) return 'cut-after-upstream';
      if (!req.url?.endsWith('runs/log-batch')) return 'forward';
      const n = batchesSeen(seen);
      return n % 4 === 1 ? 'cut-after-upstream' : n % 4 === 3 ? 'cut-mid-body' : 'forward';
    });
    try {
      const report = await sync(proxy);
      assert.equal(report.stopped, undefined, report.stopped?.message);
      assert.ok(proxy.seen.some((r) => r.fault === 'cut-after-upstream' && r.url.endsWith('runs/create')));
      assert.ok(server.tracking.pointsReceived > server.tracking.pointsStored, 'batches whose answer was lost were sent again');
      assertExactlyOnce();
    } finally { await proxy.stop(); }
  });
});
