// Browsing an MLflow tracking server (src/core/remote/*) against the stand-in: runs listed page by page into the
// mirror and read by the index like local runs (marked with the server), listed again without rewriting what did
// not change, metric histories fetched on demand across get-history pages and never twice, the server's registered
// models, and failures (wrong login, server gone, wrong address) told as what happened and what to do, with the
// cached runs kept.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openRunIndex } from '../../src/core/openRunIndex';
import { RemoteBrowser, type PageReport } from '../../src/core/remote/remoteBrowser';
import { Slicer } from '../../src/core/slices';
import { remoteRegisteredModels } from '../../src/core/remote/remoteModels';
import { parseServerAddress } from '../../src/core/remote/remoteTarget';
import { SyncApi } from '../../src/core/sync/syncApi';
import type { Credentials } from '../../src/core/registry/types';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { FaultProxy } from './faultProxy';
import { seedExperiment, seedRuns } from '../fixtures/mlflow/seedRuns';
import { captureLog, WASM_PATH } from '../unit/workspaceFixture';

function browserFor(uri: string, trialbookDir: string, credentials: Credentials = { kind: 'anonymous' }): RemoteBrowser {
  const api = new SyncApi(uri, { credentials, retry: { budgetMs: 1500, baseDelayMs: 50, maxDelayMs: 200, timeoutMs: 10_000 } });
  return new RemoteBrowser(uri, (method, endpoint, payload) => api.call(method, endpoint, payload), trialbookDir, captureLog(), 'Run "Trialbook: Set MLflow Server Credentials…".',
    (method, endpoint, payload) => api.callText(method, endpoint, payload));
}

describe('browsing an MLflow tracking server', () => {
  let tmp: string;
  let trialbookDir: string;
  let server: MlflowStandIn;
  beforeEach(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'trialbook-browse-'));
    trialbookDir = join(tmp, '.trialbook');
    server = await MlflowStandIn.start();
  });
  afterEach(async () => {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('lists every run page by page into the index (params, latest metrics as summary values, marked with the server); a second listing rewrites only what changed', async () => {
    const exp = seedExperiment(server, 'team-a');
    const ids = seedRuns(server, exp, Array.from({ length: 23 }, (_, i) => ({
      name: `run-${i}`, params: { lr: String(0.01 * (i + 1)), optimizer: 'adam' }, metrics: { loss: (s) => 1 / (s + 1 + i) }, steps: 3, status: 'FINISHED' as const,
    })));
    const browser = browserFor(server.uri, trialbookDir);
    const pages: PageReport[] = [];
    const status = await browser.refresh({ pageSize: 10, onPage: (p) => pages.push(p) });
    assert.equal(status.state, 'idle', status.error);
    assert.deepEqual(pages.map((p) => p.runs), [10, 10, 3], 'three runs/search pages, each written as it came');
    assert.equal(status.runs, 23);
    assert.ok(status.listedAt !== undefined && existsSync(status.cacheFile));
    const searches = server.calls.filter((c) => c.path.endsWith('/runs/search'));
    assert.equal(searches.length, 4, 'three pages and one for the empty Default experiment');
    assert.equal(server.calls.filter((c) => c.path.endsWith('/metrics/get-history')).length, 0, 'no history fetched for a listing');

    const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log: captureLog(), saveDelayMs: 60_000, readerWorker: false });
    try {
      await index.sync();
      const rows = index.listRuns();
      assert.equal(rows.length, 23);
      const runId = pages[0]?.changed.find((id) => index.getRun(id)?.name === 'run-22');
      assert.ok(runId, 'the newest run is on the first page');
      const run = index.getRun(runId);
      assert.equal(run?.experiment, 'team-a');
      assert.equal(run?.status, 'finished');
      assert.equal(run?.params.lr, 0.23);
      assert.equal(run?.params.optimizer, 'adam');
      assert.equal(run?.summary.loss, 1 / 25, 'the latest value of loss, from runs/search');
      assert.ok(run?.tags.includes(`mlflow-server=${new URL(server.uri).host}`), `tags: ${run?.tags.join(', ')}`);

      // Listed again: nothing changed, nothing written. Then the server gains a point and a new run.
      const again: PageReport[] = [];
      await browser.refresh({ pageSize: 10, onPage: (p) => again.push(p) });
      assert.deepEqual(again.flatMap((p) => p.changed), []);
      const target = ids[5];
      assert.ok(target);
      server.tracking.route('POST runs/log-batch', { run_id: target, metrics: [{ key: 'loss', value: 0.001, timestamp: 1_795_100_000_000, step: 3 }] }, new URLSearchParams());
      seedRuns(server, exp, [{ name: 'late-run', startTime: 1_795_200_000_000 }]);
      const third: PageReport[] = [];
      const s3 = await browser.refresh({ pageSize: 10, onPage: (p) => third.push(p) });
      assert.equal(s3.runs, 24);
      assert.equal(third.flatMap((p) => p.changed).length, 2, 'the changed run and the new one');
      await index.sync();
      assert.equal(index.listRuns().length, 24);
      const changed = index.listRuns().find((r) => r.name === 'run-5');
      assert.equal(index.getRun(changed?.id ?? '')?.summary.loss, 0.001);
    } finally {
      await index.close();
    }
  });

  it('gives the thread back while it lists: each run parsed, each run written and each cached folder checked is a step of a slice', async () => {
    const exp = seedExperiment(server, 'sliced');
    seedRuns(server, exp, Array.from({ length: 240 }, (_, i) => ({ name: `s-${i}`, params: { i: String(i) }, status: 'FINISHED' as const })));
    const browser = browserFor(server.uri, trialbookDir);
    // A clock that moves 1 ms per look: a 15 ms slice is 15 steps, so the steps show as yields.
    let clock = 0;
    browser.reader.slicer = new Slicer(() => ++clock, 15);
    const status = await browser.refresh({ pageSize: 100 });
    assert.equal(status.state, 'idle', status.error);
    assert.equal(status.runs, 240);
    // 240 runs parsed + 240 written + 240 folders checked for deletion, each one look at the clock: 720 / 16 yields.
    assert.ok(browser.reader.slicer instanceof Slicer && browser.reader.slicer.yields >= 40, `yields: ${browser.reader.slicer.yields}`);
  });

  it('parses a big runs/search page a run at a time (never the whole page in one JSON.parse), and says so when a page is not JSON', async () => {
    const exp = seedExperiment(server, 'big-page');
    // Runs with a long tag, as MLflow's clients log them (mlflow.log-model.history): a page of 1,000 is over 1 MB.
    seedRuns(server, exp, Array.from({ length: 1000 }, (_, i) => ({
      name: `p-${i}`, params: { lr: String(1 / (i + 1)), optimizer: i % 2 ? 'adam' : 'sgd', note: `"quoted" {brace} [${i}] \\` }, metrics: { loss: () => 1 / (i + 1) }, status: 'FINISHED' as const,
      tags: { 'mlflow.log-model.history': JSON.stringify([{ run_id: `r${i}`, artifact_path: 'model', flavors: { pytorch: { pytorch_version: '2.5.1', code: null } }, padding: 'x'.repeat(600) }]) },
    })));
    const pageText = await (await fetch(`${server.uri}/api/2.0/mlflow/runs/search`, { method: 'POST', body: JSON.stringify({ experiment_ids: [exp], max_results: 1000 }) })).text();
    assert.ok(pageText.length > 1 << 20, `a page of ${pageText.length} characters`);
    const browser = browserFor(server.uri, trialbookDir);
    // Every text JSON.parse is handed during the listing, by length.
    const parse = JSON.parse;
    let longest = 0;
    JSON.parse = function (text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown): unknown {
      longest = Math.max(longest, text.length);
      return parse(text, reviver);
    } as typeof JSON.parse;
    let status;
    try {
      status = await browser.refresh();
    } finally {
      JSON.parse = parse;
    }
    assert.equal(status.state, 'idle', status.error);
    assert.equal(status.runs, 1000);
    assert.ok(longest < 4096, `the longest text parsed in one piece: ${longest} characters`);
    const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log: captureLog(), saveDelayMs: 60_000, readerWorker: false });
    try {
      await index.sync();
      const run = index.listRuns().find((r) => r.name === 'p-7');
      assert.deepEqual(run?.params.note, '"quoted" {brace} [7] \\');
      assert.equal(run?.params.optimizer, 'adam');
    } finally {
      await index.close();
    }

    // A proxy's error page instead of the runs: the listing says the answer is not JSON, and nothing is half-listed.
    const proxy = await FaultProxy.start(server.port, (req) => (req.url?.endsWith('/runs/search') ? { status: 200, body: '{"runs": [{"info": {"run_id": "x"}}, <html>', contentType: 'text/html' } : 'forward'));
    try {
      const broken = await browserFor(`http://${proxy.host}`, join(tmp, 'other', '.trialbook')).refresh();
      assert.equal(broken.state, 'error');
      assert.match(broken.error ?? '', /answered runs\/search with something that is not JSON/);
      assert.equal(broken.listed, 0);
    } finally {
      await proxy.stop();
    }
  });

  it('fetches a run\'s metric histories on demand, across get-history pages, and later only the points added since', async () => {
    const exp = seedExperiment(server, 'long');
    const [runId] = seedRuns(server, exp, [{ name: 'long-run', metrics: { loss: (s) => 1 / (s + 1), acc: (s) => s / 30_000 }, steps: 25_010 }]);
    assert.ok(runId);
    const browser = browserFor(server.uri, trialbookDir);
    const pages: PageReport[] = [];
    await browser.refresh({ onPage: (p) => pages.push(p) });
    const mirrored = pages[0]?.changed[0];
    assert.ok(mirrored);
    const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log: captureLog(), saveDelayMs: 60_000, readerWorker: false });
    try {
      await index.sync();
      assert.equal(index.getRun(mirrored)?.metrics.loss, undefined, 'no history before it is asked for');
      assert.deepEqual(await browser.fetchHistories([mirrored, 'local-run-id']), [mirrored]);
      const histories = server.calls.filter((c) => c.path.endsWith('/metrics/get-history'));
      assert.equal(histories.length, 4, 'two pages for each of two metrics (25,000 per page)');
      await index.sync();
      const run = index.getRun(mirrored);
      assert.equal(run?.metrics.loss?.count, 25_010);
      assert.equal(run?.metrics.acc?.count, 25_010);
      assert.equal(run?.metrics.loss?.last, 1 / 25_010);
      const line = index.series({ runIds: [mirrored], keys: ['loss'], xAxis: 'step', maxPoints: 100_000 })[0];
      assert.deepEqual(line?.x.slice(0, 3), [0, 1, 2]);

      // The run grows on the server: a second fetch appends only the new points.
      server.tracking.route('POST runs/log-batch', { run_id: runId, metrics: [{ key: 'loss', value: 0.5, timestamp: 1_795_000_000_000 + 30_000, step: 25_010 }] }, new URLSearchParams());
      assert.deepEqual(await browser.fetchHistories([mirrored]), [mirrored]);
      await index.sync();
      assert.equal(index.getRun(mirrored)?.metrics.loss?.count, 25_011, 'no point twice');
      assert.equal(index.getRun(mirrored)?.metrics.acc?.count, 25_010);
    } finally {
      await index.close();
    }
  });

  it('says what went wrong and what to do (wrong login, wrong address, server gone) and keeps the cached runs', async () => {
    await server.stop();
    server = await MlflowStandIn.start({ auth: { kind: 'basic', username: 'ada', password: 'secret' } });
    seedRuns(server, seedExperiment(server, 'locked'), [{ name: 'r1' }, { name: 'r2' }]);
    const denied = await browserFor(server.uri, trialbookDir).refresh();
    assert.equal(denied.state, 'error');
    assert.match(denied.error ?? '', /rejected the login \(HTTP 401\)\. Run "Trialbook: Set MLflow Server Credentials…"\. Runs listed before stay available from the cache\./);
    assert.equal(server.calls.length, 1, 'a rejected login is not retried');

    const ok = await browserFor(server.uri, trialbookDir, { kind: 'basic', username: 'ada', password: 'secret' }).refresh();
    assert.equal(ok.state, 'idle', ok.error);
    assert.equal(ok.runs, 2);

    const wrongPath = await browserFor(`${server.uri}/not-mlflow`, trialbookDir, { kind: 'basic', username: 'ada', password: 'secret' }).refresh();
    assert.match(wrongPath.error ?? '', /HTTP 404[\s\S]*Check that the address is the tracking server itself/);

    const uri = server.uri;
    await server.stop();
    const gone = browserFor(uri, trialbookDir, { kind: 'basic', username: 'ada', password: 'secret' });
    assert.equal(gone.status.runs, 2, 'the cache says what was listed');
    assert.ok(gone.status.listedAt !== undefined);
    const down = await gone.refresh();
    assert.equal(down.state, 'error');
    assert.match(down.error ?? '', /connection refused\. Check the port and that the server is running\. Runs listed before stay available from the cache\./);
    const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log: captureLog(), saveDelayMs: 60_000, readerWorker: false });
    try {
      await index.sync();
      assert.deepEqual(index.listRuns().map((r) => r.name).sort(), ['r1', 'r2'], 'cached runs list offline');
    } finally {
      await index.close();
      server = await MlflowStandIn.start(); // afterEach stops it
    }
  });

  it('an MLflow too old to browse (no experiments/search endpoint) is told as such, with what to do', async () => {
    await server.stop();
    server = await MlflowStandIn.start({ missingEndpoints: ['experiments/search'] });
    const status = await browserFor(server.uri, trialbookDir).refresh();
    assert.equal(status.state, 'error');
    assert.match(status.error ?? '', /has no experiments\/search endpoint \(HTTP 404\)\. Check that the address is the tracking server itself[\s\S]*MLflow too old to browse here \(experiments\/search came with MLflow 1\.28\): upgrade it\./);
    assert.equal(server.calls.length, 1, 'not retried');
  });

  it('leaves out this workspace\'s own runs synced to the server, and lists the server\'s registered models with their versions and aliases', async () => {
    const exp = seedExperiment(server, 'mixed');
    const [, theirs] = seedRuns(server, exp, [{ name: 'mine', tags: { 'trialbook.run_id': 'local-1' } }, { name: 'theirs', tags: { 'trialbook.run_id': 'someone-else' } }]);
    // local-1 is a run of this workspace.
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(trialbookDir, 'runs', 'local-1'), { recursive: true });
    writeFileSync(join(trialbookDir, 'runs', 'local-1', 'events.jsonl'), '');
    const browser = browserFor(server.uri, trialbookDir);
    const status = await browser.refresh();
    assert.equal(status.runs, 1);

    const q = new URLSearchParams();
    const route = (e: string, body: Record<string, unknown>): unknown => (server as unknown as { route(e: string, b: Record<string, unknown>, q: URLSearchParams): unknown }).route(e, body, q);
    route('POST registered-models/create', { name: "churn 'model'", description: 'predicts churn' });
    route('POST model-versions/create', { name: "churn 'model'", source: `runs:/${theirs ?? ''}/model`, run_id: theirs });
    route('POST model-versions/create', { name: "churn 'model'", source: 's3://bucket/model' });
    route('POST registered-models/alias', { name: "churn 'model'", alias: 'champion', version: '1' });
    const api = new SyncApi(server.uri, { credentials: { kind: 'anonymous' }, retry: { budgetMs: 0 } });
    const models = await remoteRegisteredModels(server.uri, (m, e, p) => api.call(m, e, p));
    assert.equal(models.length, 1);
    const m = models[0];
    assert.equal(m?.name, "churn 'model'");
    assert.equal(m?.kind, 'mlflow-server');
    assert.deepEqual(m?.versions.map((v) => [v.version, v.aliases, v.runId]), [['1', ['champion'], theirs], ['2', [], '']]);
    const mirrored = m?.versions[0]?.mirrorRunId;
    assert.ok(mirrored && existsSync(join(trialbookDir, 'runs', mirrored, 'events.jsonl')), 'version 1 opens the mirrored run');
    assert.match(readFileSync(join(trialbookDir, 'runs', mirrored, 'events.jsonl'), 'utf8'), /"name":"theirs"/);
  });

  it('takes addresses as https://host/path or mlflow+https://; refuses credentials in them', () => {
    assert.equal(parseServerAddress('https://mlflow.example.com/team/'), 'https://mlflow.example.com/team');
    assert.equal(parseServerAddress(' HTTP://127.0.0.1:5000 '), 'http://127.0.0.1:5000');
    assert.equal(parseServerAddress('mlflow+https://mlflow.example.com/'), 'https://mlflow.example.com');
    assert.throws(() => parseServerAddress('https://ada:pw@mlflow.example.com/'), /not in the address/);
    assert.throws(() => parseServerAddress('ftp://x'), /https:\/\/<host\[:port\]>\[\/path\]/);
  });
});
