// A remote run's artifacts in the real editor: a run listed from an MLflow server (the stand-in, on 127.0.0.1, with
// a login) lists its artifact folders, opens a file in an editor and downloads another, each fetched through the
// server's artifact proxy with the server's login; a run whose artifacts live elsewhere and a path leaving the run
// are refused with the reason, without a request.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BrowseStatus } from '../../src/core/remote/remoteBrowser';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { seedExperiment, seedRuns } from '../fixtures/mlflow/seedRuns';
import { activateTrialbook, setSetting, waitFor, workspaceDir } from './helpers';

suite('MLflow server: a remote run\'s artifacts', () => {
  let server: MlflowStandIn | undefined;
  const out = mkdtempSync(join(tmpdir(), 'trialbook-artifacts-'));
  suiteTeardown(async () => {
    await setSetting('remoteServers', undefined);
    await server?.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const runs = join(workspaceDir(), '.trialbook', 'runs');
    for (const d of readdirSync(runs)) if (d.startsWith('mlflowsrv-')) rmSync(join(runs, d), { recursive: true, force: true });
    rmSync(join(workspaceDir(), '.trialbook', 'remote'), { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  test('lists, opens and downloads a remote run\'s artifacts through the server\'s proxy with its login', async function () {
    this.timeout(120_000);
    const { api } = await activateTrialbook();
    server = await MlflowStandIn.start({ auth: { kind: 'token', token: 'artifact-token' } });
    const exp = seedExperiment(server, 'team-artifacts');
    const [withFiles, elsewhere] = seedRuns(server, exp, [{ name: 'remote-with-files', status: 'FINISHED' }, { name: 'remote-on-s3', status: 'FINISHED' }]);
    assert.ok(withFiles && elsewhere);
    const root = `${exp}/${withFiles}/artifacts`;
    server.artifacts.set(`${root}/report/summary.txt`, Buffer.from('accuracy 0.91\n'));
    server.artifacts.set(`${root}/model/weights.bin`, Buffer.from([0, 1, 2, 250, 251, 252]));
    server.artifacts.set(`${root}/notes.md`, Buffer.from('# run notes\n'));
    const s3 = server.runs.get(elsewhere);
    assert.ok(s3);
    s3.info.artifact_uri = 's3://team-bucket/mlflow/runs/artifacts';
    server.artifacts.set('s3://team-bucket/mlflow/runs/artifacts/model.pkl', Buffer.from('not fetched'));

    // The login first: setting the server lists it at once.
    await api.remote.storeCredentials(server.uri, { kind: 'token', token: 'artifact-token' });
    await setSetting('remoteServers', [server.uri]);
    const [listed] = await vscode.commands.executeCommand<BrowseStatus[]>('trialbook.refreshRemoteRuns');
    assert.equal(listed?.state, 'idle', listed?.error);
    const tree = await waitFor('the remote runs in the Runs view', async () => {
      const e = (await api.runsTree()).find((x) => x.experiment === 'team-artifacts');
      return e && e.runs.length === 2 ? e.runs : undefined;
    }, 15_000);
    const run = tree.find((r) => r.label === 'remote-with-files');
    const onS3 = tree.find((r) => r.label === 'remote-on-s3');
    assert.ok(run && onS3);

    // Folders first, then files, each with its size.
    const top = await api.remote.listArtifacts(run.id);
    assert.deepEqual(top.files, [{ path: 'model', isDir: true }, { path: 'report', isDir: true }, { path: 'notes.md', isDir: false, size: 12 }]);
    assert.deepEqual((await api.remote.listArtifacts(run.id, 'report')).files, [{ path: 'report/summary.txt', isDir: false, size: 14 }]);

    // Open: fetched through the proxy into the workspace's cache, shown in an editor.
    const opened = await vscode.commands.executeCommand<vscode.Uri | undefined>('trialbook.browseRemoteArtifacts', run.id, 'report/summary.txt');
    assert.deepEqual(api.remote.artifactErrors(), []);
    assert.ok(opened, 'the command answers the file it opened');
    assert.equal(opened.fsPath, join(workspaceDir(), '.trialbook', 'remote', 'artifacts', run.id, 'report', 'summary.txt'));
    const editor = await waitFor('the artifact in an editor', () => (vscode.window.activeTextEditor?.document.uri.fsPath === opened.fsPath ? vscode.window.activeTextEditor : undefined), 10_000);
    assert.equal(editor.document.getText(), 'accuracy 0.91\n');

    // Download: the bytes as the server holds them, where the caller says.
    const dest = vscode.Uri.file(join(out, 'weights.bin'));
    const saved = await vscode.commands.executeCommand<vscode.Uri | undefined>('trialbook.downloadRemoteArtifact', run.id, 'model/weights.bin', dest);
    assert.deepEqual(api.remote.artifactErrors(), []);
    assert.equal(saved?.fsPath, dest.fsPath);
    assert.deepEqual([...readFileSync(dest.fsPath)], [0, 1, 2, 250, 251, 252]);
    const fetched = server.calls.filter((c) => c.path.startsWith('/api/2.0/mlflow-artifacts/artifacts/'));
    assert.deepEqual(fetched.map((c) => [c.method, c.path, c.status]), [
      ['GET', `/api/2.0/mlflow-artifacts/artifacts/${root}/report/summary.txt`, 200],
      ['GET', `/api/2.0/mlflow-artifacts/artifacts/${root}/model/weights.bin`, 200],
    ], 'each file fetched once, through the proxy, with the login (the server answers 401 without it)');

    // Refused with the reason, no file fetched: artifacts stored elsewhere, a path leaving the run, a local run.
    await vscode.commands.executeCommand('trialbook.browseRemoteArtifacts', onS3.id, 'model.pkl');
    await vscode.commands.executeCommand('trialbook.downloadRemoteArtifact', run.id, 'model/../../secrets', vscode.Uri.file(join(out, 'secrets')));
    await vscode.commands.executeCommand('trialbook.browseRemoteArtifacts', 42);
    const errors = api.remote.artifactErrors();
    assert.equal(errors.length, 3, errors.join('\n'));
    assert.match(errors[0] ?? '', /stored at s3:\/\/team-bucket\/mlflow\/runs\/artifacts, not served by MLflow server/);
    assert.match(errors[1] ?? '', /"model\/\.\.\/\.\.\/secrets" is not a path inside the run/);
    assert.match(errors[2] ?? '', /trialbook\.browseRemoteArtifacts: the first argument must be a run id or a node of the Runs view/);
    assert.equal(existsSync(join(out, 'secrets')), false);
    assert.equal(server.calls.filter((c) => c.path.startsWith('/api/2.0/mlflow-artifacts/artifacts/')).length, 2, 'no further artifact request');
  });
});
