// The Sweep / Analysis panel as a user meets it, on a 40-run sweep where `lr` decides `val_loss`: opened from the
// palette on the Runs view's filter; parallel coordinates brushed on an axis shrink the run list; the brushed runs
// open in Compare and, saved as the filter, are exactly what the Runs view then shows; a scatter point clicked opens
// its run; importance puts `lr` first. The runs it writes and the
// filter it sets are removed afterwards, so later tests see the workspace as before.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { RunLog } from '../fixtures/runLog';
import { prng } from '../fixtures/prng';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

const RUNS = 40;
const EXPERIMENT = 'hpsweep';

/** The sweep: lr (log-uniform) decides val_loss; dropout a little; optimizer and seed nothing. Returns the run ids. */
function writeSweep(workspace: string): string[] {
  const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const t0 = Date.now() / 1000;
  const rnd = prng(16);
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const id = `${stamp}-a7a1${String(i).padStart(4, '0')}`;
    const lr = 10 ** (-4 + 3 * rnd());
    const dropout = Math.round(rnd() * 50) / 100;
    const config = { lr, dropout, optimizer: rnd() < 0.5 ? 'adam' : 'sgd', seed: i % 2 };
    const loss = 0.2 + 0.5 * (Math.log10(lr) + 4) + 0.1 * dropout + 0.05 * rnd();
    new RunLog(id)
      .start({ experiment: EXPERIMENT, name: `hp-${String(i).padStart(2, '0')}`, config, tags: [] }, t0 + i)
      .metrics(0, { val_loss: loss + 0.5, acc: 1 - loss / 2 }, { ts: t0 + i + 0.5 })
      .metrics(1, { val_loss: loss, acc: 1 - loss / 3 }, { ts: t0 + i + 1 })
      .end('finished', undefined, t0 + i + 2)
      .writeTo(join(workspace, '.trialbook'));
    ids.push(id);
  }
  return ids;
}

export const tests: UiTest[] = [
  {
    name: 'analysis: brushing shrinks the run list, brushed runs open in Compare, a scatter point opens its run, lr is the most important param',
    timeoutMs: 180_000,
    async run({ page, workspace, screenshot }) {
      const ids = writeSweep(workspace);
      const workbench = new Workbench(page);
      try {
        const sidebar = await workbench.openViewContainer('Trialbook');
        await workbench.runCommand('Trialbook: Refresh Runs');
        await workbench.treeRow(sidebar, EXPERIMENT).waitFor({ state: 'visible', timeout: 60_000 });
        await workbench.filterRuns(sidebar, `experiment = ${EXPERIMENT}`, `${RUNS} of `);
        await workbench.runCommand('Trialbook: Analyze Runs (Sweep)');
        const frame = workbench.activeWebview();
        await frame.locator('h1').waitFor({ state: 'visible', timeout: 30_000 });
        await screenshot('analysis-opened');
        const count = frame.locator('#brushed-count');
        await count.filter({ hasText: `${RUNS} runs` }).waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await frame.locator('.run-item').count(), RUNS);
        assert.match(await frame.locator('h1').innerText(), new RegExp(`filter experiment = ${EXPERIMENT}`));

        // Importance for val_loss: lr first, with a positive correlation (higher lr, higher loss).
        await frame.locator('select[aria-label="Importance for metric"]').selectOption('metric.val_loss');
        const firstBar = frame.locator('.bar-row .bar-name').first();
        await firstBar.waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await firstBar.innerText(), '+ lr');
        // lr decides val_loss (importance ≈ 1); dropout, optimizer and seed next to nothing, in any order.
        const bars = await frame.locator('.bar-row').evaluateAll((rows) => rows.map((r) => ({
          name: (r.querySelector('.bar-name')?.textContent ?? '').replace(/^[+−-] /, ''),
          value: Number(r.querySelector('.bar-value')?.textContent),
        })));
        assert.deepEqual(bars.map((b) => b.name).sort(), ['dropout', 'lr', 'optimizer', 'seed']);
        assert.ok((bars[0]?.value ?? 0) >= 0.9, `lr's importance ${bars[0]?.value}`);
        for (const b of bars.slice(1)) assert.ok(b.value <= 0.05, `${b.name}'s importance ${b.value}`);
        for (let i = 1; i < bars.length; i++) assert.ok((bars[i]?.value ?? 0) <= (bars[i - 1]?.value ?? 0), 'bars sorted by importance');
        await frame.locator('.importance-box').scrollIntoViewIfNeeded();
        await screenshot('analysis-importance-lr-first');

        // The scatter matrix is drawn only once its section is opened (the panel opens without that cost).
        const matrixPixels = `(() => {
          const c = document.querySelector('canvas.matrix');
          if (!c || !c.width) return 0;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 128 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++;
          return n;
        })()`;
        assert.equal(await frame.locator('body').evaluate(matrixPixels), 0, 'no scatter matrix drawn while its section is closed');
        await frame.locator('summary', { hasText: 'Scatter matrix' }).click();
        const deadline = Date.now() + 10_000;
        while (((await frame.locator('body').evaluate(matrixPixels)) as number) < 200 && Date.now() < deadline) await page.waitForTimeout(200);
        assert.ok(((await frame.locator('body').evaluate(matrixPixels)) as number) >= 200, 'the scatter matrix drawn once opened');
        await frame.locator('canvas.matrix').scrollIntoViewIfNeeded();
        await screenshot('analysis-scatter-matrix-opened');
        await frame.locator('summary', { hasText: 'Scatter matrix' }).click();

        // Brush the lr axis (the second: params by name are dropout, lr, optimizer, seed) over its upper part.
        const overlay = frame.locator('canvas.pcp-overlay');
        await overlay.scrollIntoViewIfNeeded();
        const box = await overlay.boundingBox();
        assert.ok(box);
        const axes = 4 + 2; // four params that vary, two metrics
        const lrX = box.x + 40 + (box.width - 80) / (axes - 1);
        await page.mouse.move(lrX, box.y + 40);
        await page.mouse.down();
        for (let k = 1; k <= 10; k++) await page.mouse.move(lrX, box.y + 40 + k * 14);
        await page.mouse.up();
        await count.filter({ hasText: `of ${RUNS} runs brushed` }).waitFor({ state: 'visible', timeout: 10_000 });
        const brushed = Number(/^(\d+) of/.exec(await count.innerText())?.[1]);
        assert.ok(brushed > 0 && brushed < RUNS, `some runs brushed (${brushed})`);
        assert.equal(await frame.locator('.run-item').count(), brushed, 'the run list shows the brushed runs');
        await screenshot('analysis-brushed-lr');

        // The brushed runs in Compare (names read first: once Compare opens, the newest webview is its page).
        const brushedList = (await frame.locator('.run-item').allInnerTexts()).map((t) => t.trim()).sort();
        await frame.locator('button', { hasText: 'Open in Compare' }).click();
        await page.locator('.tab', { hasText: `Compare: ${brushed} runs` }).waitFor({ state: 'visible', timeout: 30_000 });
        const compared = workbench.activeWebview();
        await compared.locator('.legend-item').first().waitFor({ state: 'visible', timeout: 30_000 });
        assert.deepEqual((await compared.locator('.legend-item').allInnerTexts()).map((t) => t.trim()).sort(), brushedList,
          'Compare shows exactly the brushed runs');
        await screenshot('analysis-brushed-in-compare');
        // Closing the comparison leaves the analysis as the only webview.
        const compareTab = page.locator('.tab', { hasText: 'Compare:' });
        await compareTab.hover();
        await compareTab.locator('.tab-actions .action-label').click();
        await compareTab.waitFor({ state: 'detached', timeout: 10_000 });

        // Save as Filter: the Runs view then holds exactly the brushed runs — its experiment counts them, and the
        // panel opened again on the view's filter lists the same runs by name.
        const brushedNames = (await frame.locator('.run-item').allInnerTexts()).sort();
        assert.equal(brushedNames.length, brushed);
        await frame.locator('button', { hasText: 'Save as Filter' }).click();
        const experimentRow = workbench.treeRow(sidebar, EXPERIMENT);
        await experimentRow.locator('.label-description', { hasText: new RegExp(`^${brushed} runs?$`) }).waitFor({ state: 'visible', timeout: 20_000 });
        for (const row of await sidebar.locator('.monaco-list-row .label-name').allInnerTexts()) {
          if (/^hp-\d\d$/.test(row)) assert.ok(brushedNames.includes(row), `the Runs view shows ${row}, which was not brushed`);
        }
        await screenshot('analysis-saved-as-filter-runs-view');
        await frame.locator('button', { hasText: 'Clear Brushes' }).click();
        await count.filter({ hasText: new RegExp(`^${RUNS} runs$`) }).waitFor({ state: 'visible', timeout: 10_000 });
        await workbench.runCommand('Trialbook: Analyze Runs (Sweep)');
        await count.filter({ hasText: new RegExp(`^${brushed} runs$`) }).waitFor({ state: 'visible', timeout: 30_000 });
        assert.deepEqual((await frame.locator('.run-item').allInnerTexts()).sort(), brushedNames, 'the saved filter keeps exactly the brushed runs');
        assert.match(await frame.locator('h1').innerText(), /param\.lr >= /);
        await screenshot('analysis-reopened-on-saved-filter');

        // A scatter point found with the keyboard, then clicked, opens its run's details.
        const scatter = frame.locator('canvas.scatter');
        await scatter.waitFor({ state: 'visible', timeout: 30_000 });
        await scatter.scrollIntoViewIfNeeded();
        const tip = frame.locator('.scatter-tip');
        // The page may still re-lay itself out after the comparison closed (a new width re-renders the scatter):
        // focus and step again until a point is shown.
        for (let attempt = 1; ; attempt++) {
          await scatter.focus();
          await page.keyboard.press('ArrowRight');
          try {
            await tip.waitFor({ state: 'visible', timeout: 2_000 });
            break;
          } catch (err) {
            if (attempt === 5) throw err;
          }
        }
        const name = await tip.locator('.tip-name').innerText();
        assert.match(name, /^hp-\d\d$/);
        await screenshot('analysis-scatter-tooltip');
        const at = await tip.evaluate((t) => ({ x: Number((t as HTMLElement).dataset.x), y: Number((t as HTMLElement).dataset.y) }));
        const sbox = await scatter.boundingBox();
        assert.ok(sbox);
        await page.mouse.click(sbox.x + at.x, sbox.y + at.y);
        await page.locator('.tab', { hasText: `Run: ${name}` }).waitFor({ state: 'visible', timeout: 30_000 });
        await screenshot('analysis-scatter-click-opened-run');
      } finally {
        for (const id of ids) rmSync(join(workspace, '.trialbook', 'runs', id), { recursive: true, force: true });
        await workbench.runCommand('Trialbook: Clear Filter').catch(() => undefined);
        await workbench.runCommand('View: Close All Editors').catch(() => undefined);
        await workbench.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
        await workbench.runCommand('Trialbook: Refresh Runs').catch(() => undefined);
        await workbench.runCommand('View: Show Explorer').catch(() => undefined);
      }
    },
  },
];
