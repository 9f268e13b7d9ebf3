// Failures that must end in a clear message naming the registry and what to do, with no result returned.
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryError } from '../../src/core/registry/errors';
import { pushModel } from '../../src/core/registry/push';
import { parseOciTarget, parseTarget } from '../../src/core/registry/target';
import type { PushRequest } from '../../src/core/registry/types';
import { RegistryServer } from './registryServer';
import { sampleRun, tempDir } from './fixtures';

describe('OCI push errors', () => {
  let work: string;
  let file: string;
  before(() => {
    work = tempDir('oci-errors');
    file = path.join(work, 'w.bin');
    writeFileSync(file, 'weights');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const req = (host: string, insecure = false): PushRequest => ({
    run: sampleRun(), modelPath: file, artifactName: 'w.bin', target: parseOciTarget(`oci://${host}/team/m:1`, insecure), credentials: { kind: 'basic', username: 'ada', password: 'hunter2-secret' },
  });

  const expectError = async (p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> => {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof RegistryError, String(err));
      assert.equal(err.code, code, err.message);
      assert.match(err.message, pattern);
      assert.ok(!err.message.includes('hunter2'), 'no secret in the message');
      return true;
    });
  };

  it('unknown host', async () => {
    // The system resolver's own answer for a name it has no record of (no DNS traffic leaves the machine in tests).
    const lookup: LookupFunction = (hostname, _opts, cb) => {
      process.nextTick(() => cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '', 4));
    };
    await expectError(pushModel(req('registry.nowhere.example:5000'), {}, { oci: { lookup } }), 'unreachable', /Registry registry\.nowhere\.example:5000: host not found\. Check the address/);
  });

  it('refused connection', async () => {
    // Port 1 (tcpmux) has no listener here; a just-freed ephemeral port could be taken by another process meanwhile.
    const port = 1;
    await expectError(pushModel(req(`127.0.0.1:${port}`)), 'unreachable', new RegExp(`Registry 127\\.0\\.0\\.1:${port}: connection refused\\. Check the port and that the server is running`));
  });

  it('a server that answers an HTML page instead of the registry API', async () => {
    const server = http.createServer((_q, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('<!doctype html><html><body>Welcome to nginx</body></html>'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expectError(pushModel(req(host)), 'protocol', new RegExp(`${host.replace(/\./g, '\\.')} answered GET /v2/ with something that is not an OCI registry API \\(an HTML page, text/html\\)\\. Check the address`));
    } finally {
      server.close();
    }
  });

  it('a server that answers garbage JSON-less errors on the API', async () => {
    const server = http.createServer((q, res) => {
      if (q.url === '/v2/') { res.writeHead(200, { 'Content-Type': 'application/json', 'Docker-Distribution-Api-Version': 'registry/2.0' }); res.end('{}'); return; }
      res.writeHead(418, { 'Content-Type': 'text/plain' }); res.end('I am a teapot, not a registry');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expectError(pushModel(req(host)), 'protocol', /answered HTTP 418 with something that is not the OCI registry API/);
    } finally {
      server.close();
    }
  });

  it('rejects bad targets and a missing model before any network traffic', async () => {
    assert.throws(() => parseTarget('oci://localhost:5000/Team/Model:1'), /not a valid repository name/);
    assert.throws(() => parseTarget('oci://localhost:5000/team/model'), /has no tag/);
    assert.throws(() => parseTarget('s3://bucket/model'), /not a push target/);
    const missing = { ...req('127.0.0.1:1'), modelPath: path.join(work, 'gone.pt') };
    await expectError(pushModel(missing), 'input', /gone\.pt does not exist/);
  });

  it('speaks HTTPS to a non-loopback registry unless it is marked insecure', async () => {
    const registry = await RegistryServer.start();
    // A registry known by a name (resolved here to the local test registry): not loopback by name.
    const lookup: LookupFunction = (_hostname, opts, cb) => {
      const all = (opts as { all?: boolean }).all;
      process.nextTick(() => (all ? (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
    };
    const host = `models.registry.test:${registry.port}`;
    try {
      await expectError(pushModel(req(host), {}, { oci: { lookup } }), 'protocol', /TLS handshake failed.*mark it insecure/);
      const ok = await pushModel({ ...req(host, true), credentials: { kind: 'anonymous' } }, {}, { oci: { lookup } });
      assert.match(ok.record.reference, /^models\.registry\.test:\d+\/team\/m:1@sha256:/);
    } finally {
      await registry.stop();
    }
  });
});
