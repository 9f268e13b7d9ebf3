// The latest media of one run on its details page (issue 17): Show Run Media… opens the page at its Media section,
// each key's latest value is there (images loaded from the run folder as webview resources, never data: URLs; a
// histogram, a curve with its area, a confusion matrix, a table's first rows, Markdown whose <script> is inert
// text); and a notebook cell that logged media (a real Jupyter kernel) offers Show media, which opens them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { imageItem, pngOf, tableItem } from '../fixtures/mediaFiles';
import { RunLog } from '../fixtures/runLog';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

const repoRoot = process.env.TRIALBOOK_REPO ?? resolve(__dirname, '..', '..', '..');
const NAME = 'details-media';
const EVIL = '<img src=x onerror="document.body.dataset.pwned=\'key\'">';

/** One run with every kind of media, older than the demo runs (a 2026-01 id): later tests' "newest run" stays theirs. */
function writeRun(workspace: string): string {
  const dir = join(workspace, '.trialbook');
  const id = '20260105T090000000-d7a11e0001';
  const t0 = 1_767_603_600;
  const log = new RunLog(id).start({ experiment: 'media-details', name: NAME, config: { seed: 1 }, tags: [] }, t0);
  for (const step of [0, 5]) {
    // Step 5 (the latest) is a green square with a bar; step 0 is red: the page must show the green one.
    const png = pngOf(48, 48, (_x, y) => (step === 5 ? (y > 36 ? [240, 240, 240] : [40, 180, 90]) : [200, 40, 40]));
    log.media(step, 'samples', 'image', [imageItem(dir, id, png, 48, 48, `prediction at step ${step}`)], t0 + step);
  }
  log.media(5, EVIL, 'image', [imageItem(dir, id, pngOf(16, 16, (x) => [x * 16, 60, 200]), 16, 16, EVIL)], t0 + 5);
  for (let step = 0; step < 5; step++) {
    const counts = Array.from({ length: 32 }, (_, b) => Math.round(200 * Math.exp(-(((b - 10 - step * 2) / 4) ** 2))));
    log.media(step, 'weights', 'histogram', [{ min: -2, max: 2, counts }], t0 + step);
  }
  const x = Array.from({ length: 21 }, (_, i) => i / 20);
  log.media(5, 'roc', 'curve', [{ kind: 'roc', x, y: x.map((v) => Math.sqrt(v)), auc: 0.667, x_label: 'false positive rate', y_label: 'true positive rate' }], t0 + 5)
    .media(5, 'cm', 'confusion_matrix', [{ labels: ['cat', 'dog'], matrix: [[45, 5], [10, 40]] }], t0 + 5)
    .media(5, 'preds', 'table', [tableItem(dir, id, ['input', 'label', 'score'], Array.from({ length: 30 }, (_, i) => [i === 0 ? EVIL : `sample ${i}`, i % 2 ? 'dog' : 'cat', i / 30]))], t0 + 5)
    .media(5, 'notes', 'text', [{ markdown: `## Latest notes\n\n**Better** than step 0.\n\n<script>document.body.dataset.pwned = 'script'</script>` }], t0 + 5)
    .metrics(5, { loss: 0.25 }, { ts: t0 + 5 })
    .end('finished', undefined, t0 + 6)
    .writeTo(dir);
  return id;
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
const IMAGES = `[...document.querySelectorAll('.media-card[data-kind=image] img')].map((img) => ({
  key: img.closest('.media-card')?.dataset.key ?? '',
  src: img.getAttribute('src') ?? '',
  loaded: img.naturalWidth,
  caption: img.closest('figure')?.querySelector('figcaption')?.textContent ?? '',
  green: (() => { if (!img.naturalWidth) return false; const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext('2d'); g.drawImage(img, 0, 0); const [r, gr, b] = g.getImageData(4, 4, 1, 1).data; return gr > 150 && r < 100 && b < 150; })(),
}))`;

const colouredPixels = (selector: string): string => `(() => {
  const canvas = document.querySelector(${JSON.stringify(selector)});
  if (!canvas || !canvas.width) return 0;
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 20 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) n++;
  return n;
})()`;

type Shown = { key: string; src: string; loaded: number; caption: string; green: boolean };

async function images(frame: FrameLocator): Promise<Shown[]> {
  return (await frame.locator('body').evaluate(IMAGES)) as Shown[];
}

export const tests: UiTest[] = [
  {
    name: 'run details: Show Run Media… opens the page at its Media section with each key\'s latest value, run text inert',
    timeoutMs: 120_000,
    async run({ page, workspace, screenshot }) {
      const id = writeRun(workspace);
      const workbench = new Workbench(page);
      await workbench.runCommand('View: Close All Editors');
      await workbench.runCommand('Trialbook: Show Run Media…');
      const input = workbench.quickInput().locator('input');
      await input.pressSequentially(NAME, { delay: 10 });
      const row = workbench.quickPickRows().filter({ hasText: NAME }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      await row.click();
      const frame = workbench.activeWebview();
      const section = frame.locator('.media-section');
      await section.waitFor({ state: 'visible', timeout: 30_000 });
      await waitFor(page, 'the page scrolled to its Media section', async () => (await frame.locator('body').getAttribute('data-media-revealed')) !== null);

      // The latest image of each key, loaded from the run's folder through the webview's resource roots.
      await waitFor(page, 'the images loaded', async () => (await images(frame)).filter((i) => i.loaded > 0).length === 2);
      const shown = await images(frame);
      assert.deepEqual(shown.map((i) => [i.key, i.caption, i.loaded]), [['samples', 'prediction at step 5', 48], [EVIL, EVIL, 16]]);
      assert.ok(shown[0]?.green, 'the step 5 image (green), not the step 0 one (red)');
      assert.ok(shown.every((i) => new RegExp(`^https://.*/runs/${id}/media/[0-9a-f]{64}\\.png$`).test(i.src)), JSON.stringify(shown.map((i) => i.src)));
      const top = (await frame.locator('body').evaluate("document.querySelector('.media-section').getBoundingClientRect().top")) as number;
      assert.ok(top < 80, `the Media section is at the top of the view (${top} px)`);
      assert.equal(await frame.locator('.media-card[data-key="samples"] .media-step').textContent(), 'step 5');
      await screenshot('run-details-media-images');

      // Click to enlarge; Escape closes.
      await frame.locator('.media-card[data-key="samples"] img').click();
      const lightbox = frame.locator('.media-lightbox');
      await lightbox.waitFor({ state: 'visible', timeout: 5_000 });
      assert.equal(await lightbox.locator('.media-lightbox-caption').textContent(), 'prediction at step 5');
      await screenshot('run-details-media-enlarged');
      await page.keyboard.press('Escape');
      await lightbox.waitFor({ state: 'hidden', timeout: 5_000 });

      // The histogram of the last step and the curve are drawn; the curve's area is in its legend.
      const histogram = frame.locator('.media-card[data-kind=histogram]');
      await histogram.scrollIntoViewIfNeeded();
      assert.equal(await histogram.locator('.media-step').textContent(), 'step 4');
      assert.ok(((await frame.locator('body').evaluate(colouredPixels('.media-card[data-kind=histogram] canvas'))) as number) > 500, 'the histogram is drawn');
      assert.equal(await frame.locator('.media-card[data-kind=curve] .media-legend-text').textContent(), 'roc AUC 0.667');
      assert.ok(((await frame.locator('body').evaluate(colouredPixels('.media-card[data-kind=curve] canvas'))) as number) > 100, 'the curve is drawn');
      assert.equal(await frame.locator('.media-card[data-kind=confusion_matrix] tbody tr').first().locator('.rate').first().textContent(), '90.0%');
      await screenshot('run-details-media-charts');

      // The table's first rows (run text as text) and the Markdown with its <script> shown, not run.
      const table = frame.locator('.media-card[data-kind=table]');
      await table.scrollIntoViewIfNeeded();
      assert.equal(await table.locator('.media-table-info').textContent(), 'first 10 of 30 rows');
      assert.equal(await table.locator('tbody tr').count(), 10);
      assert.equal(await table.locator('tbody tr').first().locator('td').first().textContent(), EVIL);
      const text = frame.locator('.media-card[data-kind=text] .media-markdown');
      await text.scrollIntoViewIfNeeded();
      assert.equal(await text.locator('h2').textContent(), 'Latest notes');
      assert.match((await text.textContent()) ?? '', /<script>document\.body\.dataset\.pwned = 'script'<\/script>/);
      assert.equal(await frame.locator('.media-section script, .media-section [onerror]').count(), 0);
      assert.equal(await frame.locator('body').evaluate('document.body.dataset.pwned ?? "none"'), 'none');
      await screenshot('run-details-media-table-text');
    },
  },
  {
    name: 'notebook: the cell that logged an image and a table offers Show media, which opens the run\'s media',
    timeoutMs: 150_000,
    async run({ page, workspace, screenshot }) {
      const workbench = new Workbench(page);
      await workbench.runCommand('View: Close All Editors');
      const notebook = join(workspace, 'media-cells.ipynb');
      // A real Jupyter kernel runs the notebook, as a user's would: one cell logs an image, a table and a number.
      execFileSync('/usr/bin/python3', [join(repoRoot, 'sdk', 'python', 'tests', 'run_notebook.py'),
        join(repoRoot, 'test', 'fixtures', 'notebooks', 'media.ipynb'), notebook, join(workspace, '.trialbook')], { timeout: 120_000 });
      await page.keyboard.press('Control+P');
      const input = workbench.quickInput().locator('input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.pressSequentially('media-cells.ipynb', { delay: 10 });
      await workbench.quickPickRows().filter({ hasText: 'media-cells.ipynb' }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.press('Enter');
      const item = page.locator('.cell-status-item', { hasText: 'Show media' });
      await item.first().waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await item.count(), 1, 'only the cell that logged media offers it');
      await screenshot('notebook-cell-show-media');
      await item.first().click();

      const frame = workbench.activeWebview();
      await frame.locator('.media-section').waitFor({ state: 'visible', timeout: 30_000 });
      await waitFor(page, 'the notebook\'s image loaded', async () => (await images(frame)).some((i) => i.loaded === 12));
      const shown = await images(frame);
      assert.deepEqual(shown.map((i) => [i.key, i.caption]), [['sample', 'left half red']]);
      const table = frame.locator('.media-card[data-kind=table]');
      assert.equal(await table.locator('.media-table-info').textContent(), '2 rows');
      assert.deepEqual(await table.locator('tbody tr').first().locator('td').allTextContents(), ['a', '1']);
      await screenshot('notebook-show-media-details');
    },
  },
];
