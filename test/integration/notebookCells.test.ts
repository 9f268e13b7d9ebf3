import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { activateTrialbook, repoRoot, waitFor, workspaceDir } from './helpers';

function runNotebook(source: string, target: string, trialbookDir: string): Promise<void> {
  const script = join(repoRoot(), 'sdk', 'python', 'tests', 'run_notebook.py');
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [script, source, target, trialbookDir], { timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`executing the notebook in a Jupyter kernel failed: ${error.message}\n${stderr}`));
      else resolve();
    });
  });
}

suite('Notebook cell annotations', () => {
  test('cells that logged to a run show its name and latest values; others show nothing', async function () {
    this.timeout(120_000);
    const { api } = await activateTrialbook();
    const dir = join(workspaceDir(), 'notebooks');
    mkdirSync(dir, { recursive: true });
    const notebook = join(dir, 'train.ipynb');
    // A real kernel runs the notebook exactly as a user's would, writing the run and its cell links.
    await runNotebook(join(repoRoot(), 'test', 'fixtures', 'notebooks', 'train.ipynb'), notebook, join(workspaceDir(), '.trialbook'));
    await api.refresh();
    const run = await waitFor('the notebook run in the tree', async () => {
      const experiment = (await api.runsTree()).find((e) => e.experiment === 'notebook-fixture');
      return experiment?.runs[0];
    });
    const items = await api.cellStatusItems(notebook);
    assert.equal(items.length, 6, `one entry per cell: ${JSON.stringify(items)}`);
    // Cell 2 logs loss in a loop (its source ends in blank lines); cell 4 logs accuracy via the module API.
    assert.equal(items[2]?.length, 1, `loss cell: ${JSON.stringify(items)}`);
    assert.match(items[2]?.[0] ?? '', new RegExp(`${run.label} · loss 0\\.3333`));
    assert.equal(items[4]?.length, 1, `accuracy cell: ${JSON.stringify(items)}`);
    assert.match(items[4]?.[0] ?? '', new RegExp(`${run.label} · accuracy 0\\.9`));
    for (const i of [0, 1, 3, 5]) assert.deepEqual(items[i], [], `cell ${i} logged nothing: ${JSON.stringify(items[i])}`);
  });
});
