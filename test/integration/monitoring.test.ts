// Monitoring in the real editor: the drift scenario (examples/monitoring/scenario.py, the real SDK in a child
// process) shows in the Monitoring view with its status, raises the alerts (notification, Problems entry on the
// model's gate in .trialbook/gates.json with the batch's log line as evidence, status bar item), records the alert
// in the transition log once the version is registered, and a retraining names that alert. The runs it wrote and
// the lifecycle files are restored afterwards.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateTrialbook, repoRoot, runPython, waitFor, workspaceDir } from './helpers';

suite('Monitoring', () => {
  const written: string[] = [];
  const lifecycleFiles = ['models.jsonl', 'gates.json'].map((name) => join(workspaceDir(), '.trialbook', name));
  const saved = new Map<string, string | undefined>();

  suiteSetup(() => {
    for (const file of lifecycleFiles) saved.set(file, existsSync(file) ? readFileSync(file, 'utf8') : undefined);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const id of written) rmSync(join(workspaceDir(), '.trialbook', 'runs', id), { recursive: true, force: true });
    for (const [file, text] of saved) {
      if (text === undefined) rmSync(file, { force: true }); else writeFileSync(file, text);
    }
    const { api } = await activateTrialbook();
    await api.refresh();
    await vscode.commands.executeCommand('trialbook.refreshMonitoring');
  });

  test('the drift scenario shows as an alert with its evidence, and its dashboard opens', async function () {
    this.timeout(180_000);
    const { api } = await activateTrialbook();
    const scenario = join(repoRoot(), 'examples', 'monitoring', 'scenario.py');
    const out = await runPython(`import runpy, sys\nsys.argv = ["scenario.py", "--seed", "2", "--json", "--dir", ${JSON.stringify(workspaceDir())}]\nrunpy.run_path(${JSON.stringify(scenario)}, run_name="__main__")\n`, workspaceDir());
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { training_run: string; monitoring_run: string };
    written.push(result.training_run, result.monitoring_run);
    await api.refresh();
    await vscode.commands.executeCommand('trialbook.refreshMonitoring');
    const item = await waitFor('the monitored version in the view', () => api.monitoring().view.find((v) => v.label === 'churn-classifier v1' && v.description.startsWith('alert')), 20_000);
    assert.match(item.description, /^alert · \d{4}-\d\d-\d\d.* · 30 batches$/);
    assert.ok(item.children.some((c) => /^tenure: PSI /.test(c)), item.children.join('\n'));
    assert.ok(item.children.some((c) => /^accuracy: drop from baseline/.test(c)), item.children.join('\n'));
    const info = api.monitoring();
    assert.equal(info.statusBar, '$(error) churn-classifier v1: alert');
    assert.match(info.lastNotification ?? '', /^Trialbook: churn-classifier v1 is in alert: /);
    const log = join(workspaceDir(), '.trialbook', 'runs', result.monitoring_run, 'events.jsonl');
    // Not registered yet, no gates for it: the entry sits on the batch's line of the monitoring run's log.
    const problem = await waitFor('a Problems entry on the batch', () => api.monitoring().problems.find((p) => p.file === log && p.message.includes('tenure: PSI')), 20_000);
    const line = readFileSync(log, 'utf8').split('\n')[problem.line - 1] ?? '';
    assert.match(line, /"t":"monitor_batch"/, 'the Problems entry points at the batch in the log');
    assert.match(line, /"index":29/, 'the latest batch');

    // Registered, with a gate: the alert is recorded once in the transition log, and its Problems entry moves to the gate.
    const trialbookDir = join(workspaceDir(), '.trialbook');
    const gates = join(trialbookDir, 'gates.json');
    writeFileSync(gates, `${JSON.stringify({ 'churn-classifier': { accuracy: 'val/accuracy >= 0.8' } }, null, 2)}\n`);
    await api.refresh();
    await vscode.commands.executeCommand('trialbook.registerModel', { runId: result.training_run, artifact: 'model.pkl', model: 'churn-classifier', reason: 'scenario model', stage: 'production' });
    const recorded = await waitFor('the alert in models.jsonl', () => readFileSync(join(trialbookDir, 'models.jsonl'), 'utf8').split('\n')
      .map((text, i) => ({ text, line: i + 1 })).find((l) => l.text.includes('"action":"alert"') && l.text.includes('"model":"churn-classifier"')), 20_000);
    const entry = JSON.parse(recorded.text) as { version: number; stage: string; reason: string; alert: { run: string; batch: number; findings: string[] } };
    assert.equal(entry.version, 1);
    assert.equal(entry.stage, 'production');
    assert.equal(entry.alert.run, result.monitoring_run);
    assert.equal(entry.alert.batch, 29);
    assert.ok(entry.alert.findings.some((f) => f.startsWith('tenure: PSI')), entry.reason);
    const gateProblem = await waitFor('the Problems entry on the gate', () => api.monitoring().problems.find((p) => p.file === gates && p.message.includes('tenure: PSI')), 20_000);
    assert.equal(gateProblem.line, 3, 'on the model\'s gate in gates.json');
    await vscode.commands.executeCommand('trialbook.refreshMonitoring');
    await new Promise((r) => setTimeout(r, 500));
    const alertLines = readFileSync(join(trialbookDir, 'models.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"action":"alert"') && l.includes('"model":"churn-classifier"'));
    assert.equal(alertLines.length, 1, 'one entry per alerting batch, however often the view refreshes');

    // A retraining names the alert it answers; the Models view shows both.
    await vscode.commands.executeCommand('trialbook.retrainModel', { model: 'churn-classifier', version: 1, runId: result.training_run, artifact: 'model.pkl', reason: 'retrained after the drift', becauseOfAlert: recorded.line });
    const models = await waitFor('v2 in the Models view', async () => (await api.registeredModels()).models.find((m) => m.name === 'churn-classifier' && m.versions.length === 2), 20_000);
    assert.ok(models.versions[0]?.history.some((h) => h.startsWith('alert: monitoring alert: ') && h.includes('tenure: PSI')), JSON.stringify(models.versions[0]?.history));
    const retrain = readFileSync(join(trialbookDir, 'models.jsonl'), 'utf8').trimEnd().split('\n').pop() ?? '';
    assert.match(retrain, new RegExp(`"action":"retrain".*"becauseOfAlert":${recorded.line}`));

    const errorsBefore = api.commandErrors().length;
    await vscode.commands.executeCommand('trialbook.openMonitoring', { model: 'churn-classifier', version: '1' });
    await waitFor('the dashboard', () => api.monitoring().dashboards.find((d) => d.model === 'churn-classifier' && d.ready), 20_000);
    await vscode.commands.executeCommand('trialbook.openMonitoring', 42);
    const errors = api.commandErrors().slice(errorsBefore);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /trialbook\.openMonitoring: the first argument must be \{model, version\}/);
  });
});
