// Problems of `.trialbook/gates.json` as diagnostics in the editor: a rule's syntax error at its column, JSON errors
// and wrong shapes where they are. Follows the document as it is typed, and the file on disk when it is not open.
import * as vscode from 'vscode';
import { promises as fsp } from 'node:fs';
import { readGatesText } from '../core/lifecycle/gatesFile';
import type { LifecycleHost } from './lifecycleHost';

export class GateDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('trialbook-gates');
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly lifecycle: LifecycleHost) {
    const uri = vscode.Uri.file(lifecycle.gatesPath);
    const isGates = (doc: vscode.TextDocument): boolean => doc.uri.scheme === 'file' && doc.uri.fsPath === uri.fsPath;
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((doc) => { if (isGates(doc)) this.show(doc.getText(), doc); }),
      vscode.workspace.onDidChangeTextDocument((e) => { if (isGates(e.document)) this.show(e.document.getText(), e.document); }),
      lifecycle.onDidChange(() => void this.update()),
    );
    void this.update();
  }

  /** From the open document if there is one, else from the file. */
  async update(): Promise<void> {
    const uri = vscode.Uri.file(this.lifecycle.gatesPath);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === uri.fsPath);
    if (doc) { this.show(doc.getText(), doc); return; }
    const text = await fsp.readFile(uri.fsPath, 'utf8').catch(() => '');
    this.show(text);
  }

  private show(text: string, doc?: vscode.TextDocument): void {
    const uri = vscode.Uri.file(this.lifecycle.gatesPath);
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
    const at = (offset: number): vscode.Position => {
      if (doc) return doc.positionAt(offset);
      let line = 0;
      while (line + 1 < lineStarts.length && (lineStarts[line + 1] ?? Infinity) <= offset) line++;
      return new vscode.Position(line, offset - (lineStarts[line] ?? 0));
    };
    const diagnostics = readGatesText(text).problems.map((p) => {
      const d = new vscode.Diagnostic(new vscode.Range(at(p.start), at(Math.max(p.end, p.start + 1))), p.message, vscode.DiagnosticSeverity.Error);
      d.source = 'Trialbook gates';
      return d;
    });
    this.collection.set(uri, diagnostics);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
