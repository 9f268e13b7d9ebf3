import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { RegistryServer } from '../registry/registryServer';
import { activateTrialbook, runPython, workspaceDir } from './helpers';

const MODEL_SCRIPT = [
  'import os, trialbook',
  'run = trialbook.init(experiment="ship", config={"lr": 0.01}, notes="model to ship", system_metrics=False)',
  'run.log({"val_acc": 0.91})',
  'os.makedirs("models", exist_ok=True)',
  'open("models/model.bin", "wb").write(os.urandom(200000))',
  'run.log_artifact("models/model.bin", name="model", type="model")',
  'run.finish()',
  'print(run.id)',
].join('\n');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

suite('Push a model to a registry', () => {
  let registry: RegistryServer | undefined;
  const password = `s3cret-${Date.now()}`;

  suiteSetup(async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'trialbook-htpasswd-'));
    execFileSync('htpasswd', ['-Bbc', join(dir, 'htpasswd'), 'alice', password]);
    registry = await RegistryServer.start({ kind: 'htpasswd', htpasswdPath: join(dir, 'htpasswd') });
  });

  suiteTeardown(async () => {
    await registry?.stop();
  });

  test('the push command pushes a logged model to a real registry, records it, and keeps the password only in SecretStorage', async function () {
    this.timeout(90_000);
    const { api } = await activateTrialbook();
    const host = (registry as RegistryServer).host;
    const runId = (await runPython(MODEL_SCRIPT, workspaceDir())).trim().split('\n').pop() ?? '';
    await api.refresh();
    const errorsBefore = api.commandErrors().length;

    await vscode.commands.executeCommand('trialbook.addRegistry', {
      name: 'local-test', kind: 'oci', registry: host, repository: 'models/churn', credentials: { kind: 'basic', username: 'alice', password },
    });
    await vscode.commands.executeCommand('trialbook.pushModel', { runId, artifact: 'model', registry: 'local-test', version: '1.0.0', alias: 'staging', confirmed: true });
    assert.deepEqual(api.commandErrors().slice(errorsBefore), []);

    const detail = await api.runDetail(runId);
    assert.ok(detail, 'the run is in the index');
    assert.equal(detail.pushes.length, 1, JSON.stringify(detail.pushes));
    const [push] = detail.pushes;
    assert.ok(push);
    assert.match(push.reference, new RegExp(`^${host.replace(/\./g, '\\.')}/models/churn:1\\.0\\.0@sha256:[0-9a-f]{64}$`));
    // The push is also recorded outside the database, so a rebuilt index keeps it.
    const pushes = readFileSync(join(workspaceDir(), '.trialbook', 'pushes.jsonl'), 'utf8');
    assert.ok(pushes.includes(push.reference), pushes);
    const models = await api.modelsTree();
    const shipped = models.find((m) => m.run === detail.name);
    assert.deepEqual(shipped?.models.map((m) => m.name), ['model']);
    assert.equal(shipped?.models[0]?.pushes[0], push.reference);

    assert.equal(await api.hasRegistryCredentials('local-test'), true);
    const settings = readFileSync(join(workspaceDir(), '.vscode', 'settings.json'), 'utf8');
    assert.match(settings, /local-test/);
    for (const file of filesUnder(workspaceDir())) {
      assert.ok(!readFileSync(file).includes(password), `the password leaked into ${file}`);
    }
  });

  test('a wrong password fails with a message naming the registry, without the password, and records nothing', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const host = (registry as RegistryServer).host;
    const runId = (await runPython(MODEL_SCRIPT, workspaceDir())).trim().split('\n').pop() ?? '';
    await api.refresh();
    const wrong = `wrong-${Date.now()}`;
    await vscode.commands.executeCommand('trialbook.addRegistry', {
      name: 'local-wrong', kind: 'oci', registry: host, repository: 'models/churn', credentials: { kind: 'basic', username: 'alice', password: wrong },
    });
    const before = api.commandErrors().length;
    await vscode.commands.executeCommand('trialbook.pushModel', { runId, artifact: 'model', registry: 'local-wrong', version: '2.0.0', confirmed: true });
    const errors = api.commandErrors().slice(before);
    const [error] = errors;
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.ok(error);
    assert.match(error.message, new RegExp(host.replace(/\./g, '\\.')));
    assert.ok(!error.message.includes(wrong), 'the password is not in the message');
    const detail = await api.runDetail(runId);
    assert.deepEqual(detail?.pushes, []);
  });

  test('a model with a link outside its folder is not pushed until copies are allowed; the error names the link', async function () {
    this.timeout(90_000);
    const { api } = await activateTrialbook();
    const host = (registry as RegistryServer).host;
    const outside = join(mkdtempSync(join(tmpdir(), 'trialbook-outside-')), 'secret.txt');
    writeFileSync(outside, `outside-${Date.now()}`);
    const script = [
      'import os, trialbook',
      'run = trialbook.init(experiment="ship", notes="linked model", system_metrics=False)',
      'os.makedirs("models/linked", exist_ok=True)',
      'open("models/linked/weights.bin", "wb").write(os.urandom(1000))',
      `os.path.lexists("models/linked/secret.txt") or os.symlink(${JSON.stringify(outside)}, "models/linked/secret.txt")`,
      'run.log_artifact("models/linked", name="linked", type="model")',
      'run.finish()',
      'print(run.id)',
    ].join('\n');
    const runId = (await runPython(script, workspaceDir())).trim().split('\n').pop() ?? '';
    await api.refresh();
    await vscode.commands.executeCommand('trialbook.addRegistry', {
      name: 'local-links', kind: 'oci', registry: host, repository: 'models/linked', credentials: { kind: 'basic', username: 'alice', password },
    });
    const before = api.commandErrors().length;
    await vscode.commands.executeCommand('trialbook.pushModel', { runId, artifact: 'linked', registry: 'local-links', version: '1.0.0', confirmed: true });
    const errors = api.commandErrors().slice(before);
    const [error] = errors;
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.ok(error);
    assert.match(error.message, /secret\.txt → .*secret\.txt.*Nothing was sent/);
    assert.deepEqual((await api.runDetail(runId))?.pushes, [], 'nothing recorded');

    await vscode.commands.executeCommand('trialbook.pushModel', { runId, artifact: 'linked', registry: 'local-links', version: '1.0.0', confirmed: true, followOutsideLinks: true });
    assert.deepEqual(api.commandErrors().slice(before + 1), []);
    assert.equal((await api.runDetail(runId))?.pushes.length, 1, 'pushed once copies were allowed');
  });
});
