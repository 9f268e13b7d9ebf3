import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { IndexHost } from './indexHost';
import { RunsTreeProvider, type RunsTreeNode } from './runsTree';
import { registerPanels, type WebviewPanels } from './webviews/panels';
import { CommandId, ContextKey, ViewId } from './commandIds';
import { createLogger, RecentLines } from './logger';
import { applyTerminalEnvironment } from './terminalEnvironment';
import { installSdk, runPythonFile } from './pythonCommands';
import { RunningStatusItem } from './statusBar';
import { formatAge } from './runFormat';
import { NotebookCellStatusProvider } from './notebookCellStatus';
import { TrainingCodeLensProvider } from './trainingCodeLens';
import { GitDocumentProvider, gitScheme, openAtCommit, showCodeDiff } from './gitDocuments';
import { RunFilter, filterProblem } from './runFilter';
import { RunEditor, runsOf } from './runCommands';
import { cellSourceHash } from './cellMatch';
import { ModelsTreeProvider, type ModelsNode } from './modelsTree';
import { RegistryCommands, type PushModelArgs } from './registryCommands';
import type { Logger, RunDetail, RunRow } from '../core/model';
import type { TrialbookApi } from './testApi';

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('trialbook');
}

/** Everything that exists only when a folder is open: the index and what shows it. */
interface WorkspaceParts {
  host: IndexHost;
  tree: RunsTreeProvider;
  treeView: vscode.TreeView<RunsTreeNode>;
  filter: RunFilter;
  editor: RunEditor;
  models: ModelsTreeProvider;
  cellStatus: NotebookCellStatusProvider;
  panels: WebviewPanels;
}

/** The root object: owns every view, command and the index host, disposed as one. */
export class TrialbookExtension implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly channel = vscode.window.createOutputChannel('Trialbook', { log: true });
  private readonly recentLog = new RecentLines();
  private readonly log: Logger = createLogger(this.channel, this.recentLog);
  private readonly parts: WorkspaceParts | undefined;
  private readonly registries: RegistryCommands;
  private readonly commandErrors: Array<{ command: string; message: string }> = [];
  /** Set by activate(): how long VS Code waited for it. */
  activateMs = 0;

  constructor(private readonly context: vscode.ExtensionContext, private readonly trialbookDir: string | undefined) {
    this.disposables.push(this.channel);
    applyTerminalEnvironment(context, trialbookDir);
    if (trialbookDir) {
      this.parts = this.createWorkspaceParts(trialbookDir);
    }
    this.registries = new RegistryCommands(context.secrets, this.parts?.host, this.log);
    void vscode.commands.executeCommand('setContext', ContextKey.hasRuns, trialbookDir ? existsSync(trialbookDir) : false);
    void vscode.commands.executeCommand('setContext', ContextKey.ready, true);
    this.registerCommands();
    this.log.info(`Activated${trialbookDir ? ` for ${trialbookDir}` : ' without a workspace folder'}`);
  }

  private createWorkspaceParts(trialbookDir: string): WorkspaceParts {
    const host = new IndexHost({
      trialbookDir,
      wasmPath: vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'sql-wasm.wasm').fsPath,
      log: this.log,
      crashAfterSeconds: config().get<number>('crashAfterSeconds', 30),
      pollIntervalSeconds: config().get<number>('pollIntervalSeconds', 2),
    });
    const keyMetric = (): string => config().get<string>('keyMetric', '');
    const filter = new RunFilter(this.context.workspaceState);
    const tree = new RunsTreeProvider(host, keyMetric, () => filter.query(), () => filter.describe());
    const treeView = vscode.window.createTreeView(ViewId.runs, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
    const models = new ModelsTreeProvider(host);
    const cellStatus = new NotebookCellStatusProvider(host);
    const codeLens = new TrainingCodeLensProvider(host, keyMetric);
    const panels = registerPanels(this.compareContext(host));
    this.disposables.push(
      panels,
      host, tree, treeView, filter, cellStatus, codeLens, models,
      vscode.window.createTreeView(ViewId.models, { treeDataProvider: models, showCollapseAll: true }),
      new RunningStatusItem(host),
      filter.onDidChange(() => tree.refresh()),
      tree.onDidChangeMessage((message) => { treeView.message = message; }),
      vscode.notebooks.registerNotebookCellStatusBarItemProvider('jupyter-notebook', cellStatus),
      vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, codeLens),
      vscode.workspace.registerTextDocumentContentProvider(gitScheme, new GitDocumentProvider()),
    );
    return { host, tree, treeView, filter, editor: new RunEditor(host), models, cellStatus, panels };
  }

  private compareContext(host: IndexHost) {
    return {
      extensionUri: this.context.extensionUri,
      host,
      log: this.log,
      maxPoints: () => config().get<number>('maxPointsPerLine', 1000),
    };
  }

  private registerCommands(): void {
    const register = (id: string, handler: (...args: never[]) => unknown): void => {
      this.disposables.push(vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          return await handler(...args);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          this.log.error(`${id} failed: ${err instanceof Error ? err.stack ?? message : message}`);
          this.commandErrors.push({ command: id, message });
          void vscode.window.showErrorMessage(`Trialbook: ${message}`, 'Show Log').then((choice) => {
            if (choice) this.channel.show();
          });
          return undefined;
        }
      }));
    };
    /** A tree command's runs: the clicked run (and the multi-selection), or a pick from a quick pick. */
    const runsFor = async (node: RunsTreeNode | undefined, selection: RunsTreeNode[] | undefined, many: boolean): Promise<RunRow[]> => {
      const parts = this.requireParts();
      if (!parts) return [];
      const fromTree = runsOf(node, selection ?? (node ? undefined : [...parts.treeView.selection]));
      if (fromTree.length) return fromTree;
      const ids = await this.pickRuns(many, many ? 'Runs' : 'Pick a run');
      const index = await parts.host.get();
      return (ids ?? []).map((id) => index.getRun(id)).filter((r): r is NonNullable<typeof r> => r !== undefined);
    };

    register(CommandId.refresh, () => this.requireParts()?.host.refresh());
    register(CommandId.compareRuns, (arg?: unknown) => this.compare(arg));
    register(CommandId.compareSelected, async (node?: RunsTreeNode, selection?: RunsTreeNode[]) =>
      this.compare((await runsFor(node, selection, true)).map((r) => r.id)));
    register(CommandId.openRun, async (arg?: unknown, selection?: RunsTreeNode[]) => {
      const parts = this.requireParts();
      if (!parts) return;
      const id = typeof arg === 'string' ? arg : (await runsFor(arg as RunsTreeNode | undefined, selection, false))[0]?.id;
      if (id) parts.panels.showDetails(id);
    });
    register(CommandId.openRunsTable, () => {
      const parts = this.requireParts();
      if (parts) parts.panels.showRunsTable();
    });
    register(CommandId.filterRuns, async () => {
      const parts = this.requireParts();
      if (!parts) return;
      const expression = await vscode.window.showInputBox({
        title: 'Filter Runs',
        prompt: 'e.g. lr < 1e-3 and optimizer = adam, val_acc > 0.9, status = failed, tag = baseline, name ~ otter (empty: no filter)',
        value: parts.filter.expression,
        ignoreFocusOut: true,
        validateInput: filterProblem,
      });
      if (expression !== undefined) await parts.filter.setExpression(expression);
    });
    register(CommandId.clearFilter, () => this.requireParts()?.filter.clear());
    register(CommandId.sortRuns, async (sort?: unknown) => {
      const parts = this.requireParts();
      if (!parts) return;
      if (typeof sort === 'string') {
        await parts.filter.setSort(sort);
        return;
      }
      const chosen = await this.pickSort(parts);
      if (chosen) await parts.filter.setSort(chosen);
    });
    register(CommandId.toggleRunningOnly, () => this.requireParts()?.filter.toggle('runningOnly'));
    register(CommandId.toggleStarredOnly, () => this.requireParts()?.filter.toggle('starredOnly'));
    register(CommandId.renameRun, async (node?: RunsTreeNode) => {
      const [run] = await runsFor(node, undefined, false);
      if (run) await this.parts?.editor.rename(run);
    });
    register(CommandId.editNotes, async (node?: RunsTreeNode) => {
      const [run] = await runsFor(node, undefined, false);
      if (run) await this.parts?.editor.editNotes(run);
    });
    register(CommandId.editTags, async (node?: RunsTreeNode, selection?: RunsTreeNode[]) =>
      this.parts?.editor.editTags(await runsFor(node, selection, true)));
    register(CommandId.toggleStar, async (node?: RunsTreeNode, selection?: RunsTreeNode[]) =>
      this.parts?.editor.toggleStar(await runsFor(node, selection, true)));
    register(CommandId.deleteRun, async (node?: RunsTreeNode, selection?: RunsTreeNode[]) =>
      this.parts?.editor.delete(await runsFor(node, selection, true)));
    register(CommandId.copyRunId, async (node?: RunsTreeNode, selection?: RunsTreeNode[]) => {
      const runs = await runsFor(node, selection, false);
      if (runs.length) {
        const text = runs.map((r) => r.id).join('\n');
        await vscode.env.clipboard.writeText(text);
        vscode.window.setStatusBarMessage(`Copied ${runs.length === 1 ? `run id ${text}` : `${runs.length} run ids`}`, 3000);
      }
    });
    register(CommandId.revealSource, async (arg?: unknown) => {
      const parts = this.requireParts();
      if (!parts) return;
      const run = typeof arg === 'string' ? (await parts.host.get()).getRun(arg) : (await runsFor(arg as RunsTreeNode | undefined, undefined, false))[0];
      if (run) await this.revealSource(run);
    });
    /** A run's full detail from a run id (details page, tests) or a tree node, else a pick. */
    const detailFor = async (arg: unknown): Promise<RunDetail | undefined> => {
      const parts = this.requireParts();
      if (!parts) return undefined;
      const id = typeof arg === 'string' ? arg : (await runsFor(arg as RunsTreeNode | undefined, undefined, false))[0]?.id;
      return id ? (await parts.host.get()).getRun(id) : undefined;
    };
    register(CommandId.showCodeDiff, async (arg?: unknown) => {
      const detail = await detailFor(arg);
      if (detail) await showCodeDiff(detail);
    });
    register(CommandId.openAtCommit, async (arg?: unknown) => {
      const detail = await detailFor(arg);
      if (detail) await openAtCommit(detail);
    });
    register(CommandId.exportComparisonCsv, async () => {
      const panel = this.parts?.panels.activeCompare();
      if (!panel) {
        void vscode.window.showInformationMessage('Trialbook: open a comparison first ("Trialbook: Compare Runs…").');
        return;
      }
      await panel.exportCsv();
    });
    register(CommandId.addRegistry, (args?: unknown) => this.registries.addRegistry(isObject(args) ? args as never : undefined));
    register(CommandId.forgetRegistryCredentials, (name?: unknown) => this.registries.forgetCredentials(typeof name === 'string' ? name : undefined));
    register(CommandId.pushModel, async (arg?: unknown, selection?: RunsTreeNode[]) => {
      if (isModelsNode(arg)) return this.registries.pushModel({ runId: arg.run.id, artifact: arg.kind === 'run' ? undefined : arg.artifact.name });
      if (isObject(arg) && typeof (arg as { runId?: unknown }).runId === 'string') return this.registries.pushModel(arg as unknown as PushModelArgs);
      const [run] = arg ? await runsFor(arg as RunsTreeNode, selection, false) : [];
      return this.registries.pushModel(run ? { runId: run.id } : undefined);
    });
    register(CommandId.copyReference, async (node?: ModelsNode) => {
      if (node?.kind !== 'push') return;
      await this.registries.copyReference(node.push);
    });
    register(CommandId.verifyModel, async (node?: ModelsNode) => {
      if (node?.kind !== 'push') {
        void vscode.window.showInformationMessage('Trialbook: pick a push under a model in the Models view to verify it.');
        return;
      }
      await this.registries.verify(node.run.id, node.artifact.name, node.push);
    });
    register(CommandId.openExample, () => this.openExample());
    register(CommandId.runPythonFile, (uri?: unknown) => runPythonFile(this.context.extensionUri, this.trialbookDir, uri instanceof vscode.Uri ? uri : undefined));
    register(CommandId.installSdk, (interpreter?: unknown) => installSdk(this.context.extensionUri, typeof interpreter === 'string' ? interpreter : undefined));
    register(CommandId.rebuildDatabase, () => this.rebuild());
    register(CommandId.showLog, () => this.channel.show());
  }

  private requireParts(): WorkspaceParts | undefined {
    if (!this.parts) {
      void vscode.window.showInformationMessage('Trialbook: open a folder first; runs are tracked in its .trialbook folder.');
    }
    return this.parts;
  }

  private async compare(arg: unknown): Promise<void> {
    const parts = this.requireParts();
    if (!parts) return;
    let runIds = Array.isArray(arg) && arg.every((v) => typeof v === 'string') ? (arg as string[]) : undefined;
    if (!runIds || runIds.length === 0) {
      runIds = await this.pickRuns(true, 'Compare Runs');
    }
    if (!runIds || runIds.length === 0) return;
    parts.panels.showCompare(runIds);
  }

  /** A quick pick of runs, newest first; for comparing, the three newest are preselected. */
  private async pickRuns(many: boolean, title: string): Promise<string[] | undefined> {
    const parts = this.requireParts();
    if (!parts) return undefined;
    await parts.host.refresh();
    const runs = (await parts.host.get()).listRuns({ sort: '-started' });
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('Trialbook: no runs yet. Run a script that calls trialbook.init() first.', 'Open Example Script')
        .then((choice) => choice && vscode.commands.executeCommand(CommandId.openExample));
      return undefined;
    }
    const now = Date.now();
    const items = runs.map((run, i): vscode.QuickPickItem & { id: string } => ({
      id: run.id,
      label: `${run.starred ? '$(star-full) ' : ''}${run.name}`,
      description: `${run.experiment} · ${run.status} · ${formatAge(run.startedAt, now)}`,
      detail: paramsLine(run),
      picked: many && i < 3,
    }));
    if (many) {
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title, placeHolder: 'Runs (the newest are selected)', matchOnDescription: true, matchOnDetail: true });
      return picked?.map((p) => p.id);
    }
    const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true });
    return picked ? [picked.id] : undefined;
  }

  /** Sort orders for the Runs view: fixed columns, then each metric and param in both directions. */
  private async pickSort(parts: WorkspaceParts): Promise<string | undefined> {
    const index = await parts.host.get();
    const runs = index.listRuns({});
    const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].filter((m) => !m.startsWith('system/')).sort();
    const params = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
    const current = parts.filter.sort;
    const item = (label: string, sort: string, description = ''): vscode.QuickPickItem & { sort: string } =>
      ({ label: `${sort === current ? '$(check) ' : ''}${label}`, description, sort });
    const items: Array<vscode.QuickPickItem & { sort?: string }> = [
      item('Newest first', '-started'), item('Oldest first', 'started'), item('Name', 'name'), item('Status', 'status'),
      item('Longest first', '-duration'), item('Recently updated', '-updated'),
    ];
    if (metrics.length) items.push({ label: 'Metrics (last value)', kind: vscode.QuickPickItemKind.Separator });
    for (const m of metrics) items.push(item(`${m} ↑`, `metric.${m}`, 'lowest first'), item(`${m} ↓`, `-metric.${m}`, 'highest first'));
    if (params.length) items.push({ label: 'Params', kind: vscode.QuickPickItemKind.Separator });
    for (const p of params) items.push(item(`${p} ↑`, `param.${p}`), item(`${p} ↓`, `-param.${p}`));
    const pick = await vscode.window.showQuickPick(items, { title: 'Sort Runs', matchOnDescription: true });
    return pick?.sort;
  }

  private async revealSource(run: RunRow): Promise<void> {
    const target = run.notebook ?? run.script;
    if (!target || !existsSync(target)) {
      void vscode.window.showWarningMessage(`Trialbook: the source of run "${run.name}" is not on this machine${target ? ` (${target})` : ''}.`);
      return;
    }
    const uri = vscode.Uri.file(target);
    if (!run.notebook) {
      await vscode.window.showTextDocument(uri);
      return;
    }
    // A notebook opens at the first cell that logged to this run.
    const links = (await this.parts?.host.get())?.cellLinks(target).filter((l) => l.runId === run.id) ?? [];
    const notebook = await vscode.workspace.openNotebookDocument(uri);
    const editor = await vscode.window.showNotebookDocument(notebook);
    const cellIndex = notebook.getCells().findIndex((c) => links.some((l) => l.hash === cellSourceHash(c.document.getText())));
    if (cellIndex >= 0) {
      const range = new vscode.NotebookRange(cellIndex, cellIndex + 1);
      editor.selection = range;
      editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  private async openExample(): Promise<void> {
    const source = vscode.Uri.joinPath(this.context.extensionUri, 'examples', 'train.py');
    const text = Buffer.from(await vscode.workspace.fs.readFile(source)).toString('utf8');
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: text });
    await vscode.window.showTextDocument(doc);
  }

  private async rebuild(): Promise<void> {
    const parts = this.requireParts();
    if (!parts) return;
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Trialbook: rebuilding the database from the run logs', cancellable: false },
      async (progress) => {
        let last = 0;
        return parts.host.rebuild((done, total) => {
          const pct = total ? (done / total) * 100 : 100;
          progress.report({ message: `${done} of ${total} runs`, increment: pct - last });
          last = pct;
        });
      },
    );
    const skipped = report.problems.length;
    void vscode.window.showInformationMessage(`Trialbook: database rebuilt from ${report.changed.length} runs${skipped ? `; ${skipped} unreadable line(s) skipped (see Show Log)` : ''}.`);
  }

  api(): TrialbookApi {
    return {
      timings: () => ({ activateMs: this.activateMs, ...(this.parts?.host.openMs !== undefined ? { indexOpenMs: this.parts.host.openMs } : {}) }),
      trialbookDir: () => this.trialbookDir,
      refresh: async () => {
        await this.parts?.host.refresh();
      },
      runsTree: async () => (this.parts ? this.parts.tree.snapshot() : []),
      comparePanels: () => this.parts?.panels.compareInfos() ?? [],
      webviewPanels: () => this.parts?.panels.infos() ?? [],
      postFromWebview: async (panelId, message) => (await this.parts?.panels.receiveFromWebview(panelId, message)) ?? false,
      commandErrors: () => [...this.commandErrors],
      logLines: () => this.recentLog.all(),
      runDetail: async (runId) => (await this.parts?.host.get())?.getRun(runId),
      cellStatusItems: async (notebookPath) => {
        const provider = this.parts?.cellStatus;
        if (!provider) return [];
        const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(notebookPath));
        const out: string[][] = [];
        for (const cell of notebook.getCells()) out.push((await provider.provideCellStatusBarItems(cell)).map((i) => i.text));
        return out;
      },
      hasRegistryCredentials: (name) => this.registries.hasCredentials(name),
      modelsTree: async () => {
        const models = this.parts?.models;
        if (!models) return [];
        const runs = await models.getChildren();
        return Promise.all(runs.map(async (runNode) => ({
          run: runNode.run.name,
          models: await Promise.all((await models.getChildren(runNode)).map(async (modelNode) => ({
            name: modelNode.kind === 'model' ? modelNode.artifact.name : '',
            pushes: (await models.getChildren(modelNode)).map((p) => (p.kind === 'push' ? p.push.reference : '')),
          }))),
        })));
      },
    };
  }

  async close(): Promise<void> {
    this.parts?.panels.disposeAll();
    await this.parts?.host.close();
    this.dispose();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isModelsNode(value: unknown): value is ModelsNode {
  return isObject(value) && (value.kind === 'model' || value.kind === 'push') && isObject(value.run);
}

function paramsLine(run: RunRow): string {
  return Object.entries(run.params).slice(0, 6).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('  ');
}
