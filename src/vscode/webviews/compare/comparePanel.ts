import * as vscode from 'vscode';
import type { IndexHost } from '../../indexHost';
import { buildCompareData, compareCsv, pointsForWidth } from './compareData';
import { canUpdate, lineChanges } from './compareUpdate';
import { webviewHtml, webviewRoots } from '../webviewHtml';
import { ContextKey, compareViewType } from '../../commandIds';
import type { CompareData, CompareToHostMessage, CompareViewState, HostToCompareMessage, XAxisKind } from '../../../shared/protocol';
import { isCompareToHostMessage } from '../../../shared/protocol';
import type { ComparePanelInfo } from '../../testApi';
import type { Logger } from '../../../core/model';

interface PanelContext {
  extensionUri: vscode.Uri;
  host: IndexHost;
  log: Logger;
  maxPoints: () => number;
}

/**
 * One comparison: charts of the chosen metrics for the chosen runs. The webview asks for data after its
 * ready message; the host re-sends when the compared runs change (live runs) and when the view changes.
 */
export class ComparePanel implements vscode.Disposable {
  private static readonly open = new Set<ComparePanel>();
  private runIds: string[];
  private selectedMetrics: string[] | undefined;
  private xAxis: XAxisKind = 'step';
  private chartPixelWidth: number | undefined;
  private ready = false;
  private lastData: CompareData | undefined;
  private pointsSent: Record<string, number> = {};
  /** Incremental messages sent (live runs), for the tests. */
  private updatesSent = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private sendTimer: NodeJS.Timeout | undefined;

  static create(ctx: PanelContext, runIds: string[]): ComparePanel {
    const panel = vscode.window.createWebviewPanel(compareViewType, 'Compare Runs', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: webviewRoots(ctx.extensionUri),
    });
    return new ComparePanel(panel, ctx, { runIds, selectedMetrics: [], xAxis: 'step', smoothing: 0, logScale: false, onlyDifferentParams: false });
  }

  /** Brings back a panel after a window reload, from the state the webview saved. */
  static revive(panel: vscode.WebviewPanel, ctx: PanelContext, state: CompareViewState | undefined): ComparePanel {
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(ctx.extensionUri) };
    return new ComparePanel(panel, ctx, state ?? { runIds: [], selectedMetrics: [], xAxis: 'step', smoothing: 0, logScale: false, onlyDifferentParams: false });
  }

  static infos(): ComparePanelInfo[] {
    return [...ComparePanel.open].map((p) => p.info());
  }

  /** The comparison the user looks at (for palette commands such as Export Comparison as CSV). */
  static active(): ComparePanel | undefined {
    return [...ComparePanel.open].find((p) => p.panel.active) ?? [...ComparePanel.open].pop();
  }

  static disposeAll(): void {
    for (const panel of [...ComparePanel.open]) panel.panel.dispose();
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly ctx: PanelContext, state: CompareViewState) {
    this.runIds = state.runIds;
    this.selectedMetrics = state.selectedMetrics.length ? state.selectedMetrics : undefined;
    this.xAxis = state.xAxis;
    ComparePanel.open.add(this);
    void vscode.commands.executeCommand('setContext', ContextKey.compareFocused, true);
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'trialbook.svg');
    panel.webview.html = webviewHtml(panel.webview, ctx.extensionUri, 'compare.js', ['compare.css'], 'Compare Runs');
    this.updateTitle();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState((e) => {
        void vscode.commands.executeCommand('setContext', ContextKey.compareFocused, e.webviewPanel.active);
      }),
      ctx.host.onDidChange((report) => {
        if (report.changed.some((id) => this.runIds.includes(id)) || report.removed.some((id) => this.runIds.includes(id))) {
          this.scheduleSend();
        }
      }),
    );
  }

  /** Show different runs in this panel. */
  setRuns(runIds: string[]): void {
    this.runIds = runIds;
    this.updateTitle();
    this.panel.reveal();
    this.scheduleSend();
  }

  private updateTitle(): void {
    this.panel.title = `Compare: ${this.runIds.length} run${this.runIds.length === 1 ? '' : 's'}`;
  }

  private info(): ComparePanelInfo {
    return { runIds: [...this.runIds], metrics: this.lastData?.selectedMetrics ?? [], ready: this.ready && this.lastData !== undefined, pointsSent: { ...this.pointsSent }, updatesSent: this.updatesSent };
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isCompareToHostMessage(raw)) {
      this.ctx.log.warn('Comparison panel sent an unknown message; ignored.');
      return;
    }
    const message: CompareToHostMessage = raw;
    switch (message.type) {
      case 'ready':
        if (message.state && this.runIds.length === 0) {
          this.runIds = message.state.runIds;
          this.updateTitle();
        }
        if (message.state) {
          this.selectedMetrics = message.state.selectedMetrics.length ? message.state.selectedMetrics : this.selectedMetrics;
          this.xAxis = message.state.xAxis;
        }
        this.ready = true;
        this.chartPixelWidth = message.chartPixelWidth;
        await this.send();
        return;
      case 'resize': {
        const before = pointsForWidth(this.chartPixelWidth, this.ctx.maxPoints());
        this.chartPixelWidth = message.chartPixelWidth;
        if (pointsForWidth(this.chartPixelWidth, this.ctx.maxPoints()) !== before) await this.send();
        return;
      }
      case 'setView':
        this.selectedMetrics = message.selectedMetrics;
        this.xAxis = message.xAxis;
        await this.send();
        return;
      case 'stateChanged':
        return;
      case 'exportCsv':
        await this.exportCsv();
        return;
      case 'savePng':
        await this.savePng(message.metric, message.dataUrl);
        return;
      case 'drawn':
        this.ctx.log.info(`Compare: drew ${message.metric} (${message.lines} lines) in ${message.ms.toFixed(0)} ms`);
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  private scheduleSend(): void {
    if (this.sendTimer) return;
    // Live runs change often: coalesce updates to at most a few per second.
    this.sendTimer = setTimeout(() => {
      this.sendTimer = undefined;
      void this.send(true);
    }, 250);
  }

  /** Sends the comparison; for live runs (`incremental`), only what changed since the last message. */
  private async send(incremental = false): Promise<void> {
    if (!this.ready) return;
    try {
      const index = await this.ctx.host.get();
      const data = buildCompareData(index, this.runIds, this.selectedMetrics, this.xAxis, pointsForWidth(this.chartPixelWidth, this.ctx.maxPoints()));
      const previous = this.lastData;
      this.lastData = data;
      this.pointsSent = {};
      for (const line of data.lines) this.pointsSent[`${line.runId}/${line.metric}`] = line.points.length / 2;
      if (incremental && previous && canUpdate(previous, data)) {
        const changes = lineChanges(previous.lines, data.lines);
        this.updatesSent++;
        await this.post({ type: 'update', runs: data.runs, metrics: data.metrics, summaries: data.summaries, changes });
        return;
      }
      await this.post({ type: 'data', data });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.ctx.log.error(`Compare: could not load data: ${message}`);
      await this.post({ type: 'error', message: `Could not load the comparison: ${message}` });
    }
  }

  private async post(message: HostToCompareMessage): Promise<void> {
    await this.panel.webview.postMessage(message);
  }

  async exportCsv(): Promise<void> {
    if (!this.lastData) {
      void vscode.window.showInformationMessage('Trialbook: the comparison has not loaded yet.');
      return;
    }
    const target = await vscode.window.showSaveDialog({ filters: { CSV: ['csv'] }, saveLabel: 'Export', title: 'Export Comparison as CSV' });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(compareCsv(this.lastData), 'utf8'));
    void vscode.window.showInformationMessage(`Comparison exported to ${target.fsPath}`);
  }

  private async savePng(metric: string, dataUrl: string): Promise<void> {
    const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl);
    if (!match) {
      this.ctx.log.warn('Compare: the chart image was not a PNG data URL; not saved.');
      return;
    }
    const safe = metric.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'chart';
    const target = await vscode.window.showSaveDialog({ filters: { PNG: ['png'] }, saveLabel: 'Save', title: `Save ${metric} chart as PNG`, defaultUri: vscode.Uri.file(`${safe}.png`) });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(match[1], 'base64'));
  }

  dispose(): void {
    ComparePanel.open.delete(this);
    if (ComparePanel.open.size === 0) void vscode.commands.executeCommand('setContext', ContextKey.compareFocused, false);
    if (this.sendTimer) clearTimeout(this.sendTimer);
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

export function registerCompareSerializer(ctx: PanelContext): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(compareViewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      ComparePanel.revive(panel, ctx, isViewState(state) ? state : undefined);
    },
  });
}

function isViewState(value: unknown): value is CompareViewState {
  return typeof value === 'object' && value !== null && Array.isArray((value as CompareViewState).runIds)
    && (value as CompareViewState).runIds.every((id) => typeof id === 'string');
}
