// MLflow server browsing as a user sees it: Add Source… offers "MLflow Tracking Server…", the address typed into
// the input box lists the server's runs in the Runs view beside a local run of the same experiment (marked remote),
// and Compare Selected Runs draws the remote run's metric history (fetched on demand) beside the local one.
// Leaves the workspace as it found it (setting removed, remote runs' cache deleted).
import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { seedExperiment, seedRuns } from '../fixtures/mlflow/seedRuns';
import { RunLog } from '../fixtures/runLog';
import type { UiTest } from './uiTest';
import { compareTable, Workbench } from './workbench';

const EXPERIMENT = 'team-browse-ui';

// Evaluated in the webview frame: how many run colours the loss chart shows (saturated colours, bucketed, each
// covering at least 60 pixels; axes and grid are grey, anti-aliased edges are few pixels of each shade).
const lineColours = `(() => {
  const canvas = document.querySelector('.chart-card[data-metric="loss"] canvas');
  if (!canvas || !canvas.width) return 0;
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const buckets = new Map();
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] <= 128 || Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) <= 80) continue;
    const k = (d[i] >> 5) * 64 + (d[i + 1] >> 5) * 8 + (d[i + 2] >> 5);
    buckets.set(k, (buckets.get(k) || 0) + 1);
  }
  return [...buckets.values()].filter((n) => n >= 60).length;
})()`;

/** Waits until the loss chart shows `want` run colours; answers how many it shows. */
async function coloursDrawn(page: Page, frame: FrameLocator, want: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  let n = 0;
  while ((n = (await frame.locator('body').evaluate(lineColours)) as number) < want && Date.now() < deadline) await page.waitForTimeout(200);
  return n;
}

function removeRemoteServers(workspace: string): void {
  const file = join(workspace, '.vscode', 'settings.json');
  try {
    const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete settings['trialbook.remoteServers'];
    writeFileSync(file, JSON.stringify(settings, null, 2));
  } catch { /* no settings file: nothing to remove */ }
}

export const tests: UiTest[] = [
  {
    name: 'an MLflow server added with Add Source… lists its runs beside local ones, and Compare draws a remote run\'s history',
    timeoutMs: 150_000,
    async run({ page, workspace, screenshot }) {
      const server = await MlflowStandIn.start();
      try {
        seedRuns(server, seedExperiment(server, EXPERIMENT), [{ name: 'remote-ui-run', params: { lr: '0.05' }, metrics: { loss: (s) => 3 / (s + 2) }, steps: 80, status: 'FINISHED' }]);
        const id = `${new Date().toISOString().replace(/[-:.Z]/g, '')}-b0b5e0b5e0`;
        const ts = Date.now() / 1000 - 60;
        const log = new RunLog(id).start({ experiment: EXPERIMENT, name: 'local-ui-run', config: { lr: 0.01 }, tags: [] }, ts);
        for (let s = 0; s < 80; s++) log.metrics(s, { loss: 2 / (s + 2) }, { ts: ts + 1 + s * 0.01 });
        mkdirSync(join(workspace, '.trialbook'), { recursive: true });
        log.end('finished', undefined, ts + 2).writeTo(join(workspace, '.trialbook'));

        const workbench = new Workbench(page);
        await workbench.runCommand('View: Close All Editors');
        await workbench.runCommand('Trialbook: Add Source…');
        const row = workbench.quickPickRows().filter({ hasText: 'MLflow Tracking Server' }).first();
        await row.waitFor({ state: 'visible', timeout: 15_000 });
        await row.click();
        // The address prompt replaces the pick in the same widget and input: typed before its title shows, the address
        // goes to the pick's filter and no server is added.
        await workbench.quickInput().locator('.quick-input-title', { hasText: 'Add MLflow Server' }).waitFor({ state: 'visible', timeout: 10_000 });
        const address = workbench.quickInput().locator('input');
        await address.fill(server.uri);
        assert.equal(await address.inputValue(), server.uri, 'the address typed into the prompt');
        await page.keyboard.press('Enter');
        await workbench.quickInput().waitFor({ state: 'hidden', timeout: 10_000 });

        const sidebar = await workbench.openViewContainer('Trialbook');
        // Earlier tests leave many runs in the workspace: filter the view down to this experiment.
        await workbench.runCommand('Trialbook: Filter Runs…');
        const input = workbench.quickInput().locator('input');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(`experiment = "${EXPERIMENT}"`);
        await page.keyboard.press('Enter');
        const remoteRow = workbench.treeRow(sidebar, 'remote-ui-run').first();
        await remoteRow.waitFor({ state: 'visible', timeout: 30_000 });
        const localRow = workbench.treeRow(sidebar, 'local-ui-run').first();
        await localRow.waitFor({ state: 'visible', timeout: 30_000 });
        assert.match((await remoteRow.textContent()) ?? '', /remote ·/, 'the remote run is marked');
        assert.doesNotMatch((await localRow.textContent()) ?? '', /remote ·/);
        await remoteRow.click();
        await localRow.click({ modifiers: ['Control'] });
        await screenshot('remote-run-in-runs-view');

        await workbench.contextMenu(localRow, 'Compare Selected Runs');
        const frame = workbench.activeWebview();
        await frame.locator('.legend-item', { hasText: 'remote-ui-run' }).waitFor({ state: 'visible', timeout: 30_000 });
        await frame.locator('.legend-item', { hasText: 'local-ui-run' }).waitFor({ state: 'visible', timeout: 30_000 });
        // The remote run's history arrives after the panel opened (fetched on demand); its line joins the local one.
        assert.ok(await coloursDrawn(page, frame, 2) >= 2, 'the loss chart draws both runs\' lines');
        assert.ok(server.calls.some((c) => c.path.endsWith('/metrics/get-history')), 'the remote run\'s history was fetched');
        const params = (await (await compareTable(frame, 'params')).textContent()) ?? '';
        assert.match(params, /0\.05/);
        await screenshot('remote-run-compared');
        await workbench.runCommand('Trialbook: Clear Filter');
        await workbench.runCommand('View: Close All Editors');
      } finally {
        removeRemoteServers(workspace);
        await server.stop();
        const runs = join(workspace, '.trialbook', 'runs');
        for (const d of readdirSync(runs)) if (d.startsWith('mlflowsrv-')) rmSync(join(runs, d), { recursive: true, force: true });
      }
    },
  },
];
