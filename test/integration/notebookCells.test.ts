import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
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
  // Show media opens a details page: later suites look for their own pages among the open ones.
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

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

  test('a cell that logged media offers Show media, which opens the run\'s details page at its Media section', async function () {
    this.timeout(120_000);
    const { api } = await activateTrialbook();
    const dir = join(workspaceDir(), 'notebooks');
    mkdirSync(dir, { recursive: true });
    const notebook = join(dir, 'media.ipynb');
    // A real kernel: cell 2 logs an image, a table and a number; cells 1 and 3 start and finish the run.
    await runNotebook(join(repoRoot(), 'test', 'fixtures', 'notebooks', 'media.ipynb'), notebook, join(workspaceDir(), '.trialbook'));
    await api.refresh();
    const run = await waitFor('the notebook media run in the tree', async () => (await api.runsTree()).find((e) => e.experiment === 'notebook-media')?.runs[0]);
    const items = await api.cellStatusCommands(notebook);
    assert.equal(items.length, 4, JSON.stringify(items));
    const show = items.map((cell) => cell.filter((i) => i.text === '$(file-media) Show media'));
    assert.deepEqual(show.map((s) => s.length), [0, 0, 1, 0], `only the cell that logged media offers it: ${JSON.stringify(items)}`);
    const item = show[2]?.[0];
    assert.equal(item?.command, 'trialbook.showRunMedia');
    assert.deepEqual(item?.args, [run.id]);
    assert.match(items[2]?.[0]?.text ?? '', new RegExp(`${run.label} · loss 0\\.5`), 'the run\'s own item stays first');

    await vscode.commands.executeCommand(item?.command ?? '', ...(item?.args ?? []));
    const page = await waitFor('the details page with the run\'s media, scrolled to them', async () => {
      const info = api.detailsPanels().find((p) => p.runId === run.id);
      return info?.ready && info.mediaReveals === 1 && info.mediaKeys.images?.length ? info : undefined;
    }, 30_000);
    assert.deepEqual(page.mediaKeys.images, ['sample']);
    assert.deepEqual(page.mediaKeys.tables, ['predictions']);
    // Asked again with the page open: the same page, scrolled again (no second page).
    await vscode.commands.executeCommand(item?.command ?? '', ...(item?.args ?? []));
    await waitFor('a second reveal', async () => api.detailsPanels().find((p) => p.runId === run.id && p.mediaReveals === 2));
    assert.equal(api.detailsPanels().filter((p) => p.runId === run.id).length, 1);
  });
  test('a cell that logged only media (no number) still offers Show media, found through the notebook its run started in', async function () {
    this.timeout(120_000);
    const { api } = await activateTrialbook();
    const dir = join(workspaceDir(), 'notebooks');
    mkdirSync(dir, { recursive: true });
    const notebook = join(dir, 'media-only.ipynb');
    // A real kernel: cell 2 logs one image and nothing else, so no metrics event links any cell to the run.
    await runNotebook(join(repoRoot(), 'test', 'fixtures', 'notebooks', 'media-only.ipynb'), notebook, join(workspaceDir(), '.trialbook'));
    await api.refresh();
    const run = await waitFor('the media-only run in the tree', async () => (await api.runsTree()).find((e) => e.experiment === 'notebook-media-only')?.runs[0]);
    const items = await waitFor('the cell items', async () => {
      const all = await api.cellStatusCommands(notebook);
      return all.some((cell) => cell.length > 0) ? all : undefined;
    });
    assert.equal(items.length, 4, JSON.stringify(items));
    assert.deepEqual(items.map((cell) => cell.map((i) => i.text)), [[], [], ['$(file-media) Show media'], []], 'only the cell that logged the image offers it');
    assert.equal(items[2]?.[0]?.command, 'trialbook.showRunMedia');
    assert.deepEqual(items[2]?.[0]?.args, [run.id]);
  });
});
