import * as vscode from 'vscode';
import * as path from 'node:path';

/** The event-format version this extension reads; the SDK warns when it writes another. */
export const supportedFormatVersion = 1;

/**
 * Integrated terminals get the bundled SDK on PYTHONPATH and the workspace's .trialbook as TRIALBOOK_DIR,
 * so `import trialbook` works with no pip install.
 */
export function applyTerminalEnvironment(context: vscode.ExtensionContext, trialbookDir: string | undefined): void {
  const env = context.environmentVariableCollection;
  env.clear();
  env.description = 'Trialbook: the bundled Python SDK on PYTHONPATH and this workspace\'s .trialbook folder as TRIALBOOK_DIR';
  env.prepend('PYTHONPATH', sdkPath(context.extensionUri) + path.delimiter);
  env.replace('TRIALBOOK_FORMAT_VERSION', String(supportedFormatVersion));
  if (trialbookDir) {
    env.replace('TRIALBOOK_DIR', trialbookDir);
  }
}

export function sdkPath(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'sdk', 'python').fsPath;
}

/** Environment for a terminal or process started by the extension itself. */
export function trackingEnvironment(extensionUri: vscode.Uri, trialbookDir: string | undefined): Record<string, string> {
  const existing = process.env.PYTHONPATH;
  return {
    PYTHONPATH: existing ? `${sdkPath(extensionUri)}${path.delimiter}${existing}` : sdkPath(extensionUri),
    TRIALBOOK_FORMAT_VERSION: String(supportedFormatVersion),
    ...(trialbookDir ? { TRIALBOOK_DIR: trialbookDir } : {}),
  };
}
