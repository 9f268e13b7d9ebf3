import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../core/model';
import { ViewId } from './commandIds';
import { AnalysisPanels } from './analysis/analysisPanels';
import { registerDatasetsView, type DatasetsTreeProvider } from './datasetsTree';
import type { Configuration, SettingsChange } from './configuration';
import { GitDocumentProvider, gitScheme } from './gitDocuments';
import { IndexHost } from './indexHost';
import { GateDiagnostics } from './gateDiagnostics';
import { GateTests } from './gateTests';
import { LifecycleHost } from './lifecycleHost';
import { ModelsTreeProvider } from './modelsTree';
import { MonitoringParts } from './monitoring/monitoringParts';
import { NotebookCellStatusProvider } from './notebookCellStatus';
import { RunEditor } from './runEditor';
import { RunFilter } from './runFilter';
import { RunsTreeProvider, type RunsTreeNode } from './runsTree';
import { SourcesController } from './sources/sourcesController';
import { RunningStatusItem } from './statusBar';
import { TrainingCodeLensProvider } from './trainingCodeLens';
import { registerPanels, type PanelsContext, type WebviewPanels } from './webviews/panels';

export interface WorkspacePartsContext {
  extensionUri: vscode.Uri;
  workspaceState: vscode.Memento;
  log: Logger;
  trialbookDir: string;
  configuration: Configuration;
}

/**
 * Everything that exists only when a folder is open: the index host and what shows it (trees, status bar,
 * notebook cell items, CodeLens, panel serializers). Built once with the folder; follows the settings.
 */
export class WorkspaceParts implements vscode.Disposable {
  readonly host: IndexHost;
  readonly tree: RunsTreeProvider;
  readonly treeView: vscode.TreeView<RunsTreeNode>;
  readonly filter: RunFilter;
  readonly editor: RunEditor;
  readonly models: ModelsTreeProvider;
  /** The Datasets view: dataset → versions → runs → models. */
  readonly datasets: DatasetsTreeProvider;
  /** Registered models, their transition log and gates (Models view, Test Explorer, gates file diagnostics). */
  readonly lifecycle: LifecycleHost;
  readonly gateTests: GateTests;
  readonly gateDiagnostics: GateDiagnostics;
  readonly cellStatus: NotebookCellStatusProvider;
  readonly codeLens: TrainingCodeLensProvider;
  /** Comparisons, the runs table and run details: opened by commands, revived after a reload. */
  readonly panels: WebviewPanels;
  /** The Monitoring view, alerts and dashboards (docs/monitoring.md). */
  readonly monitoring: MonitoringParts;
  /** Sweep / Analysis panels (docs/analysis.md). */
  readonly analysis: AnalysisPanels;
  /** Other tools' runs (MLflow, TensorBoard, W&B) followed into the index. */
  readonly sources: SourcesController;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: WorkspacePartsContext) {
    const settings = ctx.configuration.current;
    this.host = new IndexHost({
      trialbookDir: ctx.trialbookDir,
      wasmPath: vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'sql-wasm.wasm').fsPath,
      log: ctx.log,
      crashAfterSeconds: settings.crashAfterSeconds,
      pollIntervalSeconds: settings.pollIntervalSeconds,
    });
    this.filter = new RunFilter(ctx.workspaceState);
    this.tree = new RunsTreeProvider(this.host, settings.keyMetric, () => this.filter.query(), () => this.filter.describe());
    this.treeView = vscode.window.createTreeView(ViewId.runs, { treeDataProvider: this.tree, canSelectMany: true, showCollapseAll: true });
    this.lifecycle = new LifecycleHost(this.host, ctx.log);
    this.models = new ModelsTreeProvider(this.host, this.lifecycle);
    this.gateTests = new GateTests(this.lifecycle, this.host);
    this.gateDiagnostics = new GateDiagnostics(this.lifecycle);
    this.cellStatus = new NotebookCellStatusProvider(this.host, settings.keyMetric);
    this.codeLens = new TrainingCodeLensProvider(this.host, settings.keyMetric);
    this.editor = new RunEditor(this.host);
    this.panels = registerPanels(this.panelsContext());
    this.monitoring = new MonitoringParts(ctx.extensionUri, this.host, this.lifecycle, ctx.log);
    this.sources = new SourcesController(this.host, ctx.trialbookDir, dirname(ctx.trialbookDir), ctx.log, ctx.workspaceState,
      vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'sql-wasm.wasm').fsPath);
    this.models.sourceModels = () => this.sources.registeredModels();
    this.analysis = new AnalysisPanels(ctx.extensionUri, this.host, ctx.log, this.filter, this.treeView);
    this.disposables.push(this.analysis);
    const datasetsView = registerDatasetsView(this.host);
    this.datasets = datasetsView.provider;
    this.disposables.push(datasetsView.disposable);
    this.disposables.push(
      this.sources, this.host, this.tree, this.treeView, this.filter, this.cellStatus, this.codeLens, this.models, this.panels, this.monitoring,
      this.lifecycle, this.gateTests, this.gateDiagnostics,
      vscode.window.createTreeView(ViewId.models, { treeDataProvider: this.models, showCollapseAll: true }),
      new RunningStatusItem(this.host),
      this.filter.onDidChange(() => this.tree.refresh()),
      this.tree.onDidChangeMessage((message) => { this.treeView.message = message; }),
      vscode.notebooks.registerNotebookCellStatusBarItemProvider('jupyter-notebook', this.cellStatus),
      vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, this.codeLens),
      vscode.workspace.registerTextDocumentContentProvider(gitScheme, new GitDocumentProvider()),
      ctx.configuration.onDidChange((change) => this.applySettings(change)),
    );
  }

  /** What the panels need: also the current `trialbook.maxPointsPerLine`, read whenever a comparison is built. */
  private panelsContext(): PanelsContext {
    return { extensionUri: this.ctx.extensionUri, host: this.host, log: this.ctx.log, workspaceState: this.ctx.workspaceState, maxPoints: () => this.ctx.configuration.current.maxPointsPerLine };
  }

  /** A changed setting shows at once: no reload. */
  private applySettings({ settings, changed }: SettingsChange): void {
    this.ctx.log.info(`Settings changed: ${[...changed].map((name) => `${name} = ${JSON.stringify(settings[name])}`).join(', ')}`);
    if (changed.has('keyMetric')) {
      this.tree.setKeyMetric(settings.keyMetric);
      this.codeLens.setKeyMetric(settings.keyMetric);
      this.cellStatus.setKeyMetric(settings.keyMetric);
    }
    if (changed.has('pollIntervalSeconds')) this.host.setPollInterval(settings.pollIntervalSeconds);
    if (changed.has('crashAfterSeconds')) this.host.setCrashAfterSeconds(settings.crashAfterSeconds);
    // Open comparisons are sent again, sampled to the new cap (their panels read it through the panels' context).
    if (changed.has('maxPointsPerLine')) this.host.announce(this.panels.compareInfos().flatMap((panel) => panel.runIds));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
