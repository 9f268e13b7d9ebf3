// The Runs view's filter sent to an MLflow server as a runs/search filter (src/core/remote/remoteFilter.ts), the
// stand-in refusing what MLflow's parser refuses, and runs deleted (or restored) on the server leaving (or coming
// back to) the cache on the next full listing.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openRunIndex } from '../../src/core/openRunIndex';
import { RemoteBrowser, type PageReport } from '../../src/core/remote/remoteBrowser';
import { toServerFilter } from '../../src/core/remote/remoteFilter';
import { RegistryError } from '../../src/core/registry/errors';
import { SyncApi } from '../../src/core/sync/syncApi';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { seedExperiment, seedRuns, type SeedRun } from '../fixtures/mlflow/seedRuns';
import { captureLog, WASM_PATH } from '../unit/workspaceFixture';

function browserFor(uri: string, trialbookDir: string): RemoteBrowser {
  const api = new SyncApi(uri, { credentials: { kind: 'anonymous' }, retry: { budgetMs: 0 } });
  return new RemoteBrowser(uri, (method, endpoint, payload) => api.call(method, endpoint, payload), trialbookDir, captureLog(), undefined,
    (method, endpoint, payload) => api.callText(method, endpoint, payload));
}

async function namesMatching(trialbookDir: string, filter?: string): Promise<string[]> {
  const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log: captureLog(), saveDelayMs: 60_000, readerWorker: false });
  try {
    await index.sync();
    return index.listRuns(filter ? { filter } : {}).map((r) => r.name).sort();
  } finally {
    await index.close();
  }
}

const SEED: SeedRun[] = Array.from({ length: 24 }, (_, i) => ({
  name: `run-${String(i).padStart(2, '0')}${i % 5 === 0 ? '-alpha' : ''}`,
  params: { optimizer: i % 3 === 0 ? 'adam' : 'sgd', lr: i % 2 === 0 ? '0.01' : '1e-2', layers: String(i % 4) },
  metrics: { loss: (s) => 1 / (s + 1 + i) },
  steps: 2,
  status: i % 4 === 0 ? 'FAILED' : i % 4 === 1 ? 'RUNNING' : 'FINISHED',
  tags: { team: i % 2 === 0 ? 'vision' : 'nlp', ...(i === 7 ? { 'mlflow.note.content': 'Baseline with warmup' } : {}) },
}));

describe('Runs view filters on an MLflow server', () => {
  let tmp: string;
  let server: MlflowStandIn;
  beforeEach(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'trialbook-remote-filter-'));
    server = await MlflowStandIn.start();
  });
  afterEach(async () => {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('translates what MLflow can say and leaves the rest to the local filter', () => {
    const t = (f: string): [string, string[]] => { const s = toServerFilter(f); return [s.filter, s.local]; };
    assert.deepEqual(t('(status = failed and param.optimizer = adam) and summary.loss < 0.5'),
      ["attributes.status = 'FAILED' AND params.`optimizer` = 'adam' AND metrics.`loss` < 0.5", []]);
    assert.deepEqual(t('status in (running, killed) and name ~ alpha and tag = "team=vision" and notes ~ warmup'),
      ["attributes.status IN ('RUNNING', 'SCHEDULED', 'KILLED') AND attributes.run_name ILIKE '%alpha%' AND tags.`team` = 'vision' AND tags.`mlflow.note.content` ILIKE '%warmup%'", []]);
    // OR anywhere at the top: nothing is implied for the server. Bare names, histories, functions, NOT: local.
    assert.deepEqual(t('status = failed or lr < 0.1'), ['', ['status = failed or lr < 0.1']]);
    assert.deepEqual(t('lr < 0.1 and metric.acc > 0.9 and max(loss) < 1 and not status = running and param.lr = 0.01'),
      ["params.`lr` = '0.01'", ['lr < 0.1', 'metric.acc > 0.9', 'max(loss) < 1', 'not status = running']]);
    // A number MLflow holds as other text ("1e-2" is read as text, "0.01" as the number): only the printed form matches.
    assert.deepEqual(t('param.lr = 1e-2'), ['', ['param.lr = 1e-2']]);
    assert.deepEqual(t('param.lr ~ 0.0'), ['', ['param.lr ~ 0.0']]);
    assert.deepEqual(t("name = \"it's\" and status = crashed and tag = \"mlflow-server=x\""), ['', ["name = \"it's\"", 'status = crashed', 'tag = "mlflow-server=x"']]);
    assert.deepEqual(t('status != running'), ["attributes.status NOT IN ('RUNNING', 'SCHEDULED')", []]);
    const e = toServerFilter('experiment ~ team and status = failed');
    assert.equal(e.filter, "attributes.status = 'FAILED'");
    assert.equal(e.experiment?.('Team-A'), true);
    assert.equal(e.experiment?.('other'), false);
    assert.deepEqual(t('lr <'), ['', ['lr <']], 'an invalid filter sends nothing');
  });

  it('refuses what MLflow\'s search parser refuses (error 400 INVALID_PARAMETER_VALUE)', async () => {
    const exp = seedExperiment(server, 'strict');
    seedRuns(server, exp, SEED.slice(0, 2));
    const api = new SyncApi(server.uri, { credentials: { kind: 'anonymous' }, retry: { budgetMs: 0 } });
    const search = (filter: string, extra: Record<string, unknown> = {}): Promise<unknown> => api.call('POST', 'runs/search', { experiment_ids: [exp], filter, ...extra });
    for (const bad of [
      "params.optimizer IN ('adam')", "tags.team < 'x'", 'metrics.loss LIKE 1', "metrics.loss = 'x'", "attributes.start_time = 'x'",
      'attributes.run_name > 3', "attributes.lifecycle_stage = 'active'", "params.a = 'x' OR params.b = 'y'", "(params.a = 'x')", 'params.a = 3',
    ]) {
      await assert.rejects(search(bad), (err: unknown) => err instanceof RegistryError && err.status === 400, bad);
    }
    await assert.rejects(search('', { run_view_type: 'EVERYTHING' }), (err: unknown) => err instanceof RegistryError && err.status === 400);
    const ok = await search("attributes.`Run Name` IN ('run-00-alpha') AND attributes.created > 0 AND tags.team ILIKE 'VIS%'") as { runs?: unknown[] };
    assert.equal(ok.runs?.length, 1);
  });

  it('lists only the runs a filter can match; the local filter then keeps exactly what a full listing would', async () => {
    const exp = seedExperiment(server, 'team-a');
    seedRuns(server, exp, SEED);
    seedRuns(server, seedExperiment(server, 'other'), [{ name: 'elsewhere-alpha', status: 'FAILED', params: { optimizer: 'adam' } }]);
    const fullDir = join(tmp, 'full', '.trialbook');
    assert.equal((await browserFor(server.uri, fullDir).refresh()).state, 'idle');
    const filters = [
      'status = failed and param.optimizer = adam',
      '(name ~ alpha and tag = "team=vision") and summary.loss < 0.2',
      'experiment = team-a and status in (running, failed) and param.lr = 0.01',
      'notes ~ WARMUP and status != failed',
      'param.lr = 1e-2 and param.layers != 3',
      'status = finished or name ~ alpha',
    ];
    for (const [i, filter] of filters.entries()) {
      const dir = join(tmp, `f${i}`, '.trialbook');
      const browser = browserFor(server.uri, dir);
      const searches = server.calls.length;
      const status = await browser.refresh({ filter });
      assert.equal(status.state, 'idle', `${filter}: ${status.error ?? ''}`);
      assert.ok(server.calls.slice(searches).every((c) => c.status === 200), `${filter}: every request accepted`);
      const expected = await namesMatching(fullDir, filter);
      assert.deepEqual(await namesMatching(dir, filter), expected, filter);
      const cached = await namesMatching(dir);
      if (i < 5) assert.ok(cached.length < SEED.length, `${filter}: the server narrowed the listing (${cached.length} runs cached)`);
      else assert.equal(cached.length, SEED.length + 1, 'OR: everything is listed');
      assert.equal(status.serverFilter, toServerFilter(filter).filter);
      assert.equal(status.listedAt, undefined, 'a filtered listing is not the server\'s listing');
    }
  });

  it('removes runs deleted on the server (or in a deleted experiment) on the next full listing, and lists them again once restored', async () => {
    const exp = seedExperiment(server, 'team-a');
    const ids = seedRuns(server, exp, SEED.slice(0, 5));
    const doomed = seedExperiment(server, 'doomed');
    seedRuns(server, doomed, [{ name: 'in-doomed' }]);
    const trialbookDir = join(tmp, '.trialbook');
    const browser = browserFor(server.uri, trialbookDir);
    const first: PageReport[] = [];
    await browser.refresh({ onPage: (p) => first.push(p) });
    assert.equal((await namesMatching(trialbookDir)).length, 6);
    const q = new URLSearchParams();
    const target = ids[2] ?? '';
    server.tracking.route('POST runs/delete', { run_id: target }, q);
    server.tracking.route('POST experiments/delete', { experiment_id: doomed }, q);

    // A filtered listing removes nothing (it does not see every run).
    await browser.refresh({ filter: 'status = failed' });
    assert.equal((await namesMatching(trialbookDir)).length, 6);

    const pages: PageReport[] = [];
    const status = await browser.refresh({ onPage: (p) => pages.push(p) });
    assert.equal(status.removed, 2);
    assert.equal(status.runs, 4);
    const removed = pages.flatMap((p) => p.changed);
    assert.equal(removed.length, 2, 'the removed runs are reported as changed (the index syncs)');
    assert.ok(removed.every((id) => !existsSync(join(trialbookDir, 'runs', id))));
    assert.deepEqual(await namesMatching(trialbookDir), ['run-00-alpha', 'run-01', 'run-03', 'run-04']);

    server.tracking.route('POST runs/restore', { run_id: target }, q);
    const back = await browser.refresh();
    assert.equal(back.runs, 5);
    assert.equal(back.removed, 0);
    assert.deepEqual(await namesMatching(trialbookDir), ['run-00-alpha', 'run-01', 'run-02', 'run-03', 'run-04'], 'restored on the server: cached again');

    // A run the user deleted here stays deleted (the import ledger), even across listings that remove others.
    const mine = first.flatMap((p) => p.changed).find((id) => browser.sourceIdOf(id) === ids[4]);
    assert.ok(mine);
    rmSync(join(trialbookDir, 'runs', mine), { recursive: true, force: true });
    server.tracking.route('POST runs/delete', { run_id: ids[3] ?? '' }, q);
    await browser.refresh();
    assert.deepEqual(await namesMatching(trialbookDir), ['run-00-alpha', 'run-01', 'run-02']);
  });
});
