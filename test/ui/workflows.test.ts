// UI workflows of the Runs view and the comparison panel, driven in Chromium like a user would.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { editLine, RunLog } from '../fixtures/runLog';
import type { UiTest } from './uiTest';
import { compareTable, Workbench } from './workbench';

const repoRoot = process.env.TRIALBOOK_REPO ?? resolve(__dirname, '..', '..', '..');

// Evaluated in the webview frame: a fingerprint of every chart canvas's pixels.
const CANVAS_FINGERPRINT = `(() => {
  let h = 0, drawn = 0;
  for (const c of document.querySelectorAll('canvas')) {
    const ctx = c.getContext('2d');
    if (!ctx || !c.width || !c.height) continue;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]) drawn++;
      h = (Math.imul(h, 31) + d[i] + d[i + 1] * 3 + d[i + 2] * 7 + d[i + 3] * 11) | 0;
    }
  }
  return { hash: h, drawn };
})()`;

async function fingerprint(frame: FrameLocator): Promise<{ hash: number; drawn: number }> {
  return (await frame.locator('body').evaluate(CANVAS_FINGERPRINT)) as { hash: number; drawn: number };
}

/** Waits until the comparison in the newest webview has drawn its charts for `runs` runs. */
async function waitForComparison(page: Page, workbench: Workbench, runs: number): Promise<FrameLocator> {
  const frame = workbench.activeWebview();
  await frame.locator('.legend-item').nth(runs - 1).waitFor({ state: 'visible', timeout: 30_000 });
  await frame.locator('canvas').first().waitFor({ state: 'visible', timeout: 15_000 });
  const deadline = Date.now() + 15_000;
  while ((await fingerprint(frame)).drawn === 0 && Date.now() < deadline) await page.waitForTimeout(200);
  return frame;
}

/** The Trialbook sidebar, opened whatever state the activity bar is in (clicking an active item would close it). */
async function showTrialbook(page: Page, workbench: Workbench) {
  const sidebar = page.locator('.part.sidebar');
  const title = sidebar.locator('.composite.title', { hasText: 'Trialbook' });
  if (!(await title.isVisible())) await workbench.activityBarItem('Trialbook').click();
  await title.waitFor({ state: 'visible', timeout: 15_000 });
  return sidebar;
}

function writeRunLog(workspace: string, id: string, name: string, lr: number): void {
  const ts = Date.now() / 1000;
  const log = new RunLog(id).start({ experiment: 'demo', name, config: { lr, epochs: 100 }, tags: [] }, ts);
  for (let step = 0; step < 50; step++) log.metrics(step, { loss: 1 / (step + 1), accuracy: step / 50 }, { ts: ts + step });
  log.end('finished', undefined, ts + 60).writeTo(join(workspace, '.trialbook'));
}

export const tests: UiTest[] = [
  {
    name: 'selecting three runs in the tree and choosing Compare draws one line per run',
    timeoutMs: 90_000,
    async run({ page, runs, screenshot }) {
      const workbench = new Workbench(page);
      await workbench.runCommand('View: Close All Editors');
      const sidebar = await showTrialbook(page, workbench);
      const [first, second, third] = runs.map((r) => workbench.treeRow(sidebar, r.name).first());
      assert.ok(first && second && third, 'the workspace has three runs');
      await first.click();
      await second.click({ modifiers: ['Control'] });
      await third.click({ modifiers: ['Control'] });
      await screenshot('three-runs-selected');
      await workbench.contextMenu(third, 'Compare Selected Runs');
      const frame = await waitForComparison(page, workbench, 3);
      const legend = await frame.locator('.legend-item').allTextContents();
      assert.deepEqual([...legend].sort(), runs.map((r) => r.name).sort());
      await screenshot('compare-three-from-tree');
    },
  },
  {
    name: 'moving the smoothing slider changes the drawn lines',
    async run({ page, screenshot }) {
      const frame = new Workbench(page).activeWebview();
      const before = await fingerprint(frame);
      await frame.locator('input[type=range]').fill('0.95');
      await page.waitForTimeout(300);
      const after = await fingerprint(frame);
      assert.ok(before.drawn > 0, 'the charts were drawn');
      assert.notEqual(after.hash, before.hash, 'the canvas did not change after smoothing');
      assert.equal(await frame.locator('output').textContent(), '0.95');
      await screenshot('smoothing-0.95');
    },
  },
  {
    name: '"Only differences" hides params that are equal across the runs',
    async run({ page, screenshot }) {
      const frame = new Workbench(page).activeWebview();
      // Runs are rows; each param is a column (headed by its name, after the Run column).
      const params = await compareTable(frame, 'params');
      const keys = async () => (await params.locator('thead th[data-key^="param:"]').allTextContents()).map((k) => k.replace(/ [▲▼]$/, ''));
      assert.deepEqual((await keys()).sort(), ['epochs', 'lr']);
      await frame.locator('#only-diff').check();
      await page.waitForTimeout(200);
      assert.deepEqual(await keys(), ['lr']);
      await screenshot('only-differences');
    },
  },
  {
    name: 'a run named like HTML renders as text and runs no script',
    timeoutMs: 90_000,
    async run({ page, workspace, screenshot }) {
      const workbench = new Workbench(page);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const evil = '<img src=x onerror=alert(1)>';
      writeRunLog(workspace, `${new Date().toISOString().replace(/[-:.Z]/g, '')}-deadbeef01`, evil, 0.5);
      const sidebar = await showTrialbook(page, workbench);
      await workbench.treeRow(sidebar, evil).first().waitFor({ state: 'visible', timeout: 20_000 });
      await workbench.runCommand('View: Close All Editors');
      await workbench.runCommand('Trialbook: Compare Runs');
      await workbench.quickPickRows().first().waitFor({ state: 'visible', timeout: 15_000 });
      await page.keyboard.press('Enter');
      const frame = await waitForComparison(page, workbench, 3);
      const legend = await frame.locator('.legend-item').allTextContents();
      assert.ok(legend.includes(evil), `the name is shown verbatim: ${JSON.stringify(legend)}`);
      const params = await compareTable(frame, 'params');
      assert.equal(await frame.locator('img').count(), 0, 'no <img> element was created from run data');
      assert.match((await params.locator('tbody').textContent()) ?? '', /<img src=x onerror=alert\(1\)>/);
      await page.waitForTimeout(500);
      assert.deepEqual(dialogs, [], 'no script from run data ran');
      await screenshot('html-name-as-text');
    },
  },
  {
    name: 'a notebook opened in the editor shows the run under the cells that logged to it',
    timeoutMs: 150_000,
    async run({ page, workspace, screenshot }) {
      const workbench = new Workbench(page);
      await workbench.runCommand('View: Close All Editors');
      const notebook = join(workspace, 'explore.ipynb');
      // A real Jupyter kernel runs the notebook, as a user's would, and logs the run with its cell links.
      execFileSync('/usr/bin/python3', [join(repoRoot, 'sdk', 'python', 'tests', 'run_notebook.py'),
        join(repoRoot, 'test', 'fixtures', 'notebooks', 'train.ipynb'), notebook, join(workspace, '.trialbook')], { timeout: 120_000 });
      await page.keyboard.press('Control+P');
      const input = workbench.quickInput().locator('input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.pressSequentially('explore.ipynb', { delay: 10 });
      await workbench.quickPickRows().filter({ hasText: 'explore.ipynb' }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.press('Enter');
      const item = page.locator('.cell-status-item', { hasText: 'loss 0.3333' }).first();
      await item.waitFor({ state: 'visible', timeout: 30_000 });
      const accuracy = page.locator('.cell-status-item', { hasText: 'accuracy 0.9' });
      await accuracy.first().waitFor({ state: 'visible', timeout: 10_000 });
      await screenshot('notebook-cell-items');
    },
  },
];

tests.push({
  name: 'Open Run… from the tree shows the run\'s lineage, params and metrics',
  timeoutMs: 60_000,
  async run({ page, runs, screenshot }) {
    const workbench = new Workbench(page);
    await workbench.runCommand('View: Close All Editors');
    const sidebar = await showTrialbook(page, workbench);
    const run = runs[0];
    assert.ok(run, 'the workspace has runs');
    const row = workbench.treeRow(sidebar, run.name).first();
    await workbench.contextMenu(row, 'Open Run…');
    const frame = workbench.activeWebview();
    await frame.locator('h1', { hasText: run.name }).waitFor({ state: 'visible', timeout: 20_000 });
    const text = (await frame.locator('body').textContent()) ?? '';
    for (const expected of ['Run id', run.id, 'Who', 'Python', 'lr', String(run.lr), 'loss', 'accuracy']) {
      assert.ok(text.includes(expected), `the details page lacks "${expected}"`);
    }
    await frame.locator('vscode-textarea').waitFor({ state: 'visible', timeout: 5_000 });
    await screenshot('run-details');
  },
});

tests.push({
  name: 'notes typed on the run details page are saved beside the run',
  timeoutMs: 60_000,
  async run({ page, runs, workspace, screenshot }) {
    const frame = new Workbench(page).activeWebview();
    const note = `baseline for the lr sweep ${Date.now()}`;
    const textarea = frame.locator('vscode-textarea textarea');
    await textarea.fill(note);
    const save = frame.locator('vscode-button', { hasText: 'Save notes' });
    await save.click();
    const run = runs[0];
    assert.ok(run, 'the workspace has runs');
    const file = join(workspace, '.trialbook', 'runs', run.id, 'edits.jsonl');
    const deadline = Date.now() + 10_000;
    let saved = '';
    while (Date.now() < deadline) {
      saved = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (saved.includes(note)) break;
      await page.waitForTimeout(200);
    }
    assert.ok(saved.includes(note), `edits.jsonl holds the note: ${saved}`);
    // The page shows what the index holds, not what was typed: notes changed from outside (as the tree's Add Note…
    // or another window would write them) appear in the page, which re-renders them from the host.
    const elsewhere = `changed from outside ${Date.now()}`;
    appendFileSync(file, editLine({ t: 'notes', notes: elsewhere }, Date.now() / 1000));
    const until = Date.now() + 20_000;
    let shown = await textarea.inputValue();
    while (shown !== elsewhere && Date.now() < until) {
      await page.waitForTimeout(200);
      shown = await textarea.inputValue();
    }
    assert.equal(shown, elsewhere, 'the page re-rendered the notes from the host');
    assert.equal(await save.getAttribute('disabled') !== null, true, 'nothing unsaved: Save is disabled');
    await screenshot('notes-saved');
  },
});

tests.push({
  name: 'the runs table lists every run, and a column dragged by its header moves there',
  timeoutMs: 60_000,
  async run({ page, runs, screenshot }) {
    const workbench = new Workbench(page);
    await workbench.runCommand('Trialbook: Open Runs Table');
    const frame = workbench.activeWebview();
    const loss = frame.locator('.head-cell[data-column="m:loss"]');
    await loss.waitFor({ state: 'visible', timeout: 30_000 });
    for (const r of runs) await frame.locator('.row', { hasText: r.name }).first().waitFor({ state: 'visible', timeout: 10_000 });
    const order = (): Promise<string[]> => frame.locator('.head-cell').evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.column ?? ''));
    const before = await order();
    assert.ok(before.indexOf('duration') > before.indexOf('name'));
    // A real drag in Chromium: press on the duration header, move onto the left edge of the name header, release.
    // (Both are in view: a drag whose page scrolls under the pointer picks up whatever header is then there.)
    await frame.locator('.head-cell[data-column="duration"]').dragTo(frame.locator('.head-cell[data-column="name"]'), { targetPosition: { x: 4, y: 8 } });
    const after = await order();
    assert.equal(after.indexOf('duration') + 1, after.indexOf('name'), `duration sits before name: ${after.join(' ')}`);
    assert.deepEqual(after.filter((c) => c !== 'duration'), before.filter((c) => c !== 'duration'), 'only that column moved');
    await screenshot('runs-table-column-moved');
  },
});
