// A panel whose page never says ready (code-server's webview service worker can leave one of its file requests
// unanswered for 30 s, with no error the page sees) is loaded again by its host after PAGE_START_WATCH_MS.
// Stood in for by the page's real script replaced, for its first load only, by one that runs and says nothing.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { PAGE_START_WATCH_MS } from '../../src/vscode/webviews/hostedWebview';
import { activateTrialbook, waitFor } from './helpers';

suite('Webview pages that do not start', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a shown page that says nothing is loaded again after the watch, says ready, and the reload is logged', async function () {
    this.timeout(90_000);
    const { api } = await activateTrialbook();
    const extension = vscode.extensions.getExtension('trialbook.trialbook');
    assert.ok(extension, 'the extension under test');
    const script = join(extension.extensionPath, 'dist', 'webview', 'runsTable.js');
    const real = readFileSync(script);
    const opened = Date.now();
    writeFileSync(script, '/* a page that runs and never says ready */\n');
    try {
      await vscode.commands.executeCommand('trialbook.openRunsTable');
      await waitFor('the runs table panel', () => api.webviewPanels().find((p) => p.kind === 'runsTable'), 20_000);
      await new Promise((r) => setTimeout(r, 2_000)); // the stand-in script has been served and run
      assert.equal(api.webviewPanels().find((p) => p.kind === 'runsTable')?.ready, false, 'the stand-in page said nothing');
    } finally {
      writeFileSync(script, real);
    }
    const ready = await waitFor('the runs table page loaded again and ready', () => api.webviewPanels().find((p) => p.kind === 'runsTable' && p.ready),
      PAGE_START_WATCH_MS + 30_000, () => `panels: ${JSON.stringify(api.webviewPanels())}; log: ${api.logLines().slice(-8).join(' | ')}`);
    assert.ok(ready);
    assert.ok(Date.now() - opened >= PAGE_START_WATCH_MS, 'ready only after the watch reloaded it');
    assert.ok(api.logLines().some((l) => /^\[warning\] Runs panel: its page did not start within 10 s; loading it again \(1 of 3\)\.$/.test(l)),
      api.logLines().slice(-8).join('\n'));
  });
});
