// Grouping with bands in the comparison (issue 16), as a user of a seed sweep meets it: three configs (lr) × three
// seeds compared; "Group: all but seed" draws one line and one band per config with its run count in the legend and
// the tooltip; median and ± std redraw; a group hides from its legend entry; Ungroup brings the nine runs back
// exactly as they were; the grouping survives the tab hidden and shown again. The runs have uneven grids and lengths
// (one logs every other step, one stops early). The runs it writes are removed afterwards, so later tests see the
// workspace as before.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { RunLog } from '../fixtures/runLog';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

const EXPERIMENT = 'seedsweep';
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
      const id = `${stamp}-5eed${String(k).padStart(4, '0')}`;
      const log = new RunLog(id).start({ experiment: EXPERIMENT, name: `seed-${c}-${seed}`, config: { lr, seed, batch: 64 }, tags: [] }, t0 + k);
      // Config c's loss level apart from the others; the seeds spread around it. Seed 1 logs every other step
      // (an uneven grid); config 2's seed 2 stops at step 40 (a shorter run).
      const last = c === 2 && seed === 2 ? 40 : 80;
      for (let step = 0; step <= last; step += seed === 1 ? 2 : 1) {
        log.metrics(step, { loss: (1 + c) * (1 + 2 / (step + 1)) + 0.35 * (seed - 1) * (1.2 + Math.cos(step / 9)) }, { ts: t0 + k + step * 0.01 });
      }
      log.end('finished', undefined, t0 + k + 2).writeTo(join(workspace, '.trialbook'));
      ids.push(id);
    }
  });
  return ids;
}

/** A hash of the loss chart's pixels: it changes when the chart is drawn differently. */
const PIXEL_HASH = `(() => {
  const canvas = document.querySelector('.chart-card[data-metric="loss"] canvas');
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let h = 0;
  for (let i = 0; i < d.length; i += 4) h = (Math.imul(h, 31) + d[i] + d[i + 1] * 3 + d[i + 2] * 7 + d[i + 3] * 11) | 0;
  return h;
})()`;

/** Pixels of the loss chart by kind: opaque coloured (lines) and translucent coloured (bands; line edges a few). */
const PIXEL_KINDS = `(() => {
  const canvas = document.querySelector('.chart-card[data-metric="loss"] canvas');
  if (!canvas || !canvas.width) return { opaque: 0, translucent: 0 };
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let opaque = 0;
  let translucent = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) < 60) continue;
    if (d[i + 3] > 200) opaque++;
    else if (d[i + 3] > 15 && d[i + 3] < 150) translucent++;
  }
  return { opaque, translucent };
})()`;

async function waitFor(page: Page, what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await page.waitForTimeout(200);
  }
  assert.fail(`timed out waiting for ${what}`);
}

const hash = async (frame: FrameLocator): Promise<number> => (await frame.locator('body').evaluate(PIXEL_HASH)) as number;
const kinds = async (frame: FrameLocator): Promise<{ opaque: number; translucent: number }> =>
  (await frame.locator('body').evaluate(PIXEL_KINDS)) as { opaque: number; translucent: number };

export const tests: UiTest[] = [
  {
    name: 'compare grouping: all but seed draws one line and band per config with its run count; median, ± std, hide, ungroup',
    timeoutMs: 180_000,
    async run({ page, workspace, screenshot }) {
      const ids = writeSweep(workspace);
      const workbench = new Workbench(page);
      try {
        await workbench.runCommand('View: Close All Editors');
        await workbench.runCommand('Trialbook: Compare Runs…');
        await workbench.quickPickRows().filter({ hasText: 'seed-2-2' }).first().waitFor({ state: 'visible', timeout: 60_000 });
        await page.keyboard.press('Enter');
        const frame = workbench.activeWebview();
        await frame.locator('.legend-item').nth(2).waitFor({ state: 'visible', timeout: 30_000 });
        await frame.locator('.run-picker summary').click();
        const filter = frame.locator('.run-filter');
        await filter.fill(`experiment = ${EXPERIMENT}`);
        await filter.press('Enter');
        await frame.locator('.run-picker-message', { hasText: `${RUNS} runs match` }).waitFor({ state: 'visible', timeout: 10_000 });
        await frame.locator('.run-picker button.primary', { hasText: `Add ${RUNS - 3} runs` }).click();
        await frame.locator('.legend-item').nth(RUNS - 1).waitFor({ state: 'visible', timeout: 30_000 });
        await frame.locator('.chart-card[data-metric="loss"] canvas').waitFor({ state: 'visible', timeout: 20_000 });
        // The nine runs' lines come a chart per message after the runs: the chart is whole once it waits for none
        // and two looks 200 ms apart see the same pixels.
        let last = -1;
        await waitFor(page, 'the loss chart drawn with every run', async () => {
          if ((await frame.locator('.chart-card.loading[data-metric="loss"]').count()) > 0 || (await kinds(frame)).opaque <= 500) return false;
          const now = await hash(frame);
          const same = now === last;
          last = now;
          return same;
        });
        const runsHash = await hash(frame);
        const runsPixels = await kinds(frame);
        const groupLegend = frame.locator('.group-legend');
        assert.equal(await groupLegend.isVisible(), false, 'no group legend while runs are drawn one by one');
        await screenshot('grouping-runs-one-by-one');

        // Same params except seed: three groups, one per lr, three runs each.
        const by = frame.locator('select[aria-label="Group runs by"]');
        await by.selectOption('except:seed');
        const entries = frame.locator('.group-entry');
        await waitFor(page, 'three group entries', async () => (await entries.count()) === LRS.length);
        assert.deepEqual(await entries.allTextContents(), ['lr=0.01 (3 runs)', 'lr=0.03 (3 runs)', 'lr=0.1 (3 runs)']);
        assert.equal(await frame.locator('.legend-box:not(.group-legend)').isVisible(), false, 'the runs\' legend gives way to the groups\'');
        assert.match(await groupLegend.locator('.legend-count').innerText(), /^3 groups of 9 runs · mean with min–max band$/);
        await waitFor(page, 'the groups drawn', async () => (await hash(frame)) !== runsHash);
        // Aggregated off the page's main thread, by its worker (bandsClient.ts), not by the fallback on the page.
        assert.equal(await frame.locator('body').getAttribute('data-bands-worker'), 'answered');
        await screenshot('grouping-all-but-seed-mean-minmax');
        const grouped = await kinds(frame);
        // Three lines instead of nine; translucent bands (beyond the lines' anti-aliased edges) between them.
        assert.ok(grouped.opaque < runsPixels.opaque, `fewer lines: ${JSON.stringify({ grouped, runsPixels })}`);
        assert.ok(grouped.translucent > 2 * runsPixels.translucent, `bands fill the chart: ${JSON.stringify({ grouped, runsPixels })}`);

        // The tooltip: one row per group, its count of runs at that step.
        const canvas = frame.locator('.chart-card[data-metric="loss"] canvas');
        const box = await canvas.boundingBox();
        assert.ok(box);
        await canvas.hover({ position: { x: box.width * 0.8, y: box.height / 2 } });
        await frame.locator('.chart-tooltip').waitFor({ state: 'visible', timeout: 5_000 });
        const names = await frame.locator('.chart-tooltip .tip-name').allInnerTexts();
        // Past step 40 the shorter run of lr=0.01 has ended: 2 of its 3 runs count there.
        assert.deepEqual([...names].sort(), ['lr=0.01 (2 of 3 runs here)', 'lr=0.03 (3 of 3 runs here)', 'lr=0.1 (3 of 3 runs here)']);
        await screenshot('grouping-tooltip-per-group');
        await page.mouse.move(0, 0);

        // Median and ± std redraw the groups differently.
        const meanHash = await hash(frame);
        await frame.locator('select[aria-label="Group band"]').selectOption('std');
        await waitFor(page, 'the ± std bands drawn', async () => (await hash(frame)) !== meanHash);
        const stdHash = await hash(frame);
        await frame.locator('select[aria-label="Group line"]').selectOption('median');
        await waitFor(page, 'the median lines drawn', async () => (await hash(frame)) !== stdHash);
        assert.match(await groupLegend.locator('.legend-count').innerText(), /median with ± std band$/);
        await screenshot('grouping-median-std');

        // A group hides from its legend entry.
        const allGroups = await hash(frame);
        await entries.first().locator('button').click();
        await waitFor(page, 'lr=0.01 hidden', async () => (await entries.first().locator('button').getAttribute('aria-pressed')) === 'false');
        await waitFor(page, 'the chart without lr=0.01', async () => (await hash(frame)) !== allGroups);
        await screenshot('grouping-one-group-hidden');

        // The tab hidden and shown again: the comparison's page is kept meanwhile (retainContextWhenHidden), so it shows
        // at once as it was, grouping, line, band and hidden group included. A mark left in the page tells that it is the
        // same page. (Its start from saved state, after a window reload, is workflowsAnalysisOpen's.)
        await frame.locator('body').evaluate(() => { (window as unknown as { keptPage?: boolean }).keptPage = true; });
        // README.md opened in the comparison's editor group (quick open: the palette without its '>') hides it.
        await page.keyboard.press('F1');
        const quickOpen = workbench.quickInput().locator('input');
        await quickOpen.waitFor({ state: 'visible', timeout: 10_000 });
        await quickOpen.fill('README.md');
        await workbench.quickPickRows().filter({ hasText: 'README.md' }).first().waitFor({ state: 'visible', timeout: 10_000 });
        await page.keyboard.press('Enter');
        await page.locator('.tab.active', { hasText: 'README.md' }).waitFor({ state: 'visible', timeout: 10_000 });
        // Back to the comparison's tab.
        await page.locator('.tabs-container .tab').filter({ hasNotText: 'README.md' }).first().click();
        await waitFor(page, 'the comparison shown again, grouped', async () => (await entries.count()) === LRS.length);
        assert.equal(await frame.locator('body').evaluate(() => (window as unknown as { keptPage?: boolean }).keptPage), true, 'the same page, kept while hidden');
        assert.equal(await by.inputValue(), 'except:seed');
        assert.equal(await frame.locator('select[aria-label="Group line"]').inputValue(), 'median');
        assert.equal(await frame.locator('select[aria-label="Group band"]').inputValue(), 'std');
        assert.deepEqual(await entries.locator('button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-pressed'))), ['false', 'true', 'true']);
        assert.match(await groupLegend.locator('.legend-count').innerText(), /^3 groups of 9 runs · median with ± std band$/);
        await waitFor(page, 'the kept groups drawn', async () => (await kinds(frame)).translucent > 0);
        await screenshot('grouping-kept-after-tab-shown-again');

        // Ungroup: the nine runs again, drawn exactly as before.
        await frame.locator('.grouping button', { hasText: 'Ungroup' }).click();
        await waitFor(page, 'the runs\' legend back', async () => (await frame.locator('.legend-item:visible').count()) === RUNS);
        assert.equal(await groupLegend.isVisible(), false);
        assert.equal(await by.inputValue(), '');
        await waitFor(page, 'the runs drawn as before grouping', async () => (await hash(frame)) === runsHash, 10_000);
        await screenshot('grouping-ungrouped');
      } finally {
        for (const id of ids) rmSync(join(workspace, '.trialbook', 'runs', id), { recursive: true, force: true });
        await workbench.runCommand('View: Close All Editors').catch(() => undefined);
        await workbench.runCommand('Trialbook: Refresh Runs').catch(() => undefined);
      }
    },
  },
];
