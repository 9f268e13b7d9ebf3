// Commands called with arguments of the wrong shape (by another extension, a keybinding, a test) answer with
// a message naming the command and what it expects, never with an exception from deep inside.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateTrialbook, findRun, runWithArgsDismissingPrompts, waitFor, writeFixtureRun } from './helpers';

const cases: Array<{ command: string; args: unknown[]; expected: RegExp }> = [
  { command: 'trialbook.compareRuns', args: [42], expected: /trialbook\.compareRuns: .*a list of run ids.*the number 42/ },
  { command: 'trialbook.compareRuns', args: [['20200101T000000000-0000000000', 3]], expected: /trialbook\.compareRuns: .*a list of run ids.*an array holding the number 3/ },
  { command: 'trialbook.openRun', args: [{ kind: 'run' }], expected: /trialbook\.openRun: .*a run id or a node of the Runs view/ },
  { command: 'trialbook.revealSource', args: [7], expected: /trialbook\.revealSource: .*a run id or a node of the Runs view.*the number 7/ },
  { command: 'trialbook.toggleStar', args: [{ kind: 'experiment', name: 'x', runs: 'all' }], expected: /trialbook\.toggleStar: .*a node of the Runs view/ },
  { command: 'trialbook.editTags', args: [undefined, 'everything'], expected: /trialbook\.editTags: .*second argument.*selected nodes of the Runs view.*the string "everything"/ },
  { command: 'trialbook.sortRuns', args: [{ by: 'name' }], expected: /trialbook\.sortRuns: .*a sort key.*an object/ },
  { command: 'trialbook.runPythonFile', args: ['train.py'], expected: /trialbook\.runPythonFile: .*a file URI.*the string "train\.py"/ },
  { command: 'trialbook.installSdk', args: [3], expected: /trialbook\.installSdk: .*an interpreter path.*the number 3/ },
  { command: 'trialbook.pushModel', args: [{ runId: 5 }], expected: /trialbook\.pushModel: .*"runId" must be a string/ },
  { command: 'trialbook.verifyModel', args: [{ kind: 'push' }], expected: /trialbook\.verifyModel: .*a push of the Models view/ },
  { command: 'trialbook.forgetRegistryCredentials', args: [['local']], expected: /trialbook\.forgetRegistryCredentials: .*a registry name.*an array/ },
];

suite('Command arguments', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('an argument of the wrong shape is reported with what the command expects', async function () {
    this.timeout(120_000);
    const { api } = await activateTrialbook();
    await api.refresh();
    for (const { command, args, expected } of cases) {
      const before = api.commandErrors().length;
      await runWithArgsDismissingPrompts(command, args);
      const errors = api.commandErrors().slice(before);
      assert.equal(errors.length, 1, `${command}(${JSON.stringify(args)}) reported ${JSON.stringify(errors)}`);
      assert.equal(errors[0]?.command, command);
      assert.match(errors[0]?.message ?? '', expected);
    }
    assert.ok(!api.logLines().some((l) => /Cannot read properties|is not a function|is not iterable/.test(l)), 'no exception from deep inside');
  });
});

suite('Tree commands while the Runs view refreshes', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  // A refresh of the whole view makes VS Code forget its nodes until it has asked for them again; a context-menu
  // command run in that moment receives null for the selected nodes (a right-click while runs log or ages tick).
  test('a command whose selected nodes VS Code could not resolve acts on the view\'s selection once they are back', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const { id: runId } = writeFixtureRun({ experiment: 'fixture-refreshing', name: 'selected-while-refreshing', points: 5 });
    await waitFor('the run in the Runs view', async () => { await api.refresh(); return findRun(await api.runsTree(), runId); });
    assert.deepEqual(await api.selectRun(runId), [runId], 'the run is selected in the Runs view');
    const errors = api.commandErrors().length;
    api.runsTreeClock.advance(0);
    await vscode.commands.executeCommand('trialbook.compareSelected', null, [null]);
    assert.deepEqual(api.commandErrors().slice(errors), [], 'no command failed');
    const panels = api.comparePanels();
    assert.deepEqual(panels[panels.length - 1]?.runIds, [runId], 'the selected run is compared');
  });
});
