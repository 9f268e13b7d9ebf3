import * as assert from 'node:assert/strict';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

interface CanvasReport {
  canvases: number;
  width: number;
  height: number;
  /** Distinct opaque colours on the busiest canvas (quantised to 5 bits per channel). */
  colours: number;
  /** Share of its pixels that are drawn (alpha > 0). */
  drawnShare: number;
}

// Evaluated inside the webview's frame. A string, because this project compiles without the DOM library.
const CANVAS_REPORT = `(() => {
  const all = [...document.querySelectorAll('canvas')];
  let best = { canvases: all.length, width: 0, height: 0, colours: 0, drawnShare: 0 };
  for (const c of all) {
    const ctx = c.getContext('2d');
    if (!ctx || c.width === 0 || c.height === 0) continue;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const colours = new Set();
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      drawn++;
      if (data[i + 3] > 200) colours.add(((data[i] >> 3) << 10) | ((data[i + 1] >> 3) << 5) | (data[i + 2] >> 3));
    }
    if (colours.size > best.colours) {
      best = { canvases: all.length, width: c.width, height: c.height, colours: colours.size, drawnShare: drawn / (data.length / 4) };
    }
  }
  return best;
})()`;

export const tests: UiTest[] = [
  {
    name: 'the Trialbook view in the activity bar lists the runs by name',
    async run({ page, runs, screenshot }) {
      const workbench = new Workbench(page);
      await workbench.waitReady();
      await screenshot('workbench-loaded');
      const sidebar = await workbench.openViewContainer('Trialbook');
      const newest = runs.at(-1);
      assert.ok(newest, 'the workspace has runs');
      await workbench.treeRow(sidebar, newest.name).first().waitFor({ state: 'visible', timeout: 20_000 });
      for (const run of runs) {
        assert.equal(await workbench.treeRow(sidebar, run.name).count(), 1, `run ${run.name} is not shown once in the tree`);
      }
      await screenshot('trialbook-view');
    },
  },
  {
    name: 'Trialbook: Compare Runs from the command palette draws a chart in the webview',
    timeoutMs: 90_000,
    async run({ page, runs, screenshot }) {
      const workbench = new Workbench(page);
      await workbench.runCommand('Trialbook: Compare Runs');
      const rows = workbench.quickPickRows();
      await rows.first().waitFor({ state: 'visible', timeout: 15_000 });
      const newest = runs.at(-1);
      assert.ok(newest, 'the workspace has runs');
      await rows.filter({ hasText: newest.name }).first().waitFor({ state: 'visible', timeout: 5_000 });
      // The newest runs are preselected: the quick pick's badge counts them ("3 Selected").
      const badge = (await workbench.selectedCount().textContent()) ?? '';
      const checked = Number(/(\d+)/.exec(badge)?.[1] ?? 0);
      assert.ok(checked >= Math.min(3, runs.length), `expected the newest runs preselected, the badge says "${badge}"`);
      await screenshot('compare-quick-pick');
      await page.keyboard.press('Enter');

      const frame = workbench.activeWebview();
      const canvas = frame.locator('canvas').first();
      await canvas.waitFor({ state: 'visible', timeout: 30_000 });
      // Chart.js animates in; poll until the chart has settled into several colours.
      let report: CanvasReport | undefined;
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        report = (await canvas.evaluate(CANVAS_REPORT)) as CanvasReport;
        if (report.colours >= 4) break;
        await page.waitForTimeout(500);
      }
      await screenshot('compare-panel');
      assert.ok(report, 'no canvas report');
      assert.ok(report.colours >= 4, `the chart canvas looks blank: ${JSON.stringify(report)}`);
      assert.ok(report.drawnShare > 0.001 && report.drawnShare < 0.95, `implausible share of drawn pixels: ${JSON.stringify(report)}`);
    },
  },
];
