import * as vscode from 'vscode';
import type { Artifact, PushRecord, RunDetail } from '../core/model';
import type { RunIndex } from '../core/runIndex';
import type { IndexHost } from './indexHost';
import { formatAge, formatBytes } from '../shared/format';
import { evaluateGates, type GateResult } from '../core/lifecycle/gateEval';
import { gatesFor, type GateDefinition } from '../core/lifecycle/gatesFile';
import type { ModelVersionState } from '../core/lifecycle/modelState';
import type { LifecycleHost } from './lifecycleHost';
import { registryChildren, registryTreeItem, type RegistryNode } from './modelRegistryItems';
import type { SourceRegisteredModel } from '../core/sources/sourceRegistry';
import { isSourceModelNode, sourceModelChildren, sourceModelTreeItem, type SourceModelNode } from './sources/sourceModelItems';

export type ModelsNode =
  | { kind: 'run'; run: RunDetail; models: Artifact[] }
  | { kind: 'model'; run: RunDetail; artifact: Artifact }
  | { kind: 'push'; run: RunDetail; artifact: Artifact; push: PushRecord }
  | RegistryNode
  | SourceModelNode;


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

/**
 * The Models view: problems of the transition log, registered models (→ versions → gates, pushes, history), then runs
 * → their logged models → the pushes of each model.
 */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ModelsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  private readonly lifecycleSubscription: vscode.Disposable | undefined;
  /** Gate results of the last listing, by `model@version`. */
  private gateResults = new Map<string, GateResult[]>();
  /** Runs the last listing showed or evaluated gates on: only their changes (or a new model) re-list the view. */
  private shownRuns = new Set<string>();
  private registeredRuns: string[] = [];
  /** How many times the view was told to list again (the integration tests count them). */
  relists = 0;

  /** The MLflow sources' registered models (read only), set once the sources are followed. */
  sourceModels: (() => Promise<SourceRegisteredModel[]>) | undefined;

  constructor(private readonly host: IndexHost, private readonly lifecycle?: LifecycleHost) {
    this.subscription = host.onDidChange((report) => void this.onIndexChange(report.changed, report.removed));
    this.changeEmitter.event(() => this.relists++);
    this.lifecycleSubscription = lifecycle?.onDidChange(() => this.changeEmitter.fire(undefined));
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /**
   * Re-lists only when the change touches what the view shows. A re-list drops VS Code's handles of the tree's items
   * until it is done, and a context-menu command on a version picked in that window gets no argument: with runs
   * logging elsewhere in the workspace, every poll would open that window.
   */
  private async onIndexChange(changed: readonly string[], removed: readonly string[]): Promise<void> {
    if (!changed.length && !removed.length) return;
    if (removed.some((id) => this.shownRuns.has(id)) || changed.some((id) => this.shownRuns.has(id))) {
      this.changeEmitter.fire(undefined);
      return;
    }
    const withModels = new Set((await this.host.get()).runsWithArtifacts('model'));
    if (changed.some((id) => withModels.has(id))) this.changeEmitter.fire(undefined);
  }

  async getChildren(node?: ModelsNode): Promise<ModelsNode[]> {
    if (!node) {
      const index = await this.host.get();
      const runs = modelRuns(index);
      const registered = await this.registered(index);
      const fromSources = (await this.sourceModels?.() ?? []).map((model): ModelsNode => ({ kind: 'sourceModel', model }));
      this.shownRuns = new Set([...runs.map(({ run }) => run.id), ...this.registeredRuns]);
      void vscode.commands.executeCommand('setContext', 'trialbook.hasModels', runs.length > 0 || registered.length > 0 || fromSources.length > 0);
      return [...registered, ...fromSources, ...runs.map(({ run, models }): ModelsNode => ({ kind: 'run', run, models }))];
    }
    if (isSourceModelNode(node)) return sourceModelChildren(node);
    if (node.kind !== 'run' && node.kind !== 'model' && node.kind !== 'push') return registryChildren(node, (v) => this.gateResults.get(`${v.model}@${v.version}`) ?? []);
    if (node.kind === 'run') return node.models.map((artifact) => ({ kind: 'model', run: node.run, artifact }));
    if (node.kind === 'model') {
      return node.run.pushes.filter((p) => p.artifact === node.artifact.name).sort((a, b) => b.at - a.at)
        .map((push) => ({ kind: 'push', run: node.run, artifact: node.artifact, push }));
    }
    return [];
  }

  /** Log problems and registered models, with each version's gates evaluated on its run now. */
  private async registered(index: RunIndex): Promise<ModelsNode[]> {
    if (!this.lifecycle) return [];
    const registry = await this.lifecycle.registry();
    let gates: GateDefinition[] = [];
    try {
      gates = (await (await this.lifecycle.lifecycle()).readGates()).gates;
    } catch {
      gates = []; // an unreadable gates file is reported by its diagnostics
    }
    const results = new Map<string, GateResult[]>();
    const evaluate = (v: ModelVersionState): GateResult[] => evaluateGates(gatesFor(v.model, gates), index.getRun(v.runId));
    for (const m of registry.models) for (const v of m.versions) results.set(`${v.model}@${v.version}`, evaluate(v));
    this.gateResults = results;
    this.registeredRuns = registry.models.flatMap((m) => m.versions.map((v) => v.runId));
    return [
      ...registry.problems.map((problem): ModelsNode => ({ kind: 'logProblem', problem })),
      ...registry.models.map((model): ModelsNode => ({ kind: 'registered', model })),
    ];
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    if (isSourceModelNode(node)) return sourceModelTreeItem(node);
    if (node.kind !== 'run' && node.kind !== 'model' && node.kind !== 'push') return registryTreeItem(node, Date.now());
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
    this.lifecycleSubscription?.dispose();
    this.changeEmitter.dispose();
  }
}
