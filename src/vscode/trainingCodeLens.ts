import * as vscode from 'vscode';
import type { IndexHost } from './indexHost';
import { bestOf } from './runFormat';
import { formatNumber } from '../shared/format';
import { inertText } from '../shared/untrustedText';
import { CommandId, ViewId } from './commandIds';

/** Above `trialbook.init(` in a Python file: "12 runs · best val_acc 0.93" and "Compare". */
export class TrainingCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: IndexHost, private keyMetric: string) {
    this.subscription = host.onDidChange(() => this.changeEmitter.fire());
  }

  /** `trialbook.keyMetric` changed: "best …" names another metric. */
  setKeyMetric(keyMetric: string): void {
    if (keyMetric === this.keyMetric) return;
    this.keyMetric = keyMetric;
    this.changeEmitter.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (document.uri.scheme !== 'file') return [];
    const text = document.getText();
    const pattern = /\btrialbook\.init\s*\(/g;
    const positions: vscode.Position[] = [];
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) positions.push(document.positionAt(m.index));
    if (positions.length === 0) return [];
    const index = await this.host.get();
    const runs = index.listRuns({ sort: '-started' }).filter((r) => r.script === document.uri.fsPath);
    const lenses: vscode.CodeLens[] = [];
    for (const position of positions) {
      const range = new vscode.Range(position, position);
      if (runs.length === 0) {
        lenses.push(new vscode.CodeLens(range, { title: 'Trialbook: no runs from this file yet', command: CommandId.runPythonFile, arguments: [document.uri], tooltip: 'Run this file with tracking' }));
        continue;
      }
      const best = bestOf(runs, this.keyMetric);
      const running = runs.filter((r) => r.status === 'running').length;
      const title = [`${runs.length} run${runs.length === 1 ? '' : 's'}`, running ? `${running} running` : '', best ? `best ${inertText(best.metric)} ${formatNumber(best.value)}` : '']
        .filter(Boolean).join(' · ');
      lenses.push(new vscode.CodeLens(range, { title, command: `${ViewId.runs}.focus`, tooltip: 'Show the Trialbook runs view' }));
      lenses.push(new vscode.CodeLens(range, { title: 'Compare', command: CommandId.compareRuns, arguments: [runs.map((r) => r.id)], tooltip: `Compare the ${runs.length} runs of this file` }));
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
