// Rich values in the comparison (issue 17): three runs' logged images under one step slider (nearest logged step per
// run, click to enlarge), histograms over steps, PR curves with their areas, a confusion matrix, a table, and
// Markdown whose <script> shows as inert text. Images load from the run folders through the webview's resource
// roots (never data: URLs). Last in file order: the runs it writes are the newest, so Compare preselects them.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { imageItem, pngOf, tableItem } from '../fixtures/mediaFiles';
import { RunLog } from '../fixtures/runLog';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

/** Steps each run logged images at: the slider's stops are their union. */
const IMAGE_STEPS = [[0, 10, 20], [0, 5, 10, 15, 20], [0, 20]];
const NAMES = ['media-a', 'media-b', 'media-c'];
const HUES: Array<[number, number, number]> = [[220, 60, 60], [60, 170, 80], [70, 110, 230]];

function writeRuns(workspace: string): void {
  const dir = join(workspace, '.trialbook');
  const stamp = new Date(Date.now() + 60_000).toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const t0 = Date.now() / 1000 + 60;
  NAMES.forEach((name, r) => {
    const id = `${stamp}-3ed1a0000${r}`;
    const log = new RunLog(id).start({ experiment: 'media', name, config: { seed: r }, tags: [] }, t0 + r);
    const [red, green, blue] = HUES[r] ?? [128, 128, 128];
    for (const step of IMAGE_STEPS[r] ?? []) {
      // A stripe whose height grows with the step: the slider's move is visible in the screenshots.
      const png = pngOf(32, 32, (x, y) => (y < 4 + step ? [red, green, blue] : [(x * 8) % 256, 40, 40 + y * 4]));
      log.media(step, 'samples', 'image', [imageItem(dir, id, png, 32, 32, `${name} step ${step}`)], t0 + r + step / 100);
    }
    for (let step = 0; step < 10; step++) {
      const counts = Array.from({ length: 24 }, (_, b) => Math.round(100 * Math.exp(-(((b - 8 - step - r * 2) / 3) ** 2))));
      log.media(step, 'weights', 'histogram', [{ min: -1 - r * 0.2, max: 1 + r * 0.2, counts }], t0 + r + step / 100);
    }
    const auc = 0.7 + r * 0.1;
    const recall = Array.from({ length: 21 }, (_, i) => i / 20);
    log.media(20, 'pr', 'curve', [{ kind: 'pr', x: recall, y: recall.map((x) => Math.max(0.3, 1 - x ** (1 + r) * 0.7)), auc, x_label: 'recall', y_label: 'precision' }], t0 + r + 1)
      .media(20, 'cm', 'confusion_matrix', [{ labels: ['cat', 'dog', 'bird'], matrix: [[40 + r * 5, 5, 5], [8, 30 + r * 5, 2], [3, 4, 20 + r]] }], t0 + r + 1)
      .media(20, 'preds', 'table', [tableItem(dir, id, ['input', 'label', 'score'], Array.from({ length: 200 }, (_, i) => [`sample ${i}`, i % 3 === 0 ? 'cat' : 'dog', (i * 37 % 100) / 100]))], t0 + r + 1)
      .media(20, 'notes', 'text', [{ markdown: `# Run ${name}\n\n**Bold** and a [link](https://example.com/${name}).\n\n<script>document.body.dataset.pwned = '1'</script>\n\n<img src=x onerror="document.body.dataset.pwned='2'">` }], t0 + r + 1)
      .metrics(20, { loss: 1 / (r + 1) }, { ts: t0 + r + 1 })
      .end('finished', undefined, t0 + r + 2)
      .writeTo(dir);
  });
}

async function waitFor(page: Page, what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await page.waitForTimeout(200);
  }
  assert.fail(`timed out waiting for ${what}`);
}

// Evaluated in the webview frame.
const IMAGES = `[...document.querySelectorAll('.media-card[data-kind=image] .media-column')].map((c) => ({
  run: c.querySelector('.media-run')?.childNodes[1]?.textContent ?? '',
  step: c.querySelector('.media-run-step')?.textContent ?? '',
  src: c.querySelector('img')?.getAttribute('src') ?? '',
  loaded: c.querySelector('img')?.naturalWidth ?? 0,
  caption: c.querySelector('figcaption')?.textContent ?? '',
}))`;

const colouredPixels = (selector: string): string => `(() => {
  const canvas = document.querySelector(${JSON.stringify(selector)});
  if (!canvas || !canvas.width) return 0;
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 20 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) n++;
  return n;
})()`;

type Shown = { run: string; step: string; src: string; loaded: number; caption: string };

/** The image columns, ordered by run name (the page orders runs as the comparison does). */
async function images(frame: FrameLocator): Promise<Shown[]> {
  return ((await frame.locator('body').evaluate(IMAGES)) as Shown[]).sort((a, b) => a.run.localeCompare(b.run));
}

export const tests: UiTest[] = [
  {
    name: 'compare media: image slider across 3 runs, histograms over steps, PR curves, confusion matrix, table, inert Markdown',
    timeoutMs: 150_000,
    async run({ page, workspace, screenshot }) {
      writeRuns(workspace);
      const workbench = new Workbench(page);
      await workbench.runCommand('View: Close All Editors');
      await workbench.runCommand('Trialbook: Compare Runs…');
      await workbench.quickPickRows().filter({ hasText: 'media-c' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await page.keyboard.press('Enter');
      const frame = workbench.activeWebview();
      const imageCard = frame.locator('.media-card[data-kind=image]');
      await imageCard.waitFor({ state: 'visible', timeout: 30_000 });
      await imageCard.scrollIntoViewIfNeeded();

      // The last step first: every run shows its step 20 image, loaded from its run folder, not a data: URL.
      await waitFor(page, 'three loaded images', async () => (await images(frame)).filter((i) => i.loaded === 32).length === 3);
      let shown = await images(frame);
      assert.deepEqual(shown.map((i) => i.run), NAMES);
      assert.deepEqual(shown.map((i) => i.step), ['step 20', 'step 20', 'step 20']);
      assert.deepEqual(shown.map((i) => i.caption), ['media-a step 20', 'media-b step 20', 'media-c step 20']);
      assert.ok(shown.every((i) => !i.src.startsWith('data:') && /^https:\/\/.*media\/[0-9a-f]{64}\.png$/.test(i.src)), JSON.stringify(shown.map((i) => i.src)));
      await screenshot('media-images-last-step');

      // The slider's stops are the union of the runs' steps (0, 5, 10, 15, 20); at 5 each run shows its nearest.
      const slider = imageCard.locator('input[type=range]');
      await slider.focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await waitFor(page, 'the images of step 5', async () => (await images(frame)).map((i) => i.step).join() === 'step 0,step 5,step 0');
      await waitFor(page, 'the step 5 images loaded', async () => (await images(frame)).every((i) => i.loaded === 32));
      assert.equal(await imageCard.locator('.media-step').textContent(), '5');
      await page.keyboard.press('ArrowRight');
      await waitFor(page, 'the images of step 10', async () => (await images(frame)).map((i) => i.step).join() === 'step 10,step 10,step 0');
      shown = await images(frame);
      assert.deepEqual(shown.map((i) => i.caption), ['media-a step 10', 'media-b step 10', 'media-c step 0']);
      await screenshot('media-images-slider-step-10');

      // Click to enlarge; Escape closes.
      await imageCard.locator('.media-column[data-run$="01"] img').click();
      const lightbox = frame.locator('.media-lightbox');
      await lightbox.waitFor({ state: 'visible', timeout: 5_000 });
      assert.equal(await lightbox.locator('.media-lightbox-caption').textContent(), 'media-b step 10');
      await screenshot('media-image-enlarged');
      await page.keyboard.press('Escape');
      await lightbox.waitFor({ state: 'hidden', timeout: 5_000 });

      // Histograms over steps: a heatmap per run, and the distributions at a step overlaid.
      const histogram = frame.locator('.media-card[data-kind=histogram]');
      await histogram.scrollIntoViewIfNeeded();
      for (let r = 0; r < 3; r++) {
        const pixels = (await frame.locator('body').evaluate(colouredPixels(`.media-card[data-kind=histogram] .media-column[data-run$="0${r}"] canvas`))) as number;
        assert.ok(pixels > 500, `run ${r}'s heatmap is drawn (${pixels} coloured pixels)`);
      }
      assert.ok(((await frame.locator('body').evaluate(colouredPixels('.media-card[data-kind=histogram] .media-overlay canvas'))) as number) > 200, 'the overlaid distributions are drawn');
      await screenshot('media-histograms-over-steps');

      // PR curves overlaid, with average precision in the legend.
      const curve = frame.locator('.media-card[data-kind=curve]');
      await curve.scrollIntoViewIfNeeded();
      assert.deepEqual(((await curve.locator('.media-legend-text').textContent()) ?? '').split(' · ').sort(), ['media-a (AP 0.700)', 'media-b (AP 0.800)', 'media-c (AP 0.900)']);
      assert.ok(((await frame.locator('body').evaluate(colouredPixels('.media-card[data-kind=curve] canvas'))) as number) > 300, 'the PR curves are drawn');
      await screenshot('media-pr-curves');

      // Confusion matrix: counts with the share of each true label's row.
      const matrix = frame.locator('.media-card[data-kind=confusion_matrix]');
      await matrix.scrollIntoViewIfNeeded();
      const first = matrix.locator('.media-column[data-run$="00"] .media-matrix');
      assert.equal(await first.locator('tbody tr').first().locator('td').first().locator('.count').textContent(), '40');
      assert.equal(await first.locator('tbody tr').first().locator('td').first().locator('.rate').textContent(), '80.0%');
      assert.equal(await matrix.locator('.media-matrix').count(), 3);
      await screenshot('media-confusion-matrix');

      // The table: its cells come on request; sorted by score, descending, with a second click.
      const table = frame.locator('.media-card[data-kind=table]');
      await table.scrollIntoViewIfNeeded();
      await table.locator('.media-table-rows tr').first().waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await table.locator('.media-table-info').textContent(), '200 rows');
      assert.ok((await table.locator('.media-table-rows tr').count()) < 40, 'only the rows in view are in the DOM');
      const scoreHeader = table.locator('th button', { hasText: 'score' });
      await scoreHeader.click();
      await scoreHeader.click();
      assert.equal(await table.locator('.media-table-rows tr').first().locator('td').nth(2).textContent(), '0.99');
      await screenshot('media-table-sorted');

      // Markdown: rendered, and the <script> and the onerror attribute are inert text.
      const text = frame.locator('.media-card[data-kind=text]');
      await text.scrollIntoViewIfNeeded();
      const markdown = text.locator('.media-column[data-run$="00"] .media-markdown');
      assert.equal(await markdown.locator('h1').textContent(), 'Run media-a');
      assert.equal(await markdown.locator('strong').textContent(), 'Bold');
      assert.match((await markdown.textContent()) ?? '', /<script>document\.body\.dataset\.pwned = '1'<\/script>/);
      assert.equal(await text.locator('script, img, [onerror]').count(), 0);
      assert.equal(await frame.locator('body').evaluate('document.body.dataset.pwned ?? "none"'), 'none');
      assert.equal(await markdown.locator('a').getAttribute('href'), '#', 'links go through the host, not the page');
      await screenshot('media-markdown-inert-script');
    },
  },
];
