import * as vscode from 'vscode';
import type { IndexHost } from '../../indexHost';
import { RunsTableDelta } from './runsTableDelta';
import { webviewHtml, webviewRoots } from '../webviewHtml';
import type { Logger, RunRow } from '../../../core/model';
import type { HostToRunsTableMessage, RunsTableToHostMessage, RunsTableViewState } from '../../../shared/runsTableProtocol';
import { filterErrorText, isRunsTableToHostMessage, isRunsTableViewState, toTableRow } from '../../../shared/runsTableProtocol';

export const runsTableViewType = 'trialbook.runsTable';
/** Live updates are coalesced to at most four per second. */
const MIN_SEND_INTERVAL_MS = 250;

export interface RunsTableContext {
  extensionUri: vscode.Uri;
  host: IndexHost;
  log: Logger;
}

/**
 * The runs table: every run (or those matching the filter) with params and metric summaries as columns. One panel
 * per window; the webview sorts and selects, the host filters (the index's language) and re-sends on changes.
 */
export class RunsTablePanel implements vscode.Disposable {
  private static current: RunsTablePanel | undefined;
  private filter = '';
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private sendTimer: NodeJS.Timeout | undefined;
  private lastSent = 0;
  /** Updates carry only the rows that changed since what the webview holds. */
  private readonly delta = new RunsTableDelta();

  /** Opens the runs table, or reveals it when it is already open. */
  static show(ctx: RunsTableContext): RunsTablePanel {
    if (RunsTablePanel.current) {
      RunsTablePanel.current.panel.reveal();
      return RunsTablePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(runsTableViewType, 'Runs', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: webviewRoots(ctx.extensionUri),
    });
    return new RunsTablePanel(panel, ctx, undefined);
  }

  /** Brings the table back after a window reload, with the filter the webview saved. */
  static revive(panel: vscode.WebviewPanel, ctx: RunsTableContext, state: RunsTableViewState | undefined): RunsTablePanel {
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(ctx.extensionUri) };
    RunsTablePanel.current?.panel.dispose();
    return new RunsTablePanel(panel, ctx, state);
  }

  static disposeAll(): void {
    RunsTablePanel.current?.panel.dispose();
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly ctx: RunsTableContext, state: RunsTableViewState | undefined) {
    RunsTablePanel.current = this;
    this.filter = state?.filter ?? '';
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'trialbook.svg');
    panel.webview.html = webviewHtml(panel.webview, ctx.extensionUri, 'runsTable.js', ['runsTable.css'], 'Runs');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      panel.onDidDispose(() => this.dispose()),
      ctx.host.onDidChange(() => this.scheduleSend()),
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isRunsTableToHostMessage(raw)) {
      this.ctx.log.warn('Runs table sent an unknown message; ignored.');
      return;
    }
    const message: RunsTableToHostMessage = raw;
    switch (message.type) {
      case 'ready':
        if (message.state) this.filter = message.state.filter;
        this.ready = true;
        this.delta.reset();
        await this.send();
        return;
      case 'setFilter':
        this.filter = message.filter;
        await this.send();
        return;
      case 'compare':
        await vscode.commands.executeCommand('trialbook.compareRuns', message.runIds);
        return;
      case 'openRun':
        await vscode.commands.executeCommand('trialbook.openRun', message.runId);
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  /** Index changes arrive in bursts while runs are live: send at most one update per interval. */
  private scheduleSend(): void {
    if (!this.ready || this.sendTimer) return;
    const wait = Math.max(0, this.lastSent + MIN_SEND_INTERVAL_MS - Date.now());
    this.sendTimer = setTimeout(() => {
      this.sendTimer = undefined;
      void this.send();
    }, wait);
  }

  private async send(): Promise<void> {
    // A hidden webview is torn down (no retainContextWhenHidden); when shown again it says ready and gets rows.
    if (!this.ready || !this.panel.visible) return;
    this.lastSent = Date.now();
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
        await this.post({ type: 'filterError', filter, message: filterErrorText(err) });
        return;
      }
      const now = Date.now();
      message = this.delta.next(runs.map((r) => toTableRow(r, now)), filter, total);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.ctx.log.error(`Runs table: could not list runs: ${text}`);
      message = { type: 'error', message: `Could not list the runs: ${text}. See "Trialbook: Show Log" for details.` };
      this.delta.reset();
    }
    if (message) await this.post(message);
  }

  private async post(message: HostToRunsTableMessage): Promise<void> {
    await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (RunsTablePanel.current === this) RunsTablePanel.current = undefined;
    if (this.sendTimer) clearTimeout(this.sendTimer);
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

export function registerRunsTableSerializer(ctx: RunsTableContext): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(runsTableViewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      RunsTablePanel.revive(panel, ctx, isRunsTableViewState(state) ? state : undefined);
    },
  });
}
