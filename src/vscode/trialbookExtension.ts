import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { IndexHost } from './indexHost';
import { RunsTreeProvider, type RunNode, type RunsTreeNode } from './runsTree';
import { ComparePanel, registerCompareSerializer } from './comparePanel';
import { CommandId, ContextKey, ViewId } from './commandIds';
import { createLogger } from './logger';
import { applyTerminalEnvironment } from './terminalEnvironment';
import { installSdk, runPythonFile } from './pythonCommands';
import { RunningStatusItem } from './statusBar';
import { formatAge } from './runFormat';
import type { Logger, RunRow } from '../core/model';
import type { TrialbookApi } from './testApi';

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('trialbook');
}

/** The root object: owns every view, command and the index host, disposed as one. */
export class TrialbookExtension implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly channel = vscode.window.createOutputChannel('Trialbook', { log: true });
  private readonly log: Logger = createLogger(this.channel);
  private readonly host: IndexHost | undefined;
  private readonly tree: RunsTreeProvider | undefined;
  private readonly treeView: vscode.TreeView<RunsTreeNode> | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly trialbookDir: string | undefined) {
    this.disposables.push(this.channel);
    applyTerminalEnvironment(context, trialbookDir);

    if (trialbookDir) {
      this.host = new IndexHost({
        trialbookDir,
        wasmPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'sql-wasm.wasm').fsPath,
        log: this.log,
        crashAfterSeconds: config().get<number>('crashAfterSeconds', 30),
        pollIntervalSeconds: config().get<number>('pollIntervalSeconds', 2),
      });
      this.tree = new RunsTreeProvider(this.host, () => config().get<string>('keyMetric', ''));
      this.treeView = vscode.window.createTreeView(ViewId.runs, { treeDataProvider: this.tree, canSelectMany: true, showCollapseAll: true });
      const statusItem = new RunningStatusItem(this.host);
      this.disposables.push(this.host, this.tree, this.treeView, statusItem,
        registerCompareSerializer(this.panelContext(this.host)));
      // Without any runs yet, show the welcome view at once rather than opening the index.
      void vscode.commands.executeCommand('setContext', ContextKey.hasRuns, existsSync(trialbookDir));
    } else {
      void vscode.commands.executeCommand('setContext', ContextKey.hasRuns, false);
    }
    void vscode.commands.executeCommand('setContext', ContextKey.ready, true);
    this.registerCommands();
    this.log.info(`Activated${trialbookDir ? ` for ${trialbookDir}` : ' without a workspace folder'}`);
  }

  private panelContext(host: IndexHost) {
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
          void vscode.window.showErrorMessage(`Trialbook: ${message}`, 'Show Log').then((choice) => {
            if (choice) this.channel.show();
          });
          return undefined;
        }
      }));
    };

    register(CommandId.refresh, () => this.requireHost()?.refresh());
    register(CommandId.compareRuns, (arg?: unknown) => this.compare(arg));
    register(CommandId.compareSelected, (node?: RunsTreeNode, selection?: RunsTreeNode[]) => {
      const nodes = selection?.length ? selection : node ? [node] : [...(this.treeView?.selection ?? [])];
      return this.compare(runIdsOf(nodes));
    });
    register(CommandId.copyRunId, async (node?: RunsTreeNode) => {
      const id = node?.kind === 'run' ? node.run.id : (await this.pickRuns(false))?.[0];
      if (id) {
        await vscode.env.clipboard.writeText(id);
        vscode.window.setStatusBarMessage(`Copied run id ${id}`, 3000);
      }
    });
    register(CommandId.revealSource, (node?: RunsTreeNode) => this.revealSource(node));
    register(CommandId.openExample, () => this.openExample());
    register(CommandId.runPythonFile, (uri?: vscode.Uri) => runPythonFile(this.context.extensionUri, this.trialbookDir, uri instanceof vscode.Uri ? uri : undefined));
    register(CommandId.installSdk, () => installSdk(this.context.extensionUri));
    register(CommandId.rebuildDatabase, () => this.rebuild());
    register(CommandId.showLog, () => this.channel.show());
  }

  private requireHost(): IndexHost | undefined {
    if (!this.host) {
      void vscode.window.showInformationMessage('Trialbook: open a folder first; runs are tracked in its .trialbook folder.');
    }
    return this.host;
  }

  private async compare(arg: unknown): Promise<void> {
    const host = this.requireHost();
    if (!host) return;
    let runIds = Array.isArray(arg) && arg.every((v) => typeof v === 'string') ? (arg as string[]) : undefined;
    if (!runIds || runIds.length === 0) {
      runIds = await this.pickRuns(true);
    }
    if (!runIds || runIds.length === 0) return;
    ComparePanel.create(this.panelContext(host), runIds);
  }

  /** A quick pick of runs, newest first; for comparing, the three newest are preselected. */
  private async pickRuns(many: boolean): Promise<string[] | undefined> {
    const host = this.requireHost();
    if (!host) return undefined;
    await host.refresh();
    const runs = (await host.get()).listRuns({ sort: '-started' });
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('Trialbook: no runs yet. Run a script that calls trialbook.init() first.', 'Open Example Script')
        .then((choice) => choice && vscode.commands.executeCommand(CommandId.openExample));
      return undefined;
    }
    const now = Date.now();
    const items = runs.map((run, i): vscode.QuickPickItem & { id: string } => ({
      id: run.id,
      label: run.name,
      description: `${run.experiment} · ${run.status} · ${formatAge(run.startedAt, now)}`,
      detail: paramsLine(run),
      picked: many && i < 3,
    }));
    if (many) {
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Compare Runs', placeHolder: 'Runs to compare (the newest are selected)', matchOnDescription: true, matchOnDetail: true });
      return picked?.map((p) => p.id);
    }
    const picked = await vscode.window.showQuickPick(items, { title: 'Pick a run', matchOnDescription: true });
    return picked ? [picked.id] : undefined;
  }

  private async revealSource(node?: RunsTreeNode): Promise<void> {
    if (node?.kind !== 'run') return;
    const target = node.run.notebook ?? node.run.script;
    if (!target || !existsSync(target)) {
      void vscode.window.showWarningMessage(`Trialbook: the source of run "${node.run.name}" is not on this machine${target ? ` (${target})` : ''}.`);
      return;
    }
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(target));
  }

  private async openExample(): Promise<void> {
    const source = vscode.Uri.joinPath(this.context.extensionUri, 'examples', 'train.py');
    const text = Buffer.from(await vscode.workspace.fs.readFile(source)).toString('utf8');
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: text });
    await vscode.window.showTextDocument(doc);
  }

  private async rebuild(): Promise<void> {
    const host = this.requireHost();
    if (!host) return;
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Trialbook: rebuilding the database from the run logs', cancellable: false },
      async (progress) => {
        let last = 0;
        return host.rebuild((done, total) => {
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
      trialbookDir: () => this.trialbookDir,
      refresh: async () => {
        await this.host?.refresh();
      },
      runsTree: async () => (this.tree ? this.tree.snapshot() : []),
      comparePanels: () => ComparePanel.infos(),
    };
  }

  async close(): Promise<void> {
    ComparePanel.disposeAll();
    await this.host?.close();
    this.dispose();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function runIdsOf(nodes: readonly RunsTreeNode[]): string[] {
  const ids: string[] = [];
  for (const node of nodes) {
    if (node.kind === 'run') ids.push((node as RunNode).run.id);
    else ids.push(...node.runs.map((r) => r.id));
  }
  return [...new Set(ids)];
}

function paramsLine(run: RunRow): string {
  return Object.entries(run.params).slice(0, 6).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('  ');
}
