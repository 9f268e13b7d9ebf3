import * as vscode from 'vscode';
import type { IndexHost } from './indexHost';
import { ViewId } from './commandIds';
import { inertText } from '../shared/untrustedText';

/** "2 running" while runs are active; hidden otherwise. Clicking it opens the Runs view. */
export class RunningStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('trialbook.running', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: IndexHost) {
    this.item.name = 'Trialbook: running runs';
    this.item.command = `${ViewId.runs}.focus`;
    this.subscription = host.onDidChange(() => this.update());
  }

  update(): void {
    const index = this.host.peek();
    const running = index ? index.listRuns({ filter: 'status = running' }) : [];
    if (running.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(loading~spin) ${running.length} running`;
    this.item.tooltip = `Trialbook: ${running.slice(0, 10).map((r) => inertText(r.name)).join(', ')}${running.length > 10 ? '…' : ''}`;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
