// Sources in the real editor: an MLflow FileStore added to trialbook.sources shows its runs in the Runs view beside
// Trialbook's own, compares with them in one chart, follows a RUNNING run's new metric lines, and takes an edit
// (a star) into Trialbook's edits file while the store stays byte-for-byte as it was.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ComparePanelInfo } from '../../src/vscode/testApi';
import { treeChecksums } from '../peers/peerFixtures';
import { appendMlflowMetric, writeMlflowExperiment, writeMlflowRegisteredModel, writeMlflowRun } from '../fixtures/sourceWriters';
import { activateTrialbook, findRun, setSetting, waitFor, workspaceDir, writeFixtureRun } from './helpers';

suite('Sources: MLflow runs in the Runs view', () => {
  suiteTeardown(async () => {
    await setSetting('sources', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('an MLflow FileStore added as a source lists, compares, follows and takes edits without writing to the store', async function () {
    this.timeout(90_000);
    const { api } = await activateTrialbook();
    // Other suites in this session raise command errors on purpose: only this test's own count.
    const errorsBefore = api.commandErrors().length;
    const mlruns = join(workspaceDir(), 'imported', 'mlruns');
    const exp = writeMlflowExperiment(mlruns, '42', 'churn-mlflow');
    const runId = 'd'.repeat(32);
    const now = Date.now();
    const runDir = writeMlflowRun(exp, '42', {
      runId, name: 'mlflow-baseline', status: 1, startTime: now - 10_000, endTime: null, params: { lr: '0.01', optimizer: 'adam' },
      tags: { stage: 'dev', 'mlflow.note.content': 'logged by MLflow' }, metrics: { loss: [[now - 9000, 1, 0], [now - 8000, 0.5, 1]] },
    });
    const own = writeFixtureRun({ experiment: 'churn-mlflow', name: 'trialbook-run', points: 5 });

    await setSetting('sources', ['imported/mlruns']);
    const id = `mlflow-${runId}`;
    const found = await waitFor('the MLflow run in the Runs view', async () => findRun(await api.runsTree(), id), 15_000);
    assert.equal(found.experiment, 'churn-mlflow');
    assert.equal(found.run.label, 'mlflow-baseline');
    assert.equal(found.run.status, 'running');
    assert.ok(findRun(await api.runsTree(), own.id), 'Trialbook\'s own run is listed beside it');
    const detail = (await api.runDetail(id))!;
    assert.equal(detail.params.lr, 0.01);
    assert.equal(detail.notes, 'logged by MLflow');
    assert.deepEqual(detail.tags, ['stage=dev']);

    // One comparison, both runs' loss in the same chart.
    await vscode.commands.executeCommand('trialbook.compareRuns', [id, own.id]);
    const panel = (): ComparePanelInfo | undefined => api.comparePanels().find((p) => p.runIds.includes(id));
    await waitFor('the comparison with both runs', () => (panel()?.ready && panel()?.pointsSent[`${id}/loss`] === 2 && panel()?.pointsSent[`${own.id}/loss`] === 5 ? true : undefined), 20_000);

    // MLflow logs on: the new line reaches the index, and the open comparison, by itself.
    appendMlflowMetric(runDir, 'loss', [[Date.now(), 0.25, 2]]);
    await waitFor('the appended point', async () => ((await api.runDetail(id))?.metrics.loss?.count === 3 ? true : undefined), 10_000);
    await waitFor('the appended point in the comparison', () => (panel()?.pointsSent[`${id}/loss`] === 3 ? true : undefined), 15_000);

    // A star from the tree (after MLflow's last write, to compare the store with what MLflow left) lands in Trialbook's edits file; the store is untouched.
    const before = treeChecksums(mlruns);
    await vscode.commands.executeCommand('trialbook.toggleStar', { kind: 'run', run: (await api.runDetail(id))! });
    await waitFor('the run to be starred', async () => ((await api.runDetail(id))?.starred ? true : undefined), 10_000);
    assert.match(readFileSync(join(workspaceDir(), '.trialbook', 'runs', id, 'edits.jsonl'), 'utf8'), /"t":"star","starred":true/);
    assert.deepEqual(treeChecksums(mlruns), before, 'the MLflow store is byte-for-byte as it was');
    assert.deepEqual(api.commandErrors().slice(errorsBefore), []);
  });

  test('an MLflow store\'s registered model shows in the Models view, marked read only, its version opening the run it came from', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const mlruns = join(workspaceDir(), 'imported', 'registry-mlruns');
    const exp = writeMlflowExperiment(mlruns, '43', 'registry-exp');
    const runId = 'e'.repeat(32);
    writeMlflowRun(exp, '43', { runId, name: 'registered-from', startTime: Date.now() - 5000, metrics: { loss: [[Date.now() - 4000, 0.5, 0]] } });
    writeMlflowRegisteredModel(mlruns, {
      name: 'churn-mlflow-model', description: 'from MLflow', tags: { owner: 'ml-team' }, aliases: { champion: 1 },
      versions: [{ version: 1, runId, source: `file://${exp}/${runId}/artifacts/model` }],
    });
    const before = treeChecksums(mlruns);
    await setSetting('sources', ['imported/registry-mlruns']);
    const [model] = await waitFor('the registered model in the Models view', async () => {
      const models = (await api.sourceModels()).filter((m) => m.label === 'churn-mlflow-model');
      return models.length > 0 ? models : undefined;
    }, 20_000);
    assert.match(model!.description, /MLflow registry · read only · 1 version/);
    assert.match(model!.tooltip, /Read only/);
    assert.match(model!.tooltip, /Tag owner: ml-team/);
    assert.deepEqual(model!.versions, [{ label: 'v1', description: '@champion · READY', command: 'trialbook.openRun', args: [`mlflow-${runId}`] }]);
    await waitFor('the version\'s run imported', async () => ((await api.runDetail(`mlflow-${runId}`)) ? true : undefined), 15_000);
    assert.deepEqual(treeChecksums(mlruns), before, 'the store is only read');
  });
});
