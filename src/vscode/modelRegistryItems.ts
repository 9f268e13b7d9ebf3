// The registered part of the Models view: models → versions (stage, latest reason) → gates, pushes and history, and
// each model's timeline (who/when/why). Labels and descriptions are plain text; tooltips are plain strings (never
// Markdown), so reasons, names and stages typed by people or runs stay inert.
import * as vscode from 'vscode';
import { describeWho } from '../core/lifecycle/identity';
import type { GateResult } from '../core/lifecycle/gateEval';
import type { HistoryItem, ModelState, ModelVersionState } from '../core/lifecycle/modelState';
import type { LogEntry, LogProblem } from '../core/lifecycle/transitionLog';
import { describeTransition } from '../core/lifecycle/transitionText';
import { formatAge, formatDate } from '../shared/format';
import { CommandId } from './commandIds';

export type RegistryNode =
  | { kind: 'registered'; model: ModelState }
  | { kind: 'version'; version: ModelVersionState }
  | { kind: 'gates'; version: ModelVersionState; results: GateResult[] }
  | { kind: 'gate'; version: ModelVersionState; result: GateResult }
  | { kind: 'history'; owner: string; items: HistoryItem[] }
  | { kind: 'event'; owner: string; item: HistoryItem }
  | { kind: 'versionPush'; version: ModelVersionState; entry: LogEntry }
  | { kind: 'logProblem'; problem: LogProblem };

export function eventTooltip(item: HistoryItem): string {
  const e = item.entry;
  return [
    `${e.model} v${e.version}: ${describeTransition(e)}`,
    `Who: ${describeWho(e.who)}`,
    `When: ${formatDate(Date.parse(e.at))}`,
    `Why: ${e.reason}`,
    ...(item.correctedReason !== undefined ? [`Corrected reason: ${item.correctedReason}`] : []),
    ...(e.override ? [`Failing gates overridden (${e.override.gates.join(', ')}): ${e.override.reason}`] : []),
    ...(e.reference ? [`Reference: ${e.reference}`] : []),
    ...(e.alert ? [`Monitoring run ${e.alert.run}, batch ${e.alert.batch} (${formatDate(e.alert.timestamp * 1000)})`] : []),
    `models.jsonl line ${item.line}`,
  ].join('\n');
}

const STATUS_ICON: Record<GateResult['status'], [string, string]> = {
  pass: ['pass', 'testing.iconPassed'], fail: ['error', 'testing.iconFailed'], missing: ['question', 'testing.iconFailed'], error: ['warning', 'problemsWarningIcon.foreground'],
};

export function registryChildren(node: RegistryNode, gates: (v: ModelVersionState) => GateResult[]): RegistryNode[] {
  switch (node.kind) {
    case 'registered':
      return [...node.model.versions.slice().reverse().map((version) => ({ kind: 'version' as const, version })), { kind: 'history', owner: node.model.name, items: node.model.history }];
    case 'version': {
      const v = node.version;
      return [
        { kind: 'gates', version: v, results: gates(v) },
        ...v.pushes.slice().reverse().map((entry) => ({ kind: 'versionPush' as const, version: v, entry })),
        { kind: 'history', owner: `${v.model}@v${v.version}`, items: v.history },
      ];
    }
    case 'gates': return node.results.map((result) => ({ kind: 'gate', version: node.version, result }));
    case 'history': return node.items.slice().reverse().map((item) => ({ kind: 'event', owner: node.owner, item }));
    default: return [];
  }
}

export function registryTreeItem(node: RegistryNode, now: number): vscode.TreeItem {
  const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;
  switch (node.kind) {
    case 'registered': {
      const m = node.model;
      const item = new vscode.TreeItem(m.name, Expanded);
      item.id = `registered:${m.name}`;
      const stages = m.versions.filter((v) => v.stage !== 'archived' && v.stage !== 'candidate').map((v) => `${v.stage} v${v.version}`);
      item.description = `${m.versions.length} version${m.versions.length === 1 ? '' : 's'}${stages.length ? ` · ${stages.join(', ')}` : ''}`;
      item.iconPath = new vscode.ThemeIcon('versions');
      item.contextValue = 'registeredModel';
      return item;
    }
    case 'version': {
      const v = node.version;
      const item = new vscode.TreeItem(`v${v.version}`, v.stage === 'archived' ? Collapsed : Expanded);
      item.id = `version:${v.model}@${v.version}`;
      item.description = `${v.stage} · ${v.latestReason}`;
      item.tooltip = `${v.model} v${v.version}\nStage: ${v.stage}\nRun: ${v.runId}\nArtifact: ${v.artifact}${v.sha256 ? `\nsha256 ${v.sha256}` : ''}${v.replaces !== undefined ? `\nReplaces v${v.replaces}` : ''}\nLatest reason: ${v.latestReason}`;
      item.iconPath = new vscode.ThemeIcon(v.stage === 'production' ? 'rocket' : v.stage === 'archived' ? 'archive' : 'tag');
      item.contextValue = 'modelVersion';
      return item;
    }
    case 'gates': {
      const bad = node.results.filter((r) => r.status !== 'pass').length;
      const item = new vscode.TreeItem('Gates', node.results.length ? (bad ? Expanded : Collapsed) : None);
      item.id = `gates:${node.version.model}@${node.version.version}`;
      item.description = node.results.length === 0 ? 'none defined' : bad ? `${bad} of ${node.results.length} failing` : `${node.results.length} passing`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = 'modelGates';
      return item;
    }
    case 'gate': {
      const r = node.result;
      const item = new vscode.TreeItem(r.gate.name, None);
      item.id = `gate:${node.version.model}@${node.version.version}/${r.gate.name}`;
      item.description = r.status === 'pass' ? 'passed' : r.status;
      item.tooltip = `${r.gate.rule}\n${r.message}\n(from ${r.gate.origin === 'file' ? '.trialbook/gates.json' : 'the trialbook.gates setting'})`;
      const [icon, color] = STATUS_ICON[r.status];
      item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
      item.contextValue = 'modelGate';
      return item;
    }
    case 'history': {
      const item = new vscode.TreeItem('History', Collapsed);
      item.id = `history:${node.owner}`;
      item.description = `${node.items.length} transition${node.items.length === 1 ? '' : 's'}`;
      item.iconPath = new vscode.ThemeIcon('history');
      return item;
    }
    case 'event': {
      const e = node.item.entry;
      const item = new vscode.TreeItem(`v${e.version} ${describeTransition(e)}`, None);
      item.id = `event:${node.owner}:${node.item.line}`;
      item.description = `${describeWho(e.who)} · ${formatAge(Date.parse(e.at), now)} · ${node.item.correctedReason ?? e.reason}`;
      item.tooltip = eventTooltip(node.item);
      item.iconPath = e.action === 'alert' ? new vscode.ThemeIcon('bell', new vscode.ThemeColor('problemsErrorIcon.foreground'))
        : new vscode.ThemeIcon(e.override ? 'warning' : 'circle-small-filled');
      item.contextValue = e.action === 'alert' ? 'modelAlert' : 'modelEvent';
      // An alert leads to its evidence: the version's monitoring dashboard.
      if (e.action === 'alert') item.command = { command: CommandId.openMonitoring, title: 'Open Monitoring Dashboard', arguments: [{ model: e.model, version: String(e.version) }] };
      return item;
    }
    case 'versionPush': {
      const e = node.entry;
      const item = new vscode.TreeItem(e.reference ?? e.registry ?? 'push', None);
      item.id = `versionPush:${node.version.model}@${node.version.version}:${e.at}:${e.reference ?? ''}`;
      item.description = `${e.stage ?? ''} · ${formatAge(Date.parse(e.at), now)}`;
      item.tooltip = `Pushed to ${e.registry ?? '?'}\n${e.reference ?? ''}\nWhy: ${e.reason}\nWho: ${describeWho(e.who)}\n${e.at}`;
      item.iconPath = new vscode.ThemeIcon('cloud-upload');
      return item;
    }
    case 'logProblem': {
      const item = new vscode.TreeItem(node.problem.kind === 'chain' ? 'Transition log tampered with' : 'Transition log line skipped', None);
      item.id = `logProblem:${node.problem.line}:${node.problem.kind}`;
      item.description = node.problem.message;
      item.tooltip = `.trialbook/models.jsonl: ${node.problem.message}`;
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      return item;
    }
  }
}
