import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateTrialbook, compareState, PAGE_START_MS, runDismissingPrompts, runPython, waitFor, WALKING_SKELETON_SCRIPT, workspaceDir } from './helpers';

interface Contributed {
  command: string;
}

suite('Commands', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('every contributed command runs without reporting an error in a workspace with runs', async function () {
    this.timeout(180_000);
    const { extension, api } = await activateTrialbook();
    await runPython(WALKING_SKELETON_SCRIPT, workspaceDir());
    await api.refresh();
    const commands = (extension.packageJSON.contributes.commands as Contributed[]).map((c) => c.command);
    assert.ok(commands.length >= 20, `only ${commands.length} commands contributed`);
    const before = api.commandErrors().length;
    for (const command of commands) {
      await runDismissingPrompts(command);
    }
    // Toggles leave filters on; put the view back as it was for the other suites.
    await vscode.commands.executeCommand('trialbook.clearFilter');
    assert.deepEqual(api.commandErrors().slice(before), []);
  });

  test('Compare Runs with ids of runs that do not exist opens an empty comparison, not an error', async function () {
    this.timeout(90_000);
    const { api } = await activateTrialbook();
    const before = api.commandErrors().length;
    const panels = api.comparePanels().length;
    await vscode.commands.executeCommand('trialbook.compareRuns', ['20200101T000000000-0000000000']);
    assert.deepEqual(api.commandErrors().slice(before), []);
    // The panel is there and its page drew the empty comparison before the test closes it: closing a panel whose
    // page is still starting is another test's business (and left the next tests' comparisons waiting in CI once).
    const shown = await waitFor('the empty comparison drawn', () => {
      const all = api.comparePanels();
      const last = all.at(-1);
      return all.length > panels && last?.ready ? last : undefined;
    }, PAGE_START_MS, () => compareState(api));
    assert.deepEqual(shown.runIds, ['20200101T000000000-0000000000']);
    assert.deepEqual(shown.pointsSent, {}, 'a run that does not exist has no lines');
  });
});
