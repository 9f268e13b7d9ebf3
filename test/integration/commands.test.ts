import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateTrialbook, runPython, WALKING_SKELETON_SCRIPT, workspaceDir } from './helpers';

interface Contributed {
  command: string;
}

/**
 * Runs a command as a user would from the palette: any quick pick or input box it opens is dismissed
 * (Escape), as a user changing their mind would. Resolves when the command's promise settles.
 */
export async function runDismissingPrompts(command: string, timeoutMs = 15_000): Promise<void> {
  let settled = false;
  const running = Promise.resolve(vscode.commands.executeCommand(command)).finally(() => { settled = true; });
  const deadline = Date.now() + timeoutMs;
  while (!settled) {
    if (Date.now() > deadline) throw new Error(`${command} did not finish within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
    if (!settled) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  }
  await running;
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
    this.timeout(30_000);
    const { api } = await activateTrialbook();
    const before = api.commandErrors().length;
    await vscode.commands.executeCommand('trialbook.compareRuns', ['20200101T000000000-0000000000']);
    assert.deepEqual(api.commandErrors().slice(before), []);
  });
});
