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

suite('Sorting runs', () => {
  test('Sort Runs orders the runs of each experiment and is remembered', async function () {
    this.timeout(30_000);
    const { api } = await activateTrialbook();
    for (const [name, last] of [['sort-b', 0.5], ['sort-c', 0.1], ['sort-a', 0.9]] as const) {
      writeFixtureRun({ experiment: 'sorting', name, points: 1, config: { rank: last } });
    }
    await api.refresh();
    const names = async (): Promise<string[]> => (await api.runsTree()).find((e) => e.experiment === 'sorting')?.runs.map((r) => r.label) ?? [];
    try {
      await vscode.commands.executeCommand('trialbook.sortRuns', 'name');
      assert.deepEqual(await names(), ['sort-a', 'sort-b', 'sort-c']);
      await vscode.commands.executeCommand('trialbook.sortRuns', '-param.rank');
      assert.deepEqual(await names(), ['sort-a', 'sort-b', 'sort-c']);
      await vscode.commands.executeCommand('trialbook.sortRuns', 'param.rank');
      assert.deepEqual(await names(), ['sort-c', 'sort-b', 'sort-a']);
    } finally {
      await vscode.commands.executeCommand('trialbook.sortRuns', '-started');
    }
    assert.deepEqual([...await names()].sort(), ['sort-a', 'sort-b', 'sort-c']);
  });
});
