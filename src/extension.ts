import * as vscode from 'vscode';
import * as path from 'node:path';
import { TrialbookExtension } from './vscode/trialbookExtension';
import type { TrialbookApi } from './vscode/testApi';

let extension: TrialbookExtension | undefined;

export function activate(context: vscode.ExtensionContext): TrialbookApi {
  const started = performance.now();
  const startedAt = Date.now();
  const folder = vscode.workspace.workspaceFolders?.[0];
  const trialbookDir = folder && folder.uri.scheme === 'file' ? path.join(folder.uri.fsPath, '.trialbook') : undefined;
  extension = new TrialbookExtension(context, trialbookDir);
  context.subscriptions.push(extension);
  extension.activateMs = performance.now() - started;
  extension.activatedAt = startedAt;
  return extension.api();
}

export async function deactivate(): Promise<void> {
  // Saves the database one last time (writes are otherwise debounced).
  await extension?.close();
  extension = undefined;
}
