// A remote run's artifacts (src/core/remote/remoteArtifacts.ts) against the stand-in, on the real protocol's paths:
// listed a folder at a time (GET api/2.0/mlflow/artifacts/list), one fetched through the artifact proxy
// (GET api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<path>) with the server's login, and refused when the
// run's artifacts are not served by that server or the path leaves the run.
import * as assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { RegistryError } from '../../src/core/registry/errors';
import { artifactCacheFile, checkArtifactPath, fetchRemoteArtifact, listRemoteArtifacts, proxiedArtifactPath } from '../../src/core/remote/remoteArtifacts';
import { SyncApi } from '../../src/core/sync/syncApi';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { seedExperiment, seedRuns } from '../fixtures/mlflow/seedRuns';

describe('remote run artifacts', () => {
  let server: MlflowStandIn;
  const login = { kind: 'basic' as const, username: 'ada', password: 'pw' };
  beforeEach(async () => { server = await MlflowStandIn.start({ auth: { kind: 'basic', username: 'ada', password: 'pw' } }); });
  afterEach(async () => { await server.stop(); });

  it('lists a run\'s artifacts folder by folder and fetches one through the proxy with the server\'s login', async () => {
    const exp = seedExperiment(server, 'art');
    const [runId] = seedRuns(server, exp, [{ name: 'with-files' }]);
    assert.ok(runId);
    const root = `${exp}/${runId}/artifacts`;
    server.artifacts.set(`${root}/metrics.txt`, Buffer.from('loss 0.1\n'));
    server.artifacts.set(`${root}/model/MLmodel`, Buffer.from('flavors: {}\n'));
    server.artifacts.set(`${root}/model/weights.bin`, Buffer.alloc(2048, 7));
    const api = new SyncApi(server.uri, { credentials: login, retry: { budgetMs: 0 } });
    const call = <T>(m: 'GET' | 'POST', e: string, p?: Record<string, unknown>): Promise<T> => api.call<T>(m, e, p);

    const top = await listRemoteArtifacts(call, runId);
    assert.equal(top.rootUri, `mlflow-artifacts:/${root}`);
    assert.deepEqual(top.files, [{ path: 'model', isDir: true }, { path: 'metrics.txt', isDir: false, size: 9 }]);
    const model = await listRemoteArtifacts(call, runId, 'model');
    assert.deepEqual(model.files.map((f) => [f.path, f.size]), [['model/MLmodel', 12], ['model/weights.bin', 2048]]);

    const bytes = await api.getArtifact(proxiedArtifactPath(server.uri, top.rootUri, 'model/weights.bin'), 1 << 20);
    assert.equal(bytes.length, 2048);
    assert.ok(bytes.every((b) => b === 7));
    const calls = server.calls.map((c) => `${c.method} ${c.path} ${c.status}`);
    assert.ok(calls.includes(`GET /api/2.0/mlflow/artifacts/list 200`));
    assert.ok(calls.includes(`GET /api/2.0/mlflow-artifacts/artifacts/${root}/model/weights.bin 200`), calls.join('\n'));

    // Too large for what the caller takes, missing, or without the login: clear errors.
    await assert.rejects(api.getArtifact(proxiedArtifactPath(server.uri, top.rootUri, 'model/weights.bin'), 1000), /1000|large|exceed/i);
    await assert.rejects(api.getArtifact(proxiedArtifactPath(server.uri, top.rootUri, 'nope.txt'), 1000), (err: unknown) => err instanceof RegistryError && err.status === 404);
    const anonymous = new SyncApi(server.uri, { credentials: { kind: 'anonymous' }, retry: { budgetMs: 0 } });
    await assert.rejects(anonymous.getArtifact(proxiedArtifactPath(server.uri, top.rootUri, 'metrics.txt'), 1000), (err: unknown) => err instanceof RegistryError && err.status === 401);
  });

  it('fetches only what this server proxies, and only paths inside the run', async () => {
    const exp = seedExperiment(server, 'art2');
    const [runId] = seedRuns(server, exp, [{ name: 'r' }]);
    const api = new SyncApi(server.uri, { credentials: login, retry: { budgetMs: 0 } });
    await assert.rejects(api.call('GET', 'artifacts/list', { run_id: runId, path: '../other' }), (err: unknown) => err instanceof RegistryError && err.status === 400, 'the stand-in refuses .. as MLflow does');
    assert.throws(() => proxiedArtifactPath(server.uri, 's3://bucket/1/r/artifacts', 'model.pkl'), /stored at s3:\/\/bucket\/1\/r\/artifacts, not served by MLflow server/);
    assert.throws(() => proxiedArtifactPath(server.uri, 'mlflow-artifacts://elsewhere.example:5000/1/r/artifacts', 'a.txt'), /not served by MLflow server/);
    assert.equal(proxiedArtifactPath(server.uri, `mlflow-artifacts://${new URL(server.uri).host}/1/r/artifacts/`, 'a/b.txt'), '1/r/artifacts/a/b.txt');
    assert.throws(() => checkArtifactPath('model/../../secrets'), /not a path inside the run/);
    await assert.rejects(listRemoteArtifacts(<T>() => Promise.resolve({} as T), 'r', '../x'), /not a path inside the run/);
  });

  it('fetches one artifact after checking the listing: missing, a folder or too large are refused before any download', async () => {
    const exp = seedExperiment(server, 'art3');
    const [runId] = seedRuns(server, exp, [{ name: 'r' }]);
    assert.ok(runId);
    const root = `${exp}/${runId}/artifacts`;
    server.artifacts.set(`${root}/plots/loss.svg`, Buffer.from('<svg/>'));
    server.artifacts.set(`${root}/big.bin`, Buffer.alloc(5000));
    const api = new SyncApi(server.uri, { credentials: login, retry: { budgetMs: 0 } });
    const call = <T>(m: 'GET' | 'POST', e: string, p?: Record<string, unknown>): Promise<T> => api.call<T>(m, e, p);
    const get = (p: string, max: number): Promise<Buffer> => api.getArtifact(p, max);

    const got = await fetchRemoteArtifact(call, get, server.uri, runId, 'plots/loss.svg', 1000);
    assert.equal(got.bytes.toString(), '<svg/>');
    assert.deepEqual(got.entry, { path: 'plots/loss.svg', isDir: false, size: 6 });
    const fetches = (): number => server.calls.filter((c) => c.path.startsWith('/api/2.0/mlflow-artifacts/')).length;
    assert.equal(fetches(), 1);
    await assert.rejects(fetchRemoteArtifact(call, get, server.uri, runId, 'plots/none.svg', 1000), /has no artifact "plots\/none\.svg"/);
    await assert.rejects(fetchRemoteArtifact(call, get, server.uri, runId, 'plots', 1000), /"plots" is a folder/);
    await assert.rejects(fetchRemoteArtifact(call, get, server.uri, runId, 'big.bin', 1000), /"big\.bin" is 5000 bytes, more than the 1000 bytes/);
    assert.equal(fetches(), 1, 'nothing fetched for what the listing refused');
  });

  it('keeps an opened artifact under .trialbook/remote/artifacts/<run>/, never outside it', () => {
    const tb = resolve('/tmp/ws/.trialbook');
    assert.equal(artifactCacheFile(tb, 'mlflowsrv-r1-abc', 'model/MLmodel'), join(tb, 'remote', 'artifacts', 'mlflowsrv-r1-abc', 'model', 'MLmodel'));
    assert.throws(() => artifactCacheFile(tb, 'mlflowsrv-r1-abc', '../../x'), /not a path inside the run/);
    assert.throws(() => artifactCacheFile(tb, '..', 'x'), /not a run id/);
    assert.throws(() => artifactCacheFile(tb, 'a/b', 'x'), /not a run id/);
    assert.throws(() => artifactCacheFile(tb, 'r', ''), /not a path inside the run/);
  });
});
