// Alerts where a user sees them: a notification that ends (once per new alerting batch), an entry in the
// Problems panel on the batch's line of the monitoring run's log (the evidence), and a status bar item while any
// version is in alert. Each leads to the version's dashboard or to the log line.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeFinding, type MonitoredVersion } from '../../core/monitoring/monitorStatus';
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
  private readonly subscription: vscode.Disposable;
  /** The status bar text while shown. */
  private shown: string | undefined;
  /** What the last notification said (for the tests' API). */
  lastNotification: string | undefined;

  constructor(state: MonitoringState, private readonly trialbookDir: string) {
    this.item.name = 'Trialbook: model alerts';
    this.subscription = state.onDidChange((versions) => this.update(versions));
  }

  update(versions: readonly MonitoredVersion[]): void {
    this.updateProblems(versions);
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

  private updateProblems(versions: readonly MonitoredVersion[]): void {
    this.diagnostics.clear();
    for (const v of versions) {
      const batch = v.latest;
      if (!batch || batch.alerts.length === 0) continue;
      const line = Math.max(0, batch.line - 1);
      const entries = batch.alerts.map((f) => {
        const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, 0),
          `${versionLabel(v)}: ${describeFinding(f)} (batch ${batch.index}, ${new Date(batch.timestamp * 1000).toISOString().slice(0, 10)})`,
          f.level === 'alert' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        d.source = 'Trialbook monitoring';
        d.code = f.kind;
        return d;
      });
      this.diagnostics.set(this.logUri(v), entries);
    }
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
    this.subscription.dispose();
    this.diagnostics.dispose();
    this.item.dispose();
  }
}
