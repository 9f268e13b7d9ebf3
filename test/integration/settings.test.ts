// Changing a trialbook.* setting takes effect at once, without a reload: each test changes it as a user
// would (the workspace's settings.json) and waits for the effect with an explicit condition.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { cellSourceHash } from '../../src/vscode/cellMatch';
import type { ComparePanelInfo } from '../../src/vscode/testApi';
import { activateTrialbook, findRun, setSetting, waitFor, workspaceDir, writeFixtureRun, writeRunLog } from './helpers';

const CELL_SOURCE = 'run.log({"Alpha": 0.5, "beta": 0.25, "gamma": 2, "delta": 3})';

suite('Settings take effect at once', () => {
  suiteTeardown(async () => {
    for (const key of ['keyMetric', 'crashAfterSeconds', 'pollIntervalSeconds', 'maxPointsPerLine']) await setSetting(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('trialbook.keyMetric: the Runs tree, the CodeLens and the notebook cell items follow it; only own metric names count', async function () {
    this.timeout(90_000);
    const { api } = await activateTrialbook();
    const dir = join(workspaceDir(), 'key-metric');
    mkdirSync(dir, { recursive: true });
    const script = join(dir, 'train_key_metric.py');
    writeFileSync(script, 'import trialbook\nrun = trialbook.init(experiment="key-metric")\n');
    const notebook = join(dir, 'cells.ipynb');
    writeFileSync(notebook, JSON.stringify({
      nbformat: 4, nbformat_minor: 5, metadata: { language_info: { name: 'python' } },
      cells: [{ cell_type: 'code', execution_count: 1, id: 'c1', metadata: {}, outputs: [], source: [CELL_SOURCE] }],
    }));
    const values = { Alpha: 0.5, beta: 0.25, gamma: 2, delta: 3, ['__proto__']: 7 };
    const run = writeRunLog({
      experiment: 'key-metric', name: 'many-metrics', steps: [values], script,
      cell: { exec: 1, hash: cellSourceHash(CELL_SOURCE), notebook },
    });
    const plain = writeRunLog({ experiment: 'key-metric', name: 'loss-only', steps: [{ loss: 0.125 }] });
    await api.refresh();

    const description = async (id: string): Promise<string> => findRun(await api.runsTree(), id)?.run.description ?? '';
    const uri = vscode.Uri.file(script);
    await vscode.window.showTextDocument(uri);
    const lensTitles = async (): Promise<string> => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return lenses.map((l) => l.command?.title ?? '').join(' | ');
    };
    const cellItem = async (): Promise<string> => (await api.cellStatusItems(notebook))[0]?.[0] ?? '';
    const expect = async (setting: string | undefined, tree: string, plainTree: string, lens: string, cell: string): Promise<void> => {
      await setSetting('keyMetric', setting);
      const what = `keyMetric ${JSON.stringify(setting)}`;
      await waitFor(`${what}: the tree shows "${tree}"`, async () => ((await description(run.id)).startsWith(tree) ? true : undefined), 10_000)
        .catch(async (err: Error) => { throw new Error(`${err.message}; it shows "${await description(run.id)}"`); });
      assert.ok((await description(plain.id)).startsWith(plainTree), `${what}: the other run shows "${await description(plain.id)}"`);
      // '' : the key metric has no direction (none of these names says which way is better), so no "best".
      const lensOk = (titles: string): boolean => (lens === '' ? titles.startsWith('1 run') && !titles.includes('best') : titles.includes(lens));
      await waitFor(`${what}: the CodeLens says "${lens}"`, async () => (lensOk(await lensTitles()) ? true : undefined), 10_000)
        .catch(async (err: Error) => { throw new Error(`${err.message}; it says "${await lensTitles()}"`); });
      await waitFor(`${what}: the cell item reads "${cell}"`, async () => ((await cellItem()).includes(cell) ? true : undefined), 10_000)
        .catch(async (err: Error) => { throw new Error(`${err.message}; it reads "${await cellItem()}"`); });
    };

    // Unset, each run shows its first metric by name (system metrics excluded); the cell its first three.
    await expect(undefined, 'Alpha 0.5', 'loss 0.125', '', 'many-metrics · Alpha 0.5 · __proto__ 7 · beta 0.25');
    await expect('beta', 'beta 0.25', 'loss 0.125', '', 'many-metrics · beta 0.25 · Alpha 0.5 · __proto__ 7');
    // Names every plain object answers to are not metrics unless a run logged them.
    await expect('toString', 'Alpha 0.5', 'loss 0.125', '', 'many-metrics · Alpha 0.5 · __proto__ 7 · beta 0.25');
    await expect('constructor', 'Alpha 0.5', 'loss 0.125', '', 'many-metrics · Alpha 0.5 · __proto__ 7 · beta 0.25');
    await expect('__proto__', '__proto__ 7', 'loss 0.125', '', 'many-metrics · __proto__ 7 · Alpha 0.5 · beta 0.25');
    await expect('delta', 'delta 3', 'loss 0.125', '', 'many-metrics · delta 3 · Alpha 0.5 · __proto__ 7');
  });

  test('trialbook.crashAfterSeconds re-derives the status of runs that stopped logging', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const run = writeRunLog({ experiment: 'crash-setting', name: 'went-quiet', steps: [{ loss: 1 }], finished: false, lastEventAgeSeconds: 120 });
    await api.refresh();
    const status = async (): Promise<string | undefined> => findRun(await api.runsTree(), run.id)?.run.status;
    assert.equal(await status(), 'crashed', 'quiet for 120 s with the default of 30 s');
    await setSetting('crashAfterSeconds', 3600);
    await waitFor('the run to count as running again', async () => ((await status()) === 'running' ? true : undefined), 10_000);
    await setSetting('crashAfterSeconds', undefined);
    await waitFor('the run to count as crashed again', async () => ((await status()) === 'crashed' ? true : undefined), 10_000);
  });

  test('trialbook.pollIntervalSeconds restarts the poll at the new interval', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    await api.refresh();
    await setSetting('pollIntervalSeconds', 3600);
    await waitFor('the poll to run hourly', () => (api.indexPolling().intervalMs === 3_600_000 ? true : undefined), 10_000);
    await setSetting('pollIntervalSeconds', 0.5);
    await waitFor('the poll to run every 500 ms', () => (api.indexPolling().intervalMs === 500 ? true : undefined), 10_000);
    // It really ticks at that rate: four polls take 2 s (at the default 2 s they would take 8).
    const before = api.indexPolling().polls;
    await waitFor('four polls', () => (api.indexPolling().polls >= before + 4 ? true : undefined), 5_000);
  });

  test('trialbook.maxPointsPerLine re-sends open comparisons with the new cap', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const run = writeFixtureRun({ experiment: 'max-points', name: 'many-points', points: 3000 });
    await api.refresh();
    await vscode.commands.executeCommand('trialbook.compareRuns', [run.id]);
    const key = `${run.id}/loss`;
    const panel = (): ComparePanelInfo | undefined => api.comparePanels().find((p) => p.runIds.includes(run.id));
    const first = await waitFor('the comparison to be ready', () => (panel()?.ready ? panel() : undefined), 15_000);
    const sent = first.pointsSent[key] ?? 0;
    assert.ok(sent > 100, `points sent before the change: ${sent}`);
    await setSetting('maxPointsPerLine', 100);
    await waitFor('the comparison to be re-sent with at most 100 points', () => {
      const points = panel()?.pointsSent[key];
      return points !== undefined && points <= 100 && points > 0 ? true : undefined;
    }, 10_000).catch((err: Error) => { throw new Error(`${err.message}; sent ${JSON.stringify(panel()?.pointsSent)}`); });
    assert.ok((panel()?.updatesSent ?? 0) > first.updatesSent, 'the new points went to the webview');
  });
});
