// Monitoring in the real editor: the drift scenario (examples/monitoring/scenario.py, the real SDK in a child
// process) shows in the Monitoring view with its status, raises the alerts (notification, Problems entry on the
// batch's log line, status bar item) and opens its dashboard. The runs it wrote are removed afterwards.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateTrialbook, repoRoot, runPython, waitFor, workspaceDir } from './helpers';

suite('Monitoring', () => {
  const written: string[] = [];

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const id of written) rmSync(join(workspaceDir(), '.trialbook', 'runs', id), { recursive: true, force: true });
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
    const problem = info.problems.find((p) => p.file === log && p.message.includes('tenure: PSI'));
    assert.ok(problem, JSON.stringify(info.problems));
    const line = readFileSync(log, 'utf8').split('\n')[problem.line - 1] ?? '';
    assert.match(line, /"t":"monitor_batch"/, 'the Problems entry points at the batch in the log');
    assert.match(line, /"index":29/, 'the latest batch');
    const errorsBefore = api.commandErrors().length;
    await vscode.commands.executeCommand('trialbook.openMonitoring', { model: 'churn-classifier', version: '1' });
    await waitFor('the dashboard', () => api.monitoring().dashboards.find((d) => d.model === 'churn-classifier' && d.ready), 20_000);
    await vscode.commands.executeCommand('trialbook.openMonitoring', 42);
    const errors = api.commandErrors().slice(errorsBefore);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /trialbook\.openMonitoring: the first argument must be \{model, version\}/);
  });
});
