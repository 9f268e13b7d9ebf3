// The runs table as a user meets it (metric columns in view, a pinned Name column, grouping, Export CSV saved by
// pressing Enter in VS Code's own save box), the comparison's CSV the same way, and the details page's sparklines.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import type { UiTest } from './uiTest';
import { dated, parseCsv, saveWithEnter } from './saveBox';
import { Workbench } from './workbench';

async function openTable(workbench: Workbench): Promise<FrameLocator> {
  await workbench.runCommand('View: Close All Editors');
  await workbench.runCommand('Trialbook: Open Runs Table');
  const frame = workbench.activeWebview();
  await frame.locator('.head-cell[data-column="m:loss"]').waitFor({ state: 'visible', timeout: 30_000 });
  return frame;
}

export const tests: UiTest[] = [
  {
    name: 'the runs table opens with its metric columns in view, and the Name column stays when scrolled sideways',
    timeoutMs: 90_000,
    async run({ page, runs, screenshot }) {
      const workbench = new Workbench(page);
      const frame = await openTable(workbench);
      for (const r of runs) await frame.locator('.row', { hasText: r.name }).first().waitFor({ state: 'visible', timeout: 10_000 });
      const layout = await frame.locator('.grid').evaluate((grid) => {
        const box = grid.getBoundingClientRect();
        const metric = grid.querySelector('.head-cell[data-column^="m:"]')?.getBoundingClientRect();
        const param = grid.querySelector('.head-cell[data-column^="p:"]')?.getBoundingClientRect();
        return { right: box.right, metricRight: metric?.right ?? Infinity, metricLeft: metric?.left ?? Infinity, paramLeft: param?.left ?? -1 };
      });
      assert.ok(layout.metricRight <= layout.right, `the first metric column is in view: ends at ${layout.metricRight}, the grid at ${layout.right}`);
      assert.ok(layout.paramLeft > layout.metricLeft, 'metrics come before params');
      await screenshot('runs-table-metrics-in-view');

      // Narrow the Name column's neighbours out of view: scroll as far right as the grid goes.
      const pinned = await frame.locator('.grid').evaluate(async (grid) => {
        grid.scrollLeft = grid.scrollWidth;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const box = grid.getBoundingClientRect();
        const cell = grid.querySelector<HTMLElement>('.row[data-position="0"] .cell.pinned');
        const rect = cell?.getBoundingClientRect();
        const atPoint = rect ? document.elementFromPoint(box.left + 20, rect.top + rect.height / 2) : null;
        return { scrollLeft: grid.scrollLeft, gridLeft: box.left, cellLeft: rect?.left ?? -1, text: cell?.textContent ?? '', onTop: atPoint === cell || (atPoint !== null && cell?.contains(atPoint) === true) };
      });
      assert.ok(pinned.scrollLeft > 100, `the grid scrolled sideways (${pinned.scrollLeft} px)`);
      assert.ok(Math.abs(pinned.cellLeft - pinned.gridLeft) <= 2, `the name cell stays at the left edge: ${pinned.cellLeft} vs ${pinned.gridLeft}`);
      assert.ok(runs.some((r) => r.name === pinned.text), `the pinned cell shows a run name: "${pinned.text}"`);
      assert.ok(pinned.onTop, 'the name is drawn over the scrolled cells, not under them');
      await screenshot('runs-table-scrolled-name-pinned');
    },
  },
  {
    name: 'runs table rows group by experiment, and Export CSV saves the table with its default name on Enter',
    timeoutMs: 90_000,
    async run({ page, runs, workspace, screenshot }) {
      const workbench = new Workbench(page);
      const frame = workbench.activeWebview();
      await frame.locator('.grid').evaluate((grid) => { grid.scrollLeft = 0; });
      await frame.locator('#group-by').selectOption('experiment');
      const header = frame.locator('.row.group', { hasText: 'demo' }).first();
      await header.waitFor({ state: 'visible', timeout: 10_000 });
      const demoRuns = await frame.locator('.row[data-run-id]').count();
      assert.match((await header.textContent()) ?? '', new RegExp(`▾ demo · ${demoRuns} runs?`));
      await screenshot('runs-table-grouped');
      await header.click();
      await frame.locator('.row.group', { hasText: '▸ demo' }).first().waitFor({ state: 'visible', timeout: 5_000 });
      await frame.locator('.row.group').first().click();
      await frame.locator('#group-by').selectOption('');

      const name = dated('runs');
      await frame.locator('#export-csv').click();
      const csv = await saveWithEnter(page, workbench, join(workspace, name), name);
      const records = parseCsv(csv);
      const head = records[0] ?? [];
      assert.equal(head[0], 'Name');
      assert.ok(head.includes('loss') && head.includes('lr'), `the shown columns: ${head.join(',')}`);
      const names = records.slice(1).map((r) => r[0]);
      for (const r of runs) assert.ok(names.includes(r.name), `${r.name} is exported`);
      const lrAt = head.indexOf('lr');
      for (const r of runs) assert.equal(records.find((rec) => rec[0] === r.name)?.[lrAt], String(r.lr));
      assert.ok(csv.endsWith('\r\n'), 'records end with CRLF');
      await screenshot('runs-table-exported');
    },
  },
  {
    name: 'the comparison\'s Export CSV also offers a default name and saves on Enter',
    timeoutMs: 90_000,
    async run({ page, workspace, screenshot }) {
      const workbench = new Workbench(page);
      const table = workbench.activeWebview();
      await table.locator('.row[data-position="0"]').click();
      await table.locator('.grid').press('Control+a');
      await table.locator('#compare').click();
      const compare = workbench.activeWebview();
      const exportButton = compare.locator('button', { hasText: 'Export CSV' });
      await exportButton.waitFor({ state: 'visible', timeout: 30_000 });
      await compare.locator('canvas').first().waitFor({ state: 'visible', timeout: 30_000 });
      const name = dated('compare');
      await exportButton.click();
      const csv = await saveWithEnter(page, workbench, join(workspace, name), name);
      const records = parseCsv(csv).filter((r) => r.length > 1);
      assert.deepEqual(records[0]?.slice(0, 3), ['run', 'run_id', 'metric']);
      assert.ok(records.length > 10, `${records.length} records`);
      await screenshot('compare-exported');
    },
  },
  {
    name: 'the run details page draws a sparkline per metric',
    timeoutMs: 60_000,
    async run({ page, runs, screenshot }) {
      const workbench = new Workbench(page);
      const table = await openTable(workbench);
      const run = runs[0];
      assert.ok(run);
      await table.locator('.row', { hasText: run.name }).first().dblclick();
      const details = workbench.activeWebview();
      await details.locator('h1', { hasText: run.name }).waitFor({ state: 'visible', timeout: 20_000 });
      await details.locator('.spark canvas').first().waitFor({ state: 'visible', timeout: 10_000 });
      const drawn = await details.locator('body').evaluate(() => [...document.querySelectorAll<HTMLElement>('.spark')].map((card) => {
        const canvas = card.querySelector('canvas');
        const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; data && i < data.length; i += 4) if (data[i]) painted++;
        return { metric: card.dataset.metric ?? '', painted };
      }));
      for (const metric of ['loss', 'accuracy']) {
        const card = drawn.find((d) => d.metric === metric);
        assert.ok(card && card.painted > 50, `the ${metric} sparkline has drawn pixels: ${JSON.stringify(drawn)}`);
      }
      await screenshot('run-details-sparklines');
    },
  },
];
