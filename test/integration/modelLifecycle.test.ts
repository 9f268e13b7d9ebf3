import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { RegistryServer } from '../registry/registryServer';
import { RunLog } from '../fixtures/runLog';
import { activateTrialbook, moreEvents, newRunId, waitFor, workspaceDir } from './helpers';

/** A run that logged val_acc 0.91 and a model file, not ended yet (the test logs more later). */
function writeModelRun(): { id: string; logFile: string } {
  const id = newRunId();
  const ws = workspaceDir();
  mkdirSync(join(ws, 'lifecycle-models'), { recursive: true });
  writeFileSync(join(ws, 'lifecycle-models', `${id}.bin`), Buffer.alloc(5000, 7));
  const t0 = Date.now() / 1000;
  const log = new RunLog(id, { t0, tick: 0 })
    .start({ experiment: 'lifecycle', name: 'churn-train', config: { lr: 0.01 }, tags: [] })
    .metrics(0, { val_acc: 0.91 })
    .artifact({ name: 'model', path: `lifecycle-models/${id}.bin`, type: 'model', size: 5000, sha256: 'e'.repeat(64) });
  const logFile = join(ws, '.trialbook', 'runs', id, 'events.jsonl');
  mkdirSync(join(ws, '.trialbook', 'runs', id), { recursive: true });
  writeFileSync(logFile, log.text());
  return { id, logFile };
}

suite('Model lifecycle: registry, reasons, gates', () => {
  let registry: RegistryServer | undefined;
  suiteSetup(async function () {
    this.timeout(30_000);
    registry = await RegistryServer.start();
  });
  suiteTeardown(async () => {
    await registry?.stop();
  });

  test('register, a required reason, a failing gate that blocks promotion and push until overridden, re-run when the run changes', async function () {
    this.timeout(90_000);
    const { api } = await activateTrialbook();
    const trialbookDir = join(workspaceDir(), '.trialbook');
    const run = writeModelRun();
    writeFileSync(join(trialbookDir, 'gates.json'), `${JSON.stringify({ churn: { accuracy: 'val_acc >= 0.95', latency: 'latency_ms < 40' } }, null, 2)}\n`);
    await api.refresh();
    const errors = (): string[] => api.commandErrors().map((e) => e.message);
    const before = errors().length;

    await vscode.commands.executeCommand('trialbook.registerModel', { runId: run.id, artifact: 'model', model: 'churn', reason: '' });
    assert.match(errors().slice(before).join('\n'), /A reason is required: say why/);
    await vscode.commands.executeCommand('trialbook.registerModel', { runId: run.id, artifact: 'model', model: 'churn', reason: 'first model over 0.9' });
    let models = await api.registeredModels();
    const churn = (): NonNullable<typeof models.models[number]> | undefined => models.models.find((m) => m.name === 'churn');
    assert.deepEqual(churn()?.versions.map((v) => [v.version, v.stage, v.reason]), [[1, 'candidate', 'first model over 0.9']]);
    assert.deepEqual(churn()?.versions[0]?.gates.map((g) => [g.name, g.status]), [['accuracy', 'fail'], ['latency', 'missing']]);

    // The Test Explorer has one item per gate × version, failing with the values read.
    const results = await api.gateTestResults();
    const accuracy = results.find((r) => r.id === 'churn@v1/accuracy');
    assert.equal(accuracy?.status, 'fail');
    assert.match(accuracy?.message ?? '', /val_acc = 0\.91/);
    assert.equal(results.find((r) => r.id === 'churn@v1/latency')?.status, 'missing');

    // A promotion is blocked by the failing gates, then let through with a recorded override reason.
    const n = errors().length;
    await vscode.commands.executeCommand('trialbook.setModelStage', { model: 'churn', version: 1, stage: 'staging', reason: 'try it' });
    assert.match(errors().slice(n).join('\n'), /Promoting churn v1 to staging is blocked by 2 failing gates: accuracy \(failed: val_acc >= 0\.95 with val_acc = 0\.91\)/);
    models = await api.registeredModels();
    assert.equal(churn()?.versions[0]?.stage, 'candidate');
    await vscode.commands.executeCommand('trialbook.setModelStage', { model: 'churn', version: 1, stage: 'staging', reason: 'try it', overrideReason: 'latency is measured in staging' });
    models = await api.registeredModels();
    assert.equal(churn()?.versions[0]?.stage, 'staging');
    const logText = readFileSync(join(trialbookDir, 'models.jsonl'), 'utf8');
    assert.match(logText, /"action":"promote","model":"churn","version":1,"stage":"staging","from":"candidate",.*"reason":"try it",.*"override":\{"gates":\["accuracy","latency"\],"reason":"latency is measured in staging"\}/);

    // A push is blocked the same way; overridden, it goes to a real registry and is recorded.
    await vscode.commands.executeCommand('trialbook.addRegistry', { name: 'lifecycle-oci', kind: 'oci', registry: (registry as RegistryServer).host, repository: 'models/churn' });
    const m = errors().length;
    await vscode.commands.executeCommand('trialbook.pushModelVersion', { model: 'churn', version: 1, reason: 'ship to staging', registry: 'lifecycle-oci', confirmed: true });
    assert.match(errors().slice(m).join('\n'), /Pushing churn v1 is blocked/);
    const reference = await vscode.commands.executeCommand<string | undefined>('trialbook.pushModelVersion', { model: 'churn', version: 1, reason: 'ship to staging', overrideReason: 'same as the promotion', registry: 'lifecycle-oci', confirmed: true });
    assert.match(reference ?? '', /\/models\/churn:v1@sha256:[0-9a-f]{64}$/);
    models = await api.registeredModels();
    assert.deepEqual(churn()?.versions[0]?.pushes, [reference]);
    assert.deepEqual(churn()?.versions[0]?.history, ['register: first model over 0.9', 'promote: try it', 'push: ship to staging']);

    // The run logs more: the gate items run again by themselves and now read the new value.
    appendFileSync(run.logFile, moreEvents({ id: run.id, experiment: 'lifecycle', name: 'churn-train', logFile: run.logFile }).metrics(1, { val_acc: 0.97 }).end('finished').text());
    await api.refresh();
    await waitFor('the accuracy gate to pass after the run changed', async () => {
      const r = (await api.gateTestResults()).find((x) => x.id === 'churn@v1/accuracy');
      return r?.status === 'pass' ? r : undefined;
    }, 20_000);
  });

  test('the Models view lists again when a run it shows changes or a new model is logged, not for other runs', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const model = writeModelRun();
    await api.refresh();
    await waitFor('the model run in the Models view', async () => ((await api.modelsTree()).some((r) => r.run === 'churn-train') ? true : undefined), 20_000);
    // The earlier test's writes to models.jsonl and gates.json reach the view through a file watcher: let them land.
    let before = api.modelsViewRelists();
    for (let quiet = Date.now(); Date.now() - quiet < 2_000;) {
      await new Promise((r) => setTimeout(r, 200));
      if (api.modelsViewRelists() !== before) { before = api.modelsViewRelists(); quiet = Date.now(); }
    }
    // Another run logs without a model: a re-list would drop the view's item handles under a user's right-click.
    const other = newRunId();
    const otherLog = join(workspaceDir(), '.trialbook', 'runs', other, 'events.jsonl');
    mkdirSync(join(workspaceDir(), '.trialbook', 'runs', other), { recursive: true });
    writeFileSync(otherLog, new RunLog(other, { t0: Date.now() / 1000, tick: 0 }).start({ experiment: 'lifecycle', name: 'no-model', config: {}, tags: [] }).metrics(0, { loss: 1 }).text());
    await api.refresh();
    appendFileSync(otherLog, moreEvents({ id: other, experiment: 'lifecycle', name: 'no-model', logFile: otherLog }).metrics(1, { loss: 0.5 }).end('finished').text());
    await api.refresh();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(api.modelsViewRelists(), before, 'a run without a model made the Models view list again');
    // The shown run logs more: its gates may change, so the view lists again.
    appendFileSync(model.logFile, moreEvents({ id: model.id, experiment: 'lifecycle', name: 'churn-train', logFile: model.logFile }).metrics(1, { val_acc: 0.5 }).end('finished').text());
    await api.refresh();
    await waitFor('the Models view listed again', async () => (api.modelsViewRelists() > before ? true : undefined), 10_000);
    // A new run that logged a model: the view lists again to show it.
    const shown = api.modelsViewRelists();
    writeModelRun();
    await api.refresh();
    await waitFor('the Models view listed again for the new model', async () => (api.modelsViewRelists() > shown ? true : undefined), 10_000);
  });

  test('a gate with a syntax error shows as a diagnostic at its column in gates.json; a broken log line is reported and the rest kept', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const trialbookDir = join(workspaceDir(), '.trialbook');
    writeFileSync(join(trialbookDir, 'gates.json'), '{\n  "churn": {\n    "accuracy": "val_acc >= and x"\n  }\n}\n');
    const diagnostics = await waitFor('a diagnostic on gates.json', () => {
      const d = api.gateDiagnostics();
      return d.length ? d : undefined;
    }, 20_000);
    assert.deepEqual(diagnostics, [{ message: 'gate "accuracy": invalid rule at column 12: expected a value, found "and" (quote it if you mean the word)', at: '3:29' }]);
    // A hand edit gone wrong (deliberately not an entry) in the committed log.
    appendFileSync(join(trialbookDir, 'models.jsonl'), 'oops, not a transition\n');
    const models = await waitFor('the broken line to be reported', async () => {
      const r = await api.registeredModels();
      return r.problems.length ? r : undefined;
    }, 20_000);
    assert.match(models.problems.join('\n'), /line 4 is not a transition \(not JSON\); it was skipped/);
    assert.equal(models.models.find((m) => m.name === 'churn')?.versions[0]?.stage, 'staging', 'the entries around it are kept');
  });
});
