// MLflow servers in the real editor: Add MLflow Server with a server URL (an MLflow stand-in started here, on
// 127.0.0.1) whose login is wrong says so; with the login stored in secret storage its runs list in the Runs view
// beside the local ones (marked remote), its registered models in the Models view, and comparing a remote run with
// a local one fetches the remote run's metric history and draws both in one chart.
import * as assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BrowseStatus } from '../../src/core/remote/remoteBrowser';
import type { ComparePanelInfo } from '../../src/vscode/testApi';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { seedExperiment, seedRuns } from '../fixtures/mlflow/seedRuns';
import { activateTrialbook, findRun, setSetting, waitFor, workspaceDir, writeFixtureRun } from './helpers';

suite('MLflow server: remote runs in the Runs view', () => {
  let server: MlflowStandIn | undefined;
  suiteTeardown(async () => {
    await setSetting('remoteServers', undefined);
    await server?.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The remote runs' cache goes with the test (other suites count the workspace's runs).
    const runs = join(workspaceDir(), '.trialbook', 'runs');
    for (const d of readdirSync(runs)) if (d.startsWith('mlflowsrv-')) rmSync(join(runs, d), { recursive: true, force: true });
    rmSync(join(workspaceDir(), '.trialbook', 'remote'), { recursive: true, force: true });
  });

  test('Add MLflow Server lists the server\'s runs beside local ones once the login is right; compare draws a remote run\'s history', async function () {
    this.timeout(120_000);
    const { api } = await activateTrialbook();
    server = await MlflowStandIn.start({ auth: { kind: 'basic', username: 'ada', password: 'team-secret' } });
    const exp = seedExperiment(server, 'team-remote');
    const [first] = seedRuns(server, exp, [
      { name: 'remote-baseline', params: { lr: '0.01' }, metrics: { loss: (s) => 2 / (s + 1) }, steps: 60, status: 'FINISHED' },
      { name: 'remote-wide', params: { lr: '0.1' }, metrics: { loss: (s) => 3 / (s + 1) }, steps: 40, status: 'FINISHED' },
    ]);
    (server as unknown as { route(e: string, b: Record<string, unknown>, q: URLSearchParams): unknown }).route('POST registered-models/create', { name: 'team-churn' }, new URLSearchParams());
    (server as unknown as { route(e: string, b: Record<string, unknown>, q: URLSearchParams): unknown }).route('POST model-versions/create', { name: 'team-churn', source: `runs:/${first ?? ''}/model`, run_id: first }, new URLSearchParams());
    const local = writeFixtureRun({ experiment: 'team-remote-local', name: 'local-run', points: 30 });

    // No login stored: the 401 is told as what happened and what to do; nothing is listed.
    const denied = await vscode.commands.executeCommand<BrowseStatus>('trialbook.addMlflowServer', server.uri);
    assert.equal(denied.state, 'error');
    assert.match(denied.error ?? '', /rejected the login \(HTTP 401\)\. Run "Trialbook: Set MLflow Server Credentials…"/);
    assert.deepEqual(vscode.workspace.getConfiguration('trialbook').get('remoteServers'), [server.uri]);

    await api.remote.storeCredentials(server.uri, { kind: 'basic', username: 'ada', password: 'team-secret' });
    const [listed] = await vscode.commands.executeCommand<BrowseStatus[]>('trialbook.refreshRemoteRuns');
    assert.equal(listed?.state, 'idle', listed?.error);
    assert.equal(listed?.runs, 2);
    const remote = await waitFor('the remote run in the Runs view', async () => {
      const tree = await api.runsTree();
      const exp2 = tree.find((e) => e.experiment === 'team-remote');
      return exp2?.runs.find((r) => r.label === 'remote-baseline');
    }, 15_000);
    assert.match(remote.description, /^remote · /);
    assert.match(remote.tooltip, /mlflow-server=127\.0\.0\.1:\d+/);
    assert.ok(findRun(await api.runsTree(), local.id), 'the local run is listed beside it');
    assert.equal(server.calls.filter((c) => c.path.endsWith('/metrics/get-history')).length, 0, 'no history fetched before it is wanted');

    const models = await waitFor('the server\'s registered model in the Models view', async () => (await api.sourceModels()).find((m) => m.label === 'team-churn'), 15_000);
    assert.match(models.description, /MLflow registry · read only · 1 version/);

    await vscode.commands.executeCommand('trialbook.compareRuns', [local.id, remote.id]);
    const panel = await waitFor<ComparePanelInfo>('the remote run\'s loss drawn beside the local one', () => {
      const p = api.comparePanels().at(-1);
      return p?.ready && p.pointsSent[`${remote.id}/loss`] === 60 && p.pointsSent[`${local.id}/loss`] === 30 ? p : undefined;
    }, 30_000);
    assert.deepEqual(panel.metrics, ['loss']);
    assert.equal(server.calls.filter((c) => c.path.endsWith('/metrics/get-history')).length, 1, 'one history page for the one metric of the one remote run');

    // The compare panel's run picker adds the other remote run: its history is fetched as for runs compared from the view.
    const wide = (await api.runsTree()).find((e) => e.experiment === 'team-remote')?.runs.find((r) => r.label === 'remote-wide');
    assert.ok(wide, 'remote-wide is listed');
    const panelId = api.webviewPanels().filter((p) => p.kind === 'compare').at(-1)?.id ?? '';
    assert.ok(await api.postFromWebview(panelId, { type: 'setRuns', runIds: [local.id, remote.id, wide.id] }));
    await waitFor('remote-wide\'s loss drawn after the picker added it', () => (api.comparePanels().at(-1)?.pointsSent[`${wide.id}/loss`] === 40 ? true : undefined), 30_000);
    assert.equal(server.calls.filter((c) => c.path.endsWith('/metrics/get-history')).length, 2, 'one more history page: remote-wide\'s loss');

    // A Runs view filter goes to the server as far as MLflow's search can say it.
    const searches = server.calls.length;
    const matched = await api.remote.filterRuns('experiment = team-remote and status = finished and param.lr = 0.1 and lr < 1');
    await api.remote.filterRuns('');
    assert.equal(matched[0]?.state, 'idle', matched[0]?.error);
    assert.deepEqual(server.calls.slice(searches).filter((c) => c.path.endsWith('/runs/search') && c.filter !== undefined).map((c) => [c.status, c.filter]),
      [[200, "attributes.status = 'FINISHED' AND params.`lr` = '0.1'"]], 'one search: only the team-remote experiment is searched');

    // Deleted on the server: gone from the Runs view on Reload Runs from MLflow Servers; restored: back.
    server.tracking.route('POST runs/delete', { run_id: first }, new URLSearchParams());
    const [afterDelete] = await vscode.commands.executeCommand<BrowseStatus[]>('trialbook.refreshRemoteRuns');
    assert.equal(afterDelete?.removed, 1);
    await waitFor('remote-baseline gone from the Runs view', async () => (findRun(await api.runsTree(), remote.id) ? undefined : true), 15_000);
    server.tracking.route('POST runs/restore', { run_id: first }, new URLSearchParams());
    await vscode.commands.executeCommand<BrowseStatus[]>('trialbook.refreshRemoteRuns');
    await waitFor('remote-baseline back in the Runs view', async () => findRun(await api.runsTree(), remote.id), 15_000);
  });
});
