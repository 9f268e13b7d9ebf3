// One page per run: meta and lineage, editable notes, params, metrics, the latest media, artifacts. Follows live runs.
import * as vscode from 'vscode';
import type { Logger } from '../../../core/model';
import { appendRunEdit } from '../../../core/runEdits';
import {
  detailsContract, type DetailsAction, type DetailsToHostMessage, type DetailsViewState, type HostToDetailsMessage,
} from '../../../shared/webviews/details/contract';
import { CommandId, detailsViewType } from '../../commandIds';
import type { IndexHost } from '../../indexHost';
import { openLoggedLink, runsResourceRoot } from '../compare/compareMediaHost';
import { HostedWebview, type PageSpec } from '../hostedWebview';
import { DetailsMediaHost } from './detailsMediaHost';
import { buildRunDetails } from './runDetailsData';
import { sparkLines } from './sparkData';

export const detailsPage: PageSpec = { viewType: detailsViewType, title: 'Run details', script: 'details.js', styles: ['details.css'] };

const UPDATE_INTERVAL_MS = 250;

export interface DetailsContext {
  extensionUri: vscode.Uri;
  host: IndexHost;
  log: Logger;
}

export class DetailsPanel {
  readonly webview: HostedWebview<DetailsToHostMessage, HostToDetailsMessage, DetailsViewState>;
  private readonly media: DetailsMediaHost;
  /** Show media was asked: the page scrolls to its Media section once it has it. */
  private revealPending = false;
  /** Times the page was told to show its Media section (for the tests). */
  private mediaReveals = 0;

  constructor(panel: vscode.WebviewPanel, private readonly ctx: DetailsContext, readonly runId: string, onDispose: (panel: DetailsPanel) => void) {
    const listeners: vscode.Disposable[] = [];
    this.webview = new HostedWebview(panel, {
      extensionUri: ctx.extensionUri,
      log: ctx.log,
      page: detailsPage,
      contract: detailsContract,
      // Logged images load from the run's folder (under the runs folder) as webview resources.
      resourceRoots: [runsResourceRoot(ctx.host.trialbookDir)],
      handlers: {
        ready: () => {
          this.media.reset();
          return this.send();
        },
        saveNotes: (message) => this.saveNotes(message.notes),
        action: (message) => this.act(message.action),
        openLink: (message) => openLoggedLink(message.url),
      },
      onDispose: () => {
        for (const d of listeners.splice(0)) d.dispose();
        onDispose(this);
      },
    });
    this.media = new DetailsMediaHost(panel.webview, runId, (message) => this.webview.host.post(message));
    // A live run changes many times a second: the page follows at most four times a second.
    const follow = this.webview.host.throttled(UPDATE_INTERVAL_MS, 'showing the run\'s changes', () => this.send());
    listeners.push(ctx.host.onDidChange((report) => {
      if (report.changed.includes(runId) || report.removed.includes(runId)) follow();
    }));
  }

  get panel(): vscode.WebviewPanel {
    return this.webview.panel;
  }

  /** Show media: scrolls the page to its Media section (now when the page has it, else once it does). */
  async revealMedia(): Promise<void> {
    this.revealPending = true;
    await this.send();
  }

  info(): { runId: string; ready: boolean; mediaKeys: Record<string, string[]>; mediaReveals: number } {
    return { runId: this.runId, ready: this.webview.host.isReady, mediaKeys: this.media.sentKeys, mediaReveals: this.mediaReveals };
  }

  private async send(): Promise<void> {
    if (!this.webview.host.isReady) return;
    const index = await this.ctx.host.get();
    const detail = index.getRun(this.runId);
    if (!detail) {
      await this.webview.host.post({ type: 'gone', message: `Run ${this.runId} is no longer in this workspace (its folder was deleted).` });
      return;
    }
    this.panel.title = `Run: ${detail.name}`;
    await this.webview.host.post({ type: 'details', data: { ...buildRunDetails(detail, Date.now()), sparks: sparkLines(index, detail) } });
    await this.media.send(detail.dir);
    if (this.revealPending) {
      this.revealPending = false;
      this.mediaReveals++;
      await this.webview.host.post({ type: 'revealMedia' });
    }
  }

  private async saveNotes(notes: string): Promise<void> {
    await appendRunEdit(this.ctx.host.trialbookDir, this.runId, { t: 'notes', notes });
    // The index re-reads the edits file and the page re-renders from it (onDidChange above).
    await this.ctx.host.refresh();
    vscode.window.setStatusBarMessage('Trialbook: notes saved', 3000);
  }

  private async act(action: DetailsAction): Promise<void> {
    const detail = (await this.ctx.host.get()).getRun(this.runId);
    if (!detail) return;
    switch (action) {
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
      default: {
        const unreachable: never = action;
        return unreachable;
      }
    }
  }
}
