import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ComparePanelInfo } from '../../src/vscode/testApi';
import { activateTrialbook, appendToLog, compareState, PAGE_START_MS, endEvent, moreEvents, waitFor, writeFixtureRun, type FixtureRun } from './helpers';

function metricsLines(run: FixtureRun, from: number, to: number): string {
  return moreEvents(run).series(to - from, (step) => ({ loss: 1 / (step + 1) }), from).text();
}

suite('Compare panel, live runs', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('points logged while a compared run is running arrive as incremental updates', async function () {
    this.timeout(120_000);
    const { api } = await activateTrialbook();
    const run = writeFixtureRun({ experiment: 'live', name: 'live-run', points: 10, finished: false });
    await api.refresh();
    await vscode.commands.executeCommand('trialbook.compareRuns', [run.id]);
    const key = `${run.id}/loss`;
    const panel = (): ComparePanelInfo | undefined => api.comparePanels().find((p) => p.runIds.includes(run.id));
    await waitFor('the panel to be ready with 10 points', () => (panel()?.ready && panel()?.pointsSent[key] === 10 ? true : undefined), PAGE_START_MS, () => compareState(api));
    assert.equal(panel()?.updatesSent, 0);

    appendToLog(run, metricsLines(run, 10, 40));
    await waitFor('30 new points as an update', () => (panel()?.pointsSent[key] === 40 ? true : undefined), 15_000);
    appendToLog(run, metricsLines(run, 40, 45) + endEvent('finished'));
    await waitFor('the last points', () => (panel()?.pointsSent[key] === 45 ? true : undefined), 15_000);
    assert.ok((panel()?.updatesSent ?? 0) >= 2, `updates sent: ${panel()?.updatesSent}`);
  });
});
