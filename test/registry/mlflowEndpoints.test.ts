// The rules of every MLflow tracking endpoint Trialbook's sync and browsing use, checked against the stand-in, or
// a real MLflow server when TRIALBOOK_TEST_MLFLOW_URI is set (the same assertions must hold there: that is what
// keeps the stand-in honest). Each call goes through the sync's own client, so errors arrive as it sees them.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MlflowApiError } from '../../src/core/registry/mlflowClient';
import type { Credentials } from '../../src/core/registry/types';
import { SyncApi } from '../../src/core/sync/syncApi';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { history, runOf } from './syncHelpers';

const REAL = process.env['TRIALBOOK_TEST_MLFLOW_URI'];
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function envCredentials(): Credentials {
  const token = process.env['MLFLOW_TRACKING_TOKEN'];
  if (token) return { kind: 'token', token };
  const username = process.env['MLFLOW_TRACKING_USERNAME'];
  const password = process.env['MLFLOW_TRACKING_PASSWORD'];
  return username && password !== undefined ? { kind: 'basic', username, password } : { kind: 'anonymous' };
}

/** The login's header for requests made without the client (the artifact proxy's PUT). */
function authHeaders(): Record<string, string> {
  const c = REAL ? envCredentials() : { kind: 'anonymous' as const };
  if (c.kind === 'token') return { Authorization: `Bearer ${c.token}` };
  if (c.kind === 'basic') return { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` };
  return {};
}

/** The MLflow error a call ends with (its code and HTTP status). */
async function refusal(p: Promise<unknown>): Promise<{ code: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof MlflowApiError) return { code: err.errorCode, status: err.status, message: err.message };
    throw err;
  }
  assert.fail('the server accepted the call');
}

describe(`MLflow tracking endpoints and their rules (${REAL ? `real server ${REAL}` : 'stand-in server'})`, () => {
  let server: MlflowStandIn | undefined;
  let api: SyncApi;
  let expId: string;
  let uri: string;
  const T = 1_795_743_612_000;
  before(async () => {
    if (REAL) uri = REAL.replace(/\/$/, '');
    else { server = await MlflowStandIn.start(); uri = server.uri; }
    api = new SyncApi(uri, { credentials: REAL ? envCredentials() : { kind: 'anonymous' }, retry: { budgetMs: 0 } });
    expId = (await api.call<{ experiment_id: string }>('POST', 'experiments/create', { name: `endpoints-${unique}` })).experiment_id;
  });
  after(async () => { await server?.stop(); });
  const newRun = async (name = 'r'): Promise<string> =>
    (await api.call<{ run: { info: { run_id: string } } }>('POST', 'runs/create', { experiment_id: expId, run_name: name, start_time: T })).run.info.run_id;
  const batch = (runId: string, body: Record<string, unknown>): Promise<unknown> => api.call('POST', 'runs/log-batch', { run_id: runId, ...body });
  const metric = (key: string, step = 0, value: number | string = 1): Record<string, unknown> => ({ key, value, timestamp: T + step, step });

  it('experiments/create and experiments/get-by-name: a second create of a name is RESOURCE_ALREADY_EXISTS; an unknown name is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const again = await refusal(api.call('POST', 'experiments/create', { name: `endpoints-${unique}` }));
    assert.equal(again.code, 'RESOURCE_ALREADY_EXISTS');
    assert.equal(again.status, 400);
    const got = await api.call<{ experiment: { experiment_id: string; lifecycle_stage: string } }>('GET', 'experiments/get-by-name', { experiment_name: `endpoints-${unique}` });
    assert.equal(got.experiment.experiment_id, expId);
    assert.equal(got.experiment.lifecycle_stage, 'active');
    const missing = await refusal(api.call('GET', 'experiments/get-by-name', { experiment_name: `no-such-${unique}` }));
    assert.deepEqual([missing.code, missing.status], ['RESOURCE_DOES_NOT_EXIST', 404]);
  });

  it('experiments/search and experiments/get (browsing): page tokens, ACTIVE_ONLY leaves out a deleted experiment, max_results ≤ 50,000; an unknown id is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const names = [0, 1, 2].map((i) => `search-${unique}-${i}`);
    const ids: string[] = [];
    for (const name of names) ids.push((await api.call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id);
    await api.call('POST', 'experiments/delete', { experiment_id: ids[2] });
    // Every page as the browser asks for them (a real server holds other experiments too: paged by two until the end).
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await api.call<{ experiments?: Array<{ name: string }>; next_page_token?: string }>('POST', 'experiments/search', { max_results: 2, view_type: 'ACTIVE_ONLY', ...(token ? { page_token: token } : {}) });
      assert.ok((page.experiments?.length ?? 0) <= 2);
      seen.push(...(page.experiments ?? []).map((e) => e.name));
      token = page.next_page_token || undefined;
      pages++;
    } while (token && pages < 10_000);
    assert.ok(pages >= 2, 'paged by two');
    assert.deepEqual(seen.filter((n) => n.startsWith(`search-${unique}-`)).sort(), names.slice(0, 2));
    assert.equal(new Set(seen).size, seen.length, 'no experiment on two pages');
    assert.equal((await refusal(api.call('POST', 'experiments/search', { max_results: 50_001 }))).code, 'INVALID_PARAMETER_VALUE');
    const got = await api.call<{ experiment: { name: string } }>('GET', 'experiments/get', { experiment_id: ids[0] });
    assert.equal(got.experiment.name, names[0]);
    const missing = await refusal(api.call('GET', 'experiments/get', { experiment_id: '987654321987' }));
    assert.deepEqual([missing.code, missing.status], ['RESOURCE_DOES_NOT_EXIST', 404]);
  });

  it('artifacts/list and the artifact proxy (remote artifacts): files put through mlflow-artifacts listed one level at a time with sizes, fetched back; \'..\' refused', async () => {
    const id = await newRun('with-artifacts');
    const run = await runOf(api, id);
    const root = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(run.info.artifact_uri ?? '')?.[1];
    assert.ok(root, `runs are stored through the artifact proxy (mlflow server --serve-artifacts): ${run.info.artifact_uri ?? 'no artifact_uri'}`);
    const put = async (path: string, body: string): Promise<void> => {
      const res = await fetch(`${uri}/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`, { method: 'PUT', body, headers: authHeaders() });
      assert.equal(res.status, 200, await res.text());
    };
    await put('notes.txt', 'hello\n');
    await put('model/MLmodel', 'flavors: {}\n');
    const top = await api.call<{ root_uri?: string; files?: Array<{ path: string; is_dir: boolean; file_size?: number | string }> }>('GET', 'artifacts/list', { run_id: id });
    assert.equal(top.root_uri, run.info.artifact_uri);
    assert.deepEqual(top.files?.map((f) => [f.path, f.is_dir, f.file_size === undefined ? undefined : Number(f.file_size)]).sort(), [['model', true, undefined], ['notes.txt', false, 6]]);
    const model = await api.call<{ files?: Array<{ path: string }> }>('GET', 'artifacts/list', { run_id: id, path: 'model' });
    assert.deepEqual(model.files?.map((f) => f.path), ['model/MLmodel']);
    assert.equal((await api.getArtifact(`${root}/model/MLmodel`, 1000)).toString(), 'flavors: {}\n');
    assert.equal((await refusal(api.call('GET', 'artifacts/list', { run_id: id, path: '../other' }))).code, 'INVALID_PARAMETER_VALUE');
    assert.equal((await refusal(api.call('GET', 'artifacts/list', { run_id: 'no-such-run-0000000000000000000' }))).status, 404);
  });

  it('runs/create: RESOURCE_DOES_NOT_EXIST for an unknown experiment; a new run is RUNNING with its start time and name', async () => {
    const bad = await refusal(api.call('POST', 'runs/create', { experiment_id: '987654321', start_time: T }));
    assert.equal(bad.code, 'RESOURCE_DOES_NOT_EXIST');
    const run = await runOf(api, await newRun('named'));
    assert.equal(run.info.status, 'RUNNING');
    assert.equal(run.info.start_time, T);
    assert.equal(run.info.run_name, 'named');
  });

  it('runs/log-batch limits: 1,000 metrics, 100 params, 100 tags, 1,000 items, 1,000,000 bytes per request', async () => {
    const id = await newRun();
    const metrics = (n: number): Array<Record<string, unknown>> => Array.from({ length: n }, (_, i) => metric('m', i));
    const kv = (n: number, p: string): Array<{ key: string; value: string }> => Array.from({ length: n }, (_, i) => ({ key: `${p}${i}`, value: 'v' }));
    await batch(id, { metrics: metrics(1000) });
    for (const body of [{ metrics: metrics(1001) }, { params: kv(101, 'p') }, { tags: kv(101, 't') }, { metrics: metrics(901), params: kv(100, 'q') }]) {
      assert.equal((await refusal(batch(id, body))).code, 'INVALID_PARAMETER_VALUE', JSON.stringify(Object.keys(body)));
    }
    // Just over 1,000,000 bytes of request (but under 1 MiB): refused.
    const big = { tags: Array.from({ length: 100 }, (_, i) => ({ key: `big${i}`, value: 'x'.repeat(7900) })), params: Array.from({ length: 35 }, (_, i) => ({ key: `bp${i}`, value: 'y'.repeat(6000) })) };
    const size = Buffer.byteLength(JSON.stringify({ run_id: id, ...big }));
    assert.ok(size > 1_000_000 && size < 1024 * 1024, `request of ${size} bytes`);
    assert.equal((await refusal(batch(id, big))).code, 'INVALID_PARAMETER_VALUE');
  });

  it('runs/log-batch keys: letters, digits, _ - . / space only, at most 250, and nothing a path normalisation changes', async () => {
    const id = await newRun();
    await batch(id, { metrics: [metric('ok/name-1.2 x')] });
    for (const key of ['a@b', 'a//b', 'a/', '/a', 'a/./b', 'a/../b', '..a', '.', 'k'.repeat(251), '']) {
      assert.equal((await refusal(batch(id, { metrics: [metric(key)] }))).code, 'INVALID_PARAMETER_VALUE', `metric key ${JSON.stringify(key.slice(0, 20))}`);
      assert.equal((await refusal(batch(id, { params: [{ key, value: 'v' }] }))).code, 'INVALID_PARAMETER_VALUE', `param key ${JSON.stringify(key.slice(0, 20))}`);
    }
  });

  it('runs/log-batch values: params are immutable (the same value again is fine), no key twice in a request, param values ≤ 6,000 and tag values ≤ 8,000, integer non-negative timestamps', async () => {
    const id = await newRun();
    await batch(id, { params: [{ key: 'lr', value: '0.1' }] });
    await batch(id, { params: [{ key: 'lr', value: '0.1' }] });
    assert.equal((await refusal(batch(id, { params: [{ key: 'lr', value: '0.2' }] }))).code, 'INVALID_PARAMETER_VALUE');
    assert.equal((await refusal(batch(id, { params: [{ key: 'd', value: '1' }, { key: 'd', value: '1' }] }))).code, 'INVALID_PARAMETER_VALUE');
    await batch(id, { params: [{ key: 'six', value: 'x'.repeat(6000) }], tags: [{ key: 'eight', value: 'y'.repeat(8000) }] });
    assert.equal((await refusal(batch(id, { params: [{ key: 'long', value: 'x'.repeat(6001) }] }))).code, 'INVALID_PARAMETER_VALUE');
    assert.equal((await refusal(batch(id, { metrics: [{ key: 'm', value: 1, timestamp: -1, step: 0 }] }))).code, 'INVALID_PARAMETER_VALUE');
    assert.equal((await refusal(batch(id, { metrics: [{ key: 'm', value: 'high', timestamp: T, step: 0 }] }))).code, 'INVALID_PARAMETER_VALUE');
    await batch(id, { metrics: [metric('nf', 0, 'NaN'), metric('nf', 1, 'Infinity'), metric('nf', 2, '-Infinity')] });
    assert.deepEqual((await history(api, id, 'nf')).map((p) => String(p.value)), ['NaN', 'Infinity', '-Infinity']);
  });

  it('a metric point sent again exactly as before is stored once; a different value at the same step is a second point', async () => {
    const id = await newRun();
    const points = [metric('loss', 0, 0.5), metric('loss', 1, 0.25)];
    await batch(id, { metrics: points });
    await batch(id, { metrics: points });
    assert.equal((await history(api, id, 'loss')).length, 2);
    await batch(id, { metrics: [metric('loss', 1, 0.125)] });
    assert.equal((await history(api, id, 'loss')).length, 3);
  });

  it('runs/update: statuses RUNNING, SCHEDULED, FINISHED, FAILED, KILLED only; end time and run name set; a deleted run takes no writes', async () => {
    const id = await newRun('before');
    assert.equal((await refusal(api.call('POST', 'runs/update', { run_id: id, status: 'DONE' }))).code, 'INVALID_PARAMETER_VALUE');
    await api.call('POST', 'runs/update', { run_id: id, status: 'FINISHED', end_time: T + 5000, run_name: 'after' });
    let run = await runOf(api, id);
    assert.deepEqual([run.info.status, run.info.end_time, run.info.run_name], ['FINISHED', T + 5000, 'after']);
    await api.call('POST', 'runs/update', { run_id: id, status: 'RUNNING' });
    run = await runOf(api, id);
    assert.equal(run.info.status, 'RUNNING', 'MLflow lets a finished run run again (a resumed run)');
    await api.call('POST', 'runs/delete', { run_id: id });
    assert.equal((await refusal(batch(id, { metrics: [metric('m')] }))).code, 'INVALID_PARAMETER_VALUE');
    assert.equal((await refusal(api.call('POST', 'runs/update', { run_id: id, status: 'FINISHED' }))).code, 'INVALID_PARAMETER_VALUE');
    assert.equal((await refusal(api.call('GET', 'runs/get', { run_id: 'f'.repeat(32) }))).code, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('runs/search: filters on tags, params, metrics and attributes; order_by; paging tokens; deleted runs only when asked; bad filters, tokens and page sizes refused', async () => {
    const exp = (await api.call<{ experiment_id: string }>('POST', 'experiments/create', { name: `search-${unique}` })).experiment_id;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const id = (await api.call<{ run: { info: { run_id: string } } }>('POST', 'runs/create', { experiment_id: exp, run_name: `run-${i}`, start_time: T + i })).run.info.run_id;
      await batch(id, { metrics: [metric('acc', 0, i / 10)], params: [{ key: 'lr', value: i % 2 ? '0.1' : '0.01' }], tags: [{ key: 'trialbook.run_id', value: `tb-${i}` }] });
      ids.push(id);
    }
    const search = (body: Record<string, unknown>): Promise<{ runs?: Array<{ info: { run_id: string; run_name: string } }>; next_page_token?: string }> =>
      api.call('POST', 'runs/search', { experiment_ids: [exp], ...body });
    const names = async (body: Record<string, unknown>): Promise<string[]> => ((await search(body)).runs ?? []).map((r) => r.info.run_name);
    assert.deepEqual(await names({ filter: "tags.`trialbook.run_id` = 'tb-3'" }), ['run-3']);
    assert.deepEqual(await names({ filter: "params.lr = '0.1' and metrics.acc > 0.3" }), ['run-5']);
    assert.deepEqual(await names({ filter: "attributes.run_name LIKE 'run-%' AND metrics.acc <= 0.1", order_by: ['attributes.start_time ASC'] }), ['run-0', 'run-1']);
    assert.deepEqual(await names({}), ['run-6', 'run-5', 'run-4', 'run-3', 'run-2', 'run-1', 'run-0'], 'newest first by default');
    assert.deepEqual(await names({ order_by: ['metrics.acc ASC'], max_results: 2 }), ['run-0', 'run-1']);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await search({ max_results: 3, ...(token ? { page_token: token } : {}) });
      seen.push(...(page.runs ?? []).map((r) => r.info.run_id));
      token = page.next_page_token || undefined;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual([...seen].sort(), [...ids].sort());
    await api.call('POST', 'runs/delete', { run_id: ids[0] });
    assert.equal((await names({})).length, 6);
    assert.deepEqual(await names({ run_view_type: 'DELETED_ONLY' }), ['run-0']);
    for (const body of [{ filter: 'metrics.acc >' }, { filter: "tags.x = 'a' OR tags.y = 'b'" }, { filter: "params.lr > '0.1'" }, { page_token: 'not a token' }, { max_results: 50_001 }]) {
      assert.equal((await refusal(search(body))).code, 'INVALID_PARAMETER_VALUE', JSON.stringify(body));
    }
  });

  it('metrics/get-history: pages of at most 25,000 points with page tokens', async () => {
    const id = await newRun();
    for (let from = 0; from < 2500; from += 1000) await batch(id, { metrics: Array.from({ length: 1000 }, (_, i) => metric('long', from + i, from + i)).slice(0, Math.min(1000, 2500 - from)) });
    const all = await history(api, id, 'long', 1000);
    assert.equal(all.length, 2500);
    assert.deepEqual(all.map((p) => p.step), Array.from({ length: 2500 }, (_, i) => i));
    assert.equal((await refusal(api.call('GET', 'metrics/get-history', { run_id: id, metric_key: 'long', max_results: 25_001 }))).code, 'INVALID_PARAMETER_VALUE');
  });

  it('registered-models/search and model-versions/search: pages of at most 1,000 models with page tokens, aliases listed, versions by name; bad page sizes and tokens refused', async () => {
    const names = [0, 1, 2].map((i) => `browse-${unique}-${i}'q`);
    for (const name of names) await api.call('POST', 'registered-models/create', { name });
    const source = `runs:/${await newRun()}/model`;
    await api.call('POST', 'model-versions/create', { name: names[0], source });
    await api.call('POST', 'model-versions/create', { name: names[0], source });
    await api.call('POST', 'registered-models/alias', { name: names[0], alias: 'champion', version: '2' });
    const seen: Array<{ name: string; aliases?: Array<{ alias: string; version: string }> }> = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await api.call<{ registered_models?: typeof seen; next_page_token?: string }>('GET', 'registered-models/search', { filter: `name LIKE 'browse-${unique}-%'`, max_results: 2, ...(token ? { page_token: token } : {}) });
      seen.push(...(page.registered_models ?? []));
      token = page.next_page_token || undefined;
      pages++;
    } while (token && pages < 10);
    assert.deepEqual(seen.map((m) => m.name).sort(), [...names].sort());
    assert.ok(pages >= 2, 'paged by two');
    assert.deepEqual(seen.find((m) => m.name === names[0])?.aliases, [{ alias: 'champion', version: '2' }]);
    const versions = await api.call<{ model_versions?: Array<{ version: string; source: string }> }>('GET', 'model-versions/search', { filter: `name = '${(names[0] ?? '').replace(/'/g, "''")}'`, max_results: 100 });
    assert.deepEqual(versions.model_versions?.map((v) => v.version).sort(), ['1', '2']);
    assert.equal((await refusal(api.call('GET', 'registered-models/search', { max_results: 1001 }))).code, 'INVALID_PARAMETER_VALUE');
    assert.equal((await refusal(api.call('GET', 'registered-models/search', { max_results: 10, page_token: 'not-a-token' }))).code, 'INVALID_PARAMETER_VALUE');
  });

  it('runs/log-inputs: dataset inputs need name, digest, source type and source; one input per name and digest', async () => {
    const id = await newRun();
    const input = { dataset: { name: 'train.csv', digest: 'abc123', source_type: 'local', source: '{"uri":"/data/train.csv"}' }, tags: [{ key: 'mlflow.data.context', value: 'training' }] };
    await api.call('POST', 'runs/log-inputs', { run_id: id, datasets: [input] });
    await api.call('POST', 'runs/log-inputs', { run_id: id, datasets: [input] });
    const run = await runOf(api, id);
    assert.equal(run.inputs?.dataset_inputs?.length, 1);
    assert.equal((await refusal(api.call('POST', 'runs/log-inputs', { run_id: id, datasets: [{ dataset: { name: 'x' } }] }))).code, 'INVALID_PARAMETER_VALUE');
  });
});
