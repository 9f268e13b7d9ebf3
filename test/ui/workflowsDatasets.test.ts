// The Datasets view and the run's Inputs, after a real SDK run that used a dataset and logged a model.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

const repoRoot = process.env.TRIALBOOK_REPO ?? resolve(__dirname, '..', '..', '..');

function train(workspace: string, csv: string, runName: string): void {
  const code = [
    'import trialbook',
    `run = trialbook.init(experiment="churn", name=${JSON.stringify(runName)}, system_metrics=False)`,
    `run.use_dataset(${JSON.stringify(csv)}, name="churn-train", context="training")`,
    'run.log({"loss": 0.4})',
    `open(${JSON.stringify(join(workspace, `${runName}.bin`))}, "wb").write(b"weights")`,
    `run.log_model(${JSON.stringify(join(workspace, `${runName}.bin`))}, name=${JSON.stringify(`${runName}-model`)})`,
    'run.finish()',
  ].join('\n');
  execFileSync('/usr/bin/python3', ['-c', code], {
    cwd: workspace, timeout: 60_000,
    env: { ...process.env, PYTHONPATH: join(repoRoot, 'sdk', 'python'), TRIALBOOK_DIR: join(workspace, '.trialbook') },
  });
}

export const tests: UiTest[] = [
  {
    name: 'the Datasets view shows each version of a dataset with the runs and models that used it; the run lists its inputs',
    timeoutMs: 120_000,
    async run({ page, workspace, screenshot }) {
      const workbench = new Workbench(page);
      await workbench.runCommand('View: Close All Editors');
      const data = join(workspace, 'data');
      mkdirSync(data, { recursive: true });
      const csv = join(data, 'churn.csv');
      writeFileSync(csv, 'id,tenure,churned\n1,3,0\n2,14,1\n');
      train(workspace, csv, 'churn-v1');
      writeFileSync(csv, 'id,tenure,churned\n1,3,0\n2,14,1\n3,7,0\n');
      train(workspace, csv, 'churn-v2');

      await workbench.runCommand('Trialbook: Focus on Datasets View');
      // The Datasets pane only: the Runs view above lists the same run names.
      const sidebar = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Datasets' }) });
      const datasetRow = workbench.treeRow(sidebar, 'churn-train').first();
      await datasetRow.waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await datasetRow.locator('.label-description').textContent(), '2 versions · 2 runs');
      const versions = sidebar.locator('.monaco-list-row', { hasText: 'rows' });
      await versions.nth(1).waitFor({ state: 'visible', timeout: 10_000 });
      const texts = await versions.allTextContents();
      assert.ok(texts.some((t) => t.includes('3 rows · 3 columns · 1 run')) && texts.some((t) => t.includes('2 rows · 3 columns · 1 run')), JSON.stringify(texts));
      await versions.nth(1).click(); // the older version: expand to its run
      const runRow = workbench.treeRow(sidebar, 'churn-v1').first();
      await runRow.waitFor({ state: 'visible', timeout: 10_000 });
      await runRow.locator('.monaco-tl-twistie').click();
      await workbench.treeRow(sidebar, 'churn-v1-model').first().waitFor({ state: 'visible', timeout: 10_000 });
      await screenshot('datasets-view');

      await runRow.click(); // opens the run's details
      const frame = workbench.activeWebview();
      await frame.locator('h1', { hasText: 'churn-v1' }).waitFor({ state: 'visible', timeout: 20_000 });
      await frame.locator('h2', { hasText: 'Inputs (1)' }).waitFor({ state: 'visible', timeout: 10_000 });
      const row = (await frame.locator('tr', { hasText: 'churn-train' }).first().textContent()) ?? '';
      assert.match(row, /complete/);
      assert.match(row, /2 rows × 3 columns \(csv\)/);
      await frame.locator('h2', { hasText: 'Inputs (1)' }).scrollIntoViewIfNeeded();
      await screenshot('run-inputs');
    },
  },
];
