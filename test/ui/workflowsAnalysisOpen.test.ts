// The Sweep / Analysis panel opened each way issue 16 lists, clicked as a user would: the Runs view's title button
// (the view's filter), an experiment node's context menu (that experiment), and the runs table's Analyze button
// (the selected runs); then a grouping of the comparison opened from it survives Developer: Reload Window. (The
// analysis page's own choices and brushes coming back from its saved state: test/unit/webview/analysisPage.test.ts.) The runs it writes and the filter it
// sets are removed afterwards, so later tests see the workspace as before.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { RunLog } from '../fixtures/runLog';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

const EXPERIMENT = 'opensweep';
const LRS = [0.1, 0.03, 0.01];
const SEEDS = 3;
const RUNS = LRS.length * SEEDS;

function writeSweep(workspace: string): string[] {
  const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const t0 = Date.now() / 1000;
  const ids: string[] = [];
  LRS.forEach((lr, c) => {
    for (let seed = 0; seed < SEEDS; seed++) {
      const k = c * SEEDS + seed;
      const id = `${stamp}-09e0${String(k).padStart(4, '0')}`;
      const log = new RunLog(id).start({ experiment: EXPERIMENT, name: `open-${c}-${seed}`, config: { lr, seed, batch: 32 }, tags: [] }, t0 + k);
      for (let step = 0; step <= 20; step++) {
        const loss = (1 + c) * (1 + 2 / (step + 1)) + 0.2 * (seed - 1);
        log.metrics(step, { loss, acc: 1 - loss / 10 }, { ts: t0 + k + step * 0.01 });
      }
      log.end('finished', undefined, t0 + k + 1).writeTo(join(workspace, '.trialbook'));
      ids.push(id);
    }
  });
  return ids;
}

/** The webview frame holding `selector` (several webviews may be open; VS Code tears hidden ones down). */
async function frameWith(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    await page.waitForTimeout(200);
  }
  // What the webviews show instead, for the failure's message.
  const shown: string[] = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const text = await frame.locator('body').innerText({ timeout: 1_000 }).catch(() => '(unreadable)');
    shown.push(`${frame.url().slice(0, 60)}: ${text.slice(0, 160).replace(/\s+/g, ' ')}`);
  }
  assert.fail(`no webview shows ${selector}; webviews: ${shown.join(' | ')}`);
}

/** The Analysis page, once its title is `title` and its count reads `${runs} runs` (or `count` when given). */
async function analysisShowing(page: Page, title: string, runs: number, count = `${runs} runs`, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    const frame = await frameWith(page, 'canvas.pcp-overlay', Math.max(1_000, deadline - Date.now()));
    const h1 = await frame.locator('h1').innerText().catch(() => '');
    const shown = await frame.locator('#brushed-count').innerText().catch(() => '');
    seen = `${h1} / ${shown}`;
    if (h1 === `Analysis: ${title}` && shown === count) return frame;
    await page.waitForTimeout(200);
  }
  assert.fail(`the Analysis panel never showed "${title}" with ${runs} runs (last seen: ${seen})`);
}

async function choose(frame: Frame, label: string, value: string): Promise<void> {
  await frame.locator(`select[aria-label="${label}"]`).selectOption(value);
}

export const tests: UiTest[] = [
  {
    name: 'analysis opens from the Runs view title, an experiment node and the runs table; a grouping of its comparison survives a window reload',
    timeoutMs: 480_000,
    async run({ page, workspace, screenshot }) {
      const ids = writeSweep(workspace);
      const workbench = new Workbench(page);
      try {
        await workbench.runCommand('View: Close All Editors');
        const sidebar = await workbench.openViewContainer('Trialbook');
        await workbench.runCommand('Trialbook: Refresh Runs');
        await workbench.treeRow(sidebar, EXPERIMENT).waitFor({ state: 'visible', timeout: 60_000 });

        // 1. The Runs view's title button: the runs the view shows (its filter).
        await workbench.runCommand('Trialbook: Filter Runs…');
        const input = workbench.quickInput().locator('input');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(`experiment = ${EXPERIMENT}`);
        await page.keyboard.press('Enter');
        await workbench.treeRow(sidebar, EXPERIMENT).locator('.label-description', { hasText: `${RUNS} runs` }).waitFor({ state: 'visible', timeout: 20_000 });
        const runsHeader = sidebar.locator('.pane-header', { hasText: 'Runs' }).first();
        if ((await runsHeader.count()) > 0) await runsHeader.hover();
        const titleButton = sidebar.locator('.action-label[aria-label^="Analyze Runs (Sweep)"]').first();
        await titleButton.waitFor({ state: 'visible', timeout: 10_000 });
        await titleButton.click();
        await analysisShowing(page, `filter experiment = ${EXPERIMENT}`, RUNS);
        await screenshot('analysis-opened-from-runs-view-title');

        // 2. An experiment node's context menu: that experiment's runs (the same panel, reused).
        // Clearing the filter re-renders the tree with every experiment: the sweep's row moves. Right-clicking before
        // it settles can land on a run's row (whose Analyze means the view's runs: 'all runs'), so wait until the
        // tree shows other rows (or 2 s have passed: a workspace may hold only the sweep) and the sweep's row stays put
        // between two looks.
        const rows = sidebar.locator('.monaco-list-row');
        const filteredRows = await rows.count();
        await workbench.runCommand('Trialbook: Clear Filter');
        const experimentRow = workbench.treeRow(sidebar, EXPERIMENT);
        const clearedAt = Date.now();
        const settleBy = clearedAt + 20_000;
        let lastTop: number | undefined;
        for (;;) {
          const top = (await experimentRow.boundingBox())?.y;
          const rerendered = (await rows.count()) !== filteredRows || Date.now() - clearedAt > 2_000;
          if (rerendered && top !== undefined && top === lastTop) break;
          if (Date.now() > settleBy) throw new Error(`the Runs view did not settle after Clear Filter (${await rows.count()} rows, ${filteredRows} filtered)`);
          lastTop = top;
          await page.waitForTimeout(250);
        }
        await experimentRow.click({ button: 'right' });
        const menuItem = page.locator('.context-view .action-label', { hasText: 'Analyze Runs (Sweep)' }).first();
        await menuItem.waitFor({ state: 'visible', timeout: 10_000 });
        await menuItem.hover();
        await page.keyboard.press('Enter');
        await analysisShowing(page, `experiment ${EXPERIMENT}`, RUNS);
        await screenshot('analysis-opened-from-experiment-node');

        // 3. The runs table: the sweep's runs filtered, all selected, Analyze.
        await workbench.runCommand('Trialbook: Open Runs Table');
        const table = await frameWith(page, '#analyze');
        await table.locator('#filter').fill(`experiment = ${EXPERIMENT}`);
        await table.locator('#filter').press('Enter');
        await table.locator('.counts', { hasText: new RegExp(`^${RUNS} of `) }).waitFor({ state: 'visible', timeout: 20_000 });
        await table.locator('.row[data-position="0"]').click();
        await table.locator('.grid').press('Control+a');
        await table.locator('.counts', { hasText: `${RUNS} selected` }).waitFor({ state: 'visible', timeout: 10_000 });
        await table.locator('#analyze').click();
        const analysis = await analysisShowing(page, `${RUNS} chosen runs`, RUNS);
        await screenshot('analysis-opened-from-runs-table-selection');

        // The comparison of the same runs from the panel (no brush: all of them), grouped all but seed, median ± std.
        await analysis.locator('button', { hasText: 'Open in Compare' }).click();
        const compare = await frameWith(page, 'select[aria-label="Group runs by"]');
        await compare.locator('.legend-item').nth(RUNS - 1).waitFor({ state: 'attached', timeout: 30_000 });
        await choose(compare, 'Group runs by', 'except:seed');
        await choose(compare, 'Group line', 'median');
        await choose(compare, 'Group band', 'std');
        await compare.locator('.group-entry').nth(LRS.length - 1).waitFor({ state: 'visible', timeout: 20_000 });
        await screenshot('analysis-and-grouped-compare-before-reload');

        // Developer: Reload Window: the workbench loads anew, and the comparison comes back from what it saved (once the
        // extension host is up again and the index open: slow on a busy machine, hence the long waits).
        const reloaded = page.waitForEvent('load', { timeout: 90_000 });
        await workbench.runCommand('Developer: Reload Window');
        await reloaded;
        await workbench.waitReady();
        const compareTab = page.locator('.tab', { hasText: `Compare: ${RUNS} runs` }).first();
        await compareTab.waitFor({ state: 'visible', timeout: 120_000 });
        await compareTab.click();
        await screenshot('after-window-reload');
        const compareAgain = await frameWith(page, '.group-entry', 180_000);
        assert.equal(await compareAgain.locator('select[aria-label="Group runs by"]').inputValue(), 'except:seed');
        assert.equal(await compareAgain.locator('select[aria-label="Group line"]').inputValue(), 'median');
        assert.equal(await compareAgain.locator('select[aria-label="Group band"]').inputValue(), 'std');
        assert.equal(await compareAgain.locator('.group-entry').count(), LRS.length);
        assert.match(await compareAgain.locator('.group-legend .legend-count').innerText(), new RegExp(`^${LRS.length} groups of ${RUNS} runs · median with ± std band$`));
        await screenshot('grouping-after-window-reload');
      } finally {
        for (const id of ids) rmSync(join(workspace, '.trialbook', 'runs', id), { recursive: true, force: true });
        await workbench.waitReady().catch(() => undefined);
        await workbench.runCommand('Trialbook: Clear Filter').catch(() => undefined);
        await workbench.runCommand('View: Close All Editors').catch(() => undefined);
        await workbench.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
        await workbench.runCommand('Trialbook: Refresh Runs').catch(() => undefined);
        await workbench.runCommand('View: Show Explorer').catch(() => undefined);
      }
    },
  },
];
