// The MLflow sources' registered models in the Models view: model → versions, read only and marked as MLflow's
// (the description says which store; nothing offers a change). A version opens the run it was registered from.
// Labels, descriptions and tooltips are plain strings (never Markdown): names, tags and sources come from the store.
import * as vscode from 'vscode';
import type { SourceModelVersion, SourceRegisteredModel } from '../../core/sources/sourceRegistry';
import { SOURCE_KIND_NAMES } from '../../core/sources/sourceModel';

export type SourceModelNode =
  | { kind: 'sourceModel'; model: SourceRegisteredModel }
  | { kind: 'sourceModelVersion'; model: SourceRegisteredModel; version: SourceModelVersion };

export function isSourceModelNode(node: { kind: string }): node is SourceModelNode {
  return node.kind === 'sourceModel' || node.kind === 'sourceModelVersion';
}

export function sourceModelChildren(node: SourceModelNode): SourceModelNode[] {
  if (node.kind !== 'sourceModel') return [];
  return [...node.model.versions].reverse().map((version) => ({ kind: 'sourceModelVersion', model: node.model, version }));
}

export function sourceModelTreeItem(node: SourceModelNode): vscode.TreeItem {
  const from = `${SOURCE_KIND_NAMES[node.model.kind]} ${node.model.root}`;
  if (node.kind === 'sourceModel') {
    const m = node.model;
    const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `source-model:${m.kind}:${m.root}:${m.name}`;
    item.description = `MLflow registry · read only · ${m.versions.length} version${m.versions.length === 1 ? '' : 's'}`;
    item.tooltip = [
      `Registered model "${m.name}" in ${from}`, 'Read only: it is MLflow\'s; change it with MLflow.',
      ...(m.description ? [`Description: ${m.description}`] : []), ...m.tags.map(([k, v]) => `Tag ${k}: ${v}`),
    ].join('\n');
    item.iconPath = new vscode.ThemeIcon('lock');
    item.contextValue = 'sourceModel';
    return item;
  }
  const v = node.version;
  const item = new vscode.TreeItem(`v${v.version}`, vscode.TreeItemCollapsibleState.None);
  item.id = `source-model-version:${node.model.kind}:${node.model.root}:${node.model.name}:${v.version}`;
  item.description = [v.stage && v.stage !== 'None' ? v.stage : '', ...v.aliases.map((a) => `@${a}`), v.status].filter(Boolean).join(' · ');
  item.tooltip = [
    `${node.model.name} v${v.version} (MLflow, read only)`, `Status: ${v.status}`, `Stage: ${v.stage}`,
    ...(v.aliases.length > 0 ? [`Aliases: ${v.aliases.join(', ')}`] : []), ...(v.runId ? [`Run: ${v.runId}`] : []), `Source: ${v.source}`, `From ${from}`,
  ].join('\n');
  item.iconPath = new vscode.ThemeIcon('versions');
  item.contextValue = 'sourceModelVersion';
  if (v.mirrorRunId) item.command = { command: 'trialbook.openRun', title: 'Open Run', arguments: [v.mirrorRunId] };
  return item;
}
