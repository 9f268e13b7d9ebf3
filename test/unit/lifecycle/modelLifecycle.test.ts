import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GateBlockedError, LifecycleError, ModelLifecycle } from '../../../src/core/lifecycle/modelLifecycle';
import { logPath } from '../../../src/core/lifecycle/transitionLog';
import type { RunDetail } from '../../../src/core/model';

function run(id: string, acc: number): RunDetail {
  return {
    id, experiment: 'e', name: `run ${id}`, status: 'finished', startedAt: 1, lastEventAt: 2, notes: '', tags: [], skippedLines: 0,
    params: {}, metrics: { 'val/acc': { last: acc, min: acc, max: acc, count: 1, lastStep: 0 } }, summary: {},
    lineage: {}, artifacts: [{ name: 'model.pt', path: 'model.pt', type: 'model', size: 3, sha256: 'cafe' }], pushes: [], dir: '',
  };
}

function lifecycle(runs: RunDetail[]): ModelLifecycle {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-lifecycle-'));
  return new ModelLifecycle(dir, {
    run: (id) => runs.find((r) => r.id === id),
    who: async () => ({ user: 'ada', gitName: 'Ada', gitEmail: 'ada@example.com' }),
    now: () => new Date('2026-11-30T10:00:00Z'),
  });
}

test('every transition needs a reason; an empty one is refused with a message and nothing is written', async () => {
  const lc = lifecycle([run('r1', 0.95)]);
  for (const reason of ['', '   ']) {
    await assert.rejects(lc.register({ model: 'churn', runId: 'r1', artifact: 'model.pt', reason }), (err: unknown) => err instanceof LifecycleError && /A reason is required: say why/.test(err.message));
  }
  assert.deepEqual((await lc.registry()).models, []);
  await lc.register({ model: 'churn', runId: 'r1', artifact: 'model.pt', reason: 'first' });
  await assert.rejects(lc.setStage({ model: 'churn', version: 1, stage: 'staging', reason: '' }), /A reason is required/);
  await assert.rejects(lc.beforePush('churn', 1, ''), /A reason is required/);
});

test('register, retrain and promote: versions count up, retrain records what it replaces, stages and reasons replay', async () => {
  const lc = lifecycle([run('r1', 0.95), run('r2', 0.96)]);
  await lc.register({ model: 'churn', runId: 'r1', artifact: 'model.pt', reason: 'first' });
  await lc.setStage({ model: 'churn', version: 1, stage: 'production', reason: 'ship it' });
  const retrain = await lc.register({ model: 'churn', runId: 'r2', artifact: 'model.pt', reason: 'drift on feature X since 2026-11-02', replaces: 1 });
  assert.equal(retrain.action, 'retrain');
  assert.equal(retrain.version, 2);
  assert.equal(retrain.replaces, 1);
  assert.equal(retrain.sha256, 'cafe');
  const archived = await lc.setStage({ model: 'churn', version: 1, stage: 'archived', reason: 'replaced by v2' });
  assert.equal(archived.action, 'archive');
  const demoted = await lc.setStage({ model: 'churn', version: 2, stage: 'candidate', reason: 'not yet' }).catch((e: unknown) => e);
  assert.match(String(demoted), /already in candidate/);
  const model = (await lc.registry()).models[0];
  assert.deepEqual(model?.versions.map((v) => [v.version, v.stage, v.latestReason]), [[1, 'archived', 'replaced by v2'], [2, 'candidate', 'drift on feature X since 2026-11-02']]);
  assert.deepEqual(model?.history.map((h) => h.entry.action), ['register', 'promote', 'retrain', 'archive']);
  assert.equal(model?.history[1]?.entry.who.gitName, 'Ada');
  await assert.rejects(lc.register({ model: 'churn', runId: 'r2', artifact: 'model.pt', reason: 'x', replaces: 7 }), /no v7 to replace/);
  await assert.rejects(lc.register({ model: 'churn', runId: 'r2', artifact: 'nope', reason: 'x' }), /logged no artifact "nope"/);
  await assert.rejects(lc.setStage({ model: 'churn', version: 2, stage: 'v3', reason: 'x' }), /reserved/);
  await assert.rejects(lc.register({ model: '../evil', runId: 'r2', artifact: 'model.pt', reason: 'x' }), /not valid/);
});

test('a failing gate blocks a promotion and a push unless overridden with a reason, which is recorded', async () => {
  const lc = lifecycle([run('r1', 0.9)]);
  writeFileSync(join(lc.trialbookDir, 'gates.json'), JSON.stringify({ churn: { accuracy: 'val/acc >= 0.92', 'has-f1': 'summary.f1 > 0' } }));
  await lc.register({ model: 'churn', runId: 'r1', artifact: 'model.pt', reason: 'first' });
  const results = await lc.checkGates('churn', 1);
  assert.deepEqual(results.map((r) => [r.gate.name, r.status]), [['accuracy', 'fail'], ['has-f1', 'missing']]);
  const blocked = await lc.setStage({ model: 'churn', version: 1, stage: 'staging', reason: 'try' }).catch((e: unknown) => e);
  assert.ok(blocked instanceof GateBlockedError);
  assert.match(blocked.message, /blocked by 2 failing gates: accuracy \(failed: val\/acc >= 0.92 with val\/acc = 0.9\); has-f1 \(missing/);
  await assert.rejects(lc.setStage({ model: 'churn', version: 1, stage: 'staging', reason: 'try', overrideReason: ' ' }), /needs its own reason/);
  const promoted = await lc.setStage({ model: 'churn', version: 1, stage: 'staging', reason: 'try', overrideReason: 'accepted by the review board' });
  assert.deepEqual(promoted.override, { gates: ['accuracy', 'has-f1'], reason: 'accepted by the review board' });
  // Demotion and archiving are never blocked.
  await lc.setStage({ model: 'churn', version: 1, stage: 'candidate', reason: 'back' });
  await assert.rejects(lc.beforePush('churn', 1, 'ship'), GateBlockedError);
  const ok = await lc.beforePush('churn', 1, 'ship', 'hotfix');
  assert.deepEqual(ok.override?.gates, ['accuracy', 'has-f1']);
  await lc.recordPush('churn', 1, { registry: 'oci://r/x', reference: 'r/x:1@sha256:00', digest: 'sha256:00' }, 'ship', ok.override);
  const v = (await lc.registry()).models[0]?.versions[0];
  assert.equal(v?.pushes[0]?.reference, 'r/x:1@sha256:00');
  assert.equal(v?.pushes[0]?.override?.reason, 'hotfix');
  assert.ok(readFileSync(logPath(lc.trialbookDir), 'utf8').includes('"override":{"gates":["accuracy","has-f1"],"reason":"accepted by the review board"}'));
});
