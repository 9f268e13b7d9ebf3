// The Analysis panels of the window and the command that opens one: from the Runs view's title (the view's
// filter), an experiment node (its runs), selected runs (view or runs table), or the palette. One panel is reused
// unless none is open; panels come back after a reload with the runs they showed.
import * as vscode from 'vscode';
import type { Logger } from '../../core/model';
import { analysisContract, type AnalysisScope } from '../../shared/webviews/analysis/contract';
import { runIdsOf, treeNodeArg, treeSelectionArg, type CommandArguments } from '../commands/commandArgs';
import { settledSelection } from '../commands/treeSelection';
import type { RunsTreeNode } from '../runsTree';
import type { IndexHost } from '../indexHost';
import type { RunFilter } from '../runFilter';
import type { AnalysisPanelInfo } from './analysisTestInfo';
import { createPanel, registerSerializer } from '../webviews/hostedWebview';
import { AnalysisPanel, analysisPage, type AnalysisContext } from './analysisPanel';

export class AnalysisPanels implements vscode.Disposable {
  private readonly open: AnalysisPanel[] = [];
  private readonly serializer: vscode.Disposable;
  private readonly ctx: AnalysisContext;

  constructor(extensionUri: vscode.Uri, host: IndexHost, log: Logger, filter: RunFilter, private readonly treeView: vscode.TreeView<RunsTreeNode>) {
    this.ctx = { extensionUri, host, log, filter };
    this.serializer = registerSerializer(analysisPage, analysisContract, log, (panel, state) => {
      this.open.push(new AnalysisPanel(panel, this.ctx, state?.scope ?? { filter: '', title: 'all runs' }, this.remove));
    });
  }

  /** The panel in view (else the newest) shows `scope`; a new one opens beside the editor when none is open. */
  show(scope: AnalysisScope): void {
    const reuse = this.open.find((p) => p.panel.active) ?? this.open[this.open.length - 1];
    if (reuse) {
      void reuse.show(scope);
      return;
    }
    this.open.push(new AnalysisPanel(createPanel(this.ctx.extensionUri, analysisPage, vscode.ViewColumn.Beside), this.ctx, scope, this.remove));
  }

  /** The command: which runs, from how it was invoked (see the file's comment). */
  async run(args: CommandArguments): Promise<void> {
    const first = args.get(0, (v) => v);
    if (Array.isArray(first)) {
      const ids = first.filter((id): id is string => typeof id === 'string');
      if (ids.length !== first.length || ids.length === 0) {
        throw new Error('trialbook.analyzeRuns: the first argument must be a list of run ids (strings), a node of the Runs view, or nothing.');
      }
      this.show({ runIds: ids, title: `${ids.length} chosen runs` });
      return;
    }
    const node = args.get(0, treeNodeArg);
    const given = args.get(1, treeSelectionArg);
    const selection = given && (await settledSelection(this.treeView, given));
    if (node?.kind === 'experiment' && !(selection && selection.length > 1)) {
      this.show({ filter: `experiment = ${JSON.stringify(node.name)}`, title: `experiment ${node.name}` });
      return;
    }
    const ids = runIdsOf(node, selection);
    if (ids.length > 1) {
      this.show({ runIds: ids, title: `${ids.length} chosen runs` });
      return;
    }
    // The view title, the palette, or one run: the runs the Runs view shows (its filter and its running/starred
    // toggles), which is the sweep.
    const { expression } = this.ctx.filter;
    const query = this.ctx.filter.query().filter ?? '';
    const shown = this.ctx.filter.describe();
    this.show({ filter: query === `(${expression})` ? expression : query, title: shown ? `filter ${shown}` : 'all runs' });
  }

  infos(): AnalysisPanelInfo[] {
    return this.open.map((p) => ({ title: p.panel.title, scope: p.scope, ready: p.webview.host.isReady, runs: p.runCount, ...p.timings }));
  }

  /** Delivers a message as the page would (tests). */
  async receive(index: number, message: unknown): Promise<boolean> {
    const panel = this.open[index];
    if (!panel) return false;
    await panel.webview.receive(message);
    return true;
  }

  dispose(): void {
    for (const p of [...this.open]) p.webview.dispose();
    this.serializer.dispose();
  }

  private readonly remove = (panel: AnalysisPanel): void => {
    const at = this.open.indexOf(panel);
    if (at >= 0) this.open.splice(at, 1);
  };
}
