import * as vscode from 'vscode';
import type { Artifact, PushRecord, RunDetail } from '../core/model';
import type { RunIndex } from '../core/runIndex';
import type { IndexHost } from './indexHost';
import { formatAge, formatBytes } from '../shared/format';

export type ModelsNode =
  | { kind: 'run'; run: RunDetail; models: Artifact[] }
  | { kind: 'model'; run: RunDetail; artifact: Artifact }
  | { kind: 'push'; run: RunDetail; artifact: Artifact; push: PushRecord };


/** Runs with the models they logged (artifacts of type "model"), newest run first. */
export function modelRuns(index: RunIndex): Array<{ run: RunDetail; models: Artifact[] }> {
  const out: Array<{ run: RunDetail; models: Artifact[] }> = [];
  for (const id of index.runsWithArtifacts('model')) {
    const run = index.getRun(id);
    const models = run?.artifacts.filter((a) => a.type === 'model') ?? [];
    if (run && models.length) out.push({ run, models });
  }
  return out;
}

/** The Models view: runs → their models → the pushes of each model. */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ModelsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: IndexHost) {
    this.subscription = host.onDidChange((report) => {
      if (report.changed.length || report.removed.length) this.changeEmitter.fire(undefined);
    });
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  async getChildren(node?: ModelsNode): Promise<ModelsNode[]> {
    if (!node) {
      const index = await this.host.get();
      const runs = modelRuns(index);
      void vscode.commands.executeCommand('setContext', 'trialbook.hasModels', runs.length > 0);
      return runs.map(({ run, models }) => ({ kind: 'run', run, models }));
    }
    if (node.kind === 'run') return node.models.map((artifact) => ({ kind: 'model', run: node.run, artifact }));
    if (node.kind === 'model') {
      return node.run.pushes.filter((p) => p.artifact === node.artifact.name).sort((a, b) => b.at - a.at)
        .map((push) => ({ kind: 'push', run: node.run, artifact: node.artifact, push }));
    }
    return [];
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    if (node.kind === 'run') {
      const item = new vscode.TreeItem(node.run.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `models-run:${node.run.id}`;
      item.description = `${node.run.experiment} · ${node.run.status}`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = 'modelRun';
      return item;
    }
    if (node.kind === 'model') {
      const pushes = node.run.pushes.filter((p) => p.artifact === node.artifact.name).length;
      const item = new vscode.TreeItem(node.artifact.name, pushes ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `model:${node.run.id}:${node.artifact.name}`;
      item.description = `${formatBytes(node.artifact.size)}${pushes ? ` · pushed ${pushes}×` : ''}`;
      item.tooltip = `${node.artifact.path}\nsha256 ${node.artifact.sha256}${node.artifact.files ? `\n${node.artifact.files} files` : ''}`;
      item.iconPath = new vscode.ThemeIcon('package');
      item.contextValue = 'model';
      return item;
    }
    const item = new vscode.TreeItem(node.push.reference, vscode.TreeItemCollapsibleState.None);
    item.id = `push:${node.run.id}:${node.artifact.name}:${node.push.at}:${node.push.reference}`;
    item.description = `${node.push.user ? `${node.push.user} · ` : ''}${formatAge(node.push.at, Date.now())}`;
    item.tooltip = `Pushed to ${node.push.registry}\n${node.push.reference}${node.push.version ? `\nversion ${node.push.version}` : ''}\n${new Date(node.push.at).toISOString()}`;
    item.iconPath = new vscode.ThemeIcon('cloud-upload');
    item.contextValue = 'push';
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
