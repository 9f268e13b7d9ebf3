import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateTrialbook, workspaceDir } from './helpers';

interface ContributedCommand {
  command: string;
}

suite('Activation', () => {
  test('the extension activates and returns its test API', async () => {
    const { extension, api } = await activateTrialbook();
    assert.equal(extension.isActive, true);
    assert.equal(typeof api.runsTree, 'function');
    assert.equal(api.trialbookDir(), join(workspaceDir(), '.trialbook'));
  });

  test('every command contributed in package.json is registered', async () => {
    const { extension } = await activateTrialbook();
    const manifest = extension.packageJSON as { contributes?: { commands?: ContributedCommand[] } };
    const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
