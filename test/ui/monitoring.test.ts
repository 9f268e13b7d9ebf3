// Monitoring as a user meets it: the drift scenario (examples/monitoring/scenario.py, the real SDK) logged into
// the open workspace shows in the Monitoring view as an alert, with the alert's notification and status bar item;
// its dashboard draws the drift strip, and a clicked cell overlays the two distributions. The runs it wrote are
// removed afterwards so later tests see the workspace as before.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

const REPO = resolve(__dirname, '..', '..', '..');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export const tests: UiTest[] = [
  {
    name: 'a drifting model shows as an alert in the Monitoring view, and its dashboard shows the drift strip and the distributions',
    timeoutMs: 150_000,
    async run({ page, workspace, screenshot }) {
      const out = execFileSync(PYTHON, [join(REPO, 'examples', 'monitoring', 'scenario.py'), '--seed', '5', '--json', '--dir', workspace],
        { encoding: 'utf8', timeout: 120_000 });
      const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { training_run: string; monitoring_run: string };
      const workbench = new Workbench(page);
      try {
        const sidebar = await workbench.openViewContainer('Trialbook');
        const header = sidebar.locator('.pane-header', { hasText: 'Monitoring' });
        await header.waitFor({ state: 'visible', timeout: 15_000 });
        if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
        await workbench.runCommand('Trialbook: Refresh Monitoring');
        // The monitoring run is also a run in the Runs view, under the same name: look in the Monitoring pane only.
        const pane = sidebar.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: 'Monitoring' }) });
        const row = workbench.treeRow(pane, 'churn-classifier v1');
        await row.waitFor({ state: 'visible', timeout: 30_000 });
        assert.match(await row.innerText(), /alert/);
        const statusItem = page.locator('.statusbar-item', { hasText: 'churn-classifier v1: alert' });
        await statusItem.waitFor({ state: 'visible', timeout: 15_000 });
        // The notification, in the notification center: its toast hides itself after about 10 s in a focused window,
        // which on a loaded machine can pass before the row and the status bar item were seen.
        await workbench.runCommand('Notifications: Show Notifications');
        // One notification per new alerting batch: two when the scan saw the scenario's log part-written.
        const notification = page.locator('.notifications-center .notification-list-item', { hasText: 'churn-classifier v1 is in alert' }).first();
        await notification.waitFor({ state: 'visible', timeout: 15_000 });
        await screenshot('monitoring-view-and-alert');
        await workbench.runCommand('Notifications: Hide Notifications');

        await row.click();
        const frame = workbench.activeWebview();
        const cells = frame.locator('button.cell');
        await cells.first().waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await cells.count(), 5 * 30, 'five features × thirty days');
        const tenureDay20 = frame.locator('button.cell[data-feature="0"][data-batch="19"]');
        assert.match(await tenureDay20.getAttribute('class') ?? '', /psi-3/, 'tenure on day 20 is coloured as an alert');
        assert.match(await frame.locator('button.cell[data-feature="1"][data-batch="19"]').getAttribute('class') ?? '', /psi-[01]/, 'monthly_spend is not');
        await frame.locator('table.strip').scrollIntoViewIfNeeded();
        await screenshot('monitoring-drift-strip');
        await tenureDay20.click();
        const overlay = frame.locator('.overlay h2');
        await overlay.waitFor({ state: 'visible', timeout: 10_000 });
        assert.equal(await overlay.innerText(), 'tenure on 2026-11-20');
        await frame.locator('.overlay canvas').scrollIntoViewIfNeeded();
        await screenshot('monitoring-distributions-overlaid');
      } finally {
        for (const id of [result.training_run, result.monitoring_run]) rmSync(join(workspace, '.trialbook', 'runs', id), { recursive: true, force: true });
        await workbench.runCommand('View: Close All Editors').catch(() => undefined);
        await workbench.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
        await workbench.runCommand('Trialbook: Refresh Monitoring').catch(() => undefined);
        // Leave the side bar as the later tests expect it: on the Explorer, not on Trialbook.
        await workbench.runCommand('View: Show Explorer').catch(() => undefined);
      }
    },
  },
];
