// The runs table: every run (or those matching the filter) with params and metric summaries as columns. One panel
// per window; the page sorts and selects, the host filters (the index's language) and re-sends on changes, sending
// only the rows that changed since what the page holds.
import * as vscode from 'vscode';
import type { Logger, RunRow } from '../../../core/model';
import { errorMessage } from '../../../shared/errorMessage';
import {
  runsTableContract, type HostToRunsTableMessage, type RunsTableToHostMessage, type RunsTableViewState,
} from '../../../shared/webviews/runsTable/contract';
import { CommandId } from '../../commandIds';
import type { IndexHost } from '../../indexHost';
import { inertText } from '../../../shared/untrustedText';
import { exportFileName, saveExport } from '../exportTarget';
import { HostedWebview, type PageSpec } from '../hostedWebview';
import { RunsTableDelta } from './runsTableDelta';
import { filterErrorText, toTableRow } from './runsTableRows';

export const runsTableViewType = 'trialbook.runsTable';
export const runsTablePage: PageSpec = { viewType: runsTableViewType, title: 'Runs', script: 'runsTable.js', styles: ['runsTable.css'] };

/** Live updates are coalesced to at most four per second. */
const UPDATE_INTERVAL_MS = 250;

export interface RunsTableContext {
  extensionUri: vscode.Uri;
  host: IndexHost;
  log: Logger;
}

export class RunsTablePanel {
  readonly webview: HostedWebview<RunsTableToHostMessage, HostToRunsTableMessage, RunsTableViewState>;
  private filter: string;
  /** Updates carry only the rows that changed since what the page holds. */
  private readonly delta = new RunsTableDelta();

  constructor(panel: vscode.WebviewPanel, private readonly ctx: RunsTableContext, state: RunsTableViewState | undefined, onDispose: (panel: RunsTablePanel) => void) {
    this.filter = state?.filter ?? '';
    const listeners: vscode.Disposable[] = [];
    this.webview = new HostedWebview(panel, {
      extensionUri: ctx.extensionUri,
      log: ctx.log,
      page: runsTablePage,
      contract: runsTableContract,
      handlers: {
        ready: (_message, saved) => {
          if (saved) this.filter = saved.filter;
          // The page starts over: the next message carries every row.
          this.delta.reset();
          return this.send();
        },
        setFilter: (message) => {
          this.filter = message.filter;
          return this.send();
        },
        compare: (message) => vscode.commands.executeCommand(CommandId.compareRuns, message.runIds),
        analyze: (message) => vscode.commands.executeCommand(CommandId.analyzeRuns, message.runIds),
        openRun: (message) => vscode.commands.executeCommand(CommandId.openRun, message.runId),
        exportCsv: (message) => this.exportCsv(message.csv),
      },
      onDispose: () => {
        for (const d of listeners.splice(0)) d.dispose();
        onDispose(this);
      },
    });
    listeners.push(ctx.host.onDidChange(this.webview.host.throttled(UPDATE_INTERVAL_MS, 'a live update', () => this.send())));
  }

  get panel(): vscode.WebviewPanel {
    return this.webview.panel;
  }

  private async exportCsv(csv: string): Promise<void> {
    const target = await saveExport({
      name: exportFileName('runs', 'csv'), title: 'Export Runs Table as CSV', filters: { CSV: ['csv'] }, content: Buffer.from(csv, 'utf8'),
    });
    if (target) void vscode.window.showInformationMessage(`Trialbook: runs table exported to ${inertText(target.fsPath)}`);
  }

  private async send(): Promise<void> {
    // A hidden page is torn down; when shown again it says ready and gets every row.
    if (!this.webview.host.isReady) return;
    const filter = this.filter;
    let message: HostToRunsTableMessage | undefined;
    try {
      const index = await this.ctx.host.get();
      let runs: RunRow[];
      let total: number;
      try {
        runs = index.listRuns({ filter: filter || undefined, sort: '-started' });
        total = filter ? index.listRuns().length : runs.length;
      } catch (err) {
        // A bad expression is the user's typo, not a failure: the table says what is wrong and keeps its rows.
        await this.webview.host.post({ type: 'filterError', filter, message: filterErrorText(err) });
        return;
      }
      const now = Date.now();
      message = this.delta.next(runs.map((r) => toTableRow(r, now)), filter, total);
    } catch (err) {
      const text = errorMessage(err);
      this.ctx.log.error(`Runs table: could not list runs: ${text}`);
      message = { type: 'error', message: `Could not list the runs: ${text}. See "Trialbook: Show Log" for details.` };
      this.delta.reset();
    }
    if (message) await this.webview.host.post(message);
  }
}
