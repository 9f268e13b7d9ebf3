// Chunked uploads of a large sparse model, a registry killed mid-push, resume, retries and cancellation.
import * as assert from 'node:assert/strict';
import { closeSync, openSync, rmSync, writeSync, ftruncateSync, truncateSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pushModel } from '../../src/core/registry/push';
import { RegistryError } from '../../src/core/registry/errors';
import { parseOciTarget } from '../../src/core/registry/target';
import type { PushRequest } from '../../src/core/registry/types';
import { FaultProxy } from './faultProxy';
import { RegistryServer } from './registryServer';
import { TokenServer } from './tokenServer';
import { collectLog, fileSha256, sampleRun, skopeoInspect, tempDir } from './fixtures';

const MB = 1024 * 1024;

/** A sparse file of `size` bytes with a few non-zero marks, so content errors show up in the digest. */
function sparseModel(file: string, size: number): void {
  const fd = openSync(file, 'w');
  ftruncateSync(fd, size);
  for (const at of [0, Math.floor(size / 3), Math.floor(size / 2) + 7, size - 16]) writeSync(fd, Buffer.from(`mark@${at}`), 0, undefined, at);
  closeSync(fd);
}

function manifestStatus(host: string, repoTag: string): Promise<number> {
  const [repo, tag] = repoTag.split(':');
  return new Promise((resolve, reject) => {
    http.request({ host: host.split(':')[0], port: Number(host.split(':')[1]), method: 'HEAD', path: `/v2/${repo ?? ''}/manifests/${tag ?? ''}`, headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject).end();
  });
}

describe('OCI push resilience (real docker-registry)', () => {
  let registry: RegistryServer;
  let work: string;
  before(async () => {
    registry = await RegistryServer.start();
    work = tempDir('oci-resilience');
  });
  after(async () => {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const request = (host: string, modelPath: string, ref: string): PushRequest => ({
    run: sampleRun(), modelPath, artifactName: path.basename(modelPath),
    target: parseOciTarget(`oci://${host}/${ref}`), credentials: { kind: 'anonymous' },
  });

  it('survives the registry being killed and restarted in the middle of a 300 MB chunked push', async (t) => {
    const file = path.join(work, 'big.safetensors');
    sparseModel(file, 300 * MB);
    let killed = false;
    let restarted: Promise<void> | undefined;
    const { log, lines } = collectLog();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const result = await pushModel(request(registry.host, file, 'big/model:1'), {
      log,
      onProgress: (done, total) => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        if (!killed && done > total * 0.4) {
          killed = true;
          restarted = registry.kill().then(() => new Promise((r) => setTimeout(r, 300))).then(() => registry.launch());
        }
      },
    }, { oci: { chunkBytes: 16 * MB } });
    await restarted;
    t.diagnostic(lines.filter((l) => /Resuming|lost|retrying/.test(l)).join(' | '));
    assert.ok(killed, 'the registry was killed during the push');
    assert.ok(lines.some((l) => l.startsWith('warn:') && l.includes('retrying')), lines.join('\n'));
    const { manifest } = await skopeoInspect(registry.host, 'big/model:1');
    assert.equal(manifest.layers[0]?.digest, `sha256:${await fileSha256(file)}`);
    assert.equal(manifest.layers[0]?.size, 300 * MB);
    assert.equal(result.record.digest !== undefined, true);
    assert.ok(rssPeak - rssBefore < 100 * MB, `memory stays flat: +${Math.round((rssPeak - rssBefore) / MB)} MB`);
    rmSync(file);
  });

  it('resumes an interrupted chunked upload from the offset the registry reports', async () => {
    const file = path.join(work, 'mid.bin');
    sparseModel(file, 5 * MB + 123);
    let patches = 0;
    const proxy = await FaultProxy.start(registry.port, (req) => {
      if (req.method === 'PATCH' && ++patches === 3) return 'reset';
      return 'forward';
    });
    try {
      const { log, lines } = collectLog();
      await pushModel(request(proxy.host, file, 'mid/model:1'), { log }, { oci: { chunkBytes: MB, backoffMs: 20 } });
      const ranges = proxy.seen.filter((r) => r.method === 'PATCH').map((r) => r.contentRange);
      assert.deepEqual(ranges.slice(0, 4), [`0-${MB - 1}`, `${MB}-${2 * MB - 1}`, `${2 * MB}-${3 * MB - 1}`, `${2 * MB}-${3 * MB - 1}`], 'the dropped chunk is sent again, not the whole file');
      assert.ok(proxy.seen.some((r) => r.method === 'GET' && r.url.includes('/blobs/uploads/')), 'asked the registry where the upload stands');
      assert.ok(lines.some((l) => l.includes(`Resuming upload`) && l.includes(`at byte ${2 * MB}`)), lines.join('\n'));
      const { manifest } = await skopeoInspect(registry.host, 'mid/model:1');
      assert.equal(manifest.layers[0]?.digest, `sha256:${await fileSha256(file)}`);
    } finally {
      await proxy.stop();
    }
  });

  it('renews an access token that expires in the middle of a chunked upload and resumes', async () => {
    const file = path.join(work, 'token.bin');
    sparseModel(file, 4 * MB + 5);
    const tokens = await TokenServer.start(work, { username: 'ada', password: 'pw-token-secret', service: 'svc', issuer: 'iss' });
    let patches = 0;
    // The registry behind is anonymous; the proxy plays a token-auth registry whose token lapses at the second chunk.
    const proxy = await FaultProxy.start(registry.port, (req) => {
      if (req.url === '/v2/' && !req.headers.authorization) return { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED"}]}', headers: { 'WWW-Authenticate': `Bearer realm="${tokens.realm}",service="svc"` } };
      if (req.method === 'PATCH' && ++patches === 2) return { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED"}]}', headers: { 'WWW-Authenticate': `Bearer realm="${tokens.realm}",service="svc",scope="repository:tok/model:pull,push",error="invalid_token"` } };
      return 'forward';
    });
    try {
      const { log, lines } = collectLog();
      await pushModel({ ...request(proxy.host, file, 'tok/model:1'), credentials: { kind: 'basic', username: 'ada', password: 'pw-token-secret' } }, { log }, { oci: { chunkBytes: MB, backoffMs: 10 } });
      assert.equal(tokens.requests.filter((r) => r.authorized).length, 2, 'a second token was fetched');
      assert.ok(lines.some((l) => l.includes('access token expired and was renewed')), lines.join('\n'));
      const ranges = proxy.seen.filter((r) => r.method === 'PATCH').map((r) => r.contentRange);
      assert.equal(ranges[2], `${MB}-${2 * MB - 1}`, 'the refused chunk is sent again after renewal');
      const { manifest } = await skopeoInspect(registry.host, 'tok/model:1');
      assert.equal(manifest.layers[0]?.digest, `sha256:${await fileSha256(file)}`);
    } finally {
      await proxy.stop();
      await tokens.stop();
    }
  });

  it('retries a 503 with backoff but not a 400', async () => {
    const file = path.join(work, 'small.bin');
    sparseModel(file, 4096);
    let manifestPuts = 0;
    const flaky = await FaultProxy.start(registry.port, (req) => {
      if (req.method === 'PUT' && req.url?.includes('/manifests/') && ++manifestPuts === 1) return { status: 503, body: '{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}' };
      return 'forward';
    });
    try {
      await pushModel(request(flaky.host, file, 'flaky/model:1'), {}, { oci: { backoffMs: 20 } });
      assert.equal(flaky.seen.filter((r) => r.method === 'PUT' && r.url.includes('/manifests/')).length, 2);
      assert.equal(await manifestStatus(registry.host, 'flaky/model:1'), 200);
    } finally {
      await flaky.stop();
    }
    const strict = await FaultProxy.start(registry.port, (req) => (req.method === 'PUT' && req.url?.includes('/manifests/')
      ? { status: 400, body: '{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid"}]}' } : 'forward'));
    try {
      await assert.rejects(pushModel(request(strict.host, file, 'strict/model:1'), {}, { oci: { backoffMs: 20 } }), (err: unknown) => {
        assert.ok(err instanceof RegistryError);
        assert.equal(err.code, 'rejected');
        assert.match(err.message, new RegExp(`Registry ${strict.host.replace(/\./g, '\\.')} refused.*MANIFEST_INVALID`));
        return true;
      });
      assert.equal(strict.seen.filter((r) => r.method === 'PUT' && r.url.includes('/manifests/')).length, 1, 'a 4xx is not retried');
    } finally {
      await strict.stop();
    }
  });

  it('stops with a clear message when the model file shrinks while it is sent', async () => {
    for (const [label, options] of [['monolithic', { monolithicMaxBytes: 64 * MB }], ['chunked', { chunkBytes: 4 * MB }]] as const) {
      const file = path.join(work, `shrinks-${label}.bin`);
      sparseModel(file, 40 * MB);
      let cut = false;
      await assert.rejects(pushModel(request(registry.host, file, `shrink/${label}:1`), {
        onProgress: (done) => { if (!cut && done > 0) { cut = true; truncateSync(file, 10 * MB); } },
      }, { oci: options }), (err: unknown) => {
        assert.ok(err instanceof RegistryError, String(err));
        assert.equal(err.code, 'input', err.message);
        assert.match(err.message, /changed while it was being sent/);
        return true;
      }, label);
      assert.equal(await manifestStatus(registry.host, `shrink/${label}:1`), 404);
    }
  });

  it('cancels through an AbortSignal without writing a manifest', async () => {
    const file = path.join(work, 'cancel.bin');
    sparseModel(file, 40 * MB);
    const controller = new AbortController();
    await assert.rejects(pushModel(request(registry.host, file, 'cancel/model:1'), {
      signal: controller.signal,
      onProgress: (done, total) => { if (done > total * 0.3) controller.abort(); },
    }, { oci: { chunkBytes: 4 * MB } }), (err: unknown) => {
      assert.ok(err instanceof RegistryError);
      assert.equal(err.code, 'cancelled');
      assert.match(err.message, /cancelled; nothing was recorded/);
      return true;
    });
    assert.equal(await manifestStatus(registry.host, 'cancel/model:1'), 404);
    rmSync(file);
  });
});
