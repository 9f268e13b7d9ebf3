// Symbolic links and file names in a pushed model (docs/registries.md, "Links"): a link inside its tar layer is
// stored as a relative link; one elsewhere in the model is sent as a copy; one resolving outside the model folder
// stops the push (naming it) unless copies were allowed. Layers are read back with skopeo copy and tar.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { RegistryError } from '../../src/core/registry/errors';
import { planPush, pushModel, verifyModel } from '../../src/core/registry/push';
import { parseMlflowTarget, parseOciTarget } from '../../src/core/registry/target';
import type { PushRequest } from '../../src/core/registry/types';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { RegistryServer } from './registryServer';
import { assertSafeLayer, tarEntries, type TarRecord } from './tarEntries';
import { fileSha256, sampleRun, tempDir } from './fixtures';

const run = promisify(execFile);

interface PulledLayer { filepath: string; mediaType: string; digest: string; bytes: Buffer }

/** `skopeo copy` of the artifact into a directory, then every layer with its file path and bytes. */
async function pull(host: string, repoTag: string, into: string): Promise<PulledLayer[]> {
  rmSync(into, { recursive: true, force: true });
  await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${host}/${repoTag}`, `dir:${into}`]);
  const manifest = JSON.parse(readFileSync(path.join(into, 'manifest.json'), 'utf8')) as { layers: { mediaType: string; digest: string; annotations?: Record<string, string> }[] };
  return manifest.layers.map((l) => ({
    filepath: l.annotations?.['org.cncf.model.filepath'] ?? '',
    mediaType: l.mediaType,
    digest: l.digest,
    bytes: readFileSync(path.join(into, l.digest.replace(/^sha256:/, ''))),
  }));
}

function summary(entries: TarRecord[]): string[] {
  return entries.map((e) => (e.type === 'symlink' ? `${e.name} -> ${e.linkname ?? ''}` : e.type === 'directory' ? `${e.name}/` : `${e.name} (${e.content.toString('utf8')})`));
}

describe('links and names in a pushed model', () => {
  let registry: RegistryServer;
  let work: string;
  let outside: string;
  let secret: string;
  let secretFile: string;
  before(async () => {
    registry = await RegistryServer.start();
    work = tempDir('links');
    outside = path.join(work, 'outside');
    mkdirSync(path.join(outside, 'dir'), { recursive: true });
    secret = `OUTSIDE-SECRET-${randomBytes(8).toString('hex')}`;
    secretFile = path.join(outside, 'secret.txt');
    writeFileSync(secretFile, secret);
    writeFileSync(path.join(outside, 'dir', 'inner.txt'), `${secret}-dir`);
  });
  after(async () => {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const folder = (name: string, files: Record<string, string>, links: Record<string, string> = {}): string => {
    const dir = path.join(work, name);
    for (const [rel, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), content);
    }
    for (const [rel, target] of Object.entries(links)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      symlinkSync(target, path.join(dir, rel));
    }
    return dir;
  };
  const oci = (modelPath: string, ref: string, extra: Partial<PushRequest> = {}): PushRequest => ({
    run: sampleRun(), modelPath, artifactName: 'model', target: parseOciTarget(`oci://${registry.host}/${ref}`), credentials: { kind: 'anonymous' }, ...extra,
  });
  const refused = (pattern: RegExp) => (err: unknown): boolean => {
    assert.ok(err instanceof RegistryError, String(err));
    assert.equal(err.code, 'input', err.message);
    assert.match(err.message, pattern);
    return true;
  };
  const manifestMissing = async (repoTag: string): Promise<void> => {
    await assert.rejects(run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/${repoTag}`]), 'no manifest was written');
  };
  const blobStored = async (repo: string, content: string): Promise<boolean> => {
    const { createHash } = await import('node:crypto');
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    const res = await fetch(`http://${registry.host}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
    return res.status === 200;
  };

  it('keeps a link inside its tar layer as a relative link, and sends links elsewhere in the model as copies', async () => {
    const model = folder('inside', { 'weights.bin': 'W'.repeat(1000), 'config.json': '{"a":1}', 'tok/vocab.txt': 'a b c', 'tok/deep/keep.txt': 'k' }, {
      'latest.bin': 'weights.bin',
      'tok/alias.txt': 'vocab.txt',
      'tok/deep/up.txt': '../vocab.txt',
      'tok/cfg.json': '../config.json',
      'tok/here': '.',
    });
    symlinkSync(path.join(model, 'tok', 'vocab.txt'), path.join(model, 'tok', 'abs.txt'));
    const plan = await planPush(oci(model, 'links/inside:1'));
    assert.deepEqual(plan.links.map((l) => [l.filepath, l.sentAs, l.outside]), [
      ['latest.bin', 'copy', false],
      ['tok/abs.txt', 'link', false],
      ['tok/alias.txt', 'link', false],
      ['tok/cfg.json', 'copy', false],
      ['tok/deep/up.txt', 'link', false],
      ['tok/here', 'link', false],
    ]);
    assert.deepEqual(plan.files.map((f) => f.filepath), ['config.json', 'latest.bin', 'tok', 'weights.bin']);
    await pushModel(oci(model, 'links/inside:1'));

    const layers = await pull(registry.host, 'links/inside:1', path.join(work, 'pulled-inside'));
    const latest = layers.find((l) => l.filepath === 'latest.bin');
    assert.equal(latest?.digest, `sha256:${await fileSha256(path.join(model, 'weights.bin'))}`, 'a top-level link inside the model is sent as a copy of its file');
    const tok = layers.find((l) => l.filepath === 'tok');
    assert.equal(tok?.mediaType, 'application/vnd.cncf.model.weight.v1.tar', 'a folder is a tar layer');
    const entries = await tarEntries(tok?.bytes ?? Buffer.alloc(0));
    assertSafeLayer('tok', entries);
    assert.deepEqual(summary(entries), [
      'tok/abs.txt -> vocab.txt',
      'tok/alias.txt -> vocab.txt',
      'tok/cfg.json ({"a":1})',
      'tok/deep/',
      'tok/deep/keep.txt (k)',
      'tok/deep/up.txt -> ../vocab.txt',
      'tok/here -> .',
      'tok/vocab.txt (a b c)',
    ]);
    // GNU tar extracts it and the links work.
    const out = path.join(work, 'extract-inside');
    mkdirSync(out);
    await run('tar', ['-xf', path.join(work, 'pulled-inside', (tok?.digest ?? '').replace('sha256:', '')), '-C', out]);
    assert.equal(readFileSync(path.join(out, 'tok', 'deep', 'up.txt'), 'utf8'), 'a b c');
    assert.equal(readFileSync(path.join(out, 'tok', 'abs.txt'), 'utf8'), 'a b c');
    assert.equal((await verifyModel(oci(model, 'links/inside:1'))).matches, true);
  });

  it('stops before sending anything when a file link points outside the model folder, naming it; sends a copy when allowed', async () => {
    const model = folder('outside-file', { 'weights.bin': 'W'.repeat(500) }, { passwd: '/etc/passwd', 'secret.txt': path.relative(path.join(work, 'outside-file'), secretFile) });
    const plan = await planPush(oci(model, 'links/file:1'));
    assert.deepEqual(plan.links.map((l) => [l.filepath, l.target, l.outside, l.sentAs]), [['passwd', '/etc/passwd', true, 'not-sent'], ['secret.txt', secretFile, true, 'not-sent']]);
    assert.deepEqual(plan.files.map((f) => f.filepath), ['weights.bin'], 'what is not sent is not in the files');
    await assert.rejects(pushModel(oci(model, 'links/file:1')), refused(/passwd → \/etc\/passwd.*secret\.txt → .*outside[/\\]secret\.txt.*Nothing was sent.*--follow-outside-links/s));
    await manifestMissing('links/file:1');
    assert.equal(await blobStored('links/file', secret), false, 'the outside file was not uploaded');
    assert.equal(await blobStored('links/file', readFileSync('/etc/passwd', 'utf8')), false);

    const allowed = oci(model, 'links/file:1', { followOutsideLinks: true });
    const followed = await planPush(allowed);
    assert.deepEqual(followed.links.map((l) => [l.filepath, l.sentAs, l.size]), [['passwd', 'copy', readFileSync('/etc/passwd').length], ['secret.txt', 'copy', secret.length]]);
    assert.deepEqual(followed.files.map((f) => [f.filepath, f.source]), [['passwd', '/etc/passwd'], ['secret.txt', secretFile], ['weights.bin', path.join(model, 'weights.bin')]]);
    await pushModel(allowed);
    const layers = await pull(registry.host, 'links/file:1', path.join(work, 'pulled-file'));
    assert.equal(layers.find((l) => l.filepath === 'secret.txt')?.bytes.toString('utf8'), secret, 'the confirmed copy is a plain file layer');
  });

  it('stops for a symlinked folder outside the model, and for links deep in a folder (absolute, ../../..); copies them when allowed', async () => {
    const model = folder('outside-dir', { 'weights.bin': 'W', 'sub/ok.txt': 'ok' }, {
      data: path.join(outside, 'dir'),
      'sub/link': '/etc/passwd',
      'sub/up': '../../..',
    });
    const plan = await planPush(oci(model, 'links/dir:1'));
    assert.deepEqual(plan.links.map((l) => [l.filepath, l.type, l.outside, l.sentAs]), [
      ['data', 'directory', true, 'not-sent'], ['sub/link', 'file', true, 'not-sent'], ['sub/up', 'directory', true, 'not-sent'],
    ]);
    await assert.rejects(pushModel(oci(model, 'links/dir:1')), refused(/data → .*outside[/\\]dir.*sub\/link → \/etc\/passwd.*sub\/up → /s));
    await manifestMissing('links/dir:1');

    // Following sub/up (the whole file system above) would be absurd; a folder link to outside/dir is not.
    rmSync(path.join(model, 'sub', 'up'));
    await pushModel(oci(model, 'links/dir:1', { followOutsideLinks: true }));
    const layers = await pull(registry.host, 'links/dir:1', path.join(work, 'pulled-dir'));
    const data = await tarEntries(layers.find((l) => l.filepath === 'data')?.bytes ?? Buffer.alloc(0));
    assertSafeLayer('data', data);
    assert.deepEqual(summary(data), [`data/inner.txt (${secret}-dir)`]);
    const sub = await tarEntries(layers.find((l) => l.filepath === 'sub')?.bytes ?? Buffer.alloc(0));
    assertSafeLayer('sub', sub);
    assert.deepEqual(sub.map((e) => [e.name, e.type]), [['sub/link', 'file'], ['sub/ok.txt', 'file']]);
  });

  it('refuses a file name with backslashes, a dangling link and a link loop, naming each', async () => {
    const slashy = folder('slashy', { 'weights.bin': 'W', '..\\..\\escape': 'x' });
    await assert.rejects(planPush(oci(slashy, 'links/slashy:1')), refused(/"\.\.\\\.\.\\escape".*backslash/));
    const deepSlashy = folder('deep-slashy', { 'weights.bin': 'W', 'sub/a\\b.txt': 'x' });
    await assert.rejects(planPush(oci(deepSlashy, 'links/slashy:1')), refused(/"sub\/a\\b\.txt".*backslash/));
    const dangling = folder('dangling', { 'weights.bin': 'W' }, { 'sub/gone.bin': '../missing.bin' });
    await assert.rejects(planPush(oci(dangling, 'links/dangling:1')), refused(/sub\/gone\.bin → \.\.\/missing\.bin.*does not exist/));
    const loop = folder('loop', { 'weights.bin': 'W', 'sub/x.txt': 'x' }, { 'sub/parent': '..' });
    await assert.rejects(planPush(oci(loop, 'links/loop:1')), refused(/sub\/parent.*folder that contains it/));
  });

  it('never reads through a file that became a link after planning', async () => {
    // The same size as the secret, so only refusing to read through the link stops it (not the size check).
    const model = folder('swapped', { 'a.bin': 'A'.repeat(100_000), 'b.bin': 'B'.repeat(secret.length) });
    let swapped = false;
    await assert.rejects(pushModel(oci(model, 'links/swapped:1'), {
      onProgress: () => {
        if (swapped) return;
        swapped = true;
        rmSync(path.join(model, 'b.bin'));
        symlinkSync(secretFile, path.join(model, 'b.bin'));
      },
    }), refused(/b\.bin was replaced by a link while the push was under way/));
    assert.ok(swapped);
    assert.equal(await blobStored('links/swapped', secret), false);
    await manifestMissing('links/swapped:1');
  });

  it('MLflow: links become files (inside ones always, outside ones only when allowed)', async () => {
    const mlflow = await MlflowStandIn.start();
    try {
      const model = folder('mlflow-links', { 'weights.bin': 'W', 'tok/vocab.txt': 'v' }, { 'tok/alias.txt': 'vocab.txt', 'secret.txt': secretFile });
      const target = parseMlflowTarget(`mlflow+http://${new URL(mlflow.uri).host}/linked`);
      const req: PushRequest = { run: sampleRun(), modelPath: model, artifactName: 'model', target, credentials: { kind: 'anonymous' } };
      await assert.rejects(pushModel(req, {}, { mlflowPollMs: 20 }), refused(/secret\.txt → .*Nothing was sent/s));
      assert.equal(mlflow.runs.size, 0, 'no MLflow run was created');
      await pushModel({ ...req, followOutsideLinks: true }, {}, { mlflowPollMs: 20 });
      const uploaded = new Map([...mlflow.artifacts].map(([k, v]) => [k.replace(/^.*\/artifacts\/model\//, ''), v.toString('utf8')]));
      assert.equal(uploaded.get('tok/alias.txt'), 'v');
      assert.equal(uploaded.get('secret.txt'), secret);
      assert.deepEqual([...uploaded.keys()].sort(), ['MLmodel', 'secret.txt', 'tok/alias.txt', 'tok/vocab.txt', 'weights.bin']);
    } finally {
      await mlflow.stop();
    }
  });

  it('leaves nothing of the outside file in the pulled directory unless it was allowed', async () => {
    // Every blob skopeo pulled for the refused-then-allowed pushes above is in work/pulled-*; only the allowed ones hold it.
    const dirs = readdirSync(work).filter((d) => d.startsWith('pulled-'));
    assert.ok(dirs.length >= 3);
    const holders = dirs.filter((d) => readdirSync(path.join(work, d)).some((f) => readFileSync(path.join(work, d, f)).includes(secret)));
    assert.deepEqual(holders.sort(), ['pulled-dir', 'pulled-file']);
  });
});
