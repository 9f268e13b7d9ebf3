// Anonymous pushes to a real registry, checked with skopeo: ModelPack manifest, annotations, digests, dedupe.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planPush, pushModel, verifyModel } from '../../src/core/registry/push';
import { parseOciTarget } from '../../src/core/registry/target';
import { tarDigest } from '../../src/core/registry/blobSource';
import { scanModel } from '../../src/core/registry/modelTree';
import type { PushRequest } from '../../src/core/registry/types';
import { RegistryServer } from './registryServer';
import { collectLog, fileSha256, makeModelFolder, sampleRun, skopeoInspect, tempDir } from './fixtures';

function getBytes(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    }).on('error', reject);
  });
}

function getJson(url: string, accept: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { Accept: accept } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (e) { reject(e as Error); } });
    }).on('error', reject);
  });
}

describe('OCI push (anonymous, real docker-registry)', () => {
  let registry: RegistryServer;
  let work: string;
  before(async () => {
    registry = await RegistryServer.start();
    work = tempDir('oci');
  });
  after(async () => {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const request = (modelPath: string, ref: string, extra: Partial<PushRequest> = {}): PushRequest => ({
    run: sampleRun(),
    modelPath,
    artifactName: 'model',
    target: parseOciTarget(`oci://${registry.host}/${ref}`),
    credentials: { kind: 'anonymous' },
    user: 'ada',
    ...extra,
  });

  it('pushes a model folder as a ModelPack artifact that skopeo reads back, digests equal to the local files', async () => {
    const model = makeModelFolder(work);
    const progress: [number, number][] = [];
    const { log, lines } = collectLog();
    const result = await pushModel(request(model, 'team/churn-model:1.0.0', { alias: 'staging', description: 'first cut' }), { onProgress: (d, t) => progress.push([d, t]), log });

    const { raw, manifest } = await skopeoInspect(registry.host, 'team/churn-model:1.0.0');
    assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(manifest.artifactType, 'application/vnd.cncf.model.manifest.v1+json');
    assert.equal(manifest.config.mediaType, 'application/vnd.cncf.model.config.v1+json');
    const byPath = new Map(manifest.layers.map((l) => [l.annotations?.['org.cncf.model.filepath'], l]));
    assert.deepEqual([...byPath.keys()].sort(), ['README.md', 'config.json', 'model.safetensors', 'tokenizer']);
    for (const name of ['README.md', 'config.json', 'model.safetensors']) {
      assert.equal(byPath.get(name)?.digest, `sha256:${await fileSha256(path.join(model, name))}`, name);
    }
    assert.equal(byPath.get('model.safetensors')?.mediaType, 'application/vnd.cncf.model.weight.v1.raw');
    assert.equal(byPath.get('config.json')?.mediaType, 'application/vnd.cncf.model.weight.config.v1.raw');
    assert.equal(byPath.get('README.md')?.mediaType, 'application/vnd.cncf.model.doc.v1.raw');
    const tok = byPath.get('tokenizer');
    assert.equal(tok?.mediaType, 'application/vnd.cncf.model.weight.config.v1.tar', 'a folder goes as a tar layer');
    const tokPart = (await scanModel(model, { keepLinks: true })).parts.find((p) => p.filepath === 'tokenizer');
    const tokDigest = await tarDigest(path.join(model, 'tokenizer'), tokPart?.entries ?? []);
    assert.equal(tok?.digest, `sha256:${tokDigest.sha256}`);
    // GNU tar reads the layer back: sorted entries, epoch mtimes, root owner, the files' bytes.
    const tarFile = path.join(work, 'tokenizer.tar');
    writeFileSync(tarFile, await getBytes(`http://${registry.host}/v2/team/churn-model/blobs/${tok?.digest ?? ''}`));
    const listing = execFileSync('tar', ['-tvf', tarFile, '--numeric-owner', '--utc'], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(listing.map((l) => l.split(/\s+/).slice(-1)[0]), ['tokenizer/merges.txt', 'tokenizer/vocab.txt']);
    for (const line of listing) assert.match(line, /^-rw-r--r-- 0\/0 .* 1970-01-01 00:00 /);
    assert.equal(execFileSync('tar', ['-xOf', tarFile, 'tokenizer/vocab.txt'], { encoding: 'utf8' }), 'a\nb\nc\n');

    const ann = manifest.annotations ?? {};
    assert.equal(ann['org.opencontainers.image.version'], '1.0.0');
    assert.equal(ann['org.opencontainers.image.revision'], '0c1f2e3d4c5b6a7988776655443322110fedcba9');
    assert.equal(ann['org.opencontainers.image.source'], 'https://example.com/team/repo.git', 'credentials in the git remote are stripped');
    assert.equal(ann['org.opencontainers.image.description'], 'first cut');
    assert.equal(ann['org.opencontainers.image.created'], '2026-11-27T02:50:00.000Z');
    assert.equal(ann['dev.trialbook.run.id'], '20261127T024012123-3f9a1c7b2e');
    assert.equal(ann['dev.trialbook.experiment'], 'churn');
    assert.deepEqual(JSON.parse(ann['dev.trialbook.metrics'] ?? ''), { accuracy: 0.91, 'val/loss': 0.25 });
    assert.deepEqual(JSON.parse(ann['dev.trialbook.params'] ?? ''), { epochs: 10, lr: 0.01, optimizer: 'adam' });
    assert.ok(!raw.includes('s3cret'));

    // The config blob, read straight from the registry.
    const config = await getJson(`http://${registry.host}/v2/team/churn-model/blobs/${manifest.config.digest}`, '*/*') as {
      descriptor: { name: string; version: string; createdAt: string; authors: string[] };
      config: { format?: string };
      modelfs: { type: string; diffIds: string[] };
    };
    assert.equal(config.descriptor.name, 'churn-model');
    assert.equal(config.descriptor.version, '1.0.0');
    assert.deepEqual(config.descriptor.authors, ['ada']);
    assert.equal(config.config.format, 'safetensors');
    assert.deepEqual(config.modelfs, { type: 'layers', diffIds: manifest.layers.map((l) => l.digest) });

    // The alias tag points at the same manifest; the reference carries the manifest digest.
    const alias = await skopeoInspect(registry.host, 'team/churn-model:staging');
    assert.equal(alias.raw, raw);
    assert.equal(result.record.reference, `${registry.host}/team/churn-model:1.0.0@${result.record.digest ?? ''}`);
    assert.equal(result.record.digest, `sha256:${(await import('node:crypto')).createHash('sha256').update(raw).digest('hex')}`);
    assert.equal(result.upToDate, false);
    const last = progress[progress.length - 1];
    assert.ok(last && last[0] === last[1] && last[1] > 300_000, `progress ends at 100%: ${JSON.stringify(last)}`);
    assert.ok(lines.some((l) => l.includes('Pushed 5 blob(s)')), lines.join('\n'));

    // A second push of the unchanged model uploads nothing and says so.
    const again = collectLog();
    const second = await pushModel(request(model, 'team/churn-model:1.0.0', { alias: 'staging', description: 'first cut' }), { log: again.log });
    assert.equal(second.upToDate, true);
    assert.equal(second.uploadedBytes, 0);
    assert.equal(second.record.digest, result.record.digest);
    assert.ok(again.lines.some((l) => l.includes('already up to date')), again.lines.join('\n'));
  });

  it('pushes a single file model and verifies it; a changed local file is reported', async () => {
    const file = path.join(work, 'clf.onnx');
    writeFileSync(file, Buffer.from('onnx-bytes-'.repeat(1000)));
    const req = request(file, 'team/clf:2', { artifactName: 'clf.onnx' });
    const hashed: [number, number][] = [];
    const plan = await planPush(req, { onProgress: (d, t) => hashed.push([d, t]) });
    assert.deepEqual(hashed[hashed.length - 1], [11_000, 11_000], 'reading the model is reported up to its size');
    assert.deepEqual(plan.files.map((f) => [f.filepath, f.size, f.mediaType]), [['clf.onnx', 11_000, 'application/vnd.cncf.model.weight.v1.raw']]);
    assert.equal(plan.files[0]?.sha256, await fileSha256(file));
    assert.equal(plan.lineage['dev.trialbook.run.id'], sampleRun().id);
    await pushModel(req);
    const { manifest } = await skopeoInspect(registry.host, 'team/clf:2');
    assert.equal(manifest.layers[0]?.digest, `sha256:${plan.files[0]?.sha256 ?? ''}`);

    const ok = await verifyModel(req);
    assert.equal(ok.matches, true);
    assert.deepEqual(ok.differences, []);
    writeFileSync(file, Buffer.from('onnx-bytes-'.repeat(1001)));
    const bad = await verifyModel(req);
    assert.equal(bad.matches, false);
    assert.equal(bad.differences[0]?.filepath, 'clf.onnx');
    assert.equal(bad.differences[0]?.problem, 'size-mismatch');
  });

  it('mounts a blob already pushed to another repository instead of uploading it', async () => {
    const file = path.join(work, 'shared.pt');
    writeFileSync(file, Buffer.alloc(200_000, 7));
    await pushModel(request(file, 'team/one:1', { artifactName: 'shared.pt' }));
    const { log, lines } = collectLog();
    const res = await pushModel(request(file, 'team/two:1', { artifactName: 'shared.pt' }), { log });
    assert.ok(lines.some((l) => l.includes('mounted into')), lines.join('\n'));
    assert.ok(res.uploadedBytes < 200_000, `only the config went up: ${res.uploadedBytes}`);
    const { manifest } = await skopeoInspect(registry.host, 'team/two:1');
    assert.equal(manifest.layers[0]?.digest, `sha256:${await fileSha256(file)}`);
  });
});
