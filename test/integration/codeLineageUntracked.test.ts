// "Open at Commit" and "Show Code Diff" for a script that git does not hold (untracked), from the source the SDK
// captured; and a clear message, never an empty editor, when a file did not exist at the run's commit.
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateTrialbook, repoRoot, workspaceDir, writeRunLog } from './helpers';

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' };
const script = ['import trialbook', 'run = trialbook.init(experiment="untracked-lineage")', 'run.log({"loss": 0.5})', 'run.finish()', 'print(run.id)', ''].join('\n');

function runScript(cwd: string, file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [file], {
      cwd, timeout: 60_000,
      env: { ...process.env, PYTHONPATH: join(repoRoot(), 'sdk', 'python'), TRIALBOOK_DIR: join(workspaceDir(), '.trialbook') },
    }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim().split('\n').pop() ?? '')));
  });
}

function newRepo(name: string): string {
  const repo = join(workspaceDir(), name);
  mkdirSync(repo, { recursive: true });
  writeFileSync(join(repo, 'README.md'), '# project\n');
  execFileSync('git', ['init', '-q'], { cwd: repo, env: gitEnv });
  execFileSync('git', ['add', '.'], { cwd: repo, env: gitEnv });
  execFileSync('git', ['commit', '-qm', 'baseline'], { cwd: repo, env: gitEnv });
  return repo;
}

async function textOf(uri: vscode.Uri): Promise<string> {
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

suite('Code lineage of untracked scripts', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Open at Commit and Show Code Diff show the captured source of an untracked script, saying it was not in the commit', async function () {
    this.timeout(90_000);
    const { api } = await activateTrialbook();
    const repo = newRepo('untracked-project');
    const file = join(repo, 'train.py');
    writeFileSync(file, script); // never committed
    const runId = await runScript(repo, file);
    await api.refresh();
    const detail = await api.runDetail(runId);
    assert.deepEqual(detail?.lineage.git?.untracked, ['train.py'], JSON.stringify(detail?.lineage.git));
    assert.equal(detail?.lineage.sources?.[0]?.state, 'untracked');

    const logged = api.logLines().length;
    await vscode.commands.executeCommand('trialbook.openAtCommit', runId);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.scheme, 'trialbook-git');
    assert.equal(editor?.document.getText(), script);
    const said = api.logLines().slice(logged).join('\n');
    assert.match(said, /train\.py did not exist at commit [0-9a-f]{8} \(it was untracked when run "[^"]+" started\): showing the source captured when the run started/);

    await vscode.commands.executeCommand('trialbook.showCodeDiff', runId);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, `the active tab is not a diff: ${tab?.label}`);
    const diff = tab.input as vscode.TabInputTextDiff;
    assert.equal(await textOf(diff.original), '');
    assert.equal(await textOf(diff.modified), script);
    assert.match(tab.label, /train\.py \(not in [0-9a-f]{8} ↔ as run/);
    assert.deepEqual(api.commandErrors().filter((e) => e.command.endsWith('Diff') || e.command.endsWith('Commit')), []);
  });

  test('a script that did not exist at the commit and was not captured gets a message, not an empty editor', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const repo = newRepo('uncaptured-project');
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo }).toString().trim();
    const run = writeRunLog({
      experiment: 'untracked-lineage', name: 'old-sdk-run', steps: [{ loss: 1 }],
      lineage: { script: join(repo, 'train.py'), git: { commit, root: repo, dirty: false } },
    });
    await api.refresh();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = api.commandErrors().length;
    await vscode.commands.executeCommand('trialbook.openAtCommit', run.id);
    const errors = api.commandErrors().slice(before);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.match(errors[0]?.message ?? '', /train\.py did not exist at commit [0-9a-f]{8} in .*uncaptured-project, and run "old-sdk-run" has no captured source/);
    assert.equal(vscode.window.activeTextEditor, undefined, 'no editor opened');
  });
});
