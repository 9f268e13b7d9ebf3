// Pure rules of the registry code: targets, settings entries, auth challenges, bounded lineage, credentials.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { dockerConfigCredentials, envCredentials } from '../../src/core/registry/credentials';
import { boundedJson, boundedText, lineageAnnotations, redactUrl } from '../../src/core/registry/lineage';
import { parseChallenge } from '../../src/core/registry/ociAuth';
import { parseRegistryConfig, secretKey, targetFor } from '../../src/core/registry/registryConfig';
import { RegistryError } from '../../src/core/registry/errors';
import { parseTarget } from '../../src/core/registry/target';
import { sampleRun } from './fixtures';

describe('registry rules', () => {
  it('parses OCI and MLflow targets', () => {
    assert.deepEqual(parseTarget('oci://ghcr.io/team/churn-model:1.4.0'), { kind: 'oci', registry: 'ghcr.io', repository: 'team/churn-model', tag: '1.4.0', insecure: false });
    assert.deepEqual(parseTarget('oci://localhost:5000/m:v1', { insecure: true }), { kind: 'oci', registry: 'localhost:5000', repository: 'm', tag: 'v1', insecure: true });
    assert.deepEqual(parseTarget('mlflow://mlflow.example.com/Churn%20Model'), { kind: 'mlflow', trackingUri: 'https://mlflow.example.com', modelName: 'Churn Model' });
    assert.deepEqual(parseTarget('mlflow+http://127.0.0.1:5000/ml/api/churn?experiment=prod'), { kind: 'mlflow', trackingUri: 'http://127.0.0.1:5000/ml/api', modelName: 'churn', experiment: 'prod' });
    assert.throws(() => parseTarget('mlflow://user:pw@host/m'), /MLFLOW_TRACKING_USERNAME/);
    assert.throws(() => parseTarget('oci://ghcr.io/team/m:.bad'), /not a valid tag/);
  });

  it('refuses malformed targets with a message that says what is wrong, never echoing credentials', () => {
    const refuse = (text: string, pattern: RegExp): void => {
      assert.throws(() => parseTarget(text), (err: unknown) => {
        assert.ok(err instanceof RegistryError, `${text}: ${String(err)}`);
        assert.equal(err.code, 'input');
        assert.match(err.message, pattern, text);
        assert.ok(!err.message.includes('s3cr3t'), `${text}: no password in the message`);
        return true;
      });
    };
    refuse('oci://127.0.0.1:99999/team/m:1', /port 99999 .*out of range.*1 to 65535/);
    refuse('oci://127.0.0.1:0/team/m:1', /port 0 .*out of range/);
    refuse('oci://[::1]:70000/team/m:1', /port 70000 .*out of range/);
    refuse('oci://ghcr.io/:1', /has no repository/);
    refuse('oci://ghcr.io', /has no repository/);
    refuse('oci://ghcr.io/', /has no repository/);
    refuse('oci://ghcr.io/team/m:', /has no tag/);
    refuse('oci://ghcr.io/team/m:bad tag!', /"bad tag!" is not a valid tag/);
    refuse('oci://ghcr.io/team/m@sha256:0123', /digest.*push to a tag/);
    refuse('oci://ci-bot:s3cr3t@ghcr.io/team/m:1', /credentials do not belong in the target.*TRIALBOOK_REGISTRY_USERNAME/);
    refuse('oci://ci-bot@ghcr.io/team/m:1', /credentials do not belong in the target/);
    refuse('oci://gh cr.io/team/m:1', /"gh cr\.io" is not a registry host/);
    refuse('oci://ghcr..io/team/m:1', /"ghcr\.\.io" is not a registry host/);
    refuse('https://ghcr.io/team/m:1', /is not a push target.*oci:\/\//);
    refuse('s3://bucket/model', /is not a push target/);
    refuse('', /is not a push target/);
    refuse('mlflow://mlflow.example.com:99999/churn', /port 99999 .*out of range/);
    refuse('mlflow://mlflow example.com/churn', /"mlflow example\.com" is not a host/);
    refuse('mlflow://mlflow.example.com/', /is not an MLflow target/);
    refuse('mlflow://u:s3cr3t@mlflow.example.com/churn', /MLFLOW_TRACKING_USERNAME/);
    assert.deepEqual(parseTarget('oci://[::1]:5000/team/m:1'), { kind: 'oci', registry: '[::1]:5000', repository: 'team/m', tag: '1', insecure: false });
    assert.deepEqual(parseTarget('oci://localhost:65535/m:v1'), { kind: 'oci', registry: 'localhost:65535', repository: 'm', tag: 'v1', insecure: false });
  });

  it('turns settings entries into targets and secret keys, refusing bad ones', () => {
    const oci = parseRegistryConfig({ name: 'team', kind: 'oci', registry: 'https://ghcr.io/', repository: 'team/churn' });
    assert.deepEqual(targetFor(oci, '2.0.1'), { kind: 'oci', registry: 'ghcr.io', repository: 'team/churn', tag: '2.0.1', insecure: false });
    assert.equal(secretKey(oci), 'trialbook.registry.oci.ghcr.io');
    const ml = parseRegistryConfig({ name: 'ml', kind: 'mlflow', trackingUri: 'http://10.0.0.5:5000/', modelName: 'churn model', experiment: 'prod' });
    assert.deepEqual(targetFor(ml, 'ignored'), { kind: 'mlflow', trackingUri: 'http://10.0.0.5:5000', modelName: 'churn model', experiment: 'prod' });
    assert.throws(() => parseRegistryConfig({ name: 'x', kind: 'oci', registry: 'ghcr.io', repository: 'Team' }), /not a valid repository name/);
    assert.throws(() => parseRegistryConfig({ name: 'x', kind: 'mlflow', trackingUri: 'https://u:p@h', modelName: 'm' }), /without credentials/);
    assert.throws(() => parseRegistryConfig({ name: 'x', kind: 's3' }), /"kind" must be "oci" or "mlflow"/);
    assert.throws(() => targetFor(oci, 'no spaces'), /not a valid tag/);
  });

  it('parses WWW-Authenticate challenges with quoted commas', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull,push"'), {
      scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry', scope: 'repository:a/b:pull,push' },
    });
    assert.deepEqual(parseChallenge('Basic realm="x"'), { scheme: 'basic', params: { realm: 'x' } });
  });

  it('bounds lineage values and marks what was cut', () => {
    const many: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) many[`param_${String(i).padStart(4, '0')}`] = i;
    const json = boundedJson(many, 4096);
    assert.ok(Buffer.byteLength(json) <= 4096);
    const parsed = JSON.parse(json) as Record<string, number>;
    const kept = Object.keys(parsed).filter((k) => k !== '…truncated').length;
    assert.equal(parsed['…truncated'], 1000 - kept);
    assert.equal(parsed['param_0000'], 0);
    assert.equal(boundedJson({ a: 1 }), '{"a":1}');
    const text = boundedText('é'.repeat(5000), 4096);
    assert.ok(Buffer.byteLength(text) <= 4096 && text.endsWith('… [truncated]'));
    assert.equal(redactUrl('https://oauth2:tok@gitlab.com/g/r.git'), 'https://gitlab.com/g/r.git');
    assert.equal(redactUrl('git@example.com:team/repo.git'), 'git@example.com:team/repo.git');
    const a = lineageAnnotations(sampleRun({ params: many }), { version: '1', artifactName: 'm' });
    assert.ok(Buffer.byteLength(a['dev.trialbook.params'] ?? '') <= 4096);
  });

  it('reads credentials from the environment and docker config', async () => {
    const oci = parseTarget('oci://ghcr.io/a/b:1');
    const ml = parseTarget('mlflow://h/m');
    assert.deepEqual(envCredentials(ml, { MLFLOW_TRACKING_TOKEN: 't', MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' }), { kind: 'token', token: 't' });
    assert.deepEqual(envCredentials(ml, { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' }), { kind: 'basic', username: 'u', password: 'p' });
    assert.equal(envCredentials(oci, { MLFLOW_TRACKING_TOKEN: 't' }), undefined, 'MLflow variables are for MLflow only');
    assert.deepEqual(envCredentials(oci, { TRIALBOOK_REGISTRY_USERNAME: 'u', TRIALBOOK_REGISTRY_PASSWORD: 'p:with:colons' }), { kind: 'basic', username: 'u', password: 'p:with:colons' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trialbook-dockercfg-'));
    try {
      const cfg = path.join(dir, 'config.json');
      writeFileSync(cfg, JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw:x').toString('base64') }, 'ghcr.io': { auth: Buffer.from('gh:tok').toString('base64') } } }));
      assert.deepEqual(await dockerConfigCredentials('docker.io', cfg), { kind: 'basic', username: 'hub', password: 'pw:x' });
      assert.deepEqual(await dockerConfigCredentials('GHCR.io', cfg), { kind: 'basic', username: 'gh', password: 'tok' });
      assert.equal(await dockerConfigCredentials('quay.io', cfg), undefined);
      assert.equal(await dockerConfigCredentials('ghcr.io', path.join(dir, 'missing.json')), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
