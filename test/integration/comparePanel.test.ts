import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ComparePanelInfo } from '../../src/vscode/testApi';
import { activateTrialbook, runPython, waitFor, WALKING_SKELETON_SCRIPT, workspaceDir, writeFixtureRun } from './helpers';

suite('Compare panel', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('trialbook.compareRuns with two run ids opens a panel that becomes ready with loss, downsampled to the cap', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const cap = vscode.workspace.getConfiguration('trialbook').get<number>('maxPointsPerLine', 1000);
    const sdkRunId = (await runPython(WALKING_SKELETON_SCRIPT, workspaceDir())).trim().split('\n').pop() ?? '';
    const longRun = writeFixtureRun({ experiment: 'demo', name: 'long-run', points: cap * 3 });
    await api.refresh();
    const before = api.comparePanels().length;
    await vscode.commands.executeCommand('trialbook.compareRuns', [sdkRunId, longRun.id]);
    const panel = await waitFor<ComparePanelInfo>('the compare panel to become ready', () => {
      const panels = api.comparePanels();
      const last = panels.at(-1);
      return panels.length > before && last?.ready ? last : undefined;
    }, 15_000);
    assert.deepEqual([...panel.runIds].sort(), [sdkRunId, longRun.id].sort());
    assert.deepEqual(panel.metrics, ['loss']);
    const shortPoints = panel.pointsSent[`${sdkRunId}/loss`];
    const longPoints = panel.pointsSent[`${longRun.id}/loss`];
    // Below the cap nothing is dropped; above it the line is downsampled to at most the cap.
    assert.equal(shortPoints, 100, `points sent for the SDK run: ${JSON.stringify(panel.pointsSent)}`);
    assert.ok(longPoints !== undefined && longPoints > 0 && longPoints <= cap, `points sent for ${cap * 3} logged: ${longPoints} (cap ${cap})`);
  });
});
