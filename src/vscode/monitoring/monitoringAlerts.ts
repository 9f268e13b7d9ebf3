// Alerts where a user sees them: a notification that ends (once per new alerting batch), an entry in the
// Problems panel on the model's gates (or its transition log entries; the batch in the monitoring run's log is the
// related evidence), and a status bar item while any version is in alert. A registered version's alert is also
// recorded in the transition log, once per batch, so a retraining can say which alert it answers.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { alertRecord, problemAnchor, registeredVersion, type ProblemAnchor } from '../../core/monitoring/alertLink';
import { GATES_FILE } from '../../core/lifecycle/gatesFile';
import { LOG_FILE } from '../../core/lifecycle/transitionLog';
import { describeFinding, type MonitoredVersion } from '../../core/monitoring/monitorStatus';
import { errorMessage } from '../../shared/errorMessage';
import type { Logger } from '../../core/model';
import type { LifecycleHost } from '../lifecycleHost';
import { inertText } from '../../shared/untrustedText';
import { MonitoringCommandId } from './monitoringIds';
import type { MonitoringState } from './monitoringState';
import { versionLabel } from './monitoringTree';

const SHOW = 'Show Evidence';

/** The batches already announced in this window: one notification per new alerting batch, not per scan. */
function alertKey(v: MonitoredVersion): string | undefined {
  return v.status === 'alert' && v.latest ? JSON.stringify([v.run.runId, v.latest.index, v.latest.timestamp]) : undefined;
}

export class MonitoringAlerts implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('trialbook-monitoring');
  private readonly item = vscode.window.createStatusBarItem('trialbook.monitoring', vscode.StatusBarAlignment.Left, 49);
  private readonly announced = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];
  private last: readonly MonitoredVersion[] = [];
  /** The status bar text while shown. */
  private shown: string | undefined;
  /** What the last notification said (for the tests' API). */
  lastNotification: string | undefined;

  /** The last update's recording and Problems work (tests wait for it). */
  private settled: Promise<void> = Promise.resolve();

  constructor(state: MonitoringState, private readonly lifecycle: LifecycleHost, private readonly log: Logger) {
    this.item.name = 'Trialbook: model alerts';
    this.subscriptions = [
      state.onDidChange((versions) => this.update(versions)),
      // A version registered (or gates edited) after its alert was seen: record it and move its Problems entry.
      lifecycle.onDidChange(() => this.settle(this.last)),
    ];
  }

  private settle(versions: readonly MonitoredVersion[]): void {
    this.settled = this.settled.then(() => this.recordAndShowProblems(versions)).catch((err: unknown) => {
      this.log.warn(`Monitoring alerts: ${errorMessage(err)}`);
    });
  }

  private get trialbookDir(): string {
    return this.lifecycle.trialbookDir;
  }

  update(versions: readonly MonitoredVersion[]): void {
    this.last = versions;
    this.settle(versions);
    const alerting = versions.filter((v) => v.status === 'alert');
    this.updateStatusBar(alerting);
    const fresh = alerting.filter((v) => {
      const key = alertKey(v);
      return key !== undefined && !this.announced.has(key);
    });
    for (const v of fresh) {
      const key = alertKey(v);
      if (key !== undefined) this.announced.add(key);
    }
    const first = fresh[0];
    if (!first) return;
    const lines = (first.latest?.alerts ?? []).filter((f) => f.level === 'alert').map(describeFinding);
    const more = fresh.length > 1 ? ` (and ${fresh.length - 1} more model version${fresh.length > 2 ? 's' : ''})` : '';
    const message = `Trialbook: ${inertText(versionLabel(first))} is in alert: ${inertText(lines.slice(0, 3).join('; '))}${lines.length > 3 ? '…' : ''}${more}`;
    this.lastNotification = message;
    // Not modal: it ends by itself into the notification centre.
    void vscode.window.showWarningMessage(message, SHOW).then((choice) => {
      if (choice === SHOW) void vscode.commands.executeCommand(MonitoringCommandId.open, { model: first.model, version: first.version });
    });
  }

  private logUri(v: MonitoredVersion): vscode.Uri {
    return vscode.Uri.file(path.join(this.trialbookDir, 'runs', v.run.runId, 'events.jsonl'));
  }

  /** Records new alerts of registered versions in the transition log, then places each finding in Problems. */
  private async recordAndShowProblems(versions: readonly MonitoredVersion[]): Promise<void> {
    const lc = await this.lifecycle.lifecycle();
    let registry = await lc.registry();
    let recorded = false;
    for (const v of versions) {
      const record = alertRecord(v);
      const registered = registeredVersion(registry, v);
      if (!record || !registered) continue;
      if (await lc.recordAlert(registered.model, registered.version, record)) recorded = true;
    }
    if (recorded) {
      registry = await lc.registry();
      this.lifecycle.changed();
    }
    const { gates, text } = await lc.readGates();
    const byFile = new Map<string, { uri: vscode.Uri; entries: vscode.Diagnostic[] }>();
    for (const v of versions) {
      const batch = v.latest;
      if (!batch || batch.alerts.length === 0) continue;
      const { uri, range } = this.place(problemAnchor(v, registry, gates), v, text);
      const evidence = new vscode.Location(this.logUri(v), new vscode.Position(Math.max(0, batch.line - 1), 0));
      const entries = batch.alerts.map((f) => {
        const d = new vscode.Diagnostic(range,
          `${versionLabel(v)}: ${describeFinding(f)} (batch ${batch.index}, ${new Date(batch.timestamp * 1000).toISOString().slice(0, 10)})`,
          f.level === 'alert' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        d.source = 'Trialbook monitoring';
        d.code = f.kind;
        d.relatedInformation = [new vscode.DiagnosticRelatedInformation(evidence, `batch ${batch.index} in monitoring run ${v.run.runId}`)];
        return d;
      });
      const key = uri.toString();
      const slot = byFile.get(key);
      if (slot) slot.entries.push(...entries); else byFile.set(key, { uri, entries });
    }
    this.diagnostics.clear();
    for (const { uri, entries } of byFile.values()) this.diagnostics.set(uri, entries);
  }

  private place(anchor: ProblemAnchor, v: MonitoredVersion, gatesText: string): { uri: vscode.Uri; range: vscode.Range } {
    if (anchor.file === 'gates') {
      const before = gatesText.slice(0, anchor.offset);
      const line = before.split('\n').length - 1;
      const column = anchor.offset - (before.lastIndexOf('\n') + 1);
      return { uri: vscode.Uri.file(path.join(this.trialbookDir, GATES_FILE)), range: new vscode.Range(line, column, line, column + 1) };
    }
    const uri = anchor.file === 'models' ? vscode.Uri.file(path.join(this.trialbookDir, LOG_FILE)) : this.logUri(v);
    return { uri, range: new vscode.Range(anchor.line, anchor.column, anchor.line, anchor.column) };
  }

  /** Resolves once the recording and Problems work of every update so far is done. */
  whenSettled(): Promise<void> {
    return this.settled;
  }

  private updateStatusBar(alerting: readonly MonitoredVersion[]): void {
    const first = alerting[0];
    if (!first) {
      this.item.hide();
      this.shown = undefined;
      return;
    }
    this.item.text = alerting.length === 1 ? `$(error) ${inertText(versionLabel(first))}: alert` : `$(error) ${alerting.length} model alerts`;
    this.item.tooltip = `Trialbook monitoring: ${alerting.map((v) => inertText(versionLabel(v))).join(', ')} in alert. Click for the evidence.`;
    this.item.command = { command: MonitoringCommandId.open, title: 'Open Monitoring Dashboard', arguments: [{ model: first.model, version: first.version }] };
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    this.item.show();
    this.shown = this.item.text;
  }

  /** For the tests' API: what the status bar says now (undefined when hidden), and the problems per log. */
  info(): { statusBar: string | undefined; problems: Array<{ file: string; line: number; message: string }> } {
    const problems: Array<{ file: string; line: number; message: string }> = [];
    this.diagnostics.forEach((uri, entries) => {
      for (const d of entries) problems.push({ file: uri.fsPath, line: d.range.start.line + 1, message: d.message });
    });
    return { statusBar: this.shown, problems };
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.diagnostics.dispose();
    this.item.dispose();
  }
}
