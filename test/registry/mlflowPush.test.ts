// MLflow pushes against the stand-in server (test/fixtures/mlflow), or a real MLflow server when
// TRIALBOOK_TEST_MLFLOW_URI is set (then the same assertions run against it).
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryError } from '../../src/core/registry/errors';
import { MlflowApiError, MlflowClient } from '../../src/core/registry/mlflowClient';
import { BATCH_LIMITS, batches, mlflowKey, type MlflowMetric } from '../../src/core/registry/mlflowPush';
import { planPush, pushModel } from '../../src/core/registry/push';
import { parseMlflowTarget } from '../../src/core/registry/target';
import type { Credentials, PushRequest } from '../../src/core/registry/types';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { makeModelFolder, sampleRun, tempDir } from './fixtures';

const REAL = process.env['TRIALBOOK_TEST_MLFLOW_URI'];
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function envCredentials(): Credentials {
  const token = process.env['MLFLOW_TRACKING_TOKEN'];
  if (token) return { kind: 'token', token };
  const username = process.env['MLFLOW_TRACKING_USERNAME'];
  const password = process.env['MLFLOW_TRACKING_PASSWORD'];
  return username && password !== undefined ? { kind: 'basic', username, password } : { kind: 'anonymous' };
}

function target(uri: string, model: string): ReturnType<typeof parseMlflowTarget> {
  const u = new URL(uri);
  return parseMlflowTarget(`mlflow+${u.protocol.replace(':', '')}://${u.host}${u.pathname.replace(/\/$/, '')}/${model}`);
}

describe(`MLflow push (${REAL ? `real server ${REAL}` : 'stand-in server'})`, () => {
  let server: MlflowStandIn | undefined;
  let uri: string;
  let work: string;
  let client: MlflowClient;
  const credentials = REAL ? envCredentials() : { kind: 'anonymous' as const };
  before(async () => {
    if (REAL) uri = REAL.replace(/\/$/, '');
    else { server = await MlflowStandIn.start({ registrationDelayMs: 400 }); uri = server.uri; }
    work = tempDir('mlflow');
    client = new MlflowClient(uri, credentials);
  });
  after(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const request = (modelPath: string, model: string, extra: Partial<PushRequest> = {}): PushRequest => ({
    run: sampleRun({ experiment: `trialbook-test-${unique}` }), modelPath, artifactName: 'model', target: target(uri, model), credentials, user: 'ada', ...extra,
  });

  it('mirrors the run, uploads the files with an MLmodel, registers a READY version and sets the alias', async () => {
    const model = makeModelFolder(work);
    const name = `churn-${unique}`;
    const progress: number[] = [];
    const result = await pushModel(request(model, name, { alias: 'staging', description: 'first' }), { onProgress: (d, t) => { if (d === t) progress.push(d); } }, { mlflowPollMs: 50 });
    assert.equal(result.record.reference, `models:/${name}/1`);
    assert.equal(result.record.version, '1');
    assert.equal(result.record.registry, `mlflow:${uri}`);
    assert.ok(progress.length > 0);

    const mv = await client.call<{ model_version: { status: string; source: string; run_id: string; tags?: { key: string; value: string }[] } }>('GET', 'model-versions/get', { name, version: '1' });
    assert.equal(mv.model_version.status, 'READY', 'the push waited for PENDING_REGISTRATION to end');
    const runId = mv.model_version.run_id;
    assert.equal(mv.model_version.source, `runs:/${runId}/model`);
    assert.ok(mv.model_version.tags?.some((t) => t.key === 'trialbook.run_id' && t.value === sampleRun().id));

    const got = await client.call<{ run: { info: { status: string; artifact_uri: string; run_name: string }; data: { params?: { key: string; value: string }[]; metrics?: { key: string; value: number }[]; tags?: { key: string; value: string }[] } } }>('GET', 'runs/get', { run_id: runId });
    assert.equal(got.run.info.status, 'FINISHED');
    assert.equal(got.run.info.run_name, 'lr-0.01');
    const params = Object.fromEntries((got.run.data.params ?? []).map((p) => [p.key, p.value]));
    assert.deepEqual(params, { lr: '0.01', epochs: '10', optimizer: 'adam' });
    const metrics = Object.fromEntries((got.run.data.metrics ?? []).map((m) => [m.key, m.value]));
    assert.deepEqual(metrics, { 'val/loss': 0.25, accuracy: 0.91 });
    const tags = Object.fromEntries((got.run.data.tags ?? []).map((t) => [t.key, t.value]));
    assert.equal(tags['trialbook.run_id'], sampleRun().id);
    assert.equal(tags['mlflow.source.git.commit'], '0c1f2e3d4c5b6a7988776655443322110fedcba9');
    assert.equal(tags['mlflow.source.git.repoURL'], 'https://example.com/team/repo.git');

    const root = got.run.info.artifact_uri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\//, '');
    const fetchArtifact = async (p: string): Promise<Buffer> => {
      const res = await fetch(`${uri}/api/2.0/mlflow-artifacts/artifacts/${root}/${p}`, { headers: credentials.kind === 'basic' ? { Authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` } : credentials.kind === 'token' ? { Authorization: `Bearer ${credentials.token}` } : {} });
      assert.equal(res.status, 200, p);
      return Buffer.from(await res.arrayBuffer());
    };
    assert.deepEqual(await fetchArtifact('model/model.safetensors'), readFileSync(path.join(model, 'model.safetensors')));
    assert.deepEqual(await fetchArtifact('model/tokenizer/vocab.txt'), readFileSync(path.join(model, 'tokenizer', 'vocab.txt')));
    const mlmodel = (await fetchArtifact('model/MLmodel')).toString('utf8');
    assert.match(mlmodel, /^artifact_path: model$/m);
    assert.match(mlmodel, /^model_uuid: [0-9a-f]{32}$/m);
    assert.match(mlmodel, new RegExp(`^run_id: ${runId}$`, 'm'));
    assert.match(mlmodel, /^utc_time_created: '2026-11-27 02:50:00\.000'$/m);

    const rm = await client.call<{ registered_model: { aliases?: { alias: string; version: string }[] } }>('GET', 'registered-models/get', { name });
    assert.deepEqual(rm.registered_model.aliases, [{ alias: 'staging', version: '1' }]);

    // The same files from the same run again: that version is the answer, nothing is uploaded, the alias moves.
    const runsBefore = REAL ? 0 : server!.runs.size;
    const again = await pushModel(request(model, name, { alias: 'champion' }), {}, { mlflowPollMs: 50 });
    assert.equal(again.upToDate, true);
    assert.equal(again.uploadedBytes, 0);
    assert.equal(again.record.reference, `models:/${name}/1`);
    if (!REAL) assert.equal(server!.runs.size, runsBefore, 'no new MLflow run');
    const aliases = await client.call<{ registered_model: { aliases?: { alias: string; version: string }[] } }>('GET', 'registered-models/get', { name });
    assert.deepEqual(aliases.registered_model.aliases?.find((a) => a.alias === 'champion'), { alias: 'champion', version: '1' });

    // Other files (a retrained model) make a new version of the existing registered model.
    const other = makeModelFolder(path.join(work, 'retrained'), 'b');
    const second = await pushModel(request(other, name), {}, { mlflowPollMs: 50 });
    assert.equal(second.upToDate, false);
    assert.equal(second.record.reference, `models:/${name}/2`, 'an existing registered model gets a new version');
  });

  it('logs every point of each metric\'s history (steps, wall times, NaN), and MLflow reports the last as latest', async () => {
    const model = makeModelFolder(work, 'h');
    const name = `history-${unique}`;
    const t0 = Date.UTC(2026, 10, 27, 2, 40, 13);
    const n = 2_345;
    const loss = { steps: Array.from({ length: n }, (_, i) => i * 2), times: Array.from({ length: n }, (_, i) => t0 + i * 250), values: Array.from({ length: n }, (_, i) => (i === 100 ? NaN : 1 / (i + 1))) };
    const accuracy = { steps: [0, 5, 9], times: [t0, t0 + 5000, t0 + 9000], values: [0.5, 0.8, 0.91] };
    const run = sampleRun({ experiment: `trialbook-test-${unique}`, metrics: {
      'val/loss': { last: loss.values[n - 1]!, min: 0, max: 1, count: n, lastStep: loss.steps[n - 1]! },
      accuracy: { last: 0.91, min: 0.5, max: 0.91, count: 3, lastStep: 9 },
    } });
    const logged: string[] = [];
    const res = await pushModel(request(model, name, { run, history: (key) => (key === 'val/loss' ? loss : key === 'accuracy' ? accuracy : undefined) }),
      { log: { info: (m) => logged.push(m), warn: () => undefined } }, { mlflowPollMs: 50 });
    const mv = await client.call<{ model_version: { run_id: string } }>('GET', 'model-versions/get', { name, version: res.record.version });
    const history = async (key: string): Promise<{ value: number | string; timestamp: number; step: number }[]> => {
      const out: { value: number | string; timestamp: number; step: number }[] = [];
      let token: string | undefined;
      do {
        const page = await client.call<{ metrics?: { value: number | string; timestamp: number; step: number }[]; next_page_token?: string }>('GET', 'metrics/get-history',
          { run_id: mv.model_version.run_id, metric_key: key, max_results: '1000', ...(token ? { page_token: token } : {}) });
        out.push(...(page.metrics ?? []));
        token = page.next_page_token;
      } while (token);
      return out.sort((a, b) => a.step - b.step);
    };
    const got = await history('val/loss');
    assert.equal(got.length, n, 'every point of the loss');
    assert.deepEqual(got.map((p) => p.step), loss.steps);
    assert.deepEqual(got.map((p) => p.timestamp), loss.times);
    assert.equal(got[100]?.value, 'NaN');
    assert.equal(got[n - 1]?.value, 1 / n);
    assert.deepEqual((await history('accuracy')).map((p) => [p.step, p.value]), [[0, 0.5], [5, 0.8], [9, 0.91]]);
    const latest = await client.call<{ run: { data: { metrics?: { key: string; value: number; step: number }[] } } }>('GET', 'runs/get', { run_id: mv.model_version.run_id });
    assert.deepEqual(Object.fromEntries((latest.run.data.metrics ?? []).map((m) => [m.key, [m.step, m.value]])), { 'val/loss': [loss.steps[n - 1], 1 / n], accuracy: [9, 0.91] });
    assert.ok(logged.some((m) => m.includes(`Logged ${n + 3} metric points`)), logged.join('\n'));
  });

  it('chunks params, metrics and tags into log-batch requests within the limits, with keys MLflow accepts', async () => {
    const params: Record<string, number> = {};
    for (let i = 0; i < 150; i++) params[`layer.${i}.width (px)`] = i;
    const metrics: Record<string, { last: number; min: number; max: number; count: number; lastStep: number }> = {};
    for (let i = 0; i < 1200; i++) metrics[`m/${i}`] = { last: i === 0 ? NaN : i / 10, min: 0, max: i, count: 1, lastStep: i };
    const file = path.join(work, 'w.pt');
    writeFileSync(file, 'weights');
    const res = await pushModel(request(file, `wide-${unique}`, { run: sampleRun({ experiment: `trialbook-test-${unique}`, params, metrics }) }), {}, { mlflowPollMs: 50 });
    const mv = await client.call<{ model_version: { run_id: string } }>('GET', 'model-versions/get', { name: `wide-${unique}`, version: res.record.version ?? '' });
    const got = await client.call<{ run: { data: { params?: { key: string; value: string }[]; metrics?: { key: string }[] } } }>('GET', 'runs/get', { run_id: mv.model_version.run_id });
    assert.equal(got.run.data.params?.length, 150);
    assert.ok(got.run.data.params?.some((p) => p.key === 'layer.7.width _px_' && p.value === '7'));
    assert.equal(got.run.data.metrics?.length, 1200);
    if (server) {
      const batchCalls = server.calls.filter((c) => c.path.endsWith('runs/log-batch') && c.status === 200).length;
      assert.ok(batchCalls >= 3, `split into several requests: ${batchCalls}`);
    }
  });

  it('the server rules the client relies on: immutable params and model version sources', async () => {
    const exp = await client.call<{ experiment_id: string }>('POST', 'experiments/create', { name: `rules-${unique}` });
    const run = await client.call<{ run: { info: { run_id: string } } }>('POST', 'runs/create', { experiment_id: exp.experiment_id, start_time: Date.now() });
    const runId = run.run.info.run_id;
    await client.call('POST', 'runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.1' }] });
    await client.call('POST', 'runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.1' }] });
    await assert.rejects(client.call('POST', 'runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.2' }] }), (err: unknown) => {
      assert.ok(err instanceof MlflowApiError);
      assert.equal(err.errorCode, 'INVALID_PARAMETER_VALUE');
      assert.match(err.message, new RegExp(`MLflow server ${uri.replace(/[.:/]/g, '\\$&')} refused runs/log-batch: INVALID_PARAMETER_VALUE`));
      return true;
    });
    await client.call('POST', 'registered-models/create', { name: `rules-${unique}` });
    for (const source of ['/etc/passwd', `runs:/${runId}/../../secrets`]) {
      await assert.rejects(client.call('POST', 'model-versions/create', { name: `rules-${unique}`, source }), (err: unknown) => err instanceof MlflowApiError && err.errorCode === 'INVALID_PARAMETER_VALUE');
    }
    const tooMany = Array.from({ length: BATCH_LIMITS.params + 1 }, (_, i) => ({ key: `p${i}`, value: '1' }));
    await assert.rejects(client.call('POST', 'runs/log-batch', { run_id: runId, params: tooMany }), (err: unknown) => err instanceof MlflowApiError && err.errorCode === 'INVALID_PARAMETER_VALUE');
  });

  it('rejects a reserved alias before sending anything, and plans the files that will go', async () => {
    const file = path.join(work, 'plan.onnx');
    writeFileSync(file, 'onnx');
    await assert.rejects(pushModel(request(file, `x-${unique}`, { alias: 'latest' })), /reserves the alias "latest"/);
    await assert.rejects(pushModel(request(file, `x-${unique}`, { alias: 'v3' })), /reserves the alias "v3"/);
    const plan = await planPush(request(file, `x-${unique}`));
    assert.deepEqual(plan.files.map((f) => [f.filepath, f.size]), [['model/plan.onnx', 4]]);
    assert.equal(plan.lineage['trialbook.run_id'], sampleRun().id);
  });
});

describe('MLflow auth and errors (stand-in server)', () => {
  let work: string;
  let file: string;
  before(() => {
    work = tempDir('mlflow-auth');
    file = path.join(work, 'w.pt');
    writeFileSync(file, 'weights');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const req = (uri: string, credentials: Credentials): PushRequest => ({ run: sampleRun(), modelPath: file, artifactName: 'w.pt', target: target(uri, 'authed'), credentials });

  for (const auth of [{ kind: 'basic', username: 'ada', password: 'mlflow-secret-1' }, { kind: 'token', token: 'mlflow-token-secret-2' }] as const) {
    it(`${auth.kind}: pushes with the right credentials, fails clearly with wrong ones`, async () => {
      const server = await MlflowStandIn.start({ auth, registrationDelayMs: 50 });
      try {
        const ok = await pushModel(req(server.uri, auth), {}, { mlflowPollMs: 20 });
        assert.equal(ok.record.reference, 'models:/authed/1');
        const wrong: Credentials = auth.kind === 'basic' ? { ...auth, password: 'nope-wrong-pw' } : { kind: 'token', token: 'nope-wrong-token' };
        await assert.rejects(pushModel(req(server.uri, wrong)), (err: unknown) => {
          assert.ok(err instanceof RegistryError);
          assert.equal(err.code, 'auth');
          assert.match(err.message, new RegExp(`MLflow server ${server.uri.replace(/[.:/]/g, '\\$&')} rejected the credentials.*MLFLOW_TRACKING_TOKEN`));
          assert.ok(!/nope-wrong|mlflow-secret|token-secret/.test(err.message));
          return true;
        });
        assert.equal(server.models.get('authed')?.versions.length, 1, 'the failed push registered nothing');
      } finally {
        await server.stop();
      }
    });
  }

  it('keys and batches: pure rules', () => {
    assert.equal(mlflowKey('val loss (%)'), 'val loss ___');
    assert.equal(mlflowKey('a/../b'), 'a/__/b');
    assert.equal(mlflowKey('x'.repeat(300)).length, 250);
    const metrics: MlflowMetric[] = Array.from({ length: 2500 }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 1, step: 0 }));
    const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: 'v'.repeat(5000) }));
    const out = batches(metrics, params, []);
    for (const b of out) {
      assert.ok(b.metrics.length <= 1000 && b.params.length <= 100 && b.metrics.length + b.params.length + b.tags.length <= 1000);
      assert.ok(Buffer.byteLength(JSON.stringify({ run_id: 'x'.repeat(32), ...b })) <= BATCH_LIMITS.bytes);
    }
    assert.equal(out.reduce((n, b) => n + b.metrics.length, 0), 2500);
    assert.equal(out.reduce((n, b) => n + b.params.length, 0), 250);
  });
});
