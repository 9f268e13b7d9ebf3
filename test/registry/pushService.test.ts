// The push use case shared by the CLI and the editor, exercised directly: a workspace with a logged run, its real
// index, a real registry. Which model a name means, the request it builds, plan → push → record, the checks
// between confirmation and push, cancellation and verification.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRunIndex } from '../../src/core/openRunIndex';
import type { RunIndex } from '../../src/core/runIndex';
import { RegistryError } from '../../src/core/registry/errors';
import { PushService, defaultPushUser, recordedOciTarget, type PushSpec } from '../../src/core/registry/pushService';
import { parseOciTarget } from '../../src/core/registry/target';
import { RunLog } from '../fixtures/runLog';
import { RegistryServer } from './registryServer';
import { fileSha256, skopeoInspect, tempDir } from './fixtures';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RUN_ID = '20261128T101500000-aa11bb22cc';

function writeWorkspace(workspace: string): void {
  mkdirSync(path.join(workspace, 'out', 'old'), { recursive: true });
  mkdirSync(path.join(workspace, 'out', 'model'), { recursive: true });
  writeFileSync(path.join(workspace, 'out', 'old', 'weights.bin'), 'old');
  writeFileSync(path.join(workspace, 'out', 'model', 'weights.bin'), Buffer.alloc(40_000, 1));
  writeFileSync(path.join(workspace, 'out', 'model', 'config.json'), '{"n":1}');
  writeFileSync(path.join(workspace, 'notes.txt'), 'not an artifact');
  const ts = 1795830900;
  new RunLog(RUN_ID)
    .start({ experiment: 'svc', name: 'service-run', config: { lr: 0.1 }, tags: [], notes: '', lineage: { user: 'ada' } }, ts)
    .metrics(0, { loss: 0.9 }, { ts: ts + 1 })
    .metrics(1, { loss: 0.4 }, { ts: ts + 2 })
    .artifact({ name: 'model', path: 'out/old', type: 'model', size: 3, sha256: 'a'.repeat(64), files: 1 }, ts + 3)
    .artifact({ name: 'model', path: 'out/model', type: 'model', size: 40_007, sha256: 'b'.repeat(64), files: 2 }, ts + 4)
    .artifact({ name: 'gone', path: 'out/gone.bin', type: 'model', size: 1, sha256: 'c'.repeat(64) }, ts + 5)
    .end('finished', undefined, ts + 6)
    .writeTo(path.join(workspace, '.trialbook'));
}

describe('push service (CLI and editor share it)', () => {
  let registry: RegistryServer;
  let work: string;
  let workspace: string;
  let trialbookDir: string;
  let index: RunIndex;
  before(async () => {
    registry = await RegistryServer.start();
    work = tempDir('service');
    workspace = path.join(work, 'ws');
    writeWorkspace(workspace);
    trialbookDir = path.join(workspace, '.trialbook');
    index = await openRunIndex({ trialbookDir, wasmPath: path.join(ROOT, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'), log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    await index.sync();
  });
  after(async () => {
    await index.close();
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const spec = (extra: Partial<PushSpec> = {}): PushSpec => ({
    runId: RUN_ID, model: 'model', target: parseOciTarget(`oci://${registry.host}/svc/model:1`), credentials: { kind: 'anonymous' }, ...extra,
  });
  const code = (expected: string, pattern: RegExp) => (err: unknown): boolean => {
    assert.ok(err instanceof RegistryError, String(err));
    assert.equal(err.code, expected, err.message);
    assert.match(err.message, pattern);
    return true;
  };

  it('resolves a model by one rule: the latest artifact of that name, an artifact path, then a file path', () => {
    const service = new PushService(index, trialbookDir, { cwd: path.join(workspace, 'out') });
    const run = service.run(RUN_ID);
    assert.deepEqual(service.resolveModel(run, 'model').path, path.join(workspace, 'out', 'model'), 'the artifact logged last under that name');
    assert.equal(service.resolveModel(run, 'out/old').name, 'model', 'an artifact by the path it was logged with');
    assert.equal(service.resolveModel(run, path.join(workspace, 'out', 'old')).artifact?.path, 'out/old', 'or by its absolute path');
    assert.deepEqual(service.resolveModel(run, 'notes.txt'), { path: path.join(workspace, 'notes.txt'), name: 'notes.txt' }, 'a file relative to the workspace');
    assert.deepEqual(service.resolveModel(run, 'old/weights.bin'), { path: path.join(workspace, 'out', 'old', 'weights.bin'), name: 'weights.bin' }, 'then relative to the working directory');
    assert.throws(() => service.resolveModel(run, 'nope'), code('usage', /has no artifact "nope".*artifacts: model, model, gone/));
    assert.throws(() => service.resolveModel(run, 'gone'), code('input', /"gone" of run .* is no longer at .*out[/\\]gone\.bin/));
    assert.throws(() => service.run('no-such-run'), code('usage', /No run "no-such-run"/));
    // The editor passes no working directory: a path relative to it means nothing there.
    assert.throws(() => new PushService(index, trialbookDir).resolveModel(run, 'old/weights.bin'), code('usage', /no such file/));
  });

  it('builds the request: user, alias checked for the registry kind, metric history from the index', () => {
    const service = new PushService(index, trialbookDir, { user: 'bob' });
    const prepared = service.prepare(spec({ alias: 'staging', description: '' }));
    assert.equal(prepared.request.user, 'bob');
    assert.equal(prepared.request.alias, 'staging');
    assert.equal(prepared.request.description, undefined, 'an empty description means none');
    const loss = prepared.request.history?.('loss');
    assert.deepEqual(Array.from(loss?.steps ?? []), [0, 1]);
    assert.deepEqual(Array.from(loss?.values ?? []), [0.9, 0.4]);
    assert.throws(() => service.prepare(spec({ alias: 'not a tag' })), code('usage', /Alias "not a tag" is not a valid tag/));
    assert.throws(() => service.prepare(spec({ alias: 'latest', target: { kind: 'mlflow', trackingUri: 'http://127.0.0.1:1', modelName: 'm' } })), code('usage', /reserves the alias "latest"/));
    assert.equal(defaultPushUser({ TRIALBOOK_USER: 'ci-bot' }), 'ci-bot');
  });

  it('plans, pushes, records the push in the index and pushes.jsonl, and verifies', async () => {
    const service = new PushService(index, trialbookDir, { user: 'ada' });
    const prepared = service.prepare(spec({ alias: 'staging' }));
    const plan = await service.plan(prepared);
    assert.deepEqual(plan.files.map((f) => [f.filepath, f.sha256]), [['config.json', await fileSha256(path.join(workspace, 'out', 'model', 'config.json'))], ['weights.bin', await fileSha256(path.join(workspace, 'out', 'model', 'weights.bin'))]]);
    const progress: number[] = [];
    const result = await service.push(prepared, { confirmed: plan, onProgress: (d) => progress.push(d) });
    const { raw } = await skopeoInspect(registry.host, 'svc/model:staging');
    assert.equal(result.record.digest, `sha256:${(await import('node:crypto')).createHash('sha256').update(raw).digest('hex')}`);
    assert.equal(result.record.user, 'ada');
    assert.ok(progress.length > 0);
    assert.deepEqual(index.getRun(RUN_ID)?.pushes.map((p) => p.reference), [result.record.reference], 'recorded in the index');
    assert.ok(readFileSync(path.join(trialbookDir, 'pushes.jsonl'), 'utf8').includes(result.record.reference), 'and in pushes.jsonl');
    assert.ok(readFileSync(path.join(trialbookDir, 'cache', 'registry-digests.json'), 'utf8').includes(plan.files[1]?.sha256 ?? '-'), 'digests are kept for the next push');

    const record = index.getRun(RUN_ID)?.pushes[0];
    assert.ok(record);
    const verified = await service.verify(service.prepare(spec({ target: recordedOciTarget(record, false) })));
    assert.equal(verified.matches, true);
    assert.throws(() => recordedOciTarget({ ...record, registry: 'mlflow:http://h' }, false), /Verify is available for OCI registries/);
  });

  it('stops before sending anything when the model changed after it was confirmed, or the push is cancelled; records nothing', async () => {
    const service = new PushService(index, trialbookDir);
    const target = parseOciTarget(`oci://${registry.host}/svc/changed:1`);
    const prepared = service.prepare(spec({ target }));
    const plan = await service.plan(prepared);
    const pushesBefore = index.getRun(RUN_ID)?.pushes.length;
    writeFileSync(path.join(workspace, 'out', 'model', 'config.json'), '{"n":2}');
    await assert.rejects(service.push(prepared, { confirmed: plan }), code('input', /changed after it was confirmed \(config\.json\); nothing was sent/));
    await assert.rejects(skopeoInspect(registry.host, 'svc/changed:1'));

    const controller = new AbortController();
    controller.abort();
    await assert.rejects(service.push(service.prepare(spec({ target })), { signal: controller.signal }), code('cancelled', /cancelled; nothing was recorded/));
    assert.equal(index.getRun(RUN_ID)?.pushes.length, pushesBefore);
  });

  it('applies the link rule: a link outside the model stops the push until copies are allowed', async () => {
    const outsideFile = path.join(work, 'outside.txt');
    writeFileSync(outsideFile, 'outside');
    symlinkSync(outsideFile, path.join(workspace, 'out', 'model', 'extra.txt'));
    try {
      const service = new PushService(index, trialbookDir);
      const target = parseOciTarget(`oci://${registry.host}/svc/linked:1`);
      const refused = service.prepare(spec({ target }));
      const plan = await service.plan(refused);
      assert.deepEqual(plan.links.map((l) => [l.filepath, l.target, l.sentAs]), [['extra.txt', outsideFile, 'not-sent']]);
      const before = index.getRun(RUN_ID)?.pushes.length ?? 0;
      await assert.rejects(service.push(refused, { confirmed: plan }), code('input', /extra\.txt → .*outside\.txt.*Nothing was sent/));
      assert.equal(index.getRun(RUN_ID)?.pushes.length, before);
      const allowed = service.prepare(spec({ target, followOutsideLinks: true }));
      const allowedPlan = await service.plan(allowed);
      assert.deepEqual(allowedPlan.links.map((l) => l.sentAs), ['copy']);
      await service.push(allowed, { confirmed: allowedPlan });
      assert.equal(index.getRun(RUN_ID)?.pushes.length, before + 1);
    } finally {
      rmSync(path.join(workspace, 'out', 'model', 'extra.txt'));
    }
  });
});
