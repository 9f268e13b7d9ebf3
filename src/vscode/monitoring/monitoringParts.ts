// Monitoring in the editor, built once with the folder: the scanned state, the Monitoring view, the alerts
// (notification, Problems, status bar) and the dashboards. WorkspaceParts creates it with one call.
import * as vscode from 'vscode';
import type { Logger } from '../../core/model';
import type { IndexHost } from '../indexHost';
import type { LifecycleHost } from '../lifecycleHost';
import { MonitoringAlerts } from './monitoringAlerts';
import { monitoringViewId } from './monitoringIds';
import { MonitoringPanels } from './monitoringPanel';
import { MonitoringState } from './monitoringState';
import { MonitoringTreeProvider } from './monitoringTree';

export class MonitoringParts implements vscode.Disposable {
  readonly state: MonitoringState;
  readonly tree: MonitoringTreeProvider;
  readonly alerts: MonitoringAlerts;
  readonly panels: MonitoringPanels;
  private readonly disposables: vscode.Disposable[];

  constructor(extensionUri: vscode.Uri, host: IndexHost, lifecycle: LifecycleHost, log: Logger) {
    this.state = new MonitoringState(host, log);
    this.tree = new MonitoringTreeProvider(this.state);
    this.alerts = new MonitoringAlerts(this.state, lifecycle, log);
    this.panels = new MonitoringPanels({ extensionUri, log, state: this.state, trialbookDir: host.trialbookDir });
    this.disposables = [
      this.panels, this.alerts, this.tree, this.state,
      vscode.window.createTreeView(monitoringViewId, { treeDataProvider: this.tree, showCollapseAll: true }),
    ];
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
