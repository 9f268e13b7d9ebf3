import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ComparePanelInfo } from '../../src/vscode/testApi';
import { activateTrialbook, appendToLog, compareState, moreEvents, PAGE_START_MS, runPython, waitFor, WALKING_SKELETON_SCRIPT, workspaceDir, writeFixtureRun, writeRunLog } from './helpers';

/** Bytes a point: a step as a one-byte increment, a value as a float32 (these lose nothing so: wireLines.ts). */
const POINT_BYTES = 5;

suite('Compare panel', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('trialbook.compareRuns with two run ids opens a panel that becomes ready with loss, downsampled to the cap', async function () {
    this.timeout(150_000);
    const { api } = await activateTrialbook();
    const cap = vscode.workspace.getConfiguration('trialbook').get<number>('maxPointsPerLine', 1000);
    const sdkRunId = (await runPython(WALKING_SKELETON_SCRIPT, workspaceDir())).trim().split('\n').pop() ?? '';
    const longRun = writeFixtureRun({ experiment: 'demo', name: 'long-run', points: cap * 3 });
    await api.refresh();
    const before = api.comparePanels().length;
    await vscode.commands.executeCommand('trialbook.compareRuns', [sdkRunId, longRun.id]);
    const panel = await waitFor<ComparePanelInfo>('the compare panel to become ready', () => {
      const panels = api.comparePanels();
      const last = panels.at(-1);
      return panels.length > before && last?.ready ? last : undefined;
    }, PAGE_START_MS, () => compareState(api));
    assert.deepEqual([...panel.runIds].sort(), [sdkRunId, longRun.id].sort());
    assert.deepEqual(panel.metrics, ['loss']);
    const shortPoints = panel.pointsSent[`${sdkRunId}/loss`];
    const longPoints = panel.pointsSent[`${longRun.id}/loss`];
    // Below the cap nothing is dropped; above it the line is downsampled to at most the cap.
    assert.equal(shortPoints, 100, `points sent for the SDK run: ${JSON.stringify(panel.pointsSent)}`);
    assert.ok(longPoints !== undefined && longPoints > 0 && longPoints <= cap, `points sent for ${cap * 3} logged: ${longPoints} (cap ${cap})`);
  });
});

suite('Compare panel reuse', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a second Compare shows its runs in the open panel; Compare Runs in a New Panel opens another', async function () {
    this.timeout(150_000);
    const { api } = await activateTrialbook();
    const [a, b, c] = ['reuse-a', 'reuse-b', 'reuse-c'].map((name) => writeFixtureRun({ experiment: 'reuse', name, points: 30 }));
    assert.ok(a && b && c);
    await api.refresh();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const ready = (count: number, runIds: string[]) => waitFor<ComparePanelInfo[]>(`${count} compare panel(s), the last showing ${runIds.join(', ')}`, () => {
      const panels = api.comparePanels();
      const last = panels.at(-1);
      return panels.length === count && last?.ready && [...last.runIds].sort().join() === [...runIds].sort().join() && Object.keys(last.pointsSent).length === runIds.length ? panels : undefined;
    }, PAGE_START_MS, () => compareState(api));
    await vscode.commands.executeCommand('trialbook.compareRuns', [a.id, b.id]);
    await ready(1, [a.id, b.id]);
    await vscode.commands.executeCommand('trialbook.compareRuns', [b.id, c.id]);
    const reused = await ready(1, [b.id, c.id]);
    assert.deepEqual(Object.keys(reused[0]?.pointsSent ?? {}).sort(), [`${b.id}/loss`, `${c.id}/loss`].sort(), 'the open panel now shows the new runs');
    await vscode.commands.executeCommand('trialbook.compareInNewPanel', [a.id]);
    const two = await ready(2, [a.id]);
    assert.deepEqual([...(two[0]?.runIds ?? [])].sort(), [b.id, c.id].sort(), 'the first panel keeps its runs');
  });
});

suite('Compare panel sent ahead', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a new Compare panel is posted its comparison while its page loads, once, and the page draws it', async function () {
    this.timeout(150_000);
    const { api } = await activateTrialbook();
    const [a, b] = ['ahead-a', 'ahead-b'].map((name) => writeFixtureRun({ experiment: 'ahead', name, points: 50 }));
    assert.ok(a && b);
    await api.refresh();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const shown = (runIds: string[]) => waitFor<ComparePanelInfo>(`a compare panel showing ${runIds.join(', ')}`, () => {
      const last = api.comparePanels().at(-1);
      return api.comparePanels().length === 1 && last?.ready && Object.keys(last.pointsSent).length === runIds.length ? last : undefined;
    }, PAGE_START_MS, () => compareState(api));
    // The first page of the window reports the chart width that later pages are built for, in this window and the next.
    await vscode.commands.executeCommand('trialbook.compareRuns', [a.id]);
    const first = await shown([a.id]);
    const kept = api.keptCompareLayout();
    assert.ok(kept.chartPixelWidth !== undefined && kept.chartPixelWidth > 100, `the width kept in the workspace state: ${JSON.stringify(kept)} (${JSON.stringify(first)})`);
    assert.ok(kept.chartsInView !== undefined && kept.chartsInView >= 1, `the charts in view kept: ${JSON.stringify(kept)}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The log keeps its latest lines: what follows the last line seen now is what this open logged.
    const lastSeen = api.logLines().at(-1);
    const since = (): string[] => { const lines = api.logLines(); return lastSeen === undefined ? lines : lines.slice(lines.lastIndexOf(lastSeen) + 1); };
    await vscode.commands.executeCommand('trialbook.compareRuns', [a.id, b.id]);
    const panel = await shown([a.id, b.id]);
    assert.equal(panel.dataSentAhead, 1, `posted while the page loaded: ${JSON.stringify(panel)}`);
    assert.equal(panel.dataSent, 1, 'not posted again when the page said ready');
    // The page drew what it was sent ahead (it reports each chart it drew).
    await waitFor('the page to draw the loss chart', () => since().some((l) => /Compare: drew loss \(2 lines\)/.test(l)) || undefined,
      PAGE_START_MS, () => compareState(api));
  });

  test('a run that changes while the page loads (after its comparison was posted ahead) is shown as it is now', async function () {
    this.timeout(150_000);
    const { api } = await activateTrialbook();
    const done = writeFixtureRun({ experiment: 'ahead-live', name: 'ahead-done', points: 30 });
    const live = writeFixtureRun({ experiment: 'ahead-live', name: 'ahead-live', points: 20, finished: false });
    await api.refresh();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('trialbook.compareRuns', [done.id]);
    await waitFor('the first panel (it reports the chart width)', () => api.comparePanels().at(-1)?.ready || undefined, PAGE_START_MS, () => compareState(api));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The page's ready message waits until the run has changed: VS Code starts a page in a few hundred milliseconds.
    const release = api.holdReadyMessages();
    try {
      await vscode.commands.executeCommand('trialbook.compareRuns', [done.id, live.id]);
      const key = `${live.id}/loss`;
      // Posted ahead with 20 points, the page still loading.
      await waitFor('the comparison posted ahead', () => {
        const panel = api.comparePanels().at(-1);
        return panel?.dataSentAhead === 1 && panel.pointsSent[key] === 20 ? true : undefined;
      }, PAGE_START_MS, () => compareState(api));
      // As a remote run's history fetched meanwhile, or a running run's new points: the index reports the change now.
      appendToLog(live, moreEvents(live).series(40, (step) => ({ loss: 1 / (step + 1) }), 20).text());
      await api.refresh();
      assert.equal(api.comparePanels().at(-1)?.ready, false, 'the change must come before the page said ready (else this tests the live path)');
    } finally {
      release();
    }
    const key = `${live.id}/loss`;
    const panel = await waitFor<ComparePanelInfo>('the panel ready with the 60 points the run has now', () => {
      const last = api.comparePanels().at(-1);
      return last?.ready && last.pointsSent[key] === 60 ? last : undefined;
    }, PAGE_START_MS, () => compareState(api));
    assert.equal(panel.dataSentAhead, 1);
  });
});

suite('Compare panel of many runs', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('no message is bigger than one chart\'s lines: the first carries runs, params and summaries, the lines follow a chart per message, and the page draws them all', async function () {
    this.timeout(150_000);
    const { api } = await activateTrialbook();
    const cap = vscode.workspace.getConfiguration('trialbook').get<number>('maxPointsPerLine', 1000);
    const experiment = `many-${Date.now()}`;
    const metrics = ['train/acc', 'train/loss', 'val/acc', 'val/loss'];
    const runs = Array.from({ length: 40 }, (_, r) => writeRunLog({
      experiment, name: `many-${r}`,
      steps: Array.from({ length: 1200 }, (_, step) => Object.fromEntries(metrics.map((m, k) => [m, (k + 1) / (step + 1) + r / 100 + (step % 7) / 1000]))),
    }));
    await api.refresh();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const lastSeen = api.logLines().at(-1);
    const since = (): string[] => { const lines = api.logLines(); return lastSeen === undefined ? lines : lines.slice(lines.lastIndexOf(lastSeen) + 1); };
    await vscode.commands.executeCommand('trialbook.compareRuns', runs.map((r) => r.id));
    const panel = await waitFor<ComparePanelInfo>('the comparison of 40 runs posted with every line', () => {
      const last = api.comparePanels().at(-1);
      return last?.ready && Object.keys(last.pointsSent).length === runs.length * metrics.length ? last : undefined;
    }, PAGE_START_MS, () => compareState(api));
    const messages = panel.messages ?? [];
    const [first, ...rest] = messages;
    // The runs, params and summaries of 40 runs: a few kilobytes. A chart's lines: 40 lines of at most `cap` points.
    assert.equal(first?.type, 'data', JSON.stringify(messages));
    assert.ok((first?.bytes ?? Infinity) <= 64 * 1024, `the first message: ${first?.bytes} bytes`);
    const chartBytes = runs.length * cap * POINT_BYTES + 16 * 1024;
    const lines = rest.filter((m) => m.type === 'lines');
    assert.ok(lines.length >= metrics.length, `a lines message per chart: ${JSON.stringify(messages)}`);
    for (const m of lines) {
      assert.equal(m.metrics?.length, 1, `one chart per message: ${JSON.stringify(m)}`);
      assert.ok(m.bytes <= chartBytes, `${m.metrics?.join()}: ${m.bytes} bytes (one chart's lines: at most ${chartBytes})`);
    }
    // The page drew every chart with every run's line as its message came.
    for (const metric of metrics) {
      await waitFor(`the page to draw ${metric} with 40 lines`, () => since().some((l) => l.includes(`Compare: drew ${metric} (40 lines)`)) || undefined,
        PAGE_START_MS, () => compareState(api));
    }
  });
});

suite('Compare panel: runs picked in the panel, x axis by a metric', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the run picker answers with the runs the filter language matches, says why a filter is wrong, and setRuns changes the runs', async function () {
    this.timeout(150_000);
    const { api } = await activateTrialbook();
    const experiment = `picker-${Date.now()}`;
    const steps = (epochs: boolean) => Array.from({ length: 40 }, (_, step) => ({ loss: 1 / (step + 1), ...(epochs && step % 10 === 0 ? { epoch: step / 10 } : {}) }));
    const withEpoch = writeRunLog({ experiment, name: 'with-epoch', steps: steps(true) });
    const without = writeRunLog({ experiment, name: 'without-epoch', steps: steps(false) });
    const third = writeRunLog({ experiment, name: 'third', steps: steps(true) });
    await api.refresh();
    await vscode.commands.executeCommand('trialbook.compareRuns', [withEpoch.id]);
    const panelId = await waitFor('a ready compare panel', () => api.webviewPanels().filter((p) => p.kind === 'compare' && p.ready).at(-1)?.id, PAGE_START_MS, () => compareState(api));
    const info = (): ComparePanelInfo | undefined => api.comparePanels().at(-1);

    await api.postFromWebview(panelId, { type: 'findRuns', filter: `experiment = "${experiment}"` });
    const matches = await waitFor('the picker\'s matches', () => (info()?.runMatches?.filter.includes(experiment) ? info()?.runMatches : undefined), 10_000);
    assert.deepEqual([...matches.runIds].sort(), [withEpoch.id, without.id, third.id].sort());
    assert.equal(matches.total, 3);
    assert.equal(matches.error, undefined);

    await api.postFromWebview(panelId, { type: 'findRuns', filter: 'lr >' });
    const wrong = await waitFor('the picker\'s error', () => (info()?.runMatches?.filter === 'lr >' ? info()?.runMatches : undefined), 10_000);
    assert.deepEqual(wrong.runIds, []);
    assert.match(wrong.error ?? '', /filters look like/);

    // Unknown ids are dropped; the panel compares the runs that exist.
    await api.postFromWebview(panelId, { type: 'setRuns', runIds: [withEpoch.id, without.id, 'no-such-run'] });
    await waitFor('the two runs compared', () => (info()?.runIds.join() === [withEpoch.id, without.id].join() && info()?.pointsSent[`${without.id}/loss`] ? true : undefined), 10_000);
    assert.equal(api.webviewPanels().find((p) => p.id === panelId)?.title, 'Compare: 2 runs');

    // By epoch: the run without it is named and gets no line; the other's loss is paired by step.
    await api.postFromWebview(panelId, { type: 'setView', selectedMetrics: ['loss'], xAxis: 'metric', xMetric: 'epoch' });
    const byEpoch = await waitFor('the comparison by epoch', () => (info()?.xMetric === 'epoch' ? info() : undefined), 10_000);
    assert.equal(byEpoch.xAxis, 'metric');
    assert.deepEqual(byEpoch.xMissing, [without.id]);
    assert.equal(byEpoch.pointsSent[`${withEpoch.id}/loss`], 40, 'every loss point has an epoch (held from the step it was logged)');
    assert.equal(byEpoch.pointsSent[`${without.id}/loss`], undefined);
  });
});

suite('Compare panel: an x-axis switch the page makes from the lines it holds', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the charts the page lacks on the new axis are sent, a chart per message; what it was sent already is not sent again', async function () {
    this.timeout(150_000);
    const { api } = await activateTrialbook();
    const run = writeRunLog({ experiment: `switch-${Date.now()}`, name: 'switch', finished: false, steps: Array.from({ length: 40 }, (_, step) => ({ loss: 1 / (step + 1), acc: step / 40 })) });
    await api.refresh();
    await vscode.commands.executeCommand('trialbook.compareRuns', [run.id]);
    const panelId = await waitFor('a ready compare panel', () => api.webviewPanels().filter((p) => p.kind === 'compare' && p.ready).at(-1)?.id, PAGE_START_MS, () => compareState(api));
    const info = (): ComparePanelInfo | undefined => api.comparePanels().at(-1);
    // After the data (steps): both charts' lines of relative time, for a switch without a round trip.
    await waitFor('the relative time lines sent ahead', () => (['relative/acc', 'relative/loss'].every((l) => info()?.linesSent.includes(l)) ? true : undefined), 20_000, () => JSON.stringify(info()));
    const before = info()?.linesSent.length ?? 0;
    const dataSent = info()?.dataSent;
    // The page switched to wall time (converted from relative: nothing to send) lacking nothing...
    await api.postFromWebview(panelId, { type: 'setView', selectedMetrics: ['acc', 'loss'], xAxis: 'wall', held: true, pending: ['loss'] });
    await waitFor('the comparison kept on wall time', () => (info()?.xAxis === 'wall' ? true : undefined), 10_000, () => JSON.stringify(info()));
    assert.deepEqual(info()?.linesSent.slice(before), [], 'relative time\'s loss went already: not again');
    // New points: the update makes the page drop the lines it held; back to steps, it lacks loss's and gets them.
    const updates = info()?.updatesSent ?? 0;
    appendToLog(run, moreEvents(run).series(20, (step) => ({ loss: 1 / (step + 41), acc: (step + 40) / 60 }), 40).text());
    await waitFor('a live update', () => ((info()?.updatesSent ?? 0) > updates ? true : undefined), 20_000, () => JSON.stringify(info()));
    assert.deepEqual(info()?.linesSent, [], 'forgotten with the update');
    await api.postFromWebview(panelId, { type: 'setView', selectedMetrics: ['acc', 'loss'], xAxis: 'step', held: true, pending: ['loss'] });
    await waitFor('loss sent on steps', () => (info()?.linesSent.includes('step/loss') ? true : undefined), 10_000, () => JSON.stringify(info()));
    await waitFor('the comparison kept on steps', () => (info()?.xAxis === 'step' ? true : undefined), 10_000, () => JSON.stringify(info()));
    assert.deepEqual(info()?.linesSent, ['step/loss'], 'only the chart asked for');
    assert.equal(info()?.dataSent, dataSent, 'no whole comparison sent again');
  });
});
