// Team sync as a user sees it (runs after the other UI files: it adds a run and a setting). The workspace's
// trialbook.sync points at an MLflow stand-in on 127.0.0.1: the status bar says "Synced" once the runs are on the
// server; pointed at a server that wants a login, it says "Sync error" with the reason in its tooltip.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { RunLog } from '../fixtures/runLog';
import type { UiTest } from './uiTest';

const servers: MlflowStandIn[] = [];

function setSync(workspace: string, value: unknown): void {
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  const file = join(workspace, '.vscode', 'settings.json');
  let settings: Record<string, unknown> = {};
  try { settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>; } catch { settings = {}; }
  if (value === undefined) delete settings['trialbook.sync']; else settings['trialbook.sync'] = value;
  writeFileSync(file, JSON.stringify(settings, null, 2));
}

export const tests: UiTest[] = [
  {
    name: 'team sync: the status bar says Synced once every run is on the MLflow server',
    timeoutMs: 120_000,
    async run({ page, workspace, screenshot }) {
      const server = await MlflowStandIn.start();
      servers.push(server);
      const id = `${new Date().toISOString().replace(/[-:.Z]/g, '')}-5ec0005ec0`;
      const ts = Date.now() / 1000;
      const log = new RunLog(id).start({ experiment: 'team-sync-ui', name: 'synced-run', config: { lr: 0.01 }, tags: [] }, ts);
      for (let s = 0; s < 40; s++) log.metrics(s, { loss: 1 / (s + 1) }, { ts: ts + 1 + s * 0.01 });
      log.end('finished', undefined, ts + 2).writeTo(join(workspace, '.trialbook'));
      setSync(workspace, { server: `mlflow+http://${new URL(server.uri).host}/`, experimentPrefix: 'team/' });
      const item = page.locator('.statusbar-item', { hasText: 'Synced' });
      await item.waitFor({ state: 'visible', timeout: 90_000 });
      const mirrored = [...server.runs.values()].find((r) => r.tags.get('trialbook.run_id') === id);
      assert.equal(mirrored?.metrics.length, 40, 'the run\'s points are on the server');
      assert.equal(mirrored?.info.status, 'FINISHED');
      await screenshot('sync-status-synced');
    },
  },
  {
    name: 'team sync: a server that rejects the login shows "Sync error" with the reason and how to fix it',
    timeoutMs: 90_000,
    async run({ page, workspace, screenshot }) {
      const server = await MlflowStandIn.start({ auth: { kind: 'token', token: 'team-token' } });
      servers.push(server);
      setSync(workspace, { server: `mlflow+http://${new URL(server.uri).host}/` });
      const item = page.locator('.statusbar-item', { hasText: 'Sync error' });
      await item.waitFor({ state: 'visible', timeout: 60_000 });
      await item.hover();
      const hover = page.locator('.monaco-hover, .workbench-hover, .custom-hover').filter({ hasText: 'rejected the credentials' }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      assert.match(await hover.innerText(), /Set Sync Credentials/);
      await screenshot('sync-status-error');
      setSync(workspace, undefined);
      await item.waitFor({ state: 'hidden', timeout: 30_000 });
      for (const s of servers.splice(0)) await s.stop();
    },
  },
];
