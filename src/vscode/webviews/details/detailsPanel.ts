import * as vscode from 'vscode';
import type { IndexHost } from '../../indexHost';
import { webviewHtml, webviewRoots } from '../webviewHtml';
import { buildRunDetails } from './runDetailsData';
import { isDetailsToHostMessage, type DetailsToHostMessage, type HostToDetailsMessage } from '../../../shared/detailsProtocol';
import { appendRunEdit } from '../../../core/runEdits';
import { CommandId, detailsViewType } from '../../commandIds';
import type { Logger } from '../../../core/model';

interface DetailsContext {
  extensionUri: vscode.Uri;
  host: IndexHost;
  log: Logger;
}

/** One panel per run: meta and lineage, editable notes, params, metrics, artifacts. Follows live runs. */
export class DetailsPanel implements vscode.Disposable {
  private static readonly open = new Map<string, DetailsPanel>();
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  static show(ctx: DetailsContext, runId: string): DetailsPanel {
    const existing = DetailsPanel.open.get(runId);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(detailsViewType, 'Run', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: webviewRoots(ctx.extensionUri),
    });
    return new DetailsPanel(panel, ctx, runId);
  }

  static revive(panel: vscode.WebviewPanel, ctx: DetailsContext, runId: string): DetailsPanel {
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(ctx.extensionUri) };
    return new DetailsPanel(panel, ctx, runId);
  }

  static disposeAll(): void {
    for (const p of [...DetailsPanel.open.values()]) p.panel.dispose();
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly ctx: DetailsContext, private readonly runId: string) {
    DetailsPanel.open.set(runId, this);
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'trialbook.svg');
    panel.webview.html = webviewHtml(panel.webview, ctx.extensionUri, 'details.js', ['details.css'], 'Run details');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      ctx.host.onDidChange((report) => {
        if (report.changed.includes(runId) || report.removed.includes(runId)) void this.send();
      }),
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isDetailsToHostMessage(raw)) return;
    const message: DetailsToHostMessage = raw;
    try {
      if (message.type === 'ready') {
        this.ready = true;
        await this.send();
        return;
      }
      if (message.type === 'saveNotes') {
        await appendRunEdit(this.ctx.host.trialbookDir, this.runId, { t: 'notes', notes: message.notes });
        await this.ctx.host.refresh();
        vscode.window.setStatusBarMessage('Trialbook: notes saved', 3000);
        return;
      }
      const detail = (await this.ctx.host.get()).getRun(this.runId);
      if (!detail) return;
      switch (message.action) {
        case 'showDiff':
          await vscode.commands.executeCommand(CommandId.showCodeDiff, this.runId);
          return;
        case 'openAtCommit':
          await vscode.commands.executeCommand(CommandId.openAtCommit, this.runId);
          return;
        case 'compare':
          await vscode.commands.executeCommand(CommandId.compareRuns, [this.runId]);
          return;
        case 'copyId':
          await vscode.env.clipboard.writeText(this.runId);
          vscode.window.setStatusBarMessage(`Copied run id ${this.runId}`, 3000);
          return;
        case 'revealSource':
          await vscode.commands.executeCommand(CommandId.revealSource, this.runId);
          return;
      }
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.ctx.log.error(`Run details: ${text}`);
      void vscode.window.showErrorMessage(`Trialbook: ${text}`);
    }
  }

  private async send(): Promise<void> {
    if (!this.ready) return;
    const detail = (await this.ctx.host.get()).getRun(this.runId);
    let message: HostToDetailsMessage;
    if (detail) {
      this.panel.title = `Run: ${detail.name}`;
      message = { type: 'details', data: buildRunDetails(detail, Date.now()) };
    } else {
      message = { type: 'gone', message: `Run ${this.runId} is no longer in this workspace (its folder was deleted).` };
    }
    await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    DetailsPanel.open.delete(this.runId);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export function registerDetailsSerializer(ctx: DetailsContext): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(detailsViewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      const runId = typeof state === 'object' && state !== null ? (state as { runId?: unknown }).runId : undefined;
      if (typeof runId === 'string') DetailsPanel.revive(panel, ctx, runId);
      else panel.dispose();
    },
  });
}
