// Basic (htpasswd) and Bearer token auth against real docker-registry instances, and wrong credentials.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryError } from '../../src/core/registry/errors';
import { RegistryAuth } from '../../src/core/registry/ociAuth';
import { pushModel } from '../../src/core/registry/push';
import { parseOciTarget } from '../../src/core/registry/target';
import type { Credentials, PushRequest } from '../../src/core/registry/types';
import { RegistryServer } from './registryServer';
import { TokenServer } from './tokenServer';
import { collectLog, fileSha256, sampleRun, skopeoInspect, tempDir } from './fixtures';

const PASSWORD = 'pa55-w0rd-secret';

function req(host: string, file: string, ref: string, credentials: Credentials): PushRequest {
  return { run: sampleRun(), modelPath: file, artifactName: 'weights.bin', target: parseOciTarget(`oci://${host}/${ref}`), credentials };
}

function assertNoSecret(err: unknown, lines: string[] = []): void {
  const text = `${err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err)}\n${lines.join('\n')}`;
  assert.ok(!text.includes(PASSWORD), 'the password never appears in errors or logs');
  assert.ok(!text.includes(Buffer.from(`ada:${PASSWORD}`).toString('base64')), 'nor its base64 form');
}

describe('OCI auth', () => {
  let work: string;
  let file: string;
  before(() => {
    work = tempDir('oci-auth');
    file = path.join(work, 'weights.bin');
    writeFileSync(file, Buffer.alloc(100_000, 3));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  describe('Basic (htpasswd -B)', () => {
    let registry: RegistryServer;
    before(async () => {
      const htpasswd = path.join(work, 'htpasswd');
      execFileSync('htpasswd', ['-Bbc', htpasswd, 'ada', PASSWORD], { stdio: 'ignore' });
      registry = await RegistryServer.start({ kind: 'htpasswd', htpasswdPath: htpasswd });
    });
    after(() => registry.stop());

    it('pushes with the right password', async () => {
      await pushModel(req(registry.host, file, 'basic/model:1', { kind: 'basic', username: 'ada', password: PASSWORD }));
      const { manifest } = await skopeoInspect(registry.host, 'basic/model:1', `ada:${PASSWORD}`);
      assert.equal(manifest.layers[0]?.digest, `sha256:${await fileSha256(file)}`);
    });

    it('says the credentials were rejected, naming the registry, and writes nothing', async () => {
      const { log, lines } = collectLog();
      await assert.rejects(pushModel(req(registry.host, file, 'basic/wrong:1', { kind: 'basic', username: 'ada', password: 'nope' }), { log }), (err: unknown) => {
        assert.ok(err instanceof RegistryError);
        assert.equal(err.code, 'auth');
        assert.match(err.message, new RegExp(`Registry ${registry.host.replace(/\./g, '\\.')} rejected the credentials.*Check the username and password`));
        assertNoSecret(err, lines);
        return true;
      });
      await assert.rejects(pushModel(req(registry.host, file, 'basic/anon:1', { kind: 'anonymous' })), (err: unknown) => {
        assert.ok(err instanceof RegistryError && err.code === 'auth');
        return true;
      });
    });
  });

  describe('Bearer token flow (auth: token, JWT with x5c)', () => {
    let registry: RegistryServer;
    let tokens: TokenServer;
    before(async () => {
      tokens = await TokenServer.start(work, { username: 'ada', password: PASSWORD, service: 'trialbook-registry', issuer: 'trialbook-test-issuer', firstTokenExpired: true });
      registry = await RegistryServer.start({ kind: 'token', realm: tokens.realm, service: 'trialbook-registry', issuer: 'trialbook-test-issuer', rootCertBundle: tokens.certPath });
    });
    after(async () => {
      await registry.stop();
      await tokens.stop();
    });

    it('follows the challenge to the token endpoint and refreshes an expired token', async () => {
      const result = await pushModel(req(registry.host, file, 'bearer/model:1', { kind: 'basic', username: 'ada', password: PASSWORD }));
      const granted = tokens.requests.filter((r) => r.authorized);
      assert.ok(granted.length >= 2, `the expired first token was replaced: ${granted.length} token requests`);
      assert.ok(granted.every((r) => r.scopes.includes('repository:bearer/model:pull,push')), JSON.stringify(granted));
      assert.match(result.record.reference, /bearer\/model:1@sha256:[0-9a-f]{64}$/);
      assert.ok(!registry.log.includes('panic'), registry.log);
    });

    it('reports rejected credentials from the token service', async () => {
      await assert.rejects(pushModel(req(registry.host, file, 'bearer/wrong:1', { kind: 'basic', username: 'ada', password: 'wrong-pass' })), (err: unknown) => {
        assert.ok(err instanceof RegistryError);
        assert.equal(err.code, 'auth');
        assert.match(err.message, /token service .* rejected the credentials/);
        assert.match(err.message, new RegExp(registry.host.replace(/\./g, '\\.')));
        assertNoSecret(err);
        return true;
      });
    });
  });

  it('renews a Bearer token before it expires', async () => {
    const tokens = await TokenServer.start(work, { username: 'ada', password: PASSWORD, service: 'svc', issuer: 'iss', expiresIn: 2 });
    try {
      const auth = new RegistryAuth({ kind: 'basic', username: 'ada', password: PASSWORD }, 'registry.test', false);
      auth.scopes.add('repository:a/b:pull,push');
      const challenge = { status: 401, body: Buffer.alloc(0), headers: { 'www-authenticate': `Bearer realm="${tokens.realm}",service="svc"` } };
      assert.equal(await auth.onUnauthorized(challenge), true);
      const first = await auth.header();
      assert.equal(await auth.header(), first, 'a fresh token is reused');
      await new Promise((r) => setTimeout(r, 1700));
      const second = await auth.header();
      assert.notEqual(second, first, 'renewed once most of its lifetime has passed');
      assert.equal(tokens.requests.filter((r) => r.authorized && r.scopes.includes('repository:a/b:pull,push')).length, 2);
    } finally {
      await tokens.stop();
    }
  });
});
