// A run log is untrusted: a "commit" recorded in it that is really a git option must never reach git.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateTrialbook, workspaceDir, writeRunLog } from './helpers';

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' };

suite('Git lineage from run logs', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a recorded commit that is a git option is refused with a message; git writes no file', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const repo = join(workspaceDir(), 'forged-lineage');
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, 'train.py'), 'print(1)\n');
    execFileSync('git', ['init', '-q'], { cwd: repo, env: gitEnv });
    execFileSync('git', ['add', '.'], { cwd: repo, env: gitEnv });
    execFileSync('git', ['commit', '-qm', 'baseline'], { cwd: repo, env: gitEnv });
    const target = join(repo, 'written-by-git');
    const run = writeRunLog({
      experiment: 'forged', name: 'forged-commit', steps: [{ loss: 1 }],
      lineage: { script: join(repo, 'train.py'), git: { commit: `--output=${target}`, root: repo } },
    });
    await api.refresh();

    const before = api.commandErrors().length;
    await vscode.commands.executeCommand('trialbook.openAtCommit', run.id);
    const errors = api.commandErrors().slice(before);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.match(errors[0]?.message ?? '', /records "--output=.*" as its git commit, which is not a commit id/);

    // The same through a hand-made document URI (any link can open one).
    const uri = vscode.Uri.from({ scheme: 'trialbook-git', path: '/train.py', query: JSON.stringify({ root: repo, commit: `--output=${target}`, file: 'train.py', side: 'commit' }) });
    await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(uri)));
    assert.deepEqual(readdirSync(repo).filter((f) => f.startsWith('written-by-git')), [], 'git wrote a file named by the run log');
    assert.equal(existsSync(target), false);
  });
});
