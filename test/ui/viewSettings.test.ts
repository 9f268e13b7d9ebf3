// A setting changed in the workspace's settings.json shows in the Runs view at once, without a reload.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UiTest } from './uiTest';
import { Workbench } from './workbench';

export const tests: UiTest[] = [
  {
    name: 'changing trialbook.keyMetric in settings.json re-labels the runs in the tree at once',
    timeoutMs: 90_000,
    async run({ page, runs, workspace, screenshot }) {
      const workbench = new Workbench(page);
      await workbench.runCommand('View: Close All Editors');
      const sidebar = page.locator('.part.sidebar');
      const title = sidebar.locator('.composite.title', { hasText: 'Trialbook' });
      if (!(await title.isVisible())) await workbench.activityBarItem('Trialbook').click();
      await title.waitFor({ state: 'visible', timeout: 15_000 });
      const rows = runs.map((r) => workbench.treeRow(sidebar, r.name).first());
      await rows[0]?.waitFor({ state: 'visible', timeout: 30_000 });
      const descriptions = async (): Promise<string[]> =>
        Promise.all(rows.map(async (row) => ((await row.locator('.label-description').textContent()) ?? '').replace(/^★ /, '')));
      const waitForPrefix = async (prefix: string): Promise<void> => {
        const deadline = Date.now() + 15_000;
        let seen: string[] = [];
        while (Date.now() < deadline) {
          seen = await descriptions();
          if (seen.every((d) => d.startsWith(prefix))) return;
          await page.waitForTimeout(200);
        }
        assert.fail(`the runs' descriptions do not all start with "${prefix}": ${JSON.stringify(seen)}`);
      };
      // The demo runs log accuracy and loss: unset, each shows its first metric by name.
      await waitForPrefix('accuracy ');
      const settings = join(workspace, '.vscode', 'settings.json');
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      try {
        writeFileSync(settings, JSON.stringify({ 'trialbook.keyMetric': 'loss' }, null, 2));
        await waitForPrefix('loss ');
        await screenshot('key-metric-loss');
      } finally {
        rmSync(settings, { force: true });
      }
      await waitForPrefix('accuracy ');
    },
  },
];
