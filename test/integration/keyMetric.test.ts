import * as assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { RunLog } from '../fixtures/runLog';
import { activateTrialbook, findRun, newRunId, setSetting, waitFor, workspaceDir } from './helpers';

/** A finished run with epoch, val/acc and val/loss at three steps, optional definitions and summary values. */
function writeRun(experiment: string, name: string, acc: number, extra: (log: RunLog) => RunLog = (l) => l): string {
  const id = newRunId();
  const log = extra(new RunLog(id, { t0: Date.now() / 1000 - 10, tick: 0.5 }).start({ experiment, name }));
  for (let step = 0; step < 3; step++) log.metrics(step, { epoch: 9.99, 'val/acc': acc - (2 - step) * 0.1, 'val/loss': 1 - acc + (2 - step) * 0.1 });
  log.end();
  const file = join(workspaceDir(), '.trialbook', 'runs', id, 'events.jsonl');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, log.text());
  renameSync(`${file}.tmp`, file);
  return id;
}

suite('Key metric and summary values in the Runs view', () => {
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('trialbook.sortRuns', '-started');
    await setSetting('keyMetric', undefined);
  });

  test('the metric beside each run follows the sort, then the declared primary, then the setting; summary values show in the tooltip', async function () {
    this.timeout(90_000);
    const { api } = await activateTrialbook();
    const plain = writeRun('key-sort', 'plain', 0.9, (l) => l.summary({ best_accuracy: 0.934567 }));
    const declared = writeRun('key-primary', 'declared', 0.8, (l) => l.metricDefinition('val/loss', { goal: 'minimize', summary: 'min', primary: true }));
    await api.refresh();
    const description = async (id: string): Promise<string> => findRun(await api.runsTree(), id)?.run.description ?? '';
    const expectDescription = async (id: string, start: string): Promise<void> => {
      await waitFor(`the run shows "${start}"`, async () => ((await description(id)).startsWith(start) ? true : undefined), 10_000)
        .catch(async (err: Error) => { throw new Error(`${err.message}; it shows "${await description(id)}"`); });
    };
    await vscode.commands.executeCommand('trialbook.sortRuns', '-started');
    // Nothing declared: the first metric with a direction (val/acc), not the alphabetically first (epoch).
    await expectDescription(plain, 'val/acc 0.9 ');
    // Declared primary val/loss with summary="min": its minimum.
    await expectDescription(declared, 'val/loss 0.2 ');
    await vscode.commands.executeCommand('trialbook.sortRuns', '-metric.val/acc');
    await expectDescription(plain, 'val/acc 0.9 ');
    await expectDescription(declared, 'val/acc 0.8 ');
    await vscode.commands.executeCommand('trialbook.sortRuns', 'metric.val/loss');
    await expectDescription(plain, 'val/loss 0.1 ');
    await vscode.commands.executeCommand('trialbook.sortRuns', '-started');
    await vscode.commands.executeCommand('trialbook.chooseKeyMetric', 'epoch');
    await expectDescription(plain, 'epoch 9.99 ');
    await expectDescription(declared, 'val/loss 0.2 ', );
    await vscode.commands.executeCommand('trialbook.chooseKeyMetric', '');
    await expectDescription(plain, 'val/acc 0.9 ');

    const tooltip = findRun(await api.runsTree(), plain)?.run.tooltip ?? '';
    assert.match(tooltip, /Summary:\n {2}best_accuracy = 0\.9346/);
    assert.match(tooltip, /val\/acc: .*higher is better/);
    assert.match(findRun(await api.runsTree(), declared)?.run.tooltip ?? '', /val\/loss: .*summary: min, lower is better/);
    const detail = await api.runDetail(plain);
    assert.equal(detail?.summary.best_accuracy, 0.934567);
  });
});
