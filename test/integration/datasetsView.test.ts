// The Datasets view in the real editor, fed by the real SDK: dataset → versions (by content hash) → runs → models.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateTrialbook, runPython, waitFor, workspaceDir } from './helpers';

function training(csv: string, model: boolean): string {
  return [
    'import trialbook',
    'run = trialbook.init(experiment="datasets-view", system_metrics=False)',
    `run.use_dataset(${JSON.stringify(csv)}, name="churn-train", context="training")`,
    'run.log({"loss": 0.5})',
    ...(model ? [`open("model.bin", "wb").write(b"weights")`, 'run.log_model("model.bin", name="churn-model")'] : []),
    'run.finish()',
    'print(run.id)',
  ].join('\n');
}

suite('Datasets view', () => {
  test('lists each dataset version with the runs that used it and the models they logged; the run lists its inputs', async function () {
    this.timeout(90_000);
    const { api } = await activateTrialbook();
    const folder = join(workspaceDir(), 'datasets-project');
    mkdirSync(folder, { recursive: true });
    const csv = join(folder, 'train.csv');
    writeFileSync(csv, 'id,tenure,churned\n1,3,0\n2,14,1\n');
    const first = (await runPython(training(csv, true), workspaceDir())).trim().split('\n').pop() ?? '';
    writeFileSync(csv, 'id,tenure,churned\n1,3,0\n2,14,1\n3,7,0\n');
    const second = (await runPython(training(csv, false), workspaceDir())).trim().split('\n').pop() ?? '';
    await api.refresh();

    await vscode.commands.executeCommand('trialbook.datasets.focus');
    const tree = await waitFor('the Datasets view lists churn-train', async () => (await api.datasetsTree()).find((d) => d.name === 'churn-train'));
    assert.equal(tree.description, '2 versions · 2 runs');
    assert.deepEqual(tree.versions.map((v) => v.runs.map((r) => r.runId)), [[second], [first]], 'newest version first');
    assert.match(tree.versions[0]?.description ?? '', /^\d+ B · 3 rows · 3 columns · 1 run$/);
    assert.deepEqual(tree.versions[1]?.runs[0]?.models, ['churn-model']);
    assert.match(tree.versions[1]?.runs[0]?.description ?? '', /^datasets-view · training · /);

    const detail = await api.runDetail(first);
    assert.deepEqual(detail?.inputs?.map((i) => [i.name, i.status, i.rows, i.columns]), [['churn-train', 'complete', 2, ['id', 'tenure', 'churned']]]);
  });
});
