// A registered model version travels with its push: OCI manifest annotations (a real docker-registry, read back with
// skopeo) and MLflow version tags plus the alias of its stage (the stand-in enforces MLflow's alias rules).
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { MlflowClient } from '../../src/core/registry/mlflowClient';
import { pushModel } from '../../src/core/registry/push';
import { PushService, type PushIndex } from '../../src/core/registry/pushService';
import { parseMlflowTarget, parseOciTarget } from '../../src/core/registry/target';
import type { ModelVersionLabel } from '../../src/core/registry/types';
import type { RunDetail } from '../../src/core/model';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { makeModelFolder, sampleRun, skopeoInspect, tempDir } from './fixtures';
import { RegistryServer } from './registryServer';

const label: ModelVersionLabel = { model: 'churn-classifier', version: 3, stage: 'staging', reason: 'beats v2 on val/acc; <b>not</b> markup' };

/** The push service over one run (what it needs of the index: the run; nothing is recorded by these tests). */
function service(run: RunDetail, trialbookDir: string): PushService {
  const index: PushIndex = { getRun: (id) => (id === run.id ? run : undefined), series: () => [], recordPush: () => undefined, save: async () => undefined };
  return new PushService(index, trialbookDir, { user: 'ada' });
}

describe('pushes carry the registered version, stage and latest reason', () => {
  let registry: RegistryServer;
  let mlflow: MlflowStandIn;
  let work: string;
  before(async () => {
    registry = await RegistryServer.start();
    mlflow = await MlflowStandIn.start({ registrationDelayMs: 100 });
    work = tempDir('labels');
  });
  after(async () => {
    await registry.stop();
    await mlflow.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('OCI: manifest annotations name the model, version, stage and reason', async () => {
    const model = makeModelFolder(work);
    const run = sampleRun({ artifacts: [{ name: 'model', path: model, type: 'model', size: 1, sha256: 'a'.repeat(64) }] });
    const svc = service(run, `${work}/.trialbook`);
    const prepared = svc.prepare({ runId: run.id, model: 'model', target: parseOciTarget(`oci://${registry.host}/team/churn:v3`), credentials: { kind: 'anonymous' }, modelVersion: label });
    assert.equal(prepared.request.alias, undefined, 'OCI gets no second tag unless asked');
    await pushModel(prepared.request);
    const { manifest } = await skopeoInspect(registry.host, 'team/churn:v3');
    const ann = manifest.annotations ?? {};
    assert.equal(ann['dev.trialbook.model.name'], 'churn-classifier');
    assert.equal(ann['dev.trialbook.model.version'], '3');
    assert.equal(ann['dev.trialbook.model.stage'], 'staging');
    assert.equal(ann['dev.trialbook.model.reason'], label.reason);
  });

  it('MLflow: version tags carry them, the stage becomes the alias, and a later push of the same files moves both', async () => {
    const model = makeModelFolder(`${work}/m`, 'm');
    const run = sampleRun({ artifacts: [{ name: 'model', path: model, type: 'model', size: 1, sha256: 'b'.repeat(64) }] });
    const svc = service(run, `${work}/.trialbook`);
    const target = parseMlflowTarget(`mlflow+http://${new URL(mlflow.uri).host}/churn-classifier`);
    const prepared = svc.prepare({ runId: run.id, model: 'model', target, credentials: { kind: 'anonymous' }, modelVersion: label });
    assert.equal(prepared.request.alias, 'staging');
    const first = await pushModel(prepared.request, {}, { mlflowPollMs: 20 });
    assert.equal(first.record.version, '1');
    const client = new MlflowClient(mlflow.uri, { kind: 'anonymous' });
    const tagsOf = async (): Promise<Record<string, string>> => {
      const mv = await client.call<{ model_version: { tags?: { key: string; value: string }[] } }>('GET', 'model-versions/get', { name: 'churn-classifier', version: '1' });
      return Object.fromEntries((mv.model_version.tags ?? []).map((t) => [t.key, t.value]));
    };
    const aliases = async (): Promise<Array<{ alias: string; version: string }>> =>
      (await client.call<{ registered_model: { aliases: Array<{ alias: string; version: string }> } }>('GET', 'registered-models/get', { name: 'churn-classifier' })).registered_model.aliases;
    let tags = await tagsOf();
    assert.equal(tags['trialbook.model.name'], 'churn-classifier');
    assert.equal(tags['trialbook.model.version'], '3');
    assert.equal(tags['trialbook.model.stage'], 'staging');
    assert.equal(tags['trialbook.model.reason'], label.reason);
    assert.deepEqual(await aliases(), [{ alias: 'staging', version: '1' }]);

    const promoted = svc.prepare({ runId: run.id, model: 'model', target, credentials: { kind: 'anonymous' }, modelVersion: { ...label, stage: 'production', reason: 'two weeks in staging, no incidents' } });
    const second = await pushModel(promoted.request, {}, { mlflowPollMs: 20 });
    assert.equal(second.upToDate, true);
    tags = await tagsOf();
    assert.equal(tags['trialbook.model.stage'], 'production');
    assert.equal(tags['trialbook.model.reason'], 'two weeks in staging, no incidents');
    assert.deepEqual((await aliases()).sort((a, b) => a.alias.localeCompare(b.alias)), [{ alias: 'production', version: '1' }, { alias: 'staging', version: '1' }]);

    // An explicit alias wins over the stage; a stage MLflow would refuse as an alias stops before anything is sent.
    assert.equal(svc.prepare({ runId: run.id, model: 'model', target, credentials: { kind: 'anonymous' }, alias: 'champion', modelVersion: label }).request.alias, 'champion');
    assert.throws(() => svc.prepare({ runId: run.id, model: 'model', target, credentials: { kind: 'anonymous' }, modelVersion: { ...label, stage: 'latest' } }), /MLflow reserves the alias "latest"/);
  });
});
