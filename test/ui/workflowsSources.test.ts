// Runs after workflowsModels.test.ts (file order): the imported run it adds is not expected by the other UI files.
// A W&B offline run (a run-<id>.wandb log framed as wandb 0.16.6 frames it) added with Add Source…: it shows in the
// Runs view under its project, and Compare draws its history as charts.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { writeWandbRun } from '../fixtures/sourceWriters';
import type { UiTest } from './uiTest';
import { compareTable, Workbench } from './workbench';

const RUN_NAME = 'wandb-offline-demo';

// Evaluated in the webview frame: pixels of a metric's chart in a run's colour (saturated), not axes or grid (grey).
const colouredPixels = (metric: string): string => `(() => {
  const canvas = document.querySelector(${JSON.stringify(`.chart-card[data-metric="${metric}"] canvas`)});
  if (!canvas || !canvas.width) return 0;
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 128 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 80) n++;
  return n;
})()`;

async function coloured(page: Page, frame: FrameLocator, metric: string): Promise<number> {
  const deadline = Date.now() + 15_000;
  let n = 0;
  while ((n = (await frame.locator('body').evaluate(colouredPixels(metric))) as number) === 0 && Date.now() < deadline) await page.waitForTimeout(200);
  return n;
}

export const tests: UiTest[] = [
  {
    name: 'a W&B offline run added with Add Source… shows in the Runs view, and Compare draws its charts',
    timeoutMs: 120_000,
    async run({ page, workspace, screenshot }) {
      const workbench = new Workbench(page);
      const start = Date.now() / 1000 - 600;
      const rows = Array.from({ length: 100 }, (_, step) => ({ 'train/loss': 2 / (step + 1), 'train/acc': step / 110, ...(step % 10 === 0 ? { 'val/loss': 2.2 / (step + 1) } : {}) }));
      writeWandbRun(join(workspace, 'wandb'), { id: 'uiwb01', project: 'wandb-demo', name: RUN_NAME, start, config: { lr: 0.003, optimizer: 'adam' }, tags: ['offline'], rows, exitCode: 0 });
      await workbench.runCommand('View: Close All Editors');
      await workbench.runCommand('Trialbook: Add Source…');
      const row = workbench.quickPickRows().filter({ hasText: 'W&B offline runs' }).first();
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      await row.click();
      const sidebar = await workbench.openViewContainer('Trialbook');
      // Earlier tests leave many runs in the workspace: filter the view down to this one so its row is rendered.
      await workbench.runCommand('Trialbook: Filter Runs…');
      const input = workbench.quickInput().locator('input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`name = "${RUN_NAME}"`);
      await page.keyboard.press('Enter');
      const runRow = workbench.treeRow(sidebar, RUN_NAME).first();
      await runRow.waitFor({ state: 'visible', timeout: 30_000 });
      await runRow.click();
      await screenshot('wandb-run-in-runs-view');
      await workbench.contextMenu(runRow, 'Compare Selected Runs');
      const frame = workbench.activeWebview();
      await frame.locator('.legend-item', { hasText: RUN_NAME }).waitFor({ state: 'visible', timeout: 30_000 });
      for (const metric of ['train/loss', 'train/acc', 'val/loss']) {
        assert.ok(await coloured(page, frame, metric) > 0, `the ${metric} chart draws the W&B run's history`);
      }
      const params = (await (await compareTable(frame, 'params')).textContent()) ?? '';
      assert.match(params, /0\.003/);
      assert.match(params, /adam/);
      await screenshot('wandb-run-charts');
      await workbench.runCommand('Trialbook: Clear Filter');
    },
  },
];
