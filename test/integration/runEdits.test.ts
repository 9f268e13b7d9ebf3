import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateTrialbook, waitFor, workspaceDir, writeFixtureRun } from './helpers';

suite('Editing runs', () => {
  test('Star from the tree marks the run starred, the starred-only filter shows just it, and the edit lives beside the run', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const run = writeFixtureRun({ experiment: 'edits', name: 'to-star', points: 5 });
    const other = writeFixtureRun({ experiment: 'edits', name: 'not-starred', points: 5 });
    await api.refresh();
    const row = (await api.runDetail(run.id)) as NonNullable<Awaited<ReturnType<typeof api.runDetail>>>;
    // The tree passes its node to the command, as a click on the inline star does.
    await vscode.commands.executeCommand('trialbook.toggleStar', { kind: 'run', run: row });
    await waitFor('the run to be starred', async () => ((await api.runDetail(run.id))?.starred ? true : undefined));
    assert.match(readFileSync(join(workspaceDir(), '.trialbook', 'runs', run.id, 'edits.jsonl'), 'utf8'), /"t":"star","starred":true/);

    await vscode.commands.executeCommand('trialbook.toggleStarredOnly');
    try {
      const ids = (await api.runsTree()).flatMap((e) => e.runs.map((r) => r.id));
      assert.ok(ids.includes(run.id), 'the starred run is shown');
      assert.ok(!ids.includes(other.id), 'runs that are not starred are hidden');
    } finally {
      await vscode.commands.executeCommand('trialbook.clearFilter');
    }
    const all = (await api.runsTree()).flatMap((e) => e.runs.map((r) => r.id));
    assert.ok(all.includes(other.id), 'Clear Filter shows every run again');
  });
});
