import * as vscode from 'vscode';
import * as path from 'node:path';
import { sdkPath, trackingEnvironment } from './terminalEnvironment';

/** The Python extension's selected interpreter, when that extension is installed. */
async function selectedInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
  const python = vscode.extensions.getExtension<{ environments?: { getActiveEnvironmentPath(r?: vscode.Uri): { path: string } } }>('ms-python.python');
  if (!python) return undefined;
  try {
    const api = python.isActive ? python.exports : await python.activate();
    return api.environments?.getActiveEnvironmentPath(resource).path;
  } catch {
    return undefined;
  }
}

function shellQuote(value: string): string {
  return process.platform === 'win32' ? `"${value.replace(/"/g, '""')}"` : `'${value.replace(/'/g, `'\\''`)}'`;
}

async function pickInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
  const fromExtension = await selectedInterpreter(resource);
  const defaultPython = process.platform === 'win32' ? 'python' : 'python3';
  return vscode.window.showInputBox({
    title: 'Install the Trialbook Python SDK',
    prompt: fromExtension
      ? 'Interpreter to install into (from the Python extension\'s selection)'
      : 'Interpreter to install into: a python executable path or command (the Python extension is not installed, so it cannot be picked for you)',
    value: fromExtension ?? defaultPython,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Name a Python interpreter, e.g. python3 or /path/to/venv/bin/python'),
  });
}

/** pip-installs the SDK bundled with the extension into a chosen interpreter, in a visible terminal. */
export async function installSdk(extensionUri: vscode.Uri, interpreterPath?: string): Promise<void> {
  const interpreter = interpreterPath ?? await pickInterpreter(vscode.window.activeTextEditor?.document.uri);
  if (!interpreter) return;
  const terminal = vscode.window.createTerminal({ name: 'Trialbook: Install SDK' });
  terminal.show();
  terminal.sendText(`${shellQuote(interpreter.trim())} -m pip install --upgrade ${shellQuote(sdkPath(extensionUri))}`);
}

/** Runs the active Python file in a terminal with the SDK on its path and this workspace's .trialbook. */
export async function runPythonFile(extensionUri: vscode.Uri, trialbookDir: string | undefined, uri?: vscode.Uri): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || path.extname(target.fsPath) !== '.py') {
    void vscode.window.showWarningMessage('Trialbook: open a Python file first, then run "Run Python File with Tracking".');
    return;
  }
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
  if (doc?.isDirty) await doc.save();
  const interpreter = (await selectedInterpreter(target)) ?? (process.platform === 'win32' ? 'python' : 'python3');
  const terminal = vscode.window.createTerminal({
    name: `Trialbook: ${path.basename(target.fsPath)}`,
    cwd: path.dirname(target.fsPath),
    env: trackingEnvironment(extensionUri, trialbookDir),
  });
  terminal.show();
  terminal.sendText(`${shellQuote(interpreter)} ${shellQuote(target.fsPath)}`);
}
