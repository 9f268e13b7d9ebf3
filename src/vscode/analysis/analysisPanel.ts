// One Sweep / Analysis panel over a set of runs (a filter, an experiment, or chosen runs): sends the runs'
// dimensions, answers importance requests, opens runs and comparisons, saves the brushed set as the Runs view's
// filter. Follows the index: changed runs are sent again, at most twice a second.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { analysisData } from '../../core/analysis/analysisWire';
import { brushesToFilter } from '../../core/analysis/brushFilter';
import { extractDimensions, type AnalysisTable } from '../../core/analysis/dimensions';
import { ImportanceThread } from '../../core/analysis/importanceThread';
import type { Logger, RunRow } from '../../core/model';
import { inertText } from '../../shared/untrustedText';
import type { Brush } from '../../shared/webviews/analysis/brush';
import {
  analysisContract, type AnalysisScope, type AnalysisToHostMessage, type AnalysisViewState, type HostToAnalysisMessage,
} from '../../shared/webviews/analysis/contract';
import { CommandId } from '../commandIds';
import type { IndexHost } from '../indexHost';
import type { RunFilter } from '../runFilter';
import { HostedWebview, type PageSpec } from '../webviews/hostedWebview';

export const analysisViewType = 'trialbook.analysis';
export const analysisPage: PageSpec = { viewType: analysisViewType, title: 'Analysis', script: 'analysis.js', styles: ['analysis.css'] };

const UPDATE_INTERVAL_MS = 500;


export interface AnalysisContext {
  extensionUri: vscode.Uri;
  host: IndexHost;
  log: Logger;
  filter: RunFilter;
}

export class AnalysisPanel {
  readonly webview: HostedWebview<AnalysisToHostMessage, HostToAnalysisMessage, AnalysisViewState>;
  private table: AnalysisTable | undefined;
  /** Milliseconds the last data and importance took (importance on its worker; the test API reads them). */
  readonly timings = { dataMs: 0, importanceMs: 0 };
  /** Parameter importance runs on a worker thread (dist/importanceWorker.js), not on the extension host's. */
  private readonly importanceThread: ImportanceThread;

  constructor(panel: vscode.WebviewPanel, private readonly ctx: AnalysisContext, public scope: AnalysisScope, onDispose: (p: AnalysisPanel) => void) {
    const listeners: vscode.Disposable[] = [];
    this.importanceThread = new ImportanceThread(join(ctx.extensionUri.fsPath, 'dist', 'importanceWorker.js'), (m) => ctx.log.warn(m));
    panel.title = `Analysis: ${scope.title}`;
    this.webview = new HostedWebview(panel, {
      extensionUri: ctx.extensionUri,
      log: ctx.log,
      page: analysisPage,
      contract: analysisContract,
      handlers: {
        // The scope is the host's (a revived panel got it from the saved state); the page keeps its own choices.
        ready: () => this.send(),
        importance: (message) => this.importance(message.metric),
        openRun: (message) => vscode.commands.executeCommand(CommandId.openRun, message.runId),
        compare: (message) => vscode.commands.executeCommand(CommandId.compareRuns, message.runIds),
        saveFilter: (message) => this.saveFilter(message.brushes),
      },
      onDispose: () => {
        for (const d of listeners.splice(0)) d.dispose();
        void this.importanceThread.close();
        onDispose(this);
      },
    });
    const follow = this.webview.host.throttled(UPDATE_INTERVAL_MS, 'showing the runs\' changes', () => this.send());
    listeners.push(ctx.host.onDidChange((report) => { if (report.changed.length || report.removed.length) follow(); }));
  }

  /** Runs the page was last sent (the test API reports it). */
  get runCount(): number {
    return this.table?.runs.length ?? 0;
  }

  get panel(): vscode.WebviewPanel {
    return this.webview.panel;
  }

  /** Shows another set of runs in this panel. */
  show(scope: AnalysisScope): Promise<void> {
    this.scope = scope;
    this.panel.title = `Analysis: ${scope.title}`;
    this.panel.reveal();
    return this.send();
  }

  private async rows(): Promise<RunRow[]> {
    const index = await this.ctx.host.get();
    if (this.scope.runIds) {
      const wanted = new Set(this.scope.runIds);
      return index.listRuns({ sort: 'started' }).filter((r) => wanted.has(r.id));
    }
    return index.listRuns({ filter: this.scope.filter || undefined, sort: 'started' });
  }

  private async send(): Promise<void> {
    if (!this.webview.host.isReady) return;
    const t0 = performance.now();
    const rows = await this.rows();
    this.panel.title = `Analysis: ${this.scope.title}`;
    if (rows.length === 0) {
      this.table = undefined;
      await this.webview.host.post({ type: 'empty', message: `No runs match ${this.scope.title}. Change the Runs view's filter, or pick runs and choose Analyze Runs again.` });
      return;
    }
    this.table = extractDimensions(rows);
    this.importanceThread.setTable(this.table);
    const data = analysisData(this.table, this.scope.title);
    this.timings.dataMs = performance.now() - t0;
    await this.webview.host.post({ type: 'data', data, scope: this.scope });
  }

  private async importance(metric: string): Promise<void> {
    if (!this.table) return;
    const { result, ms } = await this.importanceThread.importance(metric);
    this.timings.importanceMs = ms;
    await this.webview.host.post({ type: 'importance', result: { ...result, ms } });
  }

  private async saveFilter(brushes: Brush[]): Promise<void> {
    if (!this.table) return;
    if (brushes.length === 0) {
      void vscode.window.showInformationMessage('Trialbook: brush an axis first (drag along it); the brushed runs become the filter.');
      return;
    }
    const brushed = brushesToFilter(this.table.dimensions, brushes);
    // Chosen runs stay chosen: their ids join the brushed conditions (new runs in the region do not).
    const ids = this.scope.runIds?.map((id) => JSON.stringify(id)).join(', ');
    const scoped = ids ? `id in (${ids}) and ${brushed}` : this.scope.filter ? `(${this.scope.filter}) and ${brushed}` : brushed;
    await this.ctx.filter.setExpression(scoped);
    void vscode.window.showInformationMessage(`Trialbook: the Runs view now shows the brushed runs (filter: ${inertText(scoped.length > 200 ? `${scoped.slice(0, 199)}…` : scoped)}).`);
  }
}
