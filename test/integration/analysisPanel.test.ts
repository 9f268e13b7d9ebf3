// The Sweep / Analysis panel in the real extension host (issue 16): every way it opens — the Runs view's title and
// the palette (the view's filter, with its running/starred toggles), an experiment node, runs selected in the Runs
// view, the runs table's Analyze button — gives the panel the runs it names; the menus offer the command where the
// issue says; and "Save as Filter" of a brushed set makes the Runs view show exactly the brushed runs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrialbookApi } from '../../src/vscode/testApi';
import type { AnalysisPanelInfo } from '../../src/vscode/analysis/analysisTestInfo';
import { activateTrialbook, waitFor, writeFixtureRun, type FixtureRun } from './helpers';

const EXPERIMENT = 'an16-open';
const RUNS = 12;

interface SweepRun extends FixtureRun { lr: number; opt: string }

/** lr log-spaced over three decades (a log axis), opt "sgd" for every third run, else "adam" (a categorical axis). */
function writeSweep(): SweepRun[] {
  return Array.from({ length: RUNS }, (_, i) => {
    const lr = 10 ** (-4 + (3 * i) / (RUNS - 1));
    const opt = i % 3 === 0 ? 'sgd' : 'adam';
    return { ...writeFixtureRun({ experiment: EXPERIMENT, name: `an16-${String(i).padStart(2, '0')}`, points: 5, config: { lr, opt, seed: i } }), lr, opt };
  });
}

/** The one Analysis panel, once it shows `title` with `runs` runs (the host sent them to a ready page). */
async function panelShowing(api: TrialbookApi, title: string, runs: number): Promise<AnalysisPanelInfo> {
  return waitFor(`the Analysis panel showing ${title} (${runs} runs)`, () => {
    const panels = api.analysisPanels();
    const info = panels.at(-1);
    return panels.length === 1 && info?.ready && info.title === `Analysis: ${title}` && info.runs === runs ? info : undefined;
  }, 30_000).catch((err: unknown) => { throw new Error(`${String(err)}; panels: ${JSON.stringify(api.analysisPanels())}`); });
}

const runNode = (r: FixtureRun): unknown => ({ kind: 'run', run: { id: r.id, name: r.name, experiment: r.experiment } });

/** The run ids the Runs view shows (every experiment), sorted. */
async function shownIds(api: TrialbookApi): Promise<string[]> {
  return (await api.runsTree()).flatMap((e) => e.runs.map((r) => r.id)).sort();
}

suite('Analysis panel', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('trialbook.clearFilter');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the menus offer Analyze Runs on the Runs view\'s title, its experiment and run nodes, and in the palette', async () => {
    const { extension } = await activateTrialbook();
    const menus = (extension.packageJSON as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } }).contributes.menus;
    const entry = (menu: string): { command: string; when?: string } | undefined => menus[menu]?.find((m) => m.command === 'trialbook.analyzeRuns');
    assert.match(entry('view/title')?.when ?? '', /view == trialbook\.runs/);
    const item = entry('view/item/context')?.when ?? '';
    assert.match(item, /view == trialbook\.runs/);
    const pattern = /viewItem =~ \/(.*)\//.exec(item)?.[1];
    assert.ok(pattern, `a viewItem pattern in ${item}`);
    for (const context of ['experiment', 'run.finished']) assert.match(context, new RegExp(pattern), `offered on ${context} nodes`);
    assert.ok(entry('commandPalette'), 'listed in the palette');
  });

  test('each way of opening gives the panel its runs; Save as Filter makes the Runs view show exactly the brushed runs', async function () {
    this.timeout(120_000);
    const { api } = await activateTrialbook();
    const runs = writeSweep();
    await api.refresh();
    const errors = api.commandErrors().length;

    // An experiment node: that experiment's runs.
    await vscode.commands.executeCommand('trialbook.analyzeRuns', { kind: 'experiment', name: EXPERIMENT, runs: runs.map((r) => ({ id: r.id })) });
    let info = await panelShowing(api, `experiment ${EXPERIMENT}`, RUNS);
    assert.equal(info.scope.filter, `experiment = "${EXPERIMENT}"`);

    // Brush lr over [1e-3, 2e-2] and opt to "adam" (category 0: text in code-point order), then save as the filter.
    const brushes = [{ key: 'param.lr', min: 1e-3, max: 2e-2 }, { key: 'param.opt', categories: [0] }];
    assert.equal(await api.postToAnalysis(0, { type: 'saveFilter', brushes }), true);
    const expected = runs.filter((r) => r.lr >= 1e-3 && r.lr <= 2e-2 && r.opt === 'adam').map((r) => r.id).sort();
    assert.equal(expected.length, 4, 'the brushes keep some runs and drop others');
    await waitFor('the Runs view showing the brushed runs', async () => ((await shownIds(api)).join() === expected.join() ? true : undefined), 15_000)
      .catch(async (err: unknown) => { throw new Error(`${String(err)}: filter ${api.runsFilter()}, shown ${JSON.stringify(await shownIds(api))}`); });
    assert.match(api.runsFilter(), new RegExp(`^\\(experiment = "${EXPERIMENT}"\\) and `));

    // The Runs view's title and the palette call the command without arguments: the runs the view shows.
    await vscode.commands.executeCommand('trialbook.analyzeRuns');
    info = await panelShowing(api, `filter ${api.runsFilter()}`, expected.length);
    assert.equal(info.scope.filter, api.runsFilter());

    // With "starred only" on, the view shows only the starred one of them, and so does the panel.
    const starred = runs.find((r) => r.id === expected[0]);
    assert.ok(starred);
    await vscode.commands.executeCommand('trialbook.toggleStar', runNode(starred));
    await vscode.commands.executeCommand('trialbook.toggleStarredOnly');
    try {
      await waitFor('the Runs view showing the starred run', async () => ((await shownIds(api)).join() === starred.id ? true : undefined), 15_000);
      await vscode.commands.executeCommand('trialbook.analyzeRuns');
      info = await panelShowing(api, `filter ${api.runsFilter()} · starred only`, 1);
      assert.match(info.scope.filter ?? '', /starred = true/);
    } finally {
      await vscode.commands.executeCommand('trialbook.toggleStarredOnly');
      await vscode.commands.executeCommand('trialbook.toggleStar', runNode(starred));
    }

    // Runs selected in the Runs view (the clicked node and the selection): exactly those.
    const [a, b, c] = runs;
    assert.ok(a && b && c);
    await vscode.commands.executeCommand('trialbook.analyzeRuns', runNode(a), [runNode(a), runNode(b)]);
    info = await panelShowing(api, '2 chosen runs', 2);
    assert.deepEqual(info.scope.runIds, [a.id, b.id]);

    // The runs table's Analyze button (its page posts "analyze" with the selected runs).
    await vscode.commands.executeCommand('trialbook.openRunsTable');
    const table = await waitFor('the runs table ready', () => api.webviewPanels().find((p) => p.kind === 'runsTable' && p.ready), 30_000);
    assert.equal(await api.postFromWebview(table.id, { type: 'analyze', runIds: [a.id, b.id, c.id] }), true);
    info = await panelShowing(api, '3 chosen runs', 3);
    assert.deepEqual(info.scope.runIds, [a.id, b.id, c.id]);

    // Save as Filter from chosen runs keeps them chosen: only those of the three in the brush stay.
    assert.equal(await api.postToAnalysis(0, { type: 'saveFilter', brushes: [{ key: 'param.opt', categories: [0] }] }), true);
    const chosenAdam = [a, b, c].filter((r) => r.opt === 'adam').map((r) => r.id).sort();
    await waitFor('the Runs view showing the brushed chosen runs', async () => ((await shownIds(api)).join() === chosenAdam.join() ? true : undefined), 15_000);
    assert.deepEqual(api.commandErrors().slice(errors), [], 'no command failed');
  });
});
