// Every webview panel of the window, and what the rest of the extension calls to open them: one object, created
// once a folder is open, that registers the serializers (panels come back after a reload) and disposes everything.
import * as vscode from 'vscode';
import type { Logger } from '../../core/model';
import { compareContract } from '../../shared/webviews/compare/contract';
import { detailsContract } from '../../shared/webviews/details/contract';
import { runsTableContract } from '../../shared/webviews/runsTable/contract';
import { ContextKey } from '../commandIds';
import type { IndexHost } from '../indexHost';
import type { ComparePanelInfo, DetailsPanelInfo, WebviewPanelInfo } from '../testApi';
import { ComparePanel, comparePage } from './compare/comparePanel';
import type { CompareContext } from './compare/compareContext';
import { RememberedLayout } from './compare/compareLayout';
import { MediaCatalog } from '../../core/media/mediaCatalog';
import { DetailsPanel, detailsPage } from './details/detailsPanel';
import { createPanel, registerSerializer } from './hostedWebview';
import { RunsTablePanel, runsTablePage } from './runsTable/runsTablePanel';

export interface PanelsContext {
  extensionUri: vscode.Uri;
  host: IndexHost;
  log: Logger;
  /** The `trialbook.maxPointsPerLine` setting, read whenever a comparison is built. */
  maxPoints(): number;
  /** Keeps the layout comparison pages last reported from one window to the next. */
  workspaceState: vscode.Memento;
}

type AnyPanel = ComparePanel | RunsTablePanel | DetailsPanel;

function kindOf(panel: AnyPanel): WebviewPanelInfo['kind'] {
  return panel instanceof ComparePanel ? 'compare' : panel instanceof RunsTablePanel ? 'runsTable' : 'details';
}

export class WebviewPanels implements vscode.Disposable {
  /** Open panels by an id of their own (for the test API), in the order they opened. */
  private readonly open = new Map<string, AnyPanel>();
  private nextId = 1;
  private readonly serializers: vscode.Disposable[];
  private readonly compareContext: CompareContext;
  /** Told the runs a comparison or details page is about to show (remote runs fetch their metric histories). */
  onShowRuns: ((runIds: readonly string[]) => void) | undefined;

  constructor(private readonly ctx: PanelsContext) {
    const { log } = ctx;
    const compareContext: CompareContext = { ...ctx, layout: new RememberedLayout(ctx.workspaceState), mediaCatalog: new MediaCatalog(), onAddRuns: (runIds) => this.onShowRuns?.(runIds) };
    this.compareContext = compareContext;
    this.serializers = [
      registerSerializer(comparePage, compareContract, log, (panel, state) => {
        this.add(new ComparePanel(panel, compareContext, state ?? { runIds: [], selectedMetrics: [], xAxis: 'step' }, this.remove));
      }),
      registerSerializer(runsTablePage, runsTableContract, log, (panel, state) => {
        for (const existing of this.panels(RunsTablePanel)) existing.panel.dispose();
        this.add(new RunsTablePanel(panel, ctx, state, this.remove));
      }),
      registerSerializer(detailsPage, detailsContract, log, (panel, state) => {
        // Without its run id the page has nothing to show: it closes (the log says why).
        if (state) this.add(new DetailsPanel(panel, ctx, state.runId, this.remove));
        else panel.dispose();
      }),
    ];
  }

  /**
   * Compares these runs in the open comparison panel (the one in view, else the newest), keeping its metrics and
   * axis; `newPanel` opens another (comparisons side by side). A new panel opens beside the editor in view.
   */
  showCompare(runIds: readonly string[], options: { newPanel?: boolean } = {}): void {
    this.onShowRuns?.(runIds);
    const reuse = options.newPanel ? undefined : this.activeCompare();
    if (reuse) {
      void reuse.showRuns(runIds);
      return;
    }
    this.add(new ComparePanel(createPanel(this.ctx.extensionUri, comparePage, vscode.ViewColumn.Beside), this.compareContext, { runIds, selectedMetrics: [], xAxis: 'step' }, this.remove, true));
  }

  /** The run's details page: revealed when open, else opened; `media`: scrolled to its Media section (Show media). */
  showDetails(runId: string, options: { media?: boolean } = {}): void {
    this.onShowRuns?.([runId]);
    let panel = this.panels(DetailsPanel).find((p) => p.runId === runId);
    if (panel) panel.panel.reveal();
    else {
      panel = new DetailsPanel(createPanel(this.ctx.extensionUri, detailsPage), this.ctx, runId, this.remove);
      this.add(panel);
    }
    if (options.media) void panel.revealMedia();
  }

  detailsInfos(): DetailsPanelInfo[] {
    return this.panels(DetailsPanel).map((p) => p.info());
  }

  /** The runs table (one per window): revealed when open, else opened. */
  showRunsTable(): void {
    const existing = this.panels(RunsTablePanel)[0];
    if (existing) existing.panel.reveal();
    else this.add(new RunsTablePanel(createPanel(this.ctx.extensionUri, runsTablePage), this.ctx, undefined, this.remove));
  }

  /** The comparison the user looks at (for palette commands such as Export Comparison as CSV), else the newest. */
  activeCompare(): ComparePanel | undefined {
    const compares = this.panels(ComparePanel);
    return compares.find((p) => p.panel.active) ?? compares[compares.length - 1];
  }

  compareInfos(): ComparePanelInfo[] {
    return this.panels(ComparePanel).map((p) => p.info());
  }

  infos(): WebviewPanelInfo[] {
    return [...this.open].map(([id, p]) => ({ id, kind: kindOf(p), title: p.panel.title, ready: p.webview.host.isReady }));
  }

  /** Delivers `message` to a panel's host exactly as its page's postMessage would; false when no such panel is open. */
  async receiveFromWebview(panelId: string, message: unknown): Promise<boolean> {
    const panel = this.open.get(panelId);
    if (!panel) return false;
    await panel.webview.receive(message);
    return true;
  }

  /** Closes every panel (the serializers stay: the extension is closing, and panels come back with the window). */
  disposeAll(): void {
    for (const panel of [...this.open.values()]) panel.webview.dispose();
  }

  dispose(): void {
    this.disposeAll();
    for (const d of this.serializers.splice(0)) d.dispose();
  }

  private add(panel: AnyPanel): void {
    this.open.set(`${kindOf(panel)}-${this.nextId++}`, panel);
  }

  private readonly remove = (panel: AnyPanel): void => {
    for (const [id, p] of this.open) if (p === panel) this.open.delete(id);
    if (panel instanceof ComparePanel && this.panels(ComparePanel).length === 0) {
      void vscode.commands.executeCommand('setContext', ContextKey.compareFocused, false);
    }
  };

  /** The layout a new window's first Compare would be built for, read afresh from the workspace state (test API). */
  keptCompareLayout(): { chartPixelWidth?: number; chartsInView?: number } {
    const { chartPixelWidth, chartsInView } = new RememberedLayout(this.ctx.workspaceState);
    return { ...(chartPixelWidth === undefined ? {} : { chartPixelWidth }), ...(chartsInView === undefined ? {} : { chartsInView }) };
  }

  private panels<P extends AnyPanel>(type: abstract new (...args: never[]) => P): P[] {
    return [...this.open.values()].filter((p): p is P => p instanceof type);
  }
}

/** Registers the panel serializers; the returned object opens panels and disposes them all. */
export function registerPanels(ctx: PanelsContext): WebviewPanels {
  return new WebviewPanels(ctx);
}
