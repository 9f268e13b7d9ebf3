// The Datasets view: each dataset the runs used → its versions (by content hash) → the runs that used each version →
// the models those runs logged. Every label is run-supplied text, shown as plain text (no Markdown tooltips).
import * as vscode from 'vscode';
import type { DatasetGroup, DatasetRunUse, DatasetVersion } from '../core/model';
import { formatAge, formatBytes, formatCount } from '../shared/format';
import { CommandId, ViewId } from './commandIds';
import type { IndexHost } from './indexHost';

export type DatasetsNode =
  | { kind: 'dataset'; group: DatasetGroup }
  | { kind: 'version'; group: DatasetGroup; version: DatasetVersion }
  | { kind: 'run'; group: DatasetGroup; version: DatasetVersion; use: DatasetRunUse }
  | { kind: 'model'; use: DatasetRunUse; version: DatasetVersion; model: string };

/** What a user sees in the view, fully expanded (the integration tests read it). */
export interface DatasetsSnapshot {
  name: string;
  description: string;
  versions: Array<{ label: string; description: string; runs: Array<{ runId: string; label: string; description: string; models: string[] }> }>;
}

export function versionLabel(v: DatasetVersion): string {
  if (v.sha256 !== undefined) return v.sha256.slice(0, 12);
  if (v.status === 'remote') return v.version;
  return v.status === 'missing' ? 'missing (path did not exist)' : 'unknown (not fully hashed)';
}

export function versionDescription(v: DatasetVersion): string {
  const parts: string[] = [];
  if (v.size !== undefined) parts.push(formatBytes(v.size));
  if (v.files !== undefined) parts.push(`${formatCount(v.files)} files`);
  if (v.rows !== undefined) parts.push(`${formatCount(v.rows)} rows`);
  if (v.columns !== undefined) parts.push(`${formatCount(v.columns.length)} columns`);
  if (v.status === 'unreadable') parts.push('some files unreadable');
  parts.push(`${formatCount(v.runs.length)} run${v.runs.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

function versionTooltip(v: DatasetVersion): string {
  const lines = [v.sha256 !== undefined ? `sha256 ${v.sha256}` : versionLabel(v), ...v.sources.map((s) => `from ${s}`)];
  if (v.columns?.length) lines.push(`columns: ${v.columns.slice(0, 30).join(', ')}${v.columns.length > 30 ? ', …' : ''}`);
  return lines.join('\n');
}

export class DatasetsTreeProvider implements vscode.TreeDataProvider<DatasetsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<DatasetsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: IndexHost) {
    this.subscription = host.onDidChange((report) => {
      if (report.changed.length || report.removed.length) this.changeEmitter.fire(undefined);
    });
  }

  async getChildren(node?: DatasetsNode): Promise<DatasetsNode[]> {
    if (!node) {
      const groups = (await this.host.get()).datasets();
      void vscode.commands.executeCommand('setContext', 'trialbook.hasDatasets', groups.length > 0);
      return groups.map((group) => ({ kind: 'dataset', group }));
    }
    if (node.kind === 'dataset') return node.group.versions.map((version) => ({ kind: 'version', group: node.group, version }));
    if (node.kind === 'version') return node.version.runs.map((use) => ({ kind: 'run', group: node.group, version: node.version, use }));
    if (node.kind === 'run') return node.use.models.map((model) => ({ kind: 'model', use: node.use, version: node.version, model }));
    return [];
  }

  getTreeItem(node: DatasetsNode): vscode.TreeItem {
    const now = Date.now();
    switch (node.kind) {
      case 'dataset': {
        const runs = new Set(node.group.versions.flatMap((v) => v.runs.map((r) => r.runId))).size;
        const item = new vscode.TreeItem(node.group.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `dataset:${node.group.name}`;
        item.description = `${formatCount(node.group.versions.length)} version${node.group.versions.length === 1 ? '' : 's'} · ${formatCount(runs)} run${runs === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('database');
        item.contextValue = 'dataset';
        return item;
      }
      case 'version': {
        const item = new vscode.TreeItem(versionLabel(node.version), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `dataset-version:${node.group.name}:${node.version.version}`;
        item.description = versionDescription(node.version);
        item.tooltip = versionTooltip(node.version);
        item.iconPath = new vscode.ThemeIcon(node.version.sha256 !== undefined ? 'versions' : 'question');
        item.contextValue = 'datasetVersion';
        return item;
      }
      case 'run': {
        const item = new vscode.TreeItem(node.use.runName, node.use.models.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `dataset-run:${node.group.name}:${node.version.version}:${node.use.runId}`;
        item.description = [node.use.experiment, node.use.context, formatAge(node.use.startedAt, now)].filter(Boolean).join(' · ');
        item.tooltip = `run ${node.use.runId}${node.use.models.length ? `\nmodels: ${node.use.models.join(', ')}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.contextValue = 'datasetRun';
        item.command = { title: 'Open Run', command: CommandId.openRun, arguments: [node.use.runId] };
        return item;
      }
      case 'model': {
        const item = new vscode.TreeItem(node.model, vscode.TreeItemCollapsibleState.None);
        item.id = `dataset-model:${node.version.version}:${node.use.runId}:${node.model}`;
        item.description = 'model';
        item.iconPath = new vscode.ThemeIcon('package');
        item.contextValue = 'datasetModel';
        return item;
      }
    }
  }

  /** The view fully expanded, as text. */
  async snapshot(): Promise<DatasetsSnapshot[]> {
    const out: DatasetsSnapshot[] = [];
    for (const node of await this.getChildren()) {
      if (node.kind !== 'dataset') continue;
      const item = this.getTreeItem(node);
      out.push({
        name: node.group.name, description: String(item.description ?? ''),
        versions: node.group.versions.map((version) => ({
          label: versionLabel(version), description: versionDescription(version),
          runs: version.runs.map((use) => ({ runId: use.runId, label: use.runName, description: String(this.getTreeItem({ kind: 'run', group: node.group, version, use }).description ?? ''), models: [...use.models] })),
        })),
      });
    }
    return out;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

/** The provider and its view, disposed together. */
export function registerDatasetsView(host: IndexHost): { provider: DatasetsTreeProvider; disposable: vscode.Disposable } {
  const provider = new DatasetsTreeProvider(host);
  const view = vscode.window.createTreeView(ViewId.datasets, { treeDataProvider: provider, showCollapseAll: true });
  return { provider, disposable: vscode.Disposable.from(view, provider) };
}
