import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateTrialbook, runDismissingPrompts, runPython, WALKING_SKELETON_SCRIPT, workspaceDir, waitFor } from '../integration/helpers';

interface Contributed {
  command: string;
}

suite('Empty workspace', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the folder starts with nothing tracked and the Runs view is empty', async () => {
    const { api } = await activateTrialbook();
    assert.deepEqual(readdirSync(workspaceDir()).filter((f) => f !== '.vscode'), []);
    assert.deepEqual(await api.runsTree(), []);
    assert.equal(api.trialbookDir(), join(workspaceDir(), '.trialbook'));
  });

  test('every contributed command runs without reporting an error before anything is tracked', async function () {
    this.timeout(180_000);
    const { extension, api } = await activateTrialbook();
    const commands = (extension.packageJSON.contributes.commands as Contributed[]).map((c) => c.command);
    const before = api.commandErrors().length;
    for (const command of commands) {
      await runDismissingPrompts(command);
    }
    await vscode.commands.executeCommand('trialbook.clearFilter');
    assert.deepEqual(api.commandErrors().slice(before), []);
    // Nothing a command did created tracking data out of thin air.
    assert.equal(existsSync(join(workspaceDir(), '.trialbook', 'runs')), false);
  });

  test('the first run logged in the folder creates .trialbook and appears without a refresh', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const runId = (await runPython(WALKING_SKELETON_SCRIPT, workspaceDir())).trim().split('\n').pop() ?? '';
    // Listed at once from its log's first and last lines, then read: wait for the status the log ends with.
    const run = await waitFor('the first run in the tree, read', async () => (await api.runsTree()).flatMap((e) => e.runs).find((r) => r.id === runId && r.status !== 'running'), 10_000);
    assert.equal(run.status, 'finished');
  });
});
