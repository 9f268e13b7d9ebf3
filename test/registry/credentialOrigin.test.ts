// Credentials go only to the origin (scheme, host, port) they were given for. A registry may hand uploads to
// another server (a storage backend with signed URLs) or redirect reads there: that server gets no
// Authorization, and when it asks for credentials the push stops with a message instead of sending them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryError } from '../../src/core/registry/errors';
import { pushModel, verifyModel } from '../../src/core/registry/push';
import { parseMlflowTarget, parseOciTarget } from '../../src/core/registry/target';
import type { Credentials, PushRequest } from '../../src/core/registry/types';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { RegistryServer } from './registryServer';
import { RelayServer } from './relayServer';
import { fileSha256, sampleRun, skopeoInspect, tempDir } from './fixtures';

const PASSWORD = 'origin-pa55-secret';
const BASIC = `Basic ${Buffer.from(`ada:${PASSWORD}`).toString('base64')}`;
const CREDS: Credentials = { kind: 'basic', username: 'ada', password: PASSWORD };

/** Points `Location` headers of upload sessions at `to` (another port of 127.0.0.1). */
function uploadsTo(to: () => string): (req: http.IncomingMessage, status: number, headers: http.IncomingHttpHeaders) => { status: number; headers: http.IncomingHttpHeaders } {
  return (_req, status, headers) => {
    const loc = headers['location'];
    if (typeof loc === 'string' && loc.includes('/blobs/uploads/')) {
      const u = new URL(loc, 'http://placeholder');
      return { status, headers: { ...headers, location: `http://${to()}${u.pathname}${u.search}` } };
    }
    return { status, headers };
  };
}

function assertNoCredentials(relay: RelayServer, what: string): void {
  const leaked = relay.seen.filter((r) => r.authorization !== undefined);
  assert.deepEqual(leaked.map((r) => `${r.method} ${r.url.slice(0, 60)}: ${r.authorization?.slice(0, 12) ?? ''}…`), [], `${what} never receives Authorization`);
}

describe('credentials stay with their origin', () => {
  let work: string;
  let file: string;
  let registry: RegistryServer;
  before(async () => {
    work = tempDir('origin');
    file = path.join(work, 'weights.bin');
    writeFileSync(file, Buffer.alloc(200_000, 5));
    const htpasswd = path.join(work, 'htpasswd');
    execFileSync('htpasswd', ['-Bbc', htpasswd, 'ada', PASSWORD], { stdio: 'ignore' });
    registry = await RegistryServer.start({ kind: 'htpasswd', htpasswdPath: htpasswd });
  });
  after(async () => {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const req = (host: string, ref: string): PushRequest => ({ run: sampleRun(), modelPath: file, artifactName: 'weights.bin', target: parseOciTarget(`oci://${host}/${ref}`), credentials: CREDS });

  for (const mode of ['monolithic', 'chunked'] as const) {
    it(`uploads to a storage server on another origin without sending it the password (${mode})`, async () => {
      // The storage server trusts the upload URL it issued (as a signed URL is trusted): it adds its own authorization upstream.
      const storage = await RelayServer.start(registry.port, { addHeaders: { authorization: BASIC } });
      const front = await RelayServer.start(registry.port, { rewrite: uploadsTo(() => storage.host) });
      try {
        const options = mode === 'chunked' ? { oci: { monolithicMaxBytes: 1024, chunkBytes: 64 * 1024 } } : {};
        const result = await pushModel(req(front.host, `origin/${mode}:1`), {}, options);
        assert.ok(storage.seen.some((r) => r.method === (mode === 'chunked' ? 'PATCH' : 'PUT')), `the blob went through the other origin: ${JSON.stringify(storage.seen.map((r) => r.method))}`);
        assertNoCredentials(storage, 'the storage server');
        assert.ok(front.seen.some((r) => r.authorization === BASIC), 'the registry itself does get the credentials');
        const { manifest } = await skopeoInspect(registry.host, `origin/${mode}:1`, `ada:${PASSWORD}`);
        assert.equal(manifest.layers[0]?.digest, `sha256:${await fileSha256(file)}`);
        assert.match(result.record.reference, new RegExp(`^${front.host.replace(/\./g, '\\.')}/origin/${mode}:1@sha256:`));
      } finally {
        await front.stop();
        await storage.stop();
      }
    });
  }

  it('stops with a clear message when the other origin asks for credentials, and never sends them there or to its token realm', async () => {
    const realm = await RelayServer.start(undefined, { answer: () => ({ status: 200, body: '{"token":"stolen"}' }) });
    const storage = await RelayServer.start(undefined, {
      answer: () => ({ status: 401, headers: { 'WWW-Authenticate': `Bearer realm="http://${realm.host}/token",service="evil"` }, body: '{"errors":[{"code":"UNAUTHORIZED","message":"auth required"}]}' }),
    });
    const front = await RelayServer.start(registry.port, { rewrite: uploadsTo(() => storage.host) });
    try {
      await assert.rejects(pushModel(req(front.host, 'origin/refused:1')), (err: unknown) => {
        assert.ok(err instanceof RegistryError, String(err));
        assert.equal(err.code, 'auth');
        assert.match(err.message, new RegExp(`${storage.host.replace(/\./g, '\\.')}.*another server than the registry ${front.host.replace(/\./g, '\\.')}.*asked for credentials`));
        assert.ok(!err.message.includes(PASSWORD));
        return true;
      });
      assert.ok(storage.seen.length > 0, 'the upload went to the other origin');
      assertNoCredentials(storage, 'the other origin');
      assert.deepEqual(realm.seen, [], 'a realm named by another origin is never asked for a token');
    } finally {
      await front.stop();
      await storage.stop();
      await realm.stop();
    }
  });

  it('follows a redirect of a blob check to another origin without credentials', async () => {
    const storage = await RelayServer.start(registry.port, { addHeaders: { authorization: BASIC } });
    // As a registry with a redirecting storage driver does (S3, GCS): existing blobs answer 307 to the backend.
    const front = await RelayServer.start(registry.port, {
      rewrite: (r, status, headers) => (status === 200 && (r.method === 'HEAD' || r.method === 'GET') && /\/blobs\/sha256:/.test(r.url ?? '')
        ? { status: 307, headers: { location: `http://${storage.host}${r.url ?? ''}`, 'content-length': '0' } }
        : { status, headers }),
    });
    try {
      await pushModel(req(front.host, 'origin/redirect:1'));
      const again = await pushModel(req(front.host, 'origin/redirect:1'));
      assert.equal(again.upToDate, true, 'the redirected checks found every blob');
      assert.ok(storage.seen.some((r) => r.method === 'HEAD'), 'the blob check followed the redirect');
      assertNoCredentials(storage, 'the redirect target');
      const verified = await verifyModel(req(front.host, 'origin/redirect:1'));
      assert.equal(verified.matches, true);
    } finally {
      await front.stop();
      await storage.stop();
    }
  });

  it('MLflow: a redirect to another origin is not followed; the message names it', async () => {
    const mlflow = await MlflowStandIn.start({ auth: { kind: 'basic', username: 'ada', password: PASSWORD } });
    const elsewhere = await RelayServer.start(undefined, { answer: () => ({ status: 200, body: '{}' }) });
    const front = await RelayServer.start(Number(new URL(mlflow.uri).port), {
      answer: (r) => (r.method === 'PUT' && (r.url ?? '').includes('/mlflow-artifacts/') ? { status: 307, headers: { Location: `http://${elsewhere.host}${r.url ?? ''}` } } : undefined),
    });
    try {
      const target = parseMlflowTarget(`mlflow+http://${front.host}/origin-model`);
      await assert.rejects(pushModel({ run: sampleRun(), modelPath: file, artifactName: 'weights.bin', target, credentials: CREDS }), (err: unknown) => {
        assert.ok(err instanceof RegistryError, String(err));
        assert.match(err.message, new RegExp(`redirect.*${elsewhere.host.replace(/\./g, '\\.')}`, 'i'));
        assert.ok(!err.message.includes(PASSWORD));
        return true;
      });
      assert.deepEqual(elsewhere.seen, [], 'the other origin is never contacted');
    } finally {
      await front.stop();
      await elsewhere.stop();
      await mlflow.stop();
    }
  });
});
