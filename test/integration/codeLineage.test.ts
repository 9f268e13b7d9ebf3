import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateTrialbook, repoRoot, workspaceDir } from './helpers';

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' };
const committed = ['import trialbook', 'run = trialbook.init(experiment="lineage", config={"lr": 0.1})', 'run.log({"loss": 0.5})', 'run.finish()', 'print(run.id)', ''].join('\n');
const edited = committed.replace('"lr": 0.1', '"lr": 0.05').replace('0.5', '0.25');

function runScript(cwd: string, script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [script], {
      cwd, timeout: 60_000,
      env: { ...process.env, PYTHONPATH: join(repoRoot(), 'sdk', 'python'), TRIALBOOK_DIR: join(workspaceDir(), '.trialbook') },
    }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim().split('\n').pop() ?? '')));
  });
}

async function textOf(uri: vscode.Uri): Promise<string> {
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

suite('Code lineage', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Show Code Diff puts the committed script beside the one that ran; Open at Commit shows the commit; the CodeLens counts the runs', async function () {
    this.timeout(90_000);
    const { api } = await activateTrialbook();
    const repo = join(workspaceDir(), 'project');
    mkdirSync(repo, { recursive: true });
    const script = join(repo, 'train.py');
    writeFileSync(script, committed);
    execFileSync('git', ['init', '-q'], { cwd: repo, env: gitEnv });
    execFileSync('git', ['add', '.'], { cwd: repo, env: gitEnv });
    execFileSync('git', ['commit', '-qm', 'baseline'], { cwd: repo, env: gitEnv });
    writeFileSync(script, edited); // uncommitted change: the run records it as its diff
    const runId = await runScript(repo, script);
    await api.refresh();
    const detail = await api.runDetail(runId);
    assert.equal(detail?.lineage.git?.dirty, true, JSON.stringify(detail?.lineage.git));

    await vscode.commands.executeCommand('trialbook.showCodeDiff', runId);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, `the active tab is not a diff: ${tab?.label}`);
    const diff = tab.input as vscode.TabInputTextDiff;
    assert.equal(await textOf(diff.original), committed);
    assert.equal(await textOf(diff.modified), edited);

    await vscode.commands.executeCommand('trialbook.openAtCommit', runId);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.scheme, 'trialbook-git');
    assert.equal(editor?.document.getText(), committed);

    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(script));
    await vscode.window.showTextDocument(doc);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('1 run · best loss 0.25'), `CodeLens titles: ${JSON.stringify(titles)}`);
    assert.ok(titles.includes('Compare'), `CodeLens titles: ${JSON.stringify(titles)}`);
  });
});
