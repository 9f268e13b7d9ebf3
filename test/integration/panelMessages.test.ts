import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrialbookApi, WebviewPanelInfo } from '../../src/vscode/testApi';
import { malformedMessages, staleStates, type PanelKind } from '../unit/webview/malformedMessages';
import { activateTrialbook, waitFor, writeFixtureRun } from './helpers';

const panelNames: Record<PanelKind, string> = { compare: 'Compare', runsTable: 'Runs table', details: 'Run details' };

/** The open, ready panel of this kind (the newest). */
async function readyPanel(api: TrialbookApi, kind: PanelKind): Promise<WebviewPanelInfo> {
  return waitFor(`a ready ${kind} panel`, () => api.webviewPanels().filter((p) => p.kind === kind && p.ready).at(-1), 20_000);
}

/** Posts every malformed message of the panel's kind, as its page would, and checks the log line each one leaves. */
async function postMalformed(api: TrialbookApi, panel: WebviewPanelInfo, kind: PanelKind): Promise<number> {
  let count = 0;
  for (const [what, message, type] of malformedMessages(kind)) {
    const before = api.logLines().length;
    assert.equal(await api.postFromWebview(panel.id, message), true, `${what}: the panel is open`);
    const added = api.logLines().slice(before);
    const expected = `[warning] ${panelNames[kind]} panel: ignored ${type === undefined ? 'a message without a type' : `a "${type}" message`} from its page: `;
    // The live page may log too (it reports each chart it draws): look for this message's line, and no error.
    assert.equal(added.filter((l) => l.startsWith(expected)).length, 1, `${what}: ${JSON.stringify(added)}`);
    assert.ok(!added.some((l) => l.startsWith('[error]')), `${what}: ${JSON.stringify(added)}`);
    count++;
  }
  return count;
}

suite('Webview panels refuse malformed messages', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => { rejections.push(reason); };

  suiteSetup(() => { process.on('unhandledRejection', onRejection); });
  suiteTeardown(() => { process.off('unhandledRejection', onRejection); });
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('every malformed message to each open panel is logged with its panel and type, nothing throws, and the panel still works', async function () {
    this.timeout(120_000);
    const { api } = await activateTrialbook();
    const run = writeFixtureRun({ experiment: 'malformed', name: 'malformed-target', points: 20, config: { lr: 0.01 } });
    await api.refresh();
    const commandErrors = api.commandErrors().length;

    // The comparison: malformed messages, then the two that used to throw in the host, then a valid one.
    await vscode.commands.executeCommand('trialbook.compareRuns', [run.id]);
    const compare = await readyPanel(api, 'compare');
    let posted = await postMalformed(api, compare, 'compare');
    for (const state of staleStates.compare) {
      const before = api.logLines().length;
      await api.postFromWebview(compare.id, { type: 'ready', state, chartPixelWidth: 700 });
      assert.ok(api.logLines().slice(before).some((l) => l.startsWith('[warning] Compare panel: the view state it saved no longer fits (state')), `stale state ${JSON.stringify(state)}`);
    }
    await waitFor('the comparison re-sent with its own runs', () => {
      const info = api.comparePanels().at(-1);
      return info?.ready && info.runIds.join() === run.id ? true : undefined;
    }, 15_000);
    await api.postFromWebview(compare.id, { type: 'drawn', metric: 'loss', lines: 1, ms: 7 });
    assert.ok(api.logLines().includes('[info] Compare: drew loss (1 lines) in 7 ms'), 'a valid message is still handled');

    // The runs table: then a valid openRun opens the run's details page through the real command.
    await vscode.commands.executeCommand('trialbook.openRunsTable');
    const table = await readyPanel(api, 'runsTable');
    posted += await postMalformed(api, table, 'runsTable');
    await api.postFromWebview(table.id, { type: 'openRun', runId: run.id });

    // The details page it opened: then a valid action still runs.
    const details = await readyPanel(api, 'details');
    await waitFor('the details page titled by its run', () => (api.webviewPanels().find((p) => p.id === details.id)?.title === 'Run: malformed-target' ? true : undefined));
    posted += await postMalformed(api, details, 'details');
    await vscode.env.clipboard.writeText('');
    await api.postFromWebview(details.id, { type: 'action', action: 'copyId' });
    assert.equal(await vscode.env.clipboard.readText(), run.id, 'a valid action is still handled');

    assert.ok(posted > 60, `${posted} malformed messages posted`);
    assert.deepEqual(api.commandErrors().slice(commandErrors), [], 'no command failed');
    // Give any stray promise a turn to reject before looking.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(rejections.map(String), [], 'no unhandled promise rejection');
  });
});
