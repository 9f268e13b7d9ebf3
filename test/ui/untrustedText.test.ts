// Run-supplied text shown by the workbench stays text: a note cannot break out of its tooltip code block,
// and a run name cannot become a command link in a notification or an icon in a quick pick.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { RunLog, type StartFields } from '../fixtures/runLog';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

const EXPERIMENT = 'untrusted-text';
const FENCE_RUN = 'fence-note';
/** A note whose indented fence closed the tooltip's code block before the fix; what follows would render as Markdown. */
const FENCE_NOTE = 'baseline\n  ```\n[click me](https://evil.example/x) ![pixel](https://evil.example/p.png)\n~~~\n';
/** Would run a terminal command when clicked in a notification, and show an icon in a quick pick. */
const LINK_RUN = '$(zap) [Open](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%5Cn%22%7D)';

const runIds: string[] = [];

function runId(suffix: string): string {
  return `${new Date().toISOString().replace(/[-:.Z]/g, '')}-${suffix}`;
}

function writeRun(workspace: string, id: string, start: StartFields): void {
  const ts = Date.now() / 1000;
  new RunLog(id)
    .start({ experiment: EXPERIMENT, config: { lr: 0.1 }, tags: [], ...start }, ts)
    .metrics(0, { loss: 0.5 }, { ts: ts + 1 })
    .end('finished', undefined, ts + 2)
    .writeTo(join(workspace, '.trialbook'));
  runIds.push(id);
}

async function showTrialbook(page: Page, workbench: Workbench): Promise<Locator> {
  const sidebar = page.locator('.part.sidebar');
  const title = sidebar.locator('.composite.title', { hasText: 'Trialbook' });
  if (!(await title.isVisible())) await workbench.activityBarItem('Trialbook').click();
  await title.waitFor({ state: 'visible', timeout: 15_000 });
  return sidebar;
}

export const tests: UiTest[] = [
  {
    name: 'a note holding a closing fence stays inside the tooltip\'s code block: no link, no image',
    timeoutMs: 60_000,
    async run({ page, workspace, screenshot }) {
      const workbench = new Workbench(page);
      writeRun(workspace, runId('f00d0f0001'), { name: FENCE_RUN, notes: FENCE_NOTE });
      writeRun(workspace, runId('f00d0f0002'), { name: LINK_RUN, lineage: { script: join(workspace, 'gone', 'train.py') } });
      await workbench.runCommand('View: Close All Editors');
      const sidebar = await showTrialbook(page, workbench);
      const row = workbench.treeRow(sidebar, FENCE_RUN).first();
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      await row.hover();
      // The tooltip is shown once its content resolved; the note's text is in it either way (as code or as a link).
      const hover = page.locator('.monaco-hover', { hasText: 'click me' }).last();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      await screenshot('note-tooltip');
      const text = (await hover.textContent()) ?? '';
      const problems: string[] = [];
      if ((await hover.locator('a').count()) > 0) problems.push('a link from the note rendered in the tooltip');
      if ((await hover.locator('img').count()) > 0) problems.push('an image from the note rendered in the tooltip');
      if (!text.includes('[click me](https://evil.example/x)')) problems.push(`the note is not shown verbatim: ${JSON.stringify(text)}`);
      await page.mouse.move(900, 10);
      assert.deepEqual(problems, []);
    },
  },
  {
    name: 'a run named like a command link lists as text in a quick pick and cannot become a link in a notification',
    timeoutMs: 60_000,
    async run({ page, screenshot }) {
      const workbench = new Workbench(page);
      await workbench.runCommand('Trialbook: Reveal Source');
      const rows = workbench.quickPickRows();
      await rows.first().waitFor({ state: 'visible', timeout: 15_000 });
      await workbench.quickInput().locator('input').pressSequentially('sendSequence', { delay: 10 });
      const row = rows.filter({ hasText: 'sendSequence' }).first();
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      await screenshot('link-run-quick-pick');
      const problems: string[] = [];
      if ((await row.locator('.codicon-zap').count()) > 0) problems.push('the run name rendered as an icon in the quick pick');
      // (The label itself is an <a class="label-name"> in VS Code's icon label: a link has an href or is a monaco-link.)
      if ((await row.locator('a[href], .monaco-link').count()) > 0) problems.push('the run name rendered as a link in the quick pick');
      const label = ((await row.locator('.label-name').first().textContent()) ?? '').replace(/\u200b/g, '');
      if (!label.startsWith(LINK_RUN.slice(0, 60))) problems.push(`the quick pick does not show the name as typed: ${JSON.stringify(label)}`);
      await page.keyboard.press('Enter');
      // Its script is not on this machine: a warning names the run.
      const message = page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'is not on this machine' }).first();
      await message.waitFor({ state: 'visible', timeout: 15_000 });
      await screenshot('link-run-notification');
      const text = ((await message.textContent()) ?? '').replace(/\u200b/g, '');
      if (!text.includes(LINK_RUN)) problems.push(`the notification does not show the name as typed: ${JSON.stringify(text)}`);
      if ((await message.locator('a[href], .monaco-link').count()) > 0) problems.push('the run name became a link in the notification');
      await workbench.runCommand('Notifications: Clear All Notifications');
      assert.deepEqual(problems, []);
    },
  },
  {
    name: 'the runs written for these checks are removed again',
    async run({ page, workspace }) {
      const workbench = new Workbench(page);
      for (const id of runIds) rmSync(join(workspace, '.trialbook', 'runs', id), { recursive: true, force: true });
      const sidebar = await showTrialbook(page, workbench);
      await workbench.treeRow(sidebar, FENCE_RUN).first().waitFor({ state: 'detached', timeout: 20_000 });
    },
  },
];
