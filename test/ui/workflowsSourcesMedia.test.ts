// Runs after workflowsSources.test.ts (file order), which configured a W&B source: this adds a TensorBoard logdir.
// An imported TensorBoard run's images and histograms are on its details page: a logdir written here with the
// project's own event-file writer (the real tools' files in ../shared/fixtures/peers are read in place by the peers
// tier only), added with Add Source…, and Show Run Media… opens the run's page at its Media section with the latest
// image (loaded from the imported run's media folder in .trialbook, never from the logdir) and the histogram drawn.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { pngOf } from '../fixtures/mediaFiles';
import { tbEventFile, tbValueEvent } from '../fixtures/sourceWriters';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

const RUN_NAME = 'vision-demo';

/** A TensorBoard run: a loss curve, a red image at step 5 and a green one at step 10 (the latest), a histogram. */
function writeLogdir(workspace: string): string {
  const dir = join(workspace, 'tb_logs', RUN_NAME);
  mkdirSync(dir, { recursive: true });
  const t0 = Math.floor(Date.now() / 1000) - 3600;
  const scalars = Array.from({ length: 20 }, (_, step) => ({ tag: 'train/loss', step, wallTime: t0 + step, value: 2 / (step + 1) }));
  const image = (step: number, rgb: [number, number, number]): Buffer =>
    tbValueEvent(t0 + step + 0.5, step, { tag: 'samples', image: { height: 40, width: 56, colorspace: 3, encoded_image_string: pngOf(56, 40, () => rgb) } });
  const limits = Array.from({ length: 30 }, (_, i) => -1.5 + i * 0.1);
  const counts = limits.map((_, i) => Math.round(100 * Math.exp(-(((i - 15) / 5) ** 2))));
  const histogram = tbValueEvent(t0 + 10.5, 10, { tag: 'weights', histo: { min: -1.5, max: 1.4, num: counts.reduce((a, b) => a + b, 0), sum: 0, sum_squares: 40, bucket_limit: limits, bucket: counts } });
  const file = join(dir, `events.out.tfevents.${t0}.vm`);
  writeFileSync(file, Buffer.concat([tbEventFile(t0, scalars), image(5, [210, 40, 40]), image(10, [40, 180, 90]), histogram]));
  return file;
}

async function waitFor(page: Page, what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await page.waitForTimeout(200);
  }
  assert.fail(`timed out waiting for ${what}`);
}

// Evaluated in the webview frame: each image card's key, step, source, size, and the colour of its pixels.
const IMAGES = `[...document.querySelectorAll('.media-card[data-kind=image]')].map((card) => {
  const img = card.querySelector('img');
  let rgb = [0, 0, 0];
  if (img && img.naturalWidth) {
    const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext('2d'); g.drawImage(img, 0, 0); rgb = [...g.getImageData(4, 4, 1, 1).data.slice(0, 3)];
  }
  return { key: card.dataset.key ?? '', step: card.querySelector('.media-step')?.textContent ?? '', src: img?.getAttribute('src') ?? '',
    width: img?.naturalWidth ?? 0, height: img?.naturalHeight ?? 0, rgb };
})`;

type Shown = { key: string; step: string; src: string; width: number; height: number; rgb: [number, number, number] };

async function images(frame: FrameLocator): Promise<Shown[]> {
  return (await frame.locator('body').evaluate(IMAGES)) as Shown[];
}

const HISTOGRAM_PIXELS = `(() => {
  const canvas = document.querySelector('.media-card[data-kind=histogram] canvas');
  if (!canvas || !canvas.width) return 0;
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 20 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) n++;
  return n;
})()`;

export const tests: UiTest[] = [
  {
    name: 'an imported TensorBoard run shows its latest image and its histogram in the Media section of its details page',
    timeoutMs: 120_000,
    async run({ page, workspace, screenshot }) {
      writeLogdir(workspace);
      const workbench = new Workbench(page);
      await workbench.runCommand('View: Close All Editors');
      await workbench.runCommand('Trialbook: Add Source…');
      const source = workbench.quickPickRows().filter({ hasText: 'TensorBoard logdir' }).first();
      await source.waitFor({ state: 'visible', timeout: 15_000 });
      await source.click();

      // Imported: the run is in the Runs view (filtered to it: earlier tests leave many runs).
      const sidebar = await workbench.openViewContainer('Trialbook');
      await workbench.runCommand('Trialbook: Filter Runs…');
      const filter = workbench.quickInput().locator('input');
      await filter.waitFor({ state: 'visible', timeout: 10_000 });
      await filter.fill(`name = "${RUN_NAME}"`);
      await page.keyboard.press('Enter');
      const runRow = workbench.treeRow(sidebar, RUN_NAME).first();
      await runRow.waitFor({ state: 'visible', timeout: 30_000 });
      await screenshot('tensorboard-run-in-runs-view');

      await workbench.runCommand('Trialbook: Show Run Media…');
      const input = workbench.quickInput().locator('input');
      await input.pressSequentially(RUN_NAME, { delay: 10 });
      const pick = workbench.quickPickRows().filter({ hasText: RUN_NAME }).first();
      await pick.waitFor({ state: 'visible', timeout: 30_000 });
      await pick.click();
      const frame = workbench.activeWebview();
      await frame.locator('.media-section').waitFor({ state: 'visible', timeout: 30_000 });
      await waitFor(page, 'the image loaded', async () => (await images(frame)).some((i) => i.width > 0));
      const [shown, ...more] = await images(frame);
      assert.equal(more.length, 0, 'one image key');
      assert.deepEqual([shown?.key, shown?.step, shown?.width, shown?.height], ['samples', 'step 10', 56, 40]);
      const [r, g, b] = shown?.rgb ?? [0, 0, 0];
      assert.ok(g > 150 && r < 100 && b < 150, `the step 10 image (green), not the step 5 one (red): rgb ${r},${g},${b}`);
      // Served from the imported run's media folder under .trialbook/runs (the logdir is only read).
      assert.match(shown?.src ?? '', /^https:\/\/.*\/runs\/tb-vision-demo-[0-9a-f]{10}\/media\/[0-9a-f]{64}\.png$/);
      const histogram = frame.locator('.media-card[data-kind=histogram]');
      await histogram.scrollIntoViewIfNeeded();
      assert.equal(await histogram.getAttribute('data-key'), 'weights');
      await waitFor(page, 'the histogram drawn', async () => ((await frame.locator('body').evaluate(HISTOGRAM_PIXELS)) as number) > 200);
      await screenshot('tensorboard-run-media');
      await workbench.runCommand('Trialbook: Clear Filter');
      await workbench.runCommand('View: Close All Editors');
    },
  },
];
