// Team sync in the real editor: trialbook.sync pointed at an MLflow stand-in (started here, on 127.0.0.1) sends the
// workspace's runs, follows a live run within seconds, and shows where it stands in the status bar and on the Runs
// view's badge; a login the server rejects shows as an error, and the login stored in secret storage fixes it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { activateTrialbook, appendToLog, moreEvents, setSetting, waitFor, writeFixtureRun } from './helpers';

suite('Team sync to an MLflow server', () => {
  let server: MlflowStandIn | undefined;
  const others: MlflowStandIn[] = [];
  suiteTeardown(async () => {
    await setSetting('sync', undefined);
    await server?.stop();
    for (const s of others) await s.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a live run reaches the server within seconds; status bar and badge say synced, pending or error with a retry', async function () {
    this.timeout(120_000);
    const { api } = await activateTrialbook();
    server = await MlflowStandIn.start({ auth: { kind: 'basic', username: 'ada', password: 'team-secret' } });
    const live = writeFixtureRun({ experiment: 'team-sync', name: 'live-run', points: 20, finished: false });
    await setSetting('sync', { server: `mlflow+http://${new URL(server.uri).host}/`, experimentPrefix: 'team/' });

    // No login stored yet: the server's 401 shows as an error with a retry, and nothing is retried on its own.
    const failed = await waitFor('the sync error', () => (api.sync.status()?.state.kind === 'error' ? api.sync.status() : undefined), 20_000);
    assert.equal(failed?.text, '$(error) Sync error');
    assert.match(failed?.tooltip ?? '', /rejected the credentials \(HTTP 401\)[\s\S]*Click to retry, or run "Trialbook: Set Sync Credentials"/);
    assert.equal(failed?.badge, 1);
    const callsAfterError = server.calls.length;
    await new Promise((r) => setTimeout(r, 4500));
    assert.equal(server.calls.length, callsAfterError, 'a rejected login is not sent again every pass');

    await api.sync.storeCredentials({ kind: 'basic', username: 'ada', password: 'team-secret' });
    await api.sync.syncNow();
    const mirrored = (): ReturnType<NonNullable<typeof server>['runs']['get']> => [...(server?.runs.values() ?? [])].find((r) => r.tags.get('trialbook.run_id') === live.id);
    await waitFor('the live run on the server', () => (mirrored()?.metrics.length === 20 ? true : undefined), 60_000);
    assert.equal([...server.experiments.values()].find((e) => e.experiment_id === mirrored()?.info.experiment_id)?.name, 'team/team-sync');
    assert.equal(mirrored()?.info.status, 'RUNNING');
    const synced = await waitFor('synced in the status bar', () => (api.sync.status()?.state.kind === 'synced' ? api.sync.status() : undefined), 60_000);
    assert.equal(synced?.text, '$(cloud) Synced');
    assert.equal(synced?.badge, 0);

    // Live: new points are on the server within a few seconds of being logged, without any command.
    const appendedAt = Date.now();
    appendToLog(live, moreEvents(live).series(30, (s) => ({ loss: 1 / (s + 100) }), 20).text());
    await waitFor('the appended points on the server', () => (mirrored()?.metrics.length === 50 ? true : undefined), 15_000);
    const latencyMs = Date.now() - appendedAt;
    assert.ok(latencyMs < 8000, `the points took ${latencyMs} ms`);
    appendToLog(live, moreEvents(live).end('finished').text());
    await waitFor('the run finished on the server', () => (mirrored()?.info.status === 'FINISHED' ? true : undefined), 15_000);
    const steps = mirrored()?.metrics.map((m) => m.step) ?? [];
    assert.deepEqual(steps, Array.from({ length: 50 }, (_, i) => i), 'every point once, in order');
  });

  test('pointed at another server, even mid-pass and twice in a row, every run goes to the new one and the status names it', async function () {
    this.timeout(120_000);
    const { api } = await activateTrialbook();
    const run = writeFixtureRun({ experiment: 'team-switch', name: 'switched-run', points: 30 });
    const [first, second] = [await MlflowStandIn.start(), await MlflowStandIn.start()];
    others.push(first, second);
    await setSetting('sync', { server: `mlflow+http://${new URL(first.uri).host}/` });
    const passing = api.sync.syncNow(); // a pass to the first server is on its way when the setting changes again
    await setSetting('sync', { server: `mlflow+http://${new URL(second.uri).host}/` });
    await passing;
    const onSecond = (): boolean => [...second.runs.values()].some((r) => r.tags.get('trialbook.run_id') === run.id && r.metrics.length === 30);
    await waitFor('the run on the second server', () => (onSecond() ? true : undefined), 60_000);
    const synced = await waitFor('synced to the second server', () => {
      const status = api.sync.status();
      return status?.state.kind === 'synced' && status.tooltip.includes(new URL(second.uri).host) ? status : undefined;
    }, 30_000);
    assert.equal(synced?.text, '$(cloud) Synced');
    const localRuns = new Set([...second.runs.values()].map((r) => r.tags.get('trialbook.run_id')));
    assert.ok(localRuns.size > 1, `every workspace run is on the second server, not only the new one (${localRuns.size})`);
  });
});
