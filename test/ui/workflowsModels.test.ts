// Runs last (file order): it adds a run with a model, which the other UI files do not expect.
// The model lifecycle as a user drives it in the Models view: register a logged model (an empty reason refused),
// promote it with a reason, a failing gate that blocks the push and shows in the Test Explorer, then the push let
// through with a recorded override reason. Against a real docker-registry.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { RunLog } from '../fixtures/runLog';
import { RegistryServer } from '../registry/registryServer';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

/** The registered version's row, labelled exactly v1 (runs named like churn-v1 from other UI files share the view). */
const VERSION_1 = /^v1$/;

const repoRoot = process.env.TRIALBOOK_REPO ?? resolve(__dirname, '..', '..', '..');
const RUN_NAME = 'lifecycle-ui-run <b>bold</b>';
const ARTIFACT = 'churn-weights';
let registry: RegistryServer | undefined;

/** The Models view's section, expanded (it starts collapsed). */
async function modelsSection(page: Page, workbench: Workbench): Promise<Locator> {
  // Opened whatever state the activity bar is in (clicking an active item would close the sidebar).
  const sidebar = page.locator('.part.sidebar');
  const title = sidebar.locator('.composite.title', { hasText: 'Trialbook' });
  if (!(await title.isVisible())) await workbench.activityBarItem('Trialbook').click();
  await title.waitFor({ state: 'visible', timeout: 15_000 });
  const header = sidebar.locator('.pane-header', { hasText: 'Models' });
  await header.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  return sidebar.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Models' }) });
}

/** Types into the open input box and presses Enter (after clearing what it offered). */
async function answer(page: Page, workbench: Workbench, text: string, expectTitle?: RegExp): Promise<void> {
  const box = workbench.quickInput();
  const input = box.locator('input').first();
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  if (expectTitle) {
    const deadline = Date.now() + 10_000;
    while (!expectTitle.test((await box.textContent()) ?? '') && Date.now() < deadline) await page.waitForTimeout(100);
    assert.match((await box.textContent()) ?? '', expectTitle);
  }
  await input.fill(text);
  await page.keyboard.press('Enter');
}

async function dialogButton(page: Page, label: string): Promise<Locator> {
  const button = page.locator('.monaco-dialog-box .monaco-button', { hasText: label }).first();
  await button.waitFor({ state: 'visible', timeout: 20_000 });
  return button;
}

export const tests: UiTest[] = [
  {
    name: 'register a logged model: an empty reason is refused with a message, then it shows as v1 candidate',
    timeoutMs: 120_000,
    async run({ page, workspace, screenshot }) {
      registry = await RegistryServer.start();
      const id = `${new Date().toISOString().replace(/[-:.Z]/g, '')}-11fe00cafe`;
      mkdirSync(join(workspace, 'models'), { recursive: true });
      writeFileSync(join(workspace, 'models', 'churn.bin'), Buffer.alloc(4096, 3));
      const ts = Date.now() / 1000;
      new RunLog(id).start({ experiment: 'lifecycle', name: RUN_NAME, config: { lr: 0.01 }, tags: [] }, ts)
        .metrics(0, { val_acc: 0.93 }, { ts: ts + 1 })
        .artifact({ name: ARTIFACT, path: 'models/churn.bin', type: 'model', size: 4096, sha256: 'f'.repeat(64) }, ts + 2)
        .end('finished', undefined, ts + 3)
        .writeTo(join(workspace, '.trialbook'));
      writeFileSync(join(workspace, '.trialbook', 'gates.json'), `${JSON.stringify({ churn: { accuracy: 'val_acc >= 0.9' } }, null, 2)}\n`);
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      const settingsFile = join(workspace, '.vscode', 'settings.json');
      let settings: Record<string, unknown> = {};
      try { settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>; } catch { settings = {}; }
      settings['trialbook.registries'] = [{ name: 'ui-registry', kind: 'oci', registry: registry.host, repository: 'models/churn' }];
      writeFileSync(settingsFile, JSON.stringify(settings, null, 2));

      const workbench = new Workbench(page);
      await page.keyboard.press('Escape');
      await workbench.runCommand('View: Close All Editors');
      const models = await modelsSection(page, workbench);
      const artifactRow = workbench.treeRow(models, ARTIFACT).first();
      await artifactRow.waitFor({ state: 'visible', timeout: 30_000 });
      await workbench.contextMenu(artifactRow, 'Register Model…');
      await answer(page, workbench, 'churn', /Model name/);
      // A reason of only blanks: the box says why and stays open.
      const box = workbench.quickInput();
      await box.locator('input').first().waitFor({ state: 'visible', timeout: 10_000 });
      await box.locator('.quick-input-title', { hasText: 'Why register this as churn?' }).waitFor({ state: 'visible', timeout: 10_000 });
      await box.locator('input').first().fill('   ');
      await page.keyboard.press('Enter');
      await box.locator('.quick-input-message', { hasText: 'A reason is required' }).waitFor({ state: 'visible', timeout: 10_000 });
      await screenshot('register-empty-reason-refused');
      await answer(page, workbench, 'first model over 0.9 on validation');
      const version = workbench.treeRow(models, VERSION_1).first();
      await version.waitFor({ state: 'visible', timeout: 20_000 });
      assert.match((await version.textContent()) ?? '', /candidate · first model over 0\.9 on validation/);
      await screenshot('registered-v1');
    },
  },
  {
    name: 'promote it with a reason: the stage and the history show who, when and why',
    timeoutMs: 90_000,
    async run({ page, workspace, screenshot }) {
      const workbench = new Workbench(page);
      await page.keyboard.press('Escape');
      const models = await modelsSection(page, workbench);
      await workbench.contextMenu(workbench.treeRow(models, VERSION_1).first(), 'Change Stage…');
      const stage = workbench.quickPickRows().filter({ hasText: 'staging' }).first();
      await stage.waitFor({ state: 'visible', timeout: 10_000 });
      await stage.click();
      await answer(page, workbench, 'beats the baseline by 3 points', /Why move churn v1 to staging/);
      const version = workbench.treeRow(models, VERSION_1).first();
      await page.locator('.monaco-list-row', { hasText: 'staging · beats the baseline by 3 points' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      const log = readFileSync(join(workspace, '.trialbook', 'models.jsonl'), 'utf8').trim().split('\n');
      assert.equal(log.length, 2);
      assert.match(log[1] ?? '', /"action":"promote","model":"churn","version":1,"stage":"staging","from":"candidate"/);
      assert.ok(await version.isVisible());
      await screenshot('promoted-to-staging');
    },
  },
  {
    name: 'a failing gate blocks the push and shows failed in the Test Explorer; overridden with a reason, the push goes and is recorded',
    timeoutMs: 150_000,
    async run({ page, workspace, screenshot }) {
      const workbench = new Workbench(page);
      // A stricter gate appears (a teammate's commit): the version's run has no latency metric.
      writeFileSync(join(workspace, '.trialbook', 'gates.json'), `${JSON.stringify({ churn: { accuracy: 'val_acc >= 0.9', latency: 'latency_ms < 40' } }, null, 2)}\n`);
      const models = await modelsSection(page, workbench);
      await page.locator('.monaco-list-row', { hasText: 'latency' }).first().waitFor({ state: 'visible', timeout: 20_000 }).catch(() => undefined);
      await workbench.contextMenu(workbench.treeRow(models, VERSION_1).first(), 'Push Version to Registry…');
      await answer(page, workbench, 'release candidate for the serving cluster', /Why push churn v1/);
      await (await dialogButton(page, 'Show in Test Explorer')).waitFor({ state: 'visible' });
      assert.match((await page.locator('.monaco-dialog-box').textContent()) ?? '', /latency: missing: the run has no latency_ms/);
      await screenshot('push-blocked-by-gate');
      await (await dialogButton(page, 'Show in Test Explorer')).click();
      const testing = page.locator('.part.sidebar');
      const failed = testing.locator('.monaco-list-row', { hasText: 'latency' }).first();
      // The tree may list models collapsed: expand until the gate shows.
      const deadline = Date.now() + 30_000;
      while (!(await failed.isVisible()) && Date.now() < deadline) {
        const collapsed = testing.locator('.monaco-list-row[aria-expanded="false"] .monaco-tl-twistie').first();
        if (await collapsed.isVisible()) await collapsed.click(); else await page.waitForTimeout(300);
      }
      await failed.waitFor({ state: 'visible', timeout: 5_000 });
      const shown = await failed.innerHTML();
      assert.match(shown, /testing-(failed|error)-icon/, `the gate shows failed: ${shown}`);
      await screenshot('test-explorer-failing-gate');

      const modelsAgain = await modelsSection(page, workbench);
      await workbench.contextMenu(workbench.treeRow(modelsAgain, 'v1').first(), 'Push Version to Registry…');
      await answer(page, workbench, 'release candidate for the serving cluster', /Why push churn v1/);
      await (await dialogButton(page, 'Override with a Reason…')).click();
      await answer(page, workbench, 'latency is measured on the serving cluster', /Why let latency through/);
      // The push's own questions: registry, tag (v1 offered), alias (the stage offered), description, confirmation.
      const registryRow = workbench.quickPickRows().filter({ hasText: 'ui-registry' }).first();
      await registryRow.waitFor({ state: 'visible', timeout: 15_000 });
      await registryRow.click();
      await answer(page, workbench, 'v1', /Version \(tag\)/);
      await answer(page, workbench, 'staging', /Alias/);
      await answer(page, workbench, '', /Description/);
      await (await dialogButton(page, 'Push')).click();
      const until = Date.now() + 60_000;
      let log = '';
      while (!/"action":"push"/.test(log) && Date.now() < until) {
        await page.waitForTimeout(300);
        log = readFileSync(join(workspace, '.trialbook', 'models.jsonl'), 'utf8');
      }
      assert.match(log, /"action":"push","model":"churn","version":1,"stage":"staging",.*"reason":"release candidate for the serving cluster","registry":"oci:\/\/[^"]+\/models\/churn","reference":"[^"]+\/models\/churn:v1@sha256:[0-9a-f]{64}".*"override":\{"gates":\["latency"\],"reason":"latency is measured on the serving cluster"\}/);
      await page.locator('.monaco-list-row', { hasText: 'models/churn:v1@sha256' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      await screenshot('pushed-with-override');
      await registry?.stop();
      registry = undefined;
    },
  },
  {
    name: 'the model report (CLI) opens in Chromium as a self-contained page: run text escaped, history and gates shown, nothing fetched',
    timeoutMs: 90_000,
    async run({ page, workspace, screenshot }) {
      const out = mkdtempSync(join(tmpdir(), 'trialbook-report-ui-'));
      const printed = execFileSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'report', '--dir', workspace, '--model', 'churn', '--version', '1', '--out', out, '--quiet'], { encoding: 'utf8' });
      const html = printed.trim().split('\n')[0] ?? '';
      assert.ok(html?.endsWith('churn-v1.html'), printed);
      const report = await page.context().newPage();
      const fetched: string[] = [];
      report.on('request', (r) => { if (r.url() !== `file://${html}`) fetched.push(r.url()); });
      try {
        await report.goto(`file://${html}`);
        await report.locator('h1', { hasText: 'churn v1' }).waitFor({ state: 'visible', timeout: 10_000 });
        const body = (await report.locator('body').textContent()) ?? '';
        assert.ok(body.includes(`${RUN_NAME} (`), 'the run name reads as typed (its markup is text)');
        assert.equal(await report.locator('b').count(), 0, 'no element from run text');
        assert.match(body, /latency is measured on the serving cluster/);
        assert.match(body, /beats the baseline by 3 points/);
        assert.match(body, /models\/churn:v1@sha256:/);
        assert.ok(await report.locator('svg polyline').count() > 0, 'a metric chart is drawn inline');
        assert.deepEqual(fetched, [], 'the report loads nothing');
        // Its style sheet applies under its CSP (allowed by hash, not 'unsafe-inline'): table heads are shaded.
        assert.equal(await report.locator('th').first().evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(246, 248, 250)');
        const md = readFileSync(html.replace(/\.html$/, '.md'), 'utf8');
        assert.match(md, /\]\(churn-v1\.html\)/);
        const shot = join(dirname(await screenshot('report-source-workbench')), 'model-report-in-chromium.png');
        await report.screenshot({ path: shot, fullPage: true });
      } finally {
        await report.close();
      }
    },
  },
];
