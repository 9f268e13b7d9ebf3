// The monitoring dashboard: one panel per model version, on the shared panel host (strict CSP, nonce, validated
// messages). It follows the version's monitoring runs as batches arrive; its serializer brings it back after a reload.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/model';
import {
  monitoringContract, type HostToMonitoringMessage, type MonitoringAction, type MonitoringToHostMessage, type MonitoringViewState,
} from '../../shared/webviews/monitoring/contract';
import { CommandId } from '../commandIds';
import { createPanel, HostedWebview, registerSerializer, type PageSpec } from '../webviews/hostedWebview';
import { buildDashboard } from './monitoringData';
import { monitoringViewType } from './monitoringIds';
import type { MonitoringState } from './monitoringState';
import { versionLabel } from './monitoringTree';

export const monitoringPage: PageSpec = { viewType: monitoringViewType, title: 'Monitoring', script: 'monitoring.js', styles: ['monitoring.css'] };

export interface MonitoringPanelContext {
  extensionUri: vscode.Uri;
  log: Logger;
  state: MonitoringState;
  trialbookDir: string;
}

export class MonitoringPanel {
  readonly webview: HostedWebview<MonitoringToHostMessage, HostToMonitoringMessage, MonitoringViewState>;

  constructor(panel: vscode.WebviewPanel, private readonly ctx: MonitoringPanelContext, readonly target: MonitoringViewState, onDispose: (p: MonitoringPanel) => void) {
    const listeners: vscode.Disposable[] = [];
    this.webview = new HostedWebview(panel, {
      extensionUri: ctx.extensionUri,
      log: ctx.log,
      page: monitoringPage,
      contract: monitoringContract,
      handlers: {
        ready: () => this.send(),
        action: (message) => this.act(message.action, message.batch),
      },
      onDispose: () => {
        for (const d of listeners.splice(0)) d.dispose();
        onDispose(this);
      },
    });
    listeners.push(ctx.state.onDidChange(() => { void this.send(); }));
  }

  get panel(): vscode.WebviewPanel {
    return this.webview.panel;
  }

  private async send(): Promise<void> {
    if (!this.webview.host.isReady) return;
    const version = this.ctx.state.find(this.target.model, this.target.version);
    this.panel.title = `Monitoring: ${versionLabel(this.target)}`;
    if (!version) {
      await this.webview.host.post({ type: 'gone', message: `No monitoring run of ${versionLabel(this.target)} in this workspace.` });
      return;
    }
    await this.webview.host.post({ type: 'dashboard', data: buildDashboard(version) });
  }

  private async act(action: MonitoringAction, batchIndex: number | undefined): Promise<void> {
    const version = this.ctx.state.find(this.target.model, this.target.version);
    if (!version) return;
    switch (action) {
      case 'openRun':
        await vscode.commands.executeCommand(CommandId.openRun, version.run.runId);
        return;
      case 'openTrainingRun':
        if (version.run.trainingRun !== undefined) await vscode.commands.executeCommand(CommandId.openRun, version.run.trainingRun);
        return;
      case 'openLog': {
        const batch = version.run.batches.find((b) => b.index === batchIndex) ?? version.latest;
        const line = Math.max(0, (batch?.line ?? 1) - 1);
        const uri = vscode.Uri.file(path.join(this.ctx.trialbookDir, 'runs', version.run.runId, 'events.jsonl'));
        await vscode.window.showTextDocument(uri, { selection: new vscode.Range(line, 0, line, 0), preview: true });
        return;
      }
      default: {
        const unreachable: never = action;
        return unreachable;
      }
    }
  }
}

/** The open dashboards (one per version) and their serializer. */
export class MonitoringPanels implements vscode.Disposable {
  private readonly open: MonitoringPanel[] = [];
  private readonly serializer: vscode.Disposable;

  constructor(private readonly ctx: MonitoringPanelContext) {
    this.serializer = registerSerializer(monitoringPage, monitoringContract, ctx.log, (panel, state) => {
      if (state) this.open.push(new MonitoringPanel(panel, ctx, state, this.remove));
      else panel.dispose();
    });
  }

  show(target: MonitoringViewState): void {
    const existing = this.open.find((p) => p.target.model === target.model && p.target.version === target.version);
    if (existing) existing.panel.reveal();
    else this.open.push(new MonitoringPanel(createPanel(this.ctx.extensionUri, monitoringPage), this.ctx, target, this.remove));
  }

  infos(): Array<{ model: string; version: string; ready: boolean }> {
    return this.open.map((p) => ({ ...p.target, ready: p.webview.host.isReady }));
  }

  private readonly remove = (panel: MonitoringPanel): void => {
    const i = this.open.indexOf(panel);
    if (i >= 0) this.open.splice(i, 1);
  };

  dispose(): void {
    for (const p of [...this.open]) p.webview.dispose();
    this.serializer.dispose();
  }
}
