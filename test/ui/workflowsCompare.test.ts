// The comparison's charts as a W&B user expects them, at 22 runs: metric sections with system metrics collapsed,
// runs added from inside the panel with the filter language, a tooltip listing every run, the x axis by a metric,
// a single-point metric drawn, and params/summary tables with runs as rows. Runs after workflows.test.ts (file
// order), since the runs it writes would change what those tests count.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { RunLog } from '../fixtures/runLog';
import type { UiTest } from './uiTest';
import { dated, parseCsv, saveWithEnter } from './saveBox';
import { compareTable, Workbench } from './workbench';

const SWEEP = 22;
const name = (i: number): string => `sweep-${String(i).padStart(2, '0')}`;

/** 22 short runs (5 s each) of the same sweep; sweep-00 never logs `epoch`. */
function writeSweep(workspace: string): void {
  const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const t0 = Date.now() / 1000;
  for (let i = 0; i < SWEEP; i++) {
    const ts = t0 + i;
    const log = new RunLog(`${stamp}-5eeb${String(i).padStart(4, '0')}`)
      .start({ experiment: 'sweep', name: name(i), config: { lr: 0.001 * (i + 1), batch: 32 }, tags: [] }, ts);
    for (let step = 0; step < 100; step++) {
      const values: Record<string, number> = { 'train/loss': (1 + i / 10) / (step + 1), 'train/acc': step / (100 + i) };
      if (step % 10 === 0) Object.assign(values, { 'val/loss': (1.2 + i / 10) / (step + 1), 'val/acc': step / (110 + i) });
      if (step % 5 === 0) Object.assign(values, { 'system/cpu': 40 + (step % 7), 'system/gpu_mem': 2 + i / 10 });
      if (step % 25 === 0 && i !== 0) values.epoch = step / 25;
      if (step === 99) values['final/score'] = 0.5 + i / 100;
      log.metrics(step, values, { ts: ts + step * 0.05 });
    }
    log.end('finished', undefined, ts + 5).writeTo(join(workspace, '.trialbook'));
  }
}

// Evaluated in the webview frame: pixels of a metric's chart in a run's colours (saturated), not axes or grid (grey).
const colouredPixels = (metric: string): string => `(() => {
  const canvas = document.querySelector(${JSON.stringify(`.chart-card[data-metric="${metric}"] canvas`)});
  if (!canvas || !canvas.width) return 0;
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 128 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 80) n++;
  return n;
})()`;

/** A hash of a metric chart's pixels: it changes when the chart is redrawn differently. */
const pixelHash = (metric: string): string => `(() => {
  const canvas = document.querySelector(${JSON.stringify(`.chart-card[data-metric="${metric}"] canvas`)});
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let h = 0;
  for (let i = 0; i < d.length; i += 4) h = (Math.imul(h, 31) + d[i] + d[i + 1] * 3 + d[i + 2] * 7 + d[i + 3] * 11) | 0;
  return h;
})()`;

async function hash(frame: FrameLocator, metric: string): Promise<number> {
  return (await frame.locator('body').evaluate(pixelHash(metric))) as number;
}

/**
 * The chart's hash once it stops changing (the same for 1 s): a redraw the previous step caused (a run taken out, a
 * reset) can land after the click that caused it returned, and a hash taken mid-way would never be seen again.
 */
async function settledHash(page: Page, frame: FrameLocator, metric: string): Promise<number> {
  let last = await hash(frame, metric);
  let since = Date.now();
  const deadline = Date.now() + 15_000;
  while (Date.now() - since < 1_000) {
    assert.ok(Date.now() < deadline, `the ${metric} chart kept changing for 15 s`);
    await page.waitForTimeout(200);
    const now = await hash(frame, metric);
    if (now !== last) { last = now; since = Date.now(); }
  }
  return last;
}

/** Drags across the middle of a chart's plot, from 30 % to 55 % of its width: a zoom. */
async function dragZoom(page: Page, frame: FrameLocator, metric: string): Promise<void> {
  const canvas = chart(frame, metric);
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  assert.ok(box, `the ${metric} chart is on screen`);
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.55, y, { steps: 5 });
  await page.mouse.up();
}

async function coloured(frame: FrameLocator, metric: string): Promise<number> {
  return (await frame.locator('body').evaluate(colouredPixels(metric))) as number;
}

// Evaluated in the webview frame: the tooltip's rows, and the metric sections.
const TIP_ROWS = `[...document.querySelectorAll('.chart-tooltip .tip-row')].map((r) => ({
  name: r.querySelector('.tip-name')?.textContent ?? '',
  value: r.querySelector('.tip-value')?.textContent ?? '',
  color: r.querySelector('.swatch')?.style.background ?? '',
}))`;
const SECTIONS = `[...document.querySelectorAll('details.metric-section')].map((d) => ({ name: d.dataset.section, open: d.open, charts: d.querySelectorAll('canvas').length }))`;

async function waitFor(page: Page, what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await page.waitForTimeout(200);
  }
  assert.fail(`timed out waiting for ${what}`);
}

const chart = (frame: FrameLocator, metric: string): Locator => frame.locator(`.chart-card[data-metric="${metric}"] canvas`);

/** Hovers the middle of a chart's plot and returns the tooltip's rows. */
async function hoverRows(frame: FrameLocator, metric: string): Promise<Array<{ name: string; value: string; color: string }>> {
  const canvas = chart(frame, metric);
  const box = await canvas.boundingBox();
  assert.ok(box, `the ${metric} chart is on screen`);
  await canvas.hover({ position: { x: box.width * 0.6, y: box.height / 2 } });
  const tip = frame.locator('.chart-tooltip');
  await tip.waitFor({ state: 'visible', timeout: 5_000 });
  return (await frame.locator('body').evaluate(TIP_ROWS)) as Array<{ name: string; value: string; color: string }>;
}

export const tests: UiTest[] = [
  {
    name: 'compare: runs added from the panel with a filter; metric sections open by default, system collapsed',
    timeoutMs: 120_000,
    async run({ page, workspace, screenshot }) {
      writeSweep(workspace);
      const workbench = new Workbench(page);
      await workbench.runCommand('View: Close All Editors');
      await workbench.runCommand('Trialbook: Compare Runs…');
      // The three newest runs are preselected: three of the sweep.
      await workbench.quickPickRows().filter({ hasText: name(SWEEP - 1) }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await page.keyboard.press('Enter');
      const frame = workbench.activeWebview();
      await frame.locator('.legend-item').nth(2).waitFor({ state: 'visible', timeout: 30_000 });

      // The run picker: the host evaluates the filter; a wrong one says what is wrong.
      await frame.locator('.run-picker summary').click();
      const filter = frame.locator('.run-filter');
      await filter.fill('lr >');
      await filter.press('Enter');
      await frame.locator('.run-picker-message.error').waitFor({ state: 'visible', timeout: 10_000 });
      await screenshot('compare-run-picker-error');
      await filter.fill('experiment = sweep');
      await filter.press('Enter');
      await frame.locator('.run-picker-message', { hasText: `${SWEEP} runs match` }).waitFor({ state: 'visible', timeout: 10_000 });
      await screenshot('compare-run-picker');
      await frame.locator('.run-picker button.primary', { hasText: `Add ${SWEEP - 3} runs` }).click();
      await frame.locator('.legend-item').nth(SWEEP - 1).waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await frame.locator('.legend-item').count(), SWEEP);

      const sections = await frame.locator('body').evaluate(SECTIONS);
      assert.deepEqual(sections, [
        { name: '', open: true, charts: 1 },
        { name: 'train', open: true, charts: 2 },
        { name: 'val', open: true, charts: 2 },
        { name: 'final', open: true, charts: 1 },
        { name: 'system', open: false, charts: 0 },
      ]);
      await waitFor(page, 'the train/loss chart drawn', async () => (await coloured(frame, 'train/loss')) > 500);
      await screenshot('compare-sections-default');
      // Opening the system section charts its metrics.
      await frame.locator('details.metric-section[data-section=system] > summary').click();
      await chart(frame, 'system/cpu').waitFor({ state: 'visible', timeout: 20_000 });
      assert.equal(await frame.locator('details.metric-section[data-section=system] canvas').count(), 2);
      await screenshot('compare-system-section-opened');
    },
  },
  {
    name: 'compare: the tooltip lists every run at the hovered x, sorted by value, with a crosshair on every chart',
    timeoutMs: 60_000,
    async run({ page, screenshot }) {
      const frame = new Workbench(page).activeWebview();
      const rows = await hoverRows(frame, 'train/loss');
      assert.equal(rows.length, SWEEP, `one row per run: ${JSON.stringify(rows.map((r) => r.name))}`);
      assert.deepEqual(new Set(rows.map((r) => r.name)).size, SWEEP);
      const values = rows.map((r) => Number(r.value));
      assert.deepEqual(values, [...values].sort((a, b) => b - a), 'sorted by value, highest first');
      assert.ok(rows.every((r) => r.color.startsWith('hsl') || r.color.startsWith('rgb')), 'each row has its run colour');
      // The same x on every chart in view whose x range holds it (final/score's lone point at step 99 has a range of
      // its own; charts below the fold are drawn only when they scroll into view, so they have nothing to cross yet).
      const cards = (await frame.locator('body').evaluate(`[...document.querySelectorAll('.chart-card')].map((c) => {
        const r = c.getBoundingClientRect();
        return { metric: c.dataset.metric, inView: r.bottom > 0 && r.top < window.innerHeight && r.height > 0, crossed: !!c.querySelector('.crosshair:not([hidden])') };
      })`)) as Array<{ metric: string; inView: boolean; crossed: boolean }>;
      const inView = cards.filter((c) => c.inView && c.metric !== 'final/score').map((c) => c.metric).sort();
      assert.ok(inView.includes('train/loss') && inView.length >= 3, `several charts in view: ${inView.join(', ')}`);
      const crossed = cards.filter((c) => c.crossed).map((c) => c.metric);
      assert.deepEqual(inView.filter((m) => !crossed.includes(m)), [], `every chart in view is crossed: ${crossed.join(', ')}`);
      assert.ok(!crossed.includes('final/score'), 'no crosshair where the x range does not hold the x');
      await screenshot('compare-tooltip-every-run');
    },
  },
  {
    name: 'compare: a metric with a single point is drawn as a marker',
    timeoutMs: 60_000,
    async run({ page, screenshot }) {
      const frame = new Workbench(page).activeWebview();
      await chart(frame, 'final/score').scrollIntoViewIfNeeded();
      await waitFor(page, 'the single-point chart drawn', async () => (await coloured(frame, 'final/score')) > 22 * 10);
      await screenshot('compare-single-point');
    },
  },
  {
    name: 'compare: the x axis by a metric (epoch) pairs values by step and names runs without it',
    timeoutMs: 60_000,
    async run({ page, screenshot }) {
      const frame = new Workbench(page).activeWebview();
      await frame.locator('select[aria-label="X axis"]').selectOption('metric:epoch');
      const note = frame.locator('.x-note');
      await note.waitFor({ state: 'visible', timeout: 20_000 });
      assert.match((await note.textContent()) ?? '', /1 run never logged epoch and is not drawn: sweep-00\./);
      await frame.locator('.chart-card[data-metric="train/loss"] canvas').waitFor({ state: 'visible', timeout: 20_000 });
      await waitFor(page, 'the charts redrawn by epoch', async () => (await coloured(frame, 'train/loss')) > 500);
      const rows = await hoverRows(frame, 'train/loss');
      assert.equal(rows.length, SWEEP - 1, 'every run but the one without epoch');
      const title = (await frame.locator('.chart-tooltip .tip-title').textContent()) ?? '';
      assert.match(title, /^train\/loss · epoch \d/);
      const x = Number(await frame.locator('.chart-tooltip').getAttribute('data-x'));
      assert.ok(x >= 0 && x <= 3, `the hovered x is an epoch (0–3), not a step: ${x}`);
      await screenshot('compare-x-by-epoch');
      await frame.locator('select[aria-label="X axis"]').selectOption('relative');
      await note.waitFor({ state: 'hidden', timeout: 20_000 });
    },
  },
  {
    name: 'compare: at 22 runs the params and summary tables have runs as rows, sortable, with only differences',
    timeoutMs: 60_000,
    async run({ page, screenshot }) {
      const frame = new Workbench(page).activeWebview();
      const summary = await compareTable(frame, 'summary');
      assert.equal(await summary.locator('tbody tr').count(), SWEEP);
      const params = await compareTable(frame, 'params');
      assert.equal(await params.locator('tbody tr').count(), SWEEP);
      const headers = await params.locator('thead th').allTextContents();
      assert.deepEqual(headers.map((h) => h.replace(/ [▲▼]$/, '')), ['Run', 'batch', 'lr']);
      await params.locator('thead th[data-key="param:lr"]').click();
      await params.locator('thead th[data-key="param:lr"]').click();
      const names = await params.locator('tbody th.run-name').allTextContents();
      assert.deepEqual(names, Array.from({ length: SWEEP }, (_, i) => name(SWEEP - 1 - i)), 'sorted by lr, highest first');
      await frame.locator('#only-diff').check();
      await waitFor(page, 'the batch column hidden', async () => (await params.locator('thead th').count()) === 2);
      await screenshot('compare-runs-as-rows');
      // The legend scales: a search narrows it, and a run can be taken out of the comparison.
      await frame.locator('.legend-search').fill('sweep-01');
      await waitFor(page, 'the legend filtered', async () => (await frame.locator('.legend-entry:not([hidden])').count()) === 1);
      await screenshot('compare-legend-search');
      // Hovering a legend entry highlights that run in every chart (the others fade).
      const plain = await hash(frame, 'train/loss');
      await frame.locator('.legend-entry:not([hidden])').hover();
      await waitFor(page, 'the run highlighted in the charts', async () => (await hash(frame, 'train/loss')) !== plain, 10_000);
      await screenshot('compare-legend-highlight');
      await frame.locator('.legend-entry:not([hidden]) .legend-remove').click();
      await waitFor(page, 'the run removed', async () => (await frame.locator('.legend-item').count()) === SWEEP - 1);
      await frame.locator('.legend-search').fill('');
    },
  },
  {
    name: 'compare: zooming one chart zooms the others while Sync zoom is on, and only itself when off',
    timeoutMs: 60_000,
    async run({ page, screenshot }) {
      const frame = new Workbench(page).activeWebview();
      await frame.locator('button', { hasText: 'Reset zoom' }).click();
      await chart(frame, 'val/loss').scrollIntoViewIfNeeded();
      const before = await settledHash(page, frame, 'val/loss');
      await dragZoom(page, frame, 'train/loss');
      await waitFor(page, 'val/loss zoomed with train/loss', async () => (await hash(frame, 'val/loss')) !== before, 10_000);
      await screenshot('compare-synced-zoom');
      await frame.locator('button', { hasText: 'Reset zoom' }).click();
      let seen = before;
      await waitFor(page, 'val/loss back to its whole range', async () => (seen = await hash(frame, 'val/loss')) === before, 10_000)
        .catch((error: unknown) => { throw new Error(`${String(error)} (its pixel hash ${seen}, before the zoom ${before})`); });
      await frame.locator('#sync-zoom').uncheck();
      const trainBefore = await settledHash(page, frame, 'train/loss');
      await dragZoom(page, frame, 'train/loss');
      await waitFor(page, 'train/loss zoomed', async () => (await hash(frame, 'train/loss')) !== trainBefore, 10_000);
      await page.waitForTimeout(500);
      assert.equal(await hash(frame, 'val/loss'), before, 'val/loss kept its range with sync off');
      await frame.locator('button', { hasText: 'Reset zoom' }).click();
      await frame.locator('#sync-zoom').check();
    },
  },
  {
    name: 'compare: charts far below the fold get their lines only as they near the screen',
    timeoutMs: 120_000,
    async run({ page, workspace, screenshot }) {
      // Two newer runs of 24 metrics: with the sweep's newest run preselected too, far more charts than two screens hold.
      const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
      const ids = [0, 1].map((i) => `${stamp}-1a2e000${i}`);
      const metrics = Array.from({ length: 24 }, (_, k) => `lazy/m${String(k).padStart(2, '0')}`);
      const t0 = Date.now() / 1000 + 60;
      ids.forEach((id, i) => {
        const log = new RunLog(id).start({ experiment: 'lazy', name: `lazy-${i}`, config: {}, tags: [] }, t0 + i);
        for (let step = 0; step < 30; step++) log.metrics(step, Object.fromEntries(metrics.map((m, k) => [m, (k + 1 + i) / (step + 1)])), { ts: t0 + i + step });
        log.end('finished', undefined, t0 + i + 40).writeTo(join(workspace, '.trialbook'));
      });
      try {
        const workbench = new Workbench(page);
        await workbench.runCommand('View: Close All Editors');
        await workbench.runCommand('Trialbook: Compare Runs…');
        await workbench.quickPickRows().filter({ hasText: 'lazy-1' }).first().waitFor({ state: 'visible', timeout: 30_000 });
        await page.keyboard.press('Enter');
        const frame = workbench.activeWebview();
        await frame.locator('.legend-item', { hasText: 'lazy-1' }).waitFor({ state: 'visible', timeout: 30_000 });
        // The panel keeps the metrics charted before (the sweep's): opening the lazy section charts its 24.
        const section = frame.locator('details.metric-section[data-section=lazy]');
        await waitFor(page, 'the lazy section open with its 24 charts', async () => {
          if ((await section.locator('canvas').count()) === metrics.length) return true;
          // Clicked only while closed (a click on an open one closes it), and again if a comparison redrawn meanwhile closed it.
          if (!(await section.evaluate((d) => (d as HTMLDetailsElement).open))) await frame.locator('details.metric-section[data-section=lazy] > summary').click();
          await page.waitForTimeout(500);
          return false;
        }, 30_000);
        await chart(frame, 'lazy/m00').scrollIntoViewIfNeeded();
        await waitFor(page, 'the first lazy chart drawn', async () => (await coloured(frame, 'lazy/m00')) > 100, 30_000);
        const last = metrics.at(-1) as string;
        const card = frame.locator(`.chart-card[data-metric="${last}"]`);
        const far = (await card.evaluate((c) => c.getBoundingClientRect().top / window.innerHeight)) as number;
        assert.ok(far > 2.2, `the last chart starts ${far.toFixed(1)} screens down: the test needs it beyond the page's margin of one screen`);
        // Long after the charts in view were drawn, it was neither sent nor drawn.
        await page.waitForTimeout(2_000);
        assert.ok(await card.evaluate((c) => c.classList.contains('loading')), `${last} waits for its lines`);
        assert.equal(await coloured(frame, last), 0, `${last} has no lines drawn`);
        await screenshot('compare-below-fold-waiting');
        // Export CSV holds every chart, those never sent to the page too (an earlier test saved today's name already).
        const csvName = dated('compare');
        rmSync(join(workspace, csvName), { force: true });
        await frame.locator('button', { hasText: 'Export CSV' }).click();
        const records = parseCsv(await saveWithEnter(page, workbench, join(workspace, csvName), csvName));
        const metricColumn = records[0]?.indexOf('metric') ?? -1;
        assert.ok(metricColumn >= 0, `a metric column: ${JSON.stringify(records[0])}`);
        const exported = new Set(records.slice(1).map((r) => r[metricColumn]));
        assert.deepEqual(metrics.filter((m) => !exported.has(m)), [], 'every lazy chart exported');
        assert.ok(await card.evaluate((c) => c.classList.contains('loading')), `${last} still not sent (the export read it on the host)`);
        await card.scrollIntoViewIfNeeded();
        await waitFor(page, `${last} asked for and drawn as it scrolled in`, async () => !(await card.evaluate((c) => c.classList.contains('loading'))) && (await coloured(frame, last)) > 100, 20_000);
        await screenshot('compare-below-fold-drawn');
      } finally {
        rmSync(join(workspace, dated('compare')), { force: true });
        for (const id of ids) rmSync(join(workspace, '.trialbook', 'runs', id), { recursive: true, force: true });
      }
    },
  },
];
