// The Monitoring view: each monitored model version with its status (ok / warning / alert / no data), and under
// it what its latest reliable batch found. Clicking either opens the version's dashboard.
import * as vscode from 'vscode';
import { describeFinding, type MonitoredVersion } from '../../core/monitoring/monitorStatus';
import { formatDate } from '../../shared/format';
import { MonitoringCommandId } from './monitoringIds';
import type { MonitoringState } from './monitoringState';

export type MonitoringNode =
  | { kind: 'version'; version: MonitoredVersion }
  | { kind: 'finding'; version: MonitoredVersion; text: string; level: 'warning' | 'alert' | 'note'; index: number };

const ICONS = new Map([
  ['alert', new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))],
  ['warning', new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))],
  ['ok', new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))],
  ['no data', new vscode.ThemeIcon('circle-outline')],
  ['note', new vscode.ThemeIcon('info')],
]);

export function versionLabel(v: { model: string; version: string }): string {
  return `${v.model} v${v.version}`;
}

export class MonitoringTreeProvider implements vscode.TreeDataProvider<MonitoringNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<MonitoringNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly state: MonitoringState) {
    this.subscription = state.onDidChange(() => this.emitter.fire(undefined));
  }

  getChildren(node?: MonitoringNode): MonitoringNode[] {
    if (!node) {
      const versions = this.state.versions;
      void vscode.commands.executeCommand('setContext', 'trialbook.hasMonitoring', versions.length > 0);
      return versions.map((version) => ({ kind: 'version', version }));
    }
    if (node.kind !== 'version') return [];
    const { version } = node;
    const out: MonitoringNode[] = (version.latest?.alerts ?? []).map((f, index) => ({ kind: 'finding', version, text: describeFinding(f), level: f.level, index }));
    if (version.run.reference === undefined) {
      out.push({ kind: 'finding', version, text: version.run.referenceProblem ?? 'no reference profile: performance only', level: 'note', index: out.length });
    }
    return out;
  }

  getTreeItem(node: MonitoringNode): vscode.TreeItem {
    const { version } = node;
    const open: vscode.Command = { command: MonitoringCommandId.open, title: 'Open Monitoring Dashboard', arguments: [{ model: version.model, version: version.version }] };
    if (node.kind === 'version') {
      const hasChildren = (version.latest?.alerts.length ?? 0) > 0 || version.run.reference === undefined;
      const item = new vscode.TreeItem(versionLabel(version), hasChildren ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.id = `monitoring:${JSON.stringify([version.model, version.version])}`;
      const when = version.latest ? ` · ${formatDate(version.latest.timestamp * 1000)}` : '';
      item.description = `${version.status}${when} · ${version.run.batches.length} batches`;
      item.tooltip = `${versionLabel(version)}: ${version.status}\nmonitoring run ${version.run.runId}${version.run.trainingRun ? `\ntraining run ${version.run.trainingRun}` : ''}`;
      item.iconPath = ICONS.get(version.status);
      item.contextValue = 'monitoredVersion';
      item.command = open;
      return item;
    }
    const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    item.id = `monitoring:${JSON.stringify([version.model, version.version])}:${node.index}`;
    item.iconPath = ICONS.get(node.level);
    item.tooltip = node.text;
    item.command = open;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
