import * as vscode from 'vscode';
import type { Credentials } from '../core/registry/types';
import { inertText } from '../shared/untrustedText';

/** Asks for an MLflow login (username and password, or a bearer token); undefined when the user cancels a step. */
export async function askMlflowLogin(server: string): Promise<Credentials | undefined> {
  const kind = await vscode.window.showQuickPick([
    { label: 'Username and password', value: 'basic' as const }, { label: 'Token', description: 'a bearer token (MLFLOW_TRACKING_TOKEN)', value: 'token' as const },
  ], { title: `Login for ${inertText(server)}` });
  if (!kind) return undefined;
  if (kind.value === 'token') {
    const token = await vscode.window.showInputBox({ title: 'Token', password: true, ignoreFocusOut: true });
    return token ? { kind: 'token', token } : undefined;
  }
  const username = await vscode.window.showInputBox({ title: 'Username', ignoreFocusOut: true });
  if (!username) return undefined;
  const password = await vscode.window.showInputBox({ title: 'Password', password: true, ignoreFocusOut: true });
  return password === undefined ? undefined : { kind: 'basic', username, password };
}
